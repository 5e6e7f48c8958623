//! Timestamps read quickly from SQLite.
//!
//! SQLite keeps a timestamp as text ("2026-12-07 04:13:38.123456", Diesel's own format), and
//! Diesel reads it back with chrono's `parse_from_str`, which interprets its format string on
//! every value: about 1.3 µs each, a fifth of the CPU time a 25-row list page spends reading
//! its rows (perf, `/service-requests`). A field marked
//! `#[diesel(deserialize_as = Stamp)]` reads Diesel's format directly and falls back to
//! Diesel's parser for anything else; PostgreSQL sends timestamps as binary and is unchanged.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Timestamp;
use diesel::sqlite::Sqlite;

use super::connection::{MultiBackend, MultiRawValue};

/// A `Timestamp` column's value, read as [`NaiveDateTime`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct Stamp(pub NaiveDateTime);

impl From<Stamp> for NaiveDateTime {
    fn from(stamp: Stamp) -> Self {
        stamp.0
    }
}

impl FromSql<Timestamp, Sqlite> for Stamp {
    fn from_sql(mut raw: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        match parse_stored(raw.read_text()) {
            Some(at) => Ok(Stamp(at)),
            None => <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(raw).map(Stamp),
        }
    }
}

impl FromSql<Timestamp, Pg> for Stamp {
    fn from_sql(raw: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(raw).map(Stamp)
    }
}

/// Rows read through `AnyConnection` (rows locked `FOR UPDATE` are read on the backend's own
/// connection, hence the two impls above).
impl FromSql<Timestamp, MultiBackend> for Stamp {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Stamp, Timestamp>()
    }
}

/// "YYYY-MM-DD HH:MM:SS" with an optional fraction of up to nine digits, as Diesel writes
/// them on SQLite; `None` for any other shape (the caller then asks Diesel).
pub fn parse_stored(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
    if b.len() < 19 || separators.iter().any(|&(at, sep)| b[at] != sep) {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let value = num(20, b.len())?;
            value * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    let time = NaiveTime::from_hms_nano_opt(num(11, 13)?, num(14, 16)?, num(17, 19)?, nanos)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_reads(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%F %T%.f").expect("a stored timestamp")
    }

    #[test]
    fn reads_what_diesel_writes_exactly_as_chrono_does() {
        for text in [
            "2026-12-07 04:13:38",
            "2026-12-07 04:13:38.5",
            "2026-12-07 04:13:38.123456",
            "2026-12-07 04:13:38.123456789",
            "1999-01-01 00:00:00.000001",
            "2024-02-29 23:59:59.999999",
        ] {
            assert_eq!(parse_stored(text), Some(chrono_reads(text)), "{text}");
        }
    }

    #[test]
    fn leaves_every_other_shape_to_diesel() {
        for text in [
            "",
            "2026-12-07",
            "2026-12-07T04:13:38",
            "2026-12-07 04:13:38Z",
            "2026-12-07 04:13:38+02:00",
            "2026-12-07 04:13:38.",
            "2026-12-07 04:13:38.1234567890",
            "2026-13-07 04:13:38",
            "2026-02-30 04:13:38",
            "2026-12-07 24:13:38",
            "20x6-12-07 04:13:38",
            "2459000.5",
        ] {
            assert_eq!(parse_stored(text), None, "{text}");
        }
    }
}
