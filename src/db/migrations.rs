//! Migrations are embedded per backend; the two folders carry the same names (a test checks it).

use diesel::RunQueryDsl;
use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbError;
use super::connection::AnyConnection;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations and returns the names of those applied, oldest first.
pub fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(names)
            .inspect(|_| refresh_sqlite_statistics(c)),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(names),
    };
    applied.map_err(|e| DbError::Migration(e.to_string()))
}

/// SQLite's planner combines indexes for an OR (a vehicle search) only with statistics:
/// `PRAGMA optimize` gathers them where missing or stale, reading a bounded sample of each
/// table, at every start. A failure only costs speed, so it is logged, not fatal.
///
/// The full-text indexes' shadow tables are left without statistics: figures taken while they
/// were nearly empty ("2 rows") make every later insert into them slower as they grow (100,000
/// customers took minutes instead of seconds). `ANALYZE sqlite_schema` makes this connection
/// read the statistics again; connections opened later read them as they are.
fn refresh_sqlite_statistics(conn: &mut diesel::SqliteConnection) {
    use diesel::connection::SimpleConnection;
    let refresh = "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";
    let forget_fts = "DELETE FROM sqlite_stat1 WHERE tbl GLOB 'customer*_search_*'; \
                      ANALYZE sqlite_schema;";
    let result = conn.batch_execute(refresh).and_then(|()| {
        let has_statistics: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1')",
        ))
        .get_result(conn)?;
        if has_statistics {
            conn.batch_execute(forget_fts)?;
        }
        Ok(())
    });
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not refresh SQLite planner statistics");
    }
}

/// Reverts every applied migration, newest first, and returns their names.
pub fn revert_all(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let reverted = match conn {
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(names),
        AnyConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(names),
    };
    reverted.map_err(|e| DbError::Migration(e.to_string()))
}

/// Names of the migrations embedded for each backend, for the test that keeps them in step.
pub fn embedded_names() -> Result<(Vec<String>, Vec<String>), DbError> {
    let list = |source: &EmbeddedMigrations, sqlite: bool| -> Result<Vec<String>, DbError> {
        let migrations = if sqlite {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(source)
                .map(|m| m.iter().map(|m| m.name().to_string()).collect())
        } else {
            MigrationSource::<diesel::pg::Pg>::migrations(source)
                .map(|m| m.iter().map(|m| m.name().to_string()).collect())
        };
        migrations.map_err(|e| DbError::Migration(e.to_string()))
    };
    Ok((
        list(&SQLITE_MIGRATIONS, true)?,
        list(&POSTGRES_MIGRATIONS, false)?,
    ))
}

/// Diesel reports versions (`20261124000001`); people read names (`2026-11-24-000001_accounts`).
fn names(versions: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    let known = embedded_names()
        .map(|(sqlite, _)| sqlite)
        .unwrap_or_default();
    versions
        .into_iter()
        .map(|v| {
            let version = v.to_string();
            known
                .iter()
                .find(|name| name.replace('-', "").starts_with(&version))
                .cloned()
                .unwrap_or(version)
        })
        .collect()
}
