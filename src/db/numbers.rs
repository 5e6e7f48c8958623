//! Display numbers for humans (SPEC §2): `SR-2026-0001`, `SALE-2026-0001`, `INV-2026-00001`,
//! counted per (prefix, year). The counter is bumped by one upsert inside the transaction that
//! creates the row, so a rollback gives the number back (no gaps) and two transactions never
//! get the same one (PostgreSQL locks the sequence row until commit; SQLite's writer lock does
//! the same).

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::{AnyConnection, DbError};

/// The kinds of numbered records and their zero-padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbered {
    Service,
    Sale,
    Invoice,
}

impl Numbered {
    fn prefix(self) -> &'static str {
        match self {
            Numbered::Service => "SR",
            Numbered::Sale => "SALE",
            Numbered::Invoice => "INV",
        }
    }

    fn width(self) -> usize {
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

const UPSERT_SQLITE: &str = "INSERT INTO display_number_sequences (prefix, year, last_value) \
     VALUES (?, ?, 1) ON CONFLICT (prefix, year) \
     DO UPDATE SET last_value = display_number_sequences.last_value + 1 RETURNING last_value";
const UPSERT_POSTGRES: &str = "INSERT INTO display_number_sequences (prefix, year, last_value) \
     VALUES ($1, $2, 1) ON CONFLICT (prefix, year) \
     DO UPDATE SET last_value = display_number_sequences.last_value + 1 RETURNING last_value";

/// Takes the next number of `kind` for `year`. Must run inside the creating transaction.
pub fn next_number(conn: &mut AnyConnection, kind: Numbered, year: i32) -> Result<String, DbError> {
    let next: Next = match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(UPSERT_SQLITE)
            .bind::<Text, _>(kind.prefix())
            .bind::<Integer, _>(year)
            .get_result(c)?,
        AnyConnection::Postgresql(c) => diesel::sql_query(UPSERT_POSTGRES)
            .bind::<Text, _>(kind.prefix())
            .bind::<Integer, _>(year)
            .get_result(c)?,
    };
    Ok(format!(
        "{}-{}-{:0width$}",
        kind.prefix(),
        year,
        next.last_value,
        width = kind.width()
    ))
}
