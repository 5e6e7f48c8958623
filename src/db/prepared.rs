//! Statements that stay prepared on their connection.
//!
//! Diesel prepares every `UPDATE`, raw `sql_query` and multi-row insert afresh on each call
//! (their text could change from one call to the next), so PostgreSQL parses and plans them
//! every time. On completion's path that planning alone cost 0.10–0.16 ms per `UPDATE` of a
//! table with many indexes (`pg_stat_statements` with `track_planning`). A [`Prepared`] is
//! text that never changes, with a `?` where each value goes: Diesel writes the backend's
//! placeholders (`$1` on PostgreSQL), keeps the statement in the connection's cache by its
//! text, and PostgreSQL soon runs it with a generic plan, planned once.
//!
//! The text must not hold a `?` of its own (in a string literal, say): every `?` takes the
//! next value. A count that does not match the values is an error, never a wrong statement.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::connection::Connection;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::result::{Error, QueryResult};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// Fixed SQL text and the values for its `?` placeholders, in order (a tuple of [`bind`]s).
/// Rows come back by name, as with `sql_query` (`QueryableByName`).
#[derive(Debug, Clone)]
pub struct Prepared<B> {
    sql: &'static str,
    binds: B,
}

/// `sql` with `binds` (a tuple of [`bind`] values, one per `?`).
pub fn prepared<B>(sql: &'static str, binds: B) -> Prepared<B> {
    Prepared { sql, binds }
}

/// Rows as one JSON array, for a statement that reads them with `jsonb_to_recordset`
/// (PostgreSQL) or `json_each` (SQLite): any number of rows, one fixed text.
pub fn json_rows<T: serde::Serialize>(rows: &[T]) -> Result<String, crate::db::DbError> {
    serde_json::to_string(rows).map_err(|e| {
        crate::db::DbError::Query(diesel::result::Error::SerializationError(Box::new(e)))
    })
}

/// Runs a statement written once for each database, with the same values in the same order
/// (SQL that differs between them, such as reading JSON rows).
pub fn execute_on_either<B>(
    conn: &mut crate::db::AnyConnection,
    postgres: &'static str,
    sqlite: &'static str,
    binds: B,
) -> Result<usize, crate::db::DbError>
where
    B: BindList<diesel::pg::Pg> + BindList<diesel::sqlite::Sqlite>,
{
    use crate::db::AnyConnection;
    Ok(match conn {
        AnyConnection::Postgresql(c) => prepared(postgres, binds).execute(c)?,
        AnyConnection::Sqlite(c) => prepared(sqlite, binds).execute(c)?,
    })
}

/// One value of SQL type `ST`.
#[derive(Debug, Clone)]
pub struct Bind<ST, T> {
    value: T,
    sql_type: PhantomData<ST>,
}

/// A value for the next `?`, as SQL type `ST`.
pub fn bind<ST, T>(value: T) -> Bind<ST, T> {
    Bind {
        value,
        sql_type: PhantomData,
    }
}

/// A tuple of [`Bind`]s: how many there are, and the n-th one written into a statement.
pub trait BindList<DB: Backend> {
    const LEN: usize;

    fn push<'b>(&'b self, n: usize, out: AstPass<'_, 'b, DB>) -> QueryResult<()>;
}

macro_rules! bind_list {
    ($len:expr; $($n:tt $st:ident $t:ident),+) => {
        impl<DB: Backend, $($st, $t),+> BindList<DB> for ($(Bind<$st, $t>,)+)
        where
            $(DB: HasSqlType<$st>, $t: ToSql<$st, DB>,)+
        {
            const LEN: usize = $len;

            fn push<'b>(&'b self, n: usize, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                match n {
                    $($n => out.push_bind_param::<$st, $t>(&self.$n.value),)+
                    _ => Err(mismatch()),
                }
            }
        }
    };
}

bind_list!(1; 0 S0 T0);
bind_list!(2; 0 S0 T0, 1 S1 T1);
bind_list!(3; 0 S0 T0, 1 S1 T1, 2 S2 T2);
bind_list!(4; 0 S0 T0, 1 S1 T1, 2 S2 T2, 3 S3 T3);
bind_list!(5; 0 S0 T0, 1 S1 T1, 2 S2 T2, 3 S3 T3, 4 S4 T4);
bind_list!(6; 0 S0 T0, 1 S1 T1, 2 S2 T2, 3 S3 T3, 4 S4 T4, 5 S5 T5);
bind_list!(7; 0 S0 T0, 1 S1 T1, 2 S2 T2, 3 S3 T3, 4 S4 T4, 5 S5 T5, 6 S6 T6);

fn mismatch() -> Error {
    Error::QueryBuilderError("a prepared statement's `?` count differs from its values".into())
}

impl<DB: Backend, B: BindList<DB>> QueryFragment<DB> for Prepared<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut pieces = self.sql.split('?');
        out.push_sql(pieces.next().unwrap_or_default());
        let mut placed = 0;
        for piece in pieces {
            self.binds.push(placed, out.reborrow())?;
            out.push_sql(piece);
            placed += 1;
        }
        if placed == B::LEN {
            Ok(())
        } else {
            Err(mismatch())
        }
    }
}

/// Its type does not tell its text apart, so Diesel caches it by its text, which is fixed.
impl<B> QueryId for Prepared<B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for Prepared<B> {
    type SqlType = Untyped;
}

impl<Conn: Connection, B> RunQueryDsl<Conn> for Prepared<B> {}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::prelude::*;
    use diesel::sql_types::{Integer, Text};
    use diesel::sqlite::Sqlite;

    use super::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Echo {
        #[diesel(sql_type = Integer)]
        n: i32,
        #[diesel(sql_type = Text)]
        word: String,
    }

    type EchoValues = (Bind<Integer, i32>, Bind<Text, &'static str>);

    fn statement() -> Prepared<EchoValues> {
        prepared(
            "SELECT ? + 1 AS n, ? AS word",
            (bind::<Integer, _>(41), bind::<Text, _>("spark plug")),
        )
    }

    #[test]
    fn writes_each_backends_placeholders_in_order() {
        let sql = diesel::debug_query::<Pg, _>(&statement()).to_string();
        assert!(sql.starts_with("SELECT $1 + 1 AS n, $2 AS word"), "{sql}");
        let sql = diesel::debug_query::<Sqlite, _>(&statement()).to_string();
        assert!(sql.starts_with("SELECT ? + 1 AS n, ? AS word"), "{sql}");
    }

    #[test]
    fn is_kept_prepared_where_sql_query_is_not() {
        assert!(statement().is_safe_to_cache_prepared(&Pg).unwrap_or(false));
        let raw = diesel::sql_query("SELECT 1");
        assert!(!raw.is_safe_to_cache_prepared(&Pg).unwrap_or(true));
    }

    #[test]
    fn runs_with_its_values_again_and_again() {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        for _ in 0..2 {
            let echo: Echo = statement().get_result(&mut conn).unwrap();
            assert_eq!(
                echo,
                Echo {
                    n: 42,
                    word: "spark plug".into()
                }
            );
        }
    }

    #[test]
    fn a_placeholder_without_its_value_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let short = prepared("SELECT ? AS n, ? AS word", (bind::<Integer, _>(1),));
        assert!(short.get_result::<Echo>(&mut conn).is_err());
        let long = prepared("SELECT 1 AS n", (bind::<Integer, _>(1),));
        assert!(long.execute(&mut conn).is_err());
    }
}
