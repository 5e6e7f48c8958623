use diesel::dsl::count;
use diesel::prelude::*;
use workshop::config::DatabaseUrl;
use workshop::db::schema::{
    customers, inventory, inventory_transactions, mechanics, products, sites, users, vehicles,
};
use workshop::db::{AnyConnection, Db};
use workshop::domain::role::Role;

use crate::cli::{text, workshop};
use crate::helpers::{Backend, TestDatabase, new_client, spawn_app_on};
use crate::on_both_databases;

on_both_databases!(
    demo_fills_a_fresh_database_with_the_requested_sizes_and_every_role,
    demo_refuses_a_database_that_holds_data_and_changes_nothing,
);

const DEMO_PASSWORD: &str = "a demo password 42";

const SMALL: &[&str] = &[
    "demo",
    "--sites",
    "2",
    "--customers",
    "40",
    "--vehicles",
    "100",
    "--products",
    "15",
    "--mechanics-per-site",
    "2",
    "--jobs",
    "0",
    "--seed",
    "7",
    "--password",
    DEMO_PASSWORD,
];

/// Rows per table, in a fixed order: sites, users, mechanics, customers, vehicles, products,
/// inventory, inventory transactions.
fn counts(conn: &mut AnyConnection) -> [i64; 8] {
    [
        sites::table.count().get_result(conn).unwrap(),
        users::table.count().get_result(conn).unwrap(),
        mechanics::table.count().get_result(conn).unwrap(),
        customers::table.count().get_result(conn).unwrap(),
        vehicles::table.count().get_result(conn).unwrap(),
        products::table.count().get_result(conn).unwrap(),
        inventory::table.count().get_result(conn).unwrap(),
        inventory_transactions::table
            .count()
            .get_result(conn)
            .unwrap(),
    ]
}

async fn db_of(database: &TestDatabase) -> Db {
    Db::connect(&DatabaseUrl::parse(&database.url).unwrap(), 1).unwrap()
}

async fn demo_fills_a_fresh_database_with_the_requested_sizes_and_every_role(backend: Backend) {
    let database = TestDatabase::create(backend);
    let env = [("DATABASE_URL", database.url.as_str())];

    let output = workshop(SMALL, &env, None);

    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains(DEMO_PASSWORD), "{stdout}");
    assert!(stdout.contains("superuser@example.com"), "{stdout}");
    let db = db_of(&database).await;
    let (counts, checks) = db
        .read(|c| {
            let stocked: i64 = inventory::table
                .filter(inventory::quantity_on_hand.gt(0))
                .count()
                .get_result(c)?;
            Ok((counts(c), (stocked, data_checks(c))))
        })
        .await
        .unwrap();
    // 2 sites × (manager + advisor + 2 mechanics) + superuser + HQ = 10 logins.
    assert_eq!(counts[..7], [2, 10, 4, 40, 100, 15, 30]);
    let (stocked, checks) = checks;
    assert_eq!(counts[7], stocked, "one `in` movement per stocked row");
    assert_eq!(checks.distinct_plate_keys, 100);
    assert!(checks.plate_keys_normalised);
    assert_eq!(checks.roles, 5, "every role has a login");
    assert_eq!(checks.mechanic_logins_linked_at_their_site, 4);
    assert!(checks.vins_valid, "VINs are 17 characters without I, O, Q");
    assert!(checks.phones_e164, "phones are E.164 with the default +1");

    let app = spawn_app_on(database, &[]).await;
    for (email, role) in [
        ("superuser@example.com", Role::Superuser),
        ("mechanic2.1@example.com", Role::Mechanic),
    ] {
        let client = new_client();
        let signed_in = app.sign_in_as(&client, email, DEMO_PASSWORD).await;
        assert_eq!(signed_in.status(), 303, "{email}");
        let me: serde_json::Value = client
            .get(app.url("/api/v1/me/"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], role.as_str());
    }
}

struct DataChecks {
    distinct_plate_keys: i64,
    plate_keys_normalised: bool,
    roles: i64,
    mechanic_logins_linked_at_their_site: i64,
    vins_valid: bool,
    phones_e164: bool,
}

fn data_checks(c: &mut AnyConnection) -> DataChecks {
    let plates: Vec<(String, String, Option<String>)> = vehicles::table
        .select((vehicles::license_plate, vehicles::plate_key, vehicles::vin))
        .load(c)
        .unwrap();
    let phones: Vec<String> = customers::table.select(customers::phone).load(c).unwrap();
    DataChecks {
        distinct_plate_keys: vehicles::table
            .select(count(vehicles::plate_key).aggregate_distinct())
            .get_result(c)
            .unwrap(),
        plate_keys_normalised: plates.iter().all(|(plate, key, _)| {
            *key == plate.replace([' ', '-'], "").to_uppercase() && !key.is_empty()
        }),
        roles: users::table
            .select(count(users::role).aggregate_distinct())
            .get_result(c)
            .unwrap(),
        mechanic_logins_linked_at_their_site: users::table
            .inner_join(mechanics::table.on(users::mechanic_id.eq(mechanics::id.nullable())))
            .filter(users::role.eq("mechanic"))
            .filter(users::site_id.eq(mechanics::site_id.nullable()))
            .count()
            .get_result(c)
            .unwrap(),
        vins_valid: plates
            .iter()
            .filter_map(|(_, _, vin)| vin.as_ref())
            .all(|v| {
                v.len() == 17
                    && v.chars().all(|ch| {
                        ch.is_ascii_digit() || (ch.is_ascii_uppercase() && !"IOQ".contains(ch))
                    })
            }),
        phones_e164: phones.iter().all(|p| {
            p.starts_with("+1") && p.len() == 12 && p[1..].chars().all(|ch| ch.is_ascii_digit())
        }),
    }
}

async fn demo_refuses_a_database_that_holds_data_and_changes_nothing(backend: Backend) {
    let database = TestDatabase::create(backend);
    let env = [("DATABASE_URL", database.url.as_str())];
    let created = workshop(
        &[
            "createsuperuser",
            "--email",
            "owner@garage.test",
            "--name",
            "Owner",
            "--password-stdin",
        ],
        &env,
        Some("garage keys in the drawer\n"),
    );
    assert!(created.status.success(), "{}", text(&created.stderr));

    let refused = workshop(SMALL, &env, None);

    assert_eq!(refused.status.code(), Some(1));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("refusing to add demo data"), "{stderr}");
    assert!(stderr.contains("1 users"), "{stderr}");
    assert!(stderr.contains("fresh database"), "{stderr}");
    let db = db_of(&database).await;
    let after = db.read(|c| Ok(counts(c))).await.unwrap();
    assert_eq!(after, [0, 1, 0, 0, 0, 0, 0, 0], "nothing was added");
}

#[test]
fn a_second_demo_run_is_refused_and_the_same_seed_makes_the_same_data() {
    let first = TestDatabase::create(Backend::Sqlite);
    let second = TestDatabase::create(Backend::Sqlite);
    for database in [&first, &second] {
        let env = [("DATABASE_URL", database.url.as_str())];
        assert!(workshop(SMALL, &env, None).status.success());
    }
    let again = workshop(SMALL, &[("DATABASE_URL", first.url.as_str())], None);

    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("40 customers"));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let contents = |database: &TestDatabase| {
        runtime.block_on(async {
            let db = db_of(database).await;
            db.read(|c| {
                let people: Vec<(String, String, String)> = customers::table
                    .order(customers::id)
                    .select((
                        customers::first_name,
                        customers::last_name,
                        customers::phone,
                    ))
                    .load(c)?;
                let plates: Vec<String> = vehicles::table
                    .order(vehicles::id)
                    .select(vehicles::plate_key)
                    .load(c)?;
                Ok((counts(c), people, plates))
            })
            .await
            .unwrap()
        })
    };
    let (first_counts, first_people, first_plates) = contents(&first);
    let (_, second_people, second_plates) = contents(&second);
    assert_eq!(first_counts[3], 40, "the refused run added nothing");
    assert_eq!(first_people, second_people);
    assert_eq!(first_plates, second_plates);
}

#[test]
fn impossible_demo_options_are_refused_with_a_reason() {
    let database = TestDatabase::create(Backend::Sqlite);
    let env = [("DATABASE_URL", database.url.as_str())];
    let cases: [(&[&str], &str); 3] = [
        (
            &["demo", "--password", "short"],
            "--password: Use at least 10",
        ),
        (
            &["demo", "--customers", "0", "--vehicles", "5"],
            "--vehicles needs customers",
        ),
        (
            &["demo", "--sites", "0"],
            "--sites must be between 1 and 100",
        ),
    ];
    for (args, message) in cases {
        let output = workshop(args, &env, None);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            text(&output.stderr).contains(message),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}
