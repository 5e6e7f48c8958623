//! The daily jobs: the reminder rule at its boundaries, the low-stock digest, a run claimed
//! once by two scheduler instances, "run now" on the jobs page and `workshop run-job`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use workshop::config::Settings;
use workshop::db::schema::{inventory, job_runs, products, sites, vehicles};
use workshop::db::{AnyConnection, now};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;
use workshop::scheduler::{JobName, execute};
use workshop::startup::Application;

use crate::cli::workshop;
use crate::helpers::{Backend, TestApp, client_at, location, spawn_app_with, test_vars};
use crate::messaging_support::*;
use crate::on_both_databases;

on_both_databases!(
    the_reminder_rule_holds_at_its_boundaries,
    a_reminder_run_twice_on_one_day_sends_once,
    the_low_stock_digest_goes_to_the_sites_managers_and_superusers_only_when_something_is_low,
    two_scheduler_instances_run_each_occurrence_once,
    a_superuser_runs_a_job_now_from_the_jobs_page,
    run_job_runs_a_job_from_the_shell,
);

const NO_WORKER: &[(&str, &str)] = &[("WORKSHOP_OUTBOX_WORKER", "false")];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 13:00 UTC on 30 June 2026: already 1 July in Auckland (UTC+12).
fn the_moment() -> NaiveDateTime {
    day("2026-06-30").and_hms_opt(13, 0, 0).unwrap()
}

struct Case {
    name: &'static str,
    serviced: &'static str,
    reminded: Option<&'static str>,
    count: i32,
    consent: bool,
    phone: &'static str,
    auckland: bool,
    expected: bool,
}

const fn case(name: &'static str, serviced: &'static str, expected: bool) -> Case {
    Case {
        name,
        serviced,
        reminded: None,
        count: 0,
        consent: true,
        phone: "+15550100001",
        auckland: false,
        expected,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("due today", "2026-01-01", true),
        case("due tomorrow", "2026-01-02", false),
        Case {
            reminded: Some("2026-06-17"),
            count: 1,
            ..case("13 days after the last reminder", "2025-12-01", false)
        },
        Case {
            reminded: Some("2026-06-16"),
            count: 1,
            ..case("14 days after the last reminder", "2025-12-01", true)
        },
        Case {
            reminded: Some("2026-06-01"),
            count: 2,
            ..case("third reminder", "2025-12-01", true)
        },
        Case {
            reminded: Some("2026-06-01"),
            count: 3,
            ..case("fourth reminder", "2025-12-01", false)
        },
        Case {
            reminded: Some("2025-11-20"),
            count: 3,
            ..case("a new service, a new cycle", "2025-12-01", true)
        },
        Case {
            consent: false,
            ..case("consent off", "2025-12-01", false)
        },
        Case {
            phone: "",
            ..case("no phone", "2025-12-01", false)
        },
        Case {
            auckland: true,
            ..case("tomorrow in UTC, today in Auckland", "2026-01-02", true)
        },
    ]
}

fn set_up(c: &mut AnyConnection, utc: SiteId, auckland: SiteId, case: &Case, n: usize) -> i32 {
    let customer = insert_customer(
        c,
        &NewCustomer {
            phone: case.phone,
            reminders: case.consent,
            ..Default::default()
        },
    );
    let site = if case.auckland { auckland } else { utc };
    let vehicle = insert_vehicle(c, customer, site, &format!("RULE {n}"));
    diesel::update(vehicles::table.find(vehicle))
        .set((
            vehicles::last_serviced.eq(Some(day(case.serviced))),
            vehicles::service_interval_days.eq(180),
            vehicles::last_reminder_sent.eq(case.reminded.map(day)),
            vehicles::reminders_sent_in_cycle.eq(case.count),
        ))
        .execute(c)
        .unwrap();
    vehicle
}

async fn reminder_app(backend: Backend) -> (TestApp, Settings, Vec<(i32, Case)>) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let utc = app.create_site("Accra").await;
    let auckland = app.create_site("Auckland").await;
    app.db
        .write(move |c| {
            diesel::update(sites::table.find(auckland.0))
                .set(sites::timezone.eq("Pacific/Auckland"))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let vehicles = app
        .db
        .write(move |c| {
            Ok(cases()
                .into_iter()
                .enumerate()
                .map(|(n, case)| (set_up(c, utc, auckland, &case, n), case))
                .collect::<Vec<_>>())
        })
        .await
        .unwrap();
    (app, settings, vehicles)
}

async fn reminded_vehicles(app: &TestApp) -> Vec<String> {
    messages(app)
        .await
        .into_iter()
        .filter(|m| m.kind == "service_reminder")
        .map(|m| m.dedupe_key)
        .collect()
}

async fn the_reminder_rule_holds_at_its_boundaries(backend: Backend) {
    let (app, settings, vehicles) = reminder_app(backend).await;

    let counts = execute(&app.db, &settings, JobName::ServiceReminders, the_moment())
        .await
        .unwrap();

    let keys = reminded_vehicles(&app).await;
    for (vehicle, case) in &vehicles {
        let sent = keys
            .iter()
            .any(|k| k.starts_with(&format!("service_reminder:{vehicle}:")));
        assert_eq!(sent, case.expected, "{}", case.name);
    }
    assert_eq!(
        counts["enqueued"],
        vehicles.iter().filter(|(_, c)| c.expected).count()
    );
    let third = vehicles
        .iter()
        .find(|(_, c)| c.name == "third reminder")
        .unwrap()
        .0;
    assert!(
        keys.contains(&format!("service_reminder:{third}:2025-12-01:3")),
        "{keys:?}"
    );
    let (reminded_on, count): (Option<NaiveDate>, i32) = app
        .db
        .read(move |c| {
            Ok(vehicles::table
                .find(third)
                .select((
                    vehicles::last_reminder_sent,
                    vehicles::reminders_sent_in_cycle,
                ))
                .first(c)?)
        })
        .await
        .unwrap();
    assert_eq!((reminded_on, count), (Some(day("2026-06-30")), 3));
    let auckland = vehicles.iter().find(|(_, c)| c.auckland).unwrap().0;
    let local: Option<NaiveDate> = app
        .db
        .read(move |c| {
            Ok(vehicles::table
                .find(auckland)
                .select(vehicles::last_reminder_sent)
                .first(c)?)
        })
        .await
        .unwrap();
    assert_eq!(local, Some(day("2026-07-01")), "the site's own date");
    let message = messages(&app)
        .await
        .into_iter()
        .find(|m| m.kind == "service_reminder")
        .unwrap();
    assert!(
        message.body_text.contains(
            "your Toyota Corolla (RULE 0) is due for its service (last serviced 1 Jan 2026)"
        ),
        "{}",
        message.body_text
    );
}

async fn a_reminder_run_twice_on_one_day_sends_once(backend: Backend) {
    let (app, settings, _) = reminder_app(backend).await;
    let first = execute(&app.db, &settings, JobName::ServiceReminders, the_moment())
        .await
        .unwrap();
    let again = execute(&app.db, &settings, JobName::ServiceReminders, the_moment())
        .await
        .unwrap();
    assert!(first["enqueued"].as_i64().unwrap() > 0);
    assert_eq!(again["enqueued"], 0, "{again}");
}

fn low_stock(c: &mut AnyConnection, site: SiteId, name: &str, on_hand: i32, level: i32) {
    let at = now();
    let product: i32 = diesel::insert_into(products::table)
        .values((
            products::name.eq(name),
            products::unit_price_cents.eq(100),
            products::created_at.eq(at),
            products::updated_at.eq(at),
        ))
        .returning(products::id)
        .get_result(c)
        .unwrap();
    diesel::insert_into(inventory::table)
        .values((
            inventory::product_id.eq(product),
            inventory::site_id.eq(site.0),
            inventory::quantity_on_hand.eq(on_hand),
            inventory::reorder_level.eq(level),
            inventory::reorder_quantity.eq(10),
            inventory::created_at.eq(at),
            inventory::updated_at.eq(at),
        ))
        .execute(c)
        .unwrap();
}

async fn the_low_stock_digest_goes_to_the_sites_managers_and_superusers_only_when_something_is_low(
    backend: Backend,
) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let (low, fine) = (app.create_site("Low").await, app.create_site("Fine").await);
    app.create_user("boss@example.com", Role::Superuser, None)
        .await;
    app.create_user("low-manager@example.com", Role::Manager, Some(low))
        .await;
    app.create_user("fine-manager@example.com", Role::Manager, Some(fine))
        .await;
    app.create_user("desk@example.com", Role::Advisor, Some(low))
        .await;
    app.db
        .write(move |c| {
            low_stock(c, fine, "Oil filter", 20, 5);
            Ok(())
        })
        .await
        .unwrap();

    let nothing = execute(&app.db, &settings, JobName::LowStock, now())
        .await
        .unwrap();
    assert_eq!(nothing["emails"], 0);
    assert!(
        messages(&app).await.is_empty(),
        "no email when nothing is low"
    );

    app.db
        .write(move |c| {
            low_stock(c, low, "Brake pads", 2, 5);
            Ok(())
        })
        .await
        .unwrap();
    execute(&app.db, &settings, JobName::LowStock, now())
        .await
        .unwrap();
    execute(&app.db, &settings, JobName::LowStock, now())
        .await
        .unwrap();

    let digests = messages(&app).await;
    let to: Vec<&str> = digests.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(
        to,
        ["boss@example.com", "low-manager@example.com"],
        "once a day each"
    );
    let digest = &digests[1];
    assert_eq!(digest.subject, "[Workshop] Low stock alert - Low (1 items)");
    assert!(
        digest
            .body_text
            .contains("- Brake pads: 2 on hand (reorder at 5, suggest 10)"),
        "{}",
        digest.body_text
    );
    assert!(
        digest
            .body_html
            .as_deref()
            .unwrap()
            .contains("<td>Brake pads")
    );
}

async fn two_scheduler_instances_run_each_occurrence_once(backend: Backend) {
    let every_second = [
        ("WORKSHOP_SCHEDULE_PROMOTIONS", "*/1 * * * * *"),
        ("WORKSHOP_OUTBOX_WORKER", "false"),
    ];
    let app = spawn_app_with(backend, &every_second).await;
    let second =
        Application::build(Settings::from_vars(&test_vars(&app.database, &every_second)).unwrap())
            .await
            .unwrap();
    let handle = second.handle();
    tokio::spawn(second.run_until_stopped());

    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    handle.stop(true).await;

    let runs: Vec<(NaiveDateTime, String, String)> = app
        .db
        .read(|c| {
            Ok(job_runs::table
                .filter(job_runs::job.eq("promotions"))
                .order(job_runs::scheduled_for)
                .select((
                    job_runs::scheduled_for,
                    job_runs::status,
                    job_runs::instance,
                ))
                .load(c)?)
        })
        .await
        .unwrap();
    assert!(runs.len() >= 2, "{runs:?}");
    let mut occurrences: Vec<NaiveDateTime> = runs.iter().map(|r| r.0).collect();
    occurrences.dedup();
    assert_eq!(
        occurrences.len(),
        runs.len(),
        "one run per occurrence: {runs:?}"
    );
    // The first instance is still running its scheduler: its newest occurrence may be under
    // way as the runs are read. Every earlier one has finished, and succeeded.
    let (newest, finished) = runs.split_last().unwrap();
    assert!(finished.iter().all(|r| r.1 == "succeeded"), "{runs:?}");
    assert!(
        ["succeeded", "running"].contains(&newest.1.as_str()),
        "{runs:?}"
    );
    let spacing: Vec<i64> = occurrences
        .windows(2)
        .map(|w| (w[1] - w[0]).num_seconds())
        .collect();
    assert!(
        spacing.iter().all(|s| *s >= 1),
        "every second, none twice: {runs:?}"
    );
}

async fn a_superuser_runs_a_job_now_from_the_jobs_page(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let manager = client_at(&app, Role::Manager, None).await;
    assert_eq!(
        manager.get(app.url("/jobs")).send().await.unwrap().status(),
        403
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let page = boss
        .get(app.url("/jobs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for label in ["Low-stock digest", "Promotions", "Service reminders", "off"] {
        assert!(page.contains(label), "{label}");
    }
    let ran = app
        .post_form(&boss, "/jobs", "/jobs/service-reminders/run", &[])
        .await;
    assert_eq!(ran.status(), 303);
    assert_eq!(location(&ran), "/jobs");
    for _ in 0..50 {
        let page = boss
            .get(app.url("/jobs"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if page.contains("data-run-status=\"succeeded\" data-job=\"service-reminders\"") {
            assert!(page.contains("checked: 0, due: 0, enqueued: 0"), "{page}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the run never showed up");
}

async fn run_job_runs_a_job_from_the_shell(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let env = [
        ("DATABASE_URL", app.database.url.as_str()),
        ("SECRET_KEY", "x".repeat(64).leak() as &str),
    ];
    let output = workshop(&["run-job", "promotions"], &env, None);
    assert!(
        output.status.success(),
        "{}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Promotions finished"));
    let runs: i64 = app
        .db
        .read(|c| Ok(job_runs::table.count().get_result(c)?))
        .await
        .unwrap();
    assert_eq!(runs, 1);
    let unknown = workshop(&["run-job", "backups"], &env, None);
    assert!(!unknown.status.success());
}
