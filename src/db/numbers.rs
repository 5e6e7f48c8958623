//! Display numbers for humans (SPEC §2): `SR-2026-0001`, `SALE-2026-0001`, `INV-2026-00001`,
//! counted per (prefix, year). The counter is bumped by one upsert inside the transaction that
//! creates the row, so a rollback gives the number back (no gaps) and two transactions never
//! get the same one (PostgreSQL locks the sequence row until commit; SQLite's writer lock does
//! the same).

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::prepared::{bind, prepared};
use super::{AnyConnection, DbError};

/// The kinds of numbered records and their zero-padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbered {
    Service,
    Sale,
    Invoice,
}

impl Numbered {
    pub(super) fn prefix(self) -> &'static str {
        match self {
            Numbered::Service => "SR",
            Numbered::Sale => "SALE",
            Numbered::Invoice => "INV",
        }
    }

    pub(super) fn width(self) -> usize {
        match self {
            Numbered::Invoice => 5,
            _ => 4,
        }
    }
}

#[derive(QueryableByName)]
struct Next {
    #[diesel(sql_type = Integer)]
    last_value: i32,
}

/// Bumps the (prefix, year) counter; kept prepared (db::prepared).
const UPSERT: &str = "INSERT INTO display_number_sequences (prefix, year, last_value) \
     VALUES (?, ?, 1) ON CONFLICT (prefix, year) \
     DO UPDATE SET last_value = display_number_sequences.last_value + 1 RETURNING last_value";

/// Takes the next number of `kind` for `year`. Must run inside the creating transaction.
pub fn next_number(conn: &mut AnyConnection, kind: Numbered, year: i32) -> Result<String, DbError> {
    let next: Next = prepared(
        UPSERT,
        (bind::<Text, _>(kind.prefix()), bind::<Integer, _>(year)),
    )
    .get_result(conn)?;
    Ok(format_number(kind, year, next.last_value))
}

/// `SR-2026-0042`: the prefix, the year and the count, zero-padded to the kind's width (and
/// longer once the count outgrows it).
fn format_number(kind: Numbered, year: i32, count: i32) -> String {
    format!(
        "{}-{}-{:0width$}",
        kind.prefix(),
        year,
        count,
        width = kind.width()
    )
}
