//! Customer search through an index, per backend (migration 000005): SQLite asks its FTS5
//! trigram table `customers_search`, PostgreSQL its pg_trgm GIN index. Both find any substring
//! of three or more characters of a name, the email or the phone, in any letter case, without
//! reading every customer. Words shorter than three characters have no trigram: SQLite checks
//! them with LIKE on the rows the index found (or, alone, row by row along the name index).

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::schema::customers;
use super::{AnyConnection, Backend, lower};

/// A boxed query over customers on either backend.
pub type CustomerQuery<'a> =
    customers::BoxedQuery<'a, <AnyConnection as diesel::Connection>::Backend>;

/// What the search box asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// Nothing: every customer.
    All,
    /// A phone number typed any way (`555 0134`, `(555) 013-4`, `0244 123 456`): its digits,
    /// found anywhere in the stored E.164 numbers (and nowhere else).
    PhoneDigits(String),
    /// Lower-cased words; each must appear in the first or last name, the email or the phone.
    Words(Vec<String>),
}

impl Search {
    pub fn parse(q: &str) -> Self {
        let q = q.trim();
        if q.is_empty() {
            return Self::All;
        }
        if let Some(digits) = phone_digits(q) {
            return Self::PhoneDigits(digits);
        }
        let words = q
            .split_whitespace()
            .map(|w| phone_digits(w).unwrap_or_else(|| w.to_lowercase()))
            .collect();
        Self::Words(words)
    }

    /// The one word searched for, when the search is a single word that is not a number.
    pub fn single_word(&self) -> Option<&str> {
        match self {
            Self::Words(words) if words.len() == 1 && phone_digits(&words[0]).is_none() => {
                Some(&words[0])
            }
            _ => None,
        }
    }

    /// Narrows `query` to the customers that match.
    pub fn apply<'a>(&self, query: CustomerQuery<'a>, backend: Backend) -> CustomerQuery<'a> {
        let words: Vec<String> = match self {
            Self::All => return query,
            Self::PhoneDigits(digits) => return phone_filter(query, digits, backend),
            Self::Words(words) => words.clone(),
        };
        match backend {
            Backend::Sqlite => sqlite_filter(query, words),
            Backend::Postgres => words.into_iter().fold(query, |query, word| {
                query.filter(
                    sql::<Bool>(POSTGRES_DOCUMENT)
                        .sql(" LIKE ")
                        .bind::<Text, _>(contains(&word)),
                )
            }),
        }
    }
}

/// A condition on customers, for either backend.
pub type CustomerCondition = Box<
    dyn BoxableExpression<
            customers::table,
            <AnyConnection as diesel::Connection>::Backend,
            SqlType = Bool,
        >,
>;

/// How exactly [`surname_starts_with`] holds to "starts with".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefix {
    /// Only the range of the `customers_name` index. Exact where text is ordered by code point
    /// (SQLite; PostgreSQL with the C or C.UTF-8 collation); a linguistic collation may let in
    /// a neighbour such as "Smi-th" for "smith". Fast: the planner sees one range.
    Range,
    /// The range, each row checked by LIKE as well. PostgreSQL then misjudges how many rows
    /// match (it multiplies the two conditions' selectivities) and sorts the whole range.
    Checked,
}

/// The lower-cased last name starts with `prefix` (lower-cased), as a range of the
/// `customers_name` index.
pub fn surname_starts_with(prefix: &str, how: Prefix) -> CustomerCondition {
    let surname = || lower(customers::last_name);
    let range = surname()
        .ge(prefix.to_owned())
        .and(surname().lt(format!("{prefix}\u{10FFFF}")));
    match how {
        Prefix::Range => Box::new(range),
        Prefix::Checked => {
            let mut starts = contains(prefix);
            starts.remove(0);
            Box::new(range.and(surname().like(starts).escape('\\')))
        }
    }
}

/// The text the PostgreSQL index covers: exactly the expression of `customers_search_trgm`,
/// or the planner cannot use it.
const POSTGRES_DOCUMENT: &str = "lower(customers.first_name || ' ' || customers.last_name || ' ' \
     || coalesce(customers.email, '') || ' ' || customers.phone)";

/// Customers whose phone holds `digits` (three or more), through the phone-only index.
fn phone_filter<'a>(query: CustomerQuery<'a>, digits: &str, backend: Backend) -> CustomerQuery<'a> {
    match backend {
        Backend::Sqlite => query.filter(
            sql::<Bool>(
                "customers.id IN (SELECT rowid FROM customer_phones_search \
                 WHERE customer_phones_search MATCH ",
            )
            .bind::<Text, _>(format!("\"{digits}\""))
            .sql(")"),
        ),
        Backend::Postgres => query.filter(customers::phone.like(contains(digits))),
    }
}

fn sqlite_filter(mut query: CustomerQuery<'_>, words: Vec<String>) -> CustomerQuery<'_> {
    let (indexed, short): (Vec<String>, Vec<String>) =
        words.into_iter().partition(|w| w.chars().count() >= 3);
    if !indexed.is_empty() {
        // Each word a quoted FTS5 phrase (quotes doubled), all required: no query syntax
        // of the user's reaches FTS5.
        let phrases: Vec<String> = indexed
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect();
        query = query.filter(
            sql::<Bool>(
                "customers.id IN (SELECT rowid FROM customers_search WHERE customers_search MATCH ",
            )
            .bind::<Text, _>(phrases.join(" "))
            .sql(")"),
        );
    }
    for word in short {
        let pattern = contains(&word);
        query = query.filter(
            lower(customers::first_name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(customers::last_name)
                    .like(pattern.clone())
                    .escape('\\'))
                .or(lower(customers::email.assume_not_null())
                    .like(pattern.clone())
                    .escape('\\'))
                .or(customers::phone.like(pattern).escape('\\')),
        );
    }
    query
}

/// A LIKE pattern for "contains `word`", its own `%`, `_` and `\` taken literally.
fn contains(word: &str) -> String {
    let mut pattern = String::with_capacity(word.len() + 2);
    pattern.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The digits of text that is nothing but a phone number, when there are three or more. A
/// national number's trunk `0` (or a `00` international prefix) is dropped: stored numbers
/// are E.164, without it.
fn phone_digits(text: &str) -> Option<String> {
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
    {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 3 {
        return None;
    }
    if digits.len() >= 8 && !text.trim_start().starts_with('+') {
        return Some(digits.trim_start_matches('0').to_owned());
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_typed_any_way_becomes_its_digits() {
        for (typed, digits) in [
            ("555 0134", "5550134"),
            ("(555) 013-4", "5550134"),
            ("+1 555 0134", "15550134"),
            ("0244 123 456", "244123456"),
            ("00233 244 123 456", "233244123456"),
            ("0134", "0134"),
        ] {
            assert_eq!(
                Search::parse(typed),
                Search::PhoneDigits(digits.into()),
                "{typed}"
            );
        }
    }

    #[test]
    fn other_text_is_lower_cased_words() {
        assert_eq!(
            Search::parse("  Abena OWU 555-01 "),
            Search::Words(vec!["abena".into(), "owu".into(), "55501".into()])
        );
        assert_eq!(Search::parse(" "), Search::All);
        assert_eq!(
            Search::parse("12"),
            Search::Words(vec!["12".into()]),
            "too short for digits"
        );
    }

    #[test]
    fn like_wildcards_in_a_word_are_taken_literally() {
        assert_eq!(contains(r"50%_a\b"), r"%50\%\_a\\b%");
    }
}
