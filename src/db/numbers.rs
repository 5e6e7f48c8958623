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
struct Taken {
    #[diesel(sql_type = Text)]
    display_number: String,
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

/// The counter upsert of [`UPSERT`] and the invoice's update in one statement, the number
/// formatted as [`format_number`] does (`lpad` alone would cut a sixth digit).
const NUMBER_INVOICE_POSTGRES: &str = "WITH taken AS ( \
     INSERT INTO display_number_sequences (prefix, year, last_value) VALUES (?, ?, 1) \
     ON CONFLICT (prefix, year) \
     DO UPDATE SET last_value = display_number_sequences.last_value + 1 \
     RETURNING prefix || '-' || year::text || '-' \
       || lpad(last_value::text, greatest(?, length(last_value::text)), '0') AS number) \
     UPDATE invoices SET display_number = taken.number FROM taken WHERE invoices.id = ? \
     RETURNING invoices.display_number";

/// Takes the next invoice number of `year` and gives it to the invoice `id`, which completion
/// inserted under a placeholder. From here to commit the year's counter row stays locked and
/// every other completion waits for it, so on PostgreSQL this is one statement (one round
/// trip) rather than two, and a prepared one.
pub fn number_invoice(conn: &mut AnyConnection, id: i32, year: i32) -> Result<String, DbError> {
    let kind = Numbered::Invoice;
    match conn {
        AnyConnection::Postgresql(c) => {
            let taken: Taken = prepared(
                NUMBER_INVOICE_POSTGRES,
                (
                    bind::<Text, _>(kind.prefix()),
                    bind::<Integer, _>(year),
                    bind::<Integer, _>(kind.width() as i32),
                    bind::<Integer, _>(id),
                ),
            )
            .get_result(c)?;
            Ok(taken.display_number)
        }
        AnyConnection::Sqlite(_) => {
            let number = next_number(conn, kind, year)?;
            super::invoices::set_display_number(conn, id, &number)?;
            Ok(number)
        }
    }
}

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
