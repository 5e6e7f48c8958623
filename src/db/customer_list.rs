//! The customer register, a page at a time, at a cost that does not grow with the number of
//! customers for the pages people use: by name the rows come in order from the
//! `customers_name` index (lower-cased last, first name); searches go through the search index
//! (`customer_search`); pages count ten pages ahead at most ([`Counting::Capped`]).

use diesel::dsl::not;
use diesel::prelude::*;

use super::customer_search::{CustomerQuery, Prefix, Search, surname_starts_with};
use super::customers::{CustomerRow, CustomerSort};
use super::paging::{Counting, Page, PageRequest};
use super::schema::customers;
use super::{AnyConnection, Backend, DbError, lower};

/// Customers matching `q` in name, phone or email (the walk-in is left out). By name, a
/// one-word search lists the customers whose last name starts with it first (see
/// [`surname_matches_first`]).
pub fn list_customers(
    conn: &mut AnyConnection,
    q: &str,
    sort: CustomerSort,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<CustomerRow>, DbError> {
    let search = Search::parse(q);
    let backend = conn.backend();
    let matching = || search.apply(not_walk_in(), backend);
    let (total, all_ids) = match counting {
        Counting::Exact if search == Search::All => (count_all(conn)?, None),
        Counting::Exact => (matching().count().get_result(conn)?, None),
        Counting::Capped => count_capped(conn, &search, &matching, page)?,
    };
    // When the count found every match, the page is read from those ids: the search index
    // is asked once per request, not twice.
    let from_ids =
        all_ids.map(|ids| move || not_walk_in().filter(customers::id.eq_any(ids.clone())));
    let matching: &dyn Fn() -> CustomerQuery<'static> = match &from_ids {
        Some(from_ids) => from_ids,
        None => &matching,
    };
    let items = match (sort, search.single_word()) {
        (CustomerSort::Newest, _) => {
            let newest = matching().order(customers::id.desc());
            load_page(conn, newest, page.offset(), page.size)?
        }
        (CustomerSort::Name, None) => {
            load_page(conn, by_name(matching()), page.offset(), page.size)?
        }
        (CustomerSort::Name, Some(word)) => surname_matches_first(conn, matching, word, page)?,
    };
    Ok(Page::new(page, items, total))
}

/// Counts matches up to the page's cap. A one-word search first counts the surname matches
/// (a range of the name index): when they alone reach the cap, the search index is not asked.
/// Returns the ids of every match too when there are fewer than the cap.
fn count_capped(
    conn: &mut AnyConnection,
    search: &Search,
    matching: &dyn Fn() -> CustomerQuery<'static>,
    page: PageRequest,
) -> Result<(i64, Option<Vec<i32>>), DbError> {
    let cap = page.count_cap();
    if let Some(word) = search.single_word() {
        // From the index alone, in its order so that reading stops at the cap: leaving the
        // walk-in out would read every row, and it is one row, so one more is counted.
        let surnames = by_name(customers::table.into_boxed())
            .filter(surname_starts_with(word, Prefix::Range))
            .select(customers::id)
            .limit(cap + 1)
            .load::<i32>(conn)?;
        if surnames.len() as i64 > cap {
            return Ok((cap, None));
        }
    }
    let ids: Vec<i32> = matching().select(customers::id).limit(cap).load(conn)?;
    let total = ids.len() as i64;
    let complete = total < cap && *search != Search::All;
    Ok((total, complete.then_some(ids)))
}

/// Every customer but the walk-in, in one query: SQLite counts a whole table from its
/// smallest index (a tenth of the time of counting the rows that are not the walk-in), and
/// the walk-in from its own partial index.
fn count_all(conn: &mut AnyConnection) -> Result<i64, DbError> {
    let (all, walk_ins) = diesel::select((
        customers::table.count().single_value(),
        // The bare column, not `= true`: only then does it match the partial index's WHERE.
        customers::table
            .filter(customers::is_walk_in)
            .count()
            .single_value(),
    ))
    .get_result::<(Option<i64>, Option<i64>)>(conn)?;
    Ok(all.unwrap_or(0) - walk_ins.unwrap_or(0))
}

fn not_walk_in<'a>() -> CustomerQuery<'a> {
    customers::table
        .filter(customers::is_walk_in.eq(false))
        .into_boxed()
}

fn by_name(query: CustomerQuery<'_>) -> CustomerQuery<'_> {
    query.order((
        lower(customers::last_name).asc(),
        lower(customers::first_name).asc(),
        customers::id.asc(),
    ))
}

fn load_page(
    conn: &mut AnyConnection,
    query: CustomerQuery<'_>,
    offset: i64,
    limit: i64,
) -> Result<Vec<CustomerRow>, DbError> {
    Ok(query
        .limit(limit)
        .offset(offset)
        .select(CustomerRow::as_select())
        .load(conn)?)
}

/// A one-word search by name: the customers whose last name starts with the word first, in
/// name order straight from the name index (a surname search shows the family at once, and
/// costs the same however common the name), then the other matches by name. Every such
/// customer matches the word, so the two parts are disjoint and together are all matches.
fn surname_matches_first(
    conn: &mut AnyConnection,
    matching: &dyn Fn() -> CustomerQuery<'static>,
    word: &str,
    page: PageRequest,
) -> Result<Vec<CustomerRow>, DbError> {
    let (items, from_range) = surname_matches_first_by(conn, matching, word, page, Prefix::Range)?;
    // Under a linguistic PostgreSQL collation the bare range may hold a name that does not
    // start with the word: then the page is read again with every row checked.
    let stray = items[..from_range]
        .iter()
        .any(|row| !row.last_name.to_lowercase().starts_with(word));
    if stray && conn.backend() == Backend::Postgres {
        let (items, _) = surname_matches_first_by(conn, matching, word, page, Prefix::Checked)?;
        return Ok(items);
    }
    Ok(items)
}

/// The page, and how many of its rows are surname matches (they come first).
fn surname_matches_first_by(
    conn: &mut AnyConnection,
    matching: &dyn Fn() -> CustomerQuery<'static>,
    word: &str,
    page: PageRequest,
    how: Prefix,
) -> Result<(Vec<CustomerRow>, usize), DbError> {
    let (offset, size) = (page.offset(), page.size);
    let surnames = || not_walk_in().filter(surname_starts_with(word, how));
    let mut items = load_page(conn, by_name(surnames()), offset, size)?;
    let from_range = items.len();
    let shown = from_range as i64;
    if shown == size {
        return Ok((items, from_range));
    }
    // How many surname matches came before this page: all of them end on it when it shows
    // some; otherwise count them, up to the offset.
    let surname_total = if shown > 0 || offset == 0 {
        offset + shown
    } else {
        surnames()
            .select(customers::id)
            .limit(offset)
            .load::<i32>(conn)?
            .len() as i64
    };
    let others = by_name(matching().filter(not(surname_starts_with(word, how))));
    items.extend(load_page(
        conn,
        others,
        (offset - surname_total).max(0),
        size - shown,
    )?);
    Ok((items, from_range))
}
