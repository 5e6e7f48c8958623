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
