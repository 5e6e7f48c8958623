use diesel::prelude::*;
use workshop::db::migrations::{embedded_names, revert_all, run_pending};
use workshop::db::schema::{service_categories, service_types};
use workshop::db::{AnyConnection, Db};

use crate::helpers::{Backend, TestDatabase};
use crate::on_both_databases;

on_both_databases!(every_migration_goes_up_down_and_up_again);

fn folder_names(backend: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_backends_have_migrations_of_the_same_names() {
    let (sqlite, postgres) = (folder_names("sqlite"), folder_names("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let (embedded_sqlite, embedded_postgres) = embedded_names().unwrap();
    assert_eq!(embedded_sqlite, embedded_postgres);
    assert_eq!(embedded_sqlite.len(), sqlite.len());
}

fn seeded_counts(conn: &mut AnyConnection) -> (i64, i64) {
    let categories = service_categories::table.count().get_result(conn).unwrap();
    let types = service_types::table.count().get_result(conn).unwrap();
    (categories, types)
}

async fn every_migration_goes_up_down_and_up_again(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = workshop::config::DatabaseUrl::parse(&database.url).unwrap();
    let db = Db::connect(&url, 1).unwrap();
    let expected = folder_names("sqlite");

    let (up, down, up_again, seeds, first_category) = db
        .read(move |conn| {
            let up = run_pending(conn)?;
            let down = revert_all(conn)?;
            let up_again = run_pending(conn)?;
            let seeds = seeded_counts(conn);
            let first: String = service_categories::table
                .order(service_categories::position)
                .select(service_categories::name)
                .first(conn)?;
            Ok((up, down, up_again, seeds, first))
        })
        .await
        .unwrap();

    assert_eq!(up, expected);
    assert_eq!(down.len(), expected.len());
    assert_eq!(up_again, expected);
    assert_eq!(
        seeds,
        (5, 44),
        "the original's service categories and types are seeded"
    );
    assert_eq!(first_category, "Mechanical");
}

/// The statistics gathered at start never describe the full-text indexes' shadow tables (taken
/// while nearly empty, they would make every later insert into them slower as they grow).
#[tokio::test]
async fn start_up_statistics_leave_the_search_indexes_out() {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Named {
        #[diesel(sql_type = Text)]
        tbl: String,
    }
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (tables, all) = app
        .db
        .read(|c| {
            let AnyConnection::Sqlite(c) = c else {
                unreachable!("a SQLite test")
            };
            let all: Counted =
                diesel::sql_query("SELECT count(*) AS n FROM sqlite_stat1").get_result(c)?;
            let tables: Vec<Named> =
                diesel::sql_query("SELECT DISTINCT tbl FROM sqlite_stat1 ORDER BY tbl").load(c)?;
            Ok((tables.into_iter().map(|t| t.tbl).collect::<Vec<_>>(), all.n))
        })
        .await
        .unwrap();
    assert!(all > 0, "statistics were gathered: {tables:?}");
    assert!(
        tables.iter().all(|t| !t.contains("_search_")),
        "no shadow table of the search indexes: {tables:?}"
    );
}
