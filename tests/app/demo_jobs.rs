//! `workshop demo` job history: a small load, then the rules every job, invoice and payment must
//! keep, read straight from the database; then the app working on top of it (the benchmark's
//! open jobs complete, new numbers follow the demo's).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{Value, json};
use workshop::config::DatabaseUrl;
use workshop::db::schema::{
    customers, display_number_sequences, inventory, invoice_lines, invoices, mechanics, payments,
    products, service_request_labour, service_request_parts, service_requests, sites, vehicles,
};
use workshop::db::{AnyConnection, Db};
use workshop::domain::totals::{Tax, TaxBase, compute};

use crate::cli::{text, workshop};
use crate::helpers::{Backend, TestDatabase, new_client, spawn_app_on};
use crate::on_both_databases;

on_both_databases!(
    demo_history_keeps_every_rule_of_jobs_invoices_and_payments,
    the_apps_numbers_follow_the_demos_and_its_open_jobs_complete,
);

const PASSWORD: &str = "a demo password 42";
const JOBS: i64 = 500;
const INVOICES: i64 = 240;
const OPEN_JOBS: i64 = 6;

/// Loads a small demo with history into `database`; returns the open jobs' ids.
fn small_demo(database: &TestDatabase) -> Vec<i64> {
    let dir = tempfile::tempdir().unwrap();
    let ids_file = dir.path().join("open-jobs.txt");
    let ids_path = ids_file.to_str().unwrap();
    let (jobs, invoices, open) = (
        JOBS.to_string(),
        INVOICES.to_string(),
        OPEN_JOBS.to_string(),
    );
    let args = [
        "demo",
        "--sites",
        "2",
        "--customers",
        "200",
        "--vehicles",
        "500",
        "--products",
        "40",
        "--mechanics-per-site",
        "2",
        "--jobs",
        &jobs,
        "--sales-percent",
        "30",
        "--invoices",
        &invoices,
        "--open-jobs",
        &open,
        "--open-jobs-file",
        ids_path,
        "--seed",
        "11",
        "--password",
        PASSWORD,
    ];
    let output = workshop(&args, &[("DATABASE_URL", database.url.as_str())], None);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("Open jobs for the completion benchmark: 6"),
        "{}",
        text(&output.stdout)
    );
    std::fs::read_to_string(&ids_file)
        .unwrap()
        .lines()
        .map(|line| line.parse().unwrap())
        .collect()
}

async fn db_of(database: &TestDatabase) -> Db {
    Db::connect(&DatabaseUrl::parse(&database.url).unwrap(), 1).unwrap()
}

type JobRow = (
    i32,
    String,
    String,
    i32,
    Option<i32>,
    i32,
    Option<i32>,
    Option<i32>,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<i32>,
);

/// A service request as the checks read it.
struct Job {
    id: i32,
    number: String,
    sale: bool,
    customer: i32,
    vehicle: Option<i32>,
    site: i32,
    service_type: Option<i32>,
    mechanic: Option<i32>,
    status: String,
    cancel_reason: Option<String>,
    created_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
    odometer_km: Option<i32>,
}

fn jobs(c: &mut AnyConnection) -> Vec<Job> {
    let rows: Vec<JobRow> = service_requests::table
        .order(service_requests::id)
        .select((
            service_requests::id,
            service_requests::display_number,
            service_requests::transaction_type,
            service_requests::customer_id,
            service_requests::vehicle_id,
            service_requests::site_id,
            service_requests::service_type_id,
            service_requests::assigned_mechanic_id,
            service_requests::status,
            service_requests::cancel_reason,
            service_requests::created_at,
            service_requests::completed_at,
            service_requests::odometer_km,
        ))
        .load(c)
        .unwrap();
    rows.into_iter()
        .map(|r| Job {
            id: r.0,
            number: r.1,
            sale: r.2 == "sale",
            customer: r.3,
            vehicle: r.4,
            site: r.5,
            service_type: r.6,
            mechanic: r.7,
            status: r.8,
            cancel_reason: r.9,
            created_at: r.10,
            completed_at: r.11,
            odometer_km: r.12,
        })
        .collect()
}

async fn demo_history_keeps_every_rule_of_jobs_invoices_and_payments(backend: Backend) {
    let database = TestDatabase::create(backend);
    let open = small_demo(&database);
    let db = db_of(&database).await;

    db.read(move |c| {
        let jobs = jobs(c);
        assert_eq!(jobs.len() as i64, JOBS + OPEN_JOBS);
        jobs_keep_their_rules(c, &jobs, &open);
        jobs_carry_the_sums_of_their_lines(c);
        invoices_add_up(c, &jobs);
        numbers_are_contiguous_and_sequences_continue(c, &jobs);
        vehicles_show_their_latest_service(c, &jobs);
        Ok(())
    })
    .await
    .unwrap();
}

/// The lists read a job's running total from the job: the demo must write it as the lines add up.
fn jobs_carry_the_sums_of_their_lines(c: &mut AnyConnection) {
    let mut sums: HashMap<i32, (i64, i64)> = HashMap::new();
    let parts: Vec<(i32, i32, i64)> = service_request_parts::table
        .select((
            service_request_parts::service_request_id,
            service_request_parts::quantity,
            service_request_parts::unit_price_cents,
        ))
        .load(c)
        .unwrap();
    for (job, quantity, unit) in parts {
        sums.entry(job).or_default().0 += i64::from(quantity) * unit;
    }
    let labour: Vec<(i32, i64)> = service_request_labour::table
        .select((
            service_request_labour::service_request_id,
            service_request_labour::amount_cents,
        ))
        .load(c)
        .unwrap();
    for (job, amount) in labour {
        sums.entry(job).or_default().1 += amount;
    }
    let stored: Vec<(i32, i64, i64)> = service_requests::table
        .select((
            service_requests::id,
            service_requests::parts_cents,
            service_requests::labour_cents,
        ))
        .load(c)
        .unwrap();
    assert!(stored.iter().any(|(_, parts, _)| *parts > 0));
    for (job, parts, labour) in stored {
        let lines = sums.get(&job).copied().unwrap_or_default();
        assert_eq!((parts, labour), lines, "job {job}");
    }
}

fn jobs_keep_their_rules(c: &mut AnyConnection, jobs: &[Job], open: &[i64]) {
    let owner: HashMap<i32, i32> = vehicles::table
        .select((vehicles::id, vehicles::customer_id))
        .load(c)
        .unwrap()
        .into_iter()
        .collect();
    let mechanic_site: HashMap<i32, i32> = mechanics::table
        .select((mechanics::id, mechanics::site_id))
        .load(c)
        .unwrap()
        .into_iter()
        .collect();
    let walk_in: i32 = customers::table
        .filter(customers::is_walk_in)
        .select(customers::id)
        .first(c)
        .unwrap();
    let labour: BTreeSet<i32> = service_request_labour::table
        .select(service_request_labour::service_request_id)
        .load(c)
        .unwrap()
        .into_iter()
        .collect();
    let mut statuses = BTreeSet::new();
    for job in jobs {
        statuses.insert((job.sale, job.status.as_str()));
        if job.sale {
            assert!(
                job.vehicle.is_none() && job.mechanic.is_none(),
                "{}",
                job.number
            );
            assert!(job.service_type.is_none(), "{}", job.number);
            assert!(
                !labour.contains(&job.id),
                "{} is a sale with labour",
                job.number
            );
        } else {
            let vehicle = job.vehicle.expect("a service has a vehicle");
            assert_eq!(
                owner[&vehicle], job.customer,
                "{}: someone else's car",
                job.number
            );
            assert_ne!(job.status, "Draft", "only sales are drafts");
        }
        if let Some(mechanic) = job.mechanic {
            assert_eq!(mechanic_site[&mechanic], job.site, "{}", job.number);
        }
        assert_eq!(job.status == "Cancelled", job.cancel_reason.is_some());
        assert_eq!(job.status == "Completed", job.completed_at.is_some());
        if job.status != "Completed" {
            assert_eq!(job.odometer_km, None, "{}: read at completion", job.number);
        }
    }
    for status in ["Pending", "In Progress", "Completed", "Cancelled"] {
        assert!(statuses.contains(&(false, status)), "no {status} service");
    }
    assert!(statuses.contains(&(true, "Draft")) && statuses.contains(&(true, "Completed")));
    assert!(jobs.iter().any(|j| j.sale && j.customer == walk_in));
    assert!(jobs.iter().any(|j| j.sale && j.customer != walk_in));
    assert!(
        jobs.iter()
            .filter(|j| !j.sale)
            .all(|j| j.customer != walk_in)
    );
    part_lines_are_priced_as_their_products(c, jobs, open);
}

fn part_lines_are_priced_as_their_products(c: &mut AnyConnection, jobs: &[Job], open: &[i64]) {
    let price: HashMap<i32, i64> = products::table
        .select((products::id, products::unit_price_cents))
        .load(c)
        .unwrap()
        .into_iter()
        .collect();
    let lines: Vec<(i32, i32, i32, i64)> = service_request_parts::table
        .select((
            service_request_parts::service_request_id,
            service_request_parts::product_id,
            service_request_parts::quantity,
            service_request_parts::unit_price_cents,
        ))
        .load(c)
        .unwrap();
    let mut per_job: BTreeMap<i32, usize> = BTreeMap::new();
    for (job, product, quantity, unit) in lines {
        assert_eq!(unit, price[&product], "the snapshot is the product's price");
        assert!((1..=4).contains(&quantity));
        *per_job.entry(job).or_default() += 1;
    }
    assert_eq!(open.len() as i64, OPEN_JOBS);
    for job in jobs {
        let count = per_job.get(&job.id).copied().unwrap_or(0);
        if open.contains(&i64::from(job.id)) {
            assert_eq!(job.status, "Pending");
            assert_eq!(count, 3, "{}: an open job has three part lines", job.number);
        } else {
            assert!(
                (1..=4).contains(&count),
                "{}: {count} part lines",
                job.number
            );
        }
    }
    let negative: i64 = inventory::table
        .filter(inventory::quantity_on_hand.lt(0))
        .count()
        .get_result(c)
        .unwrap();
    assert_eq!(negative, 0);
}

type InvoiceRow = (
    i32,
    i32,
    i32,
    [i64; 7],
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

fn invoices_add_up(c: &mut AnyConnection, jobs: &[Job]) {
    let site_tax: HashMap<i32, Tax> = sites::table
        .select((sites::id, sites::tax_rate_bp, sites::tax_applies_to))
        .load::<(i32, i32, String)>(c)
        .unwrap()
        .into_iter()
        .map(|(id, rate_bp, base)| {
            let base = TaxBase::parse(&base);
            (id, Tax { rate_bp, base })
        })
        .collect();
    let rows: Vec<InvoiceRow> = invoices::table
        .select((
            invoices::id,
            invoices::service_request_id,
            invoices::site_id,
            (
                invoices::parts_cents,
                invoices::labour_cents,
                invoices::subtotal_cents,
                invoices::discount_cents,
                invoices::tax_cents,
                invoices::total_cents,
                invoices::paid_cents,
            ),
            invoices::status,
            invoices::void_reason,
            invoices::voided_at,
        ))
        .load::<(
            i32,
            i32,
            i32,
            (i64, i64, i64, i64, i64, i64, i64),
            String,
            Option<String>,
            Option<NaiveDateTime>,
        )>(c)
        .unwrap()
        .into_iter()
        .map(|(id, job, site, a, status, reason, voided)| {
            (
                id,
                job,
                site,
                [a.0, a.1, a.2, a.3, a.4, a.5, a.6],
                status,
                reason,
                voided,
            )
        })
        .collect();
    let completed: BTreeSet<i32> = jobs
        .iter()
        .filter(|j| j.status == "Completed")
        .map(|j| j.id)
        .collect();
    let invoiced: BTreeSet<i32> = rows.iter().map(|r| r.1).collect();
    assert_eq!(rows.len() as i64, INVOICES);
    assert_eq!(
        invoiced, completed,
        "each completed job has one invoice, no other job has one"
    );

    let lines = sums_by(c, LineSums::Lines);
    let paid = sums_by(c, LineSums::Payments);
    let mut statuses = BTreeSet::new();
    let mut discounted = 0;
    for (
        id,
        _,
        site,
        [parts, labour, subtotal, discount, tax, total, paid_cents],
        status,
        reason,
        voided,
    ) in &rows
    {
        let (part_lines, labour_lines) = lines.get(id).cloned().unwrap_or_default();
        assert_eq!(
            (*parts, *labour),
            (part_lines.iter().sum(), labour_lines.iter().sum())
        );
        assert_eq!(*subtotal, parts + labour);
        assert_eq!(*total, subtotal - discount + tax, "invoice {id}");
        let expected = compute(&part_lines, &labour_lines, *discount, site_tax[site]);
        assert_eq!(
            *tax, expected.tax,
            "invoice {id}: tax as the app computes it"
        );
        assert_eq!(*paid_cents, paid.get(id).map_or(0, |(p, _)| p.iter().sum()));
        match status.as_str() {
            "paid" => assert_eq!(paid_cents, total),
            "partially_paid" => assert!(0 < *paid_cents && paid_cents < total),
            "unpaid" => assert_eq!(*paid_cents, 0),
            _ => assert!(reason.is_some() && voided.is_some() && *paid_cents == 0),
        }
        statuses.insert(status.clone());
        discounted += usize::from(*discount > 0);
    }
    assert!(discounted > 0, "some invoices carry a discount");
    assert!(statuses.contains("paid") && statuses.contains("unpaid"));
    assert!(statuses.contains("partially_paid"), "{statuses:?}");
    cash_is_tendered(c);
}

#[derive(Clone, Copy)]
enum LineSums {
    Lines,
    Payments,
}

/// Per invoice: (part line totals, labour line totals), or (payment amounts, []).
fn sums_by(c: &mut AnyConnection, what: LineSums) -> HashMap<i32, (Vec<i64>, Vec<i64>)> {
    let rows: Vec<(i32, String, i64)> = match what {
        LineSums::Lines => invoice_lines::table
            .order((invoice_lines::invoice_id, invoice_lines::position))
            .select((
                invoice_lines::invoice_id,
                invoice_lines::kind,
                invoice_lines::line_total_cents,
            ))
            .load(c)
            .unwrap(),
        LineSums::Payments => payments::table
            .select((
                payments::invoice_id,
                payments::method,
                payments::amount_cents,
            ))
            .load(c)
            .unwrap(),
    };
    let mut out: HashMap<i32, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for (invoice, kind, amount) in rows {
        let entry = out.entry(invoice).or_default();
        if kind == "labour" {
            entry.1.push(amount);
        } else {
            entry.0.push(amount);
        }
    }
    out
}

fn cash_is_tendered(c: &mut AnyConnection) {
    let rows: Vec<(String, i64, Option<i64>)> = payments::table
        .select((
            payments::method,
            payments::amount_cents,
            payments::tendered_cents,
        ))
        .load(c)
        .unwrap();
    let methods: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        methods,
        BTreeSet::from(["bank_transfer", "card", "cash", "mobile_money"])
    );
    for (method, amount, tendered) in &rows {
        assert!(*amount > 0);
        if method == "cash" {
            assert!(
                tendered.is_some_and(|t| t >= *amount),
                "cash tendered covers it"
            );
        }
    }
}

/// Display numbers are unique and run 1, 2, 3… per (prefix, year of creation); the sequence
/// of each ends at the last one.
fn numbers_are_contiguous_and_sequences_continue(c: &mut AnyConnection, jobs: &[Job]) {
    let invoice_numbers: Vec<(String, NaiveDateTime)> = invoices::table
        .select((invoices::display_number, invoices::created_at))
        .load(c)
        .unwrap();
    let mut seen: BTreeMap<(String, i32), Vec<i32>> = BTreeMap::new();
    let job_numbers = jobs.iter().map(|j| (j.number.clone(), j.created_at));
    for (number, at) in job_numbers.chain(invoice_numbers) {
        let parts: Vec<&str> = number.split('-').collect();
        assert_eq!(parts.len(), 3, "{number}");
        let width = if parts[0] == "INV" { 5 } else { 4 };
        assert!(parts[2].len() >= width, "{number} is zero-padded");
        let year: i32 = parts[1].parse().unwrap();
        assert_eq!(year, at.year(), "{number} counts in its year");
        seen.entry((parts[0].to_owned(), year))
            .or_default()
            .push(parts[2].parse().unwrap());
    }
    for (job, number) in jobs.iter().map(|j| (j, &j.number)) {
        assert!(number.starts_with(if job.sale { "SALE-" } else { "SR-" }));
    }
    let sequences: BTreeMap<(String, i32), i32> = display_number_sequences::table
        .select((
            display_number_sequences::prefix,
            display_number_sequences::year,
            display_number_sequences::last_value,
        ))
        .load::<(String, i32, i32)>(c)
        .unwrap()
        .into_iter()
        .map(|(prefix, year, last)| ((prefix, year), last))
        .collect();
    assert_eq!(
        sequences.keys().collect::<Vec<_>>(),
        seen.keys().collect::<Vec<_>>()
    );
    for (key, mut values) in seen {
        values.sort_unstable();
        let expected: Vec<i32> = (1..=values.len() as i32).collect();
        assert_eq!(values, expected, "{key:?}: unique, from 1, no gaps");
        assert_eq!(sequences[&key], values.len() as i32, "{key:?}");
    }
}

/// A serviced vehicle's last service is its latest completed job's day (at the site, so within
/// a day of the UTC date) and its odometer that job's reading.
fn vehicles_show_their_latest_service(c: &mut AnyConnection, jobs: &[Job]) {
    let state: HashMap<i32, (Option<NaiveDate>, Option<i32>)> = vehicles::table
        .select((vehicles::id, vehicles::last_serviced, vehicles::odometer_km))
        .load::<(i32, Option<NaiveDate>, Option<i32>)>(c)
        .unwrap()
        .into_iter()
        .map(|(id, day, km)| (id, (day, km)))
        .collect();
    let mut latest: BTreeMap<i32, &Job> = BTreeMap::new();
    for job in jobs.iter().filter(|j| j.completed_at.is_some()) {
        if let Some(vehicle) = job.vehicle {
            let entry = latest.entry(vehicle).or_insert(job);
            if job.completed_at > entry.completed_at {
                *entry = job;
            }
        }
    }
    assert!(latest.len() > 50, "{} vehicles serviced", latest.len());
    for (vehicle, job) in latest {
        let (day, km) = state[&vehicle];
        let completed = job.completed_at.unwrap().date();
        let day = day.expect("a serviced vehicle has a service date");
        assert!((day - completed).num_days().abs() <= 1, "{}", job.number);
        if job.odometer_km.is_some() {
            assert_eq!(km, job.odometer_km, "{}", job.number);
        }
    }
}

async fn the_apps_numbers_follow_the_demos_and_its_open_jobs_complete(backend: Backend) {
    let database = TestDatabase::create(backend);
    let open = small_demo(&database);
    let app = spawn_app_on(database, &[]).await;
    let client = new_client();
    let tokens: Value = client
        .post(app.url("/auth/login/"))
        .json(&json!({"email": "superuser@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access"].as_str().unwrap().to_owned();
    let call = |method: reqwest::Method, path: String, body: Value| {
        let request = client
            .request(method, app.url(&path))
            .bearer_auth(&access)
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let year = chrono::Utc::now().year();
    // The highest number the demo handed out this year, read from the rows themselves.
    let last = |prefix: &'static str| {
        let db = app.db.clone();
        let pattern = format!("{prefix}-{year}-%");
        async move {
            db.read(move |c| {
                let numbers: Vec<String> = if prefix == "INV" {
                    invoices::table
                        .filter(invoices::display_number.like(pattern))
                        .select(invoices::display_number)
                        .load(c)?
                } else {
                    service_requests::table
                        .filter(service_requests::display_number.like(pattern))
                        .select(service_requests::display_number)
                        .load(c)?
                };
                Ok(numbers
                    .iter()
                    .filter_map(|n| n.rsplit('-').next()?.parse::<i32>().ok())
                    .max()
                    .unwrap_or(0))
            })
            .await
            .unwrap()
        }
    };
    let last_invoice = last("INV").await;
    let last_job = last("SR").await;

    for (n, id) in open.iter().enumerate() {
        let path = format!("/api/v1/service-requests/{id}/complete/");
        let (status, body) = call(reqwest::Method::POST, path, json!({})).await;
        assert_eq!(status, 200, "open job {id}: {body}");
        let (_, job) = call(
            reqwest::Method::GET,
            format!("/api/v1/service-requests/{id}/"),
            Value::Null,
        )
        .await;
        let expected = format!("INV-{year}-{:05}", last_invoice + 1 + n as i32);
        assert_eq!(job["invoice"]["display_number"], expected.as_str(), "{job}");
    }
    let again = format!("/api/v1/service-requests/{}/complete/", open[0]);
    let (status, body) = call(reqwest::Method::POST, again, json!({})).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("Already completed"), "{body}");

    // A job the app opens takes the number after the demo's last.
    let (vehicle, customer, site) = app
        .db
        .read(|c| {
            Ok(vehicles::table
                .order(vehicles::id)
                .select((vehicles::id, vehicles::customer_id, vehicles::site_id))
                .first::<(i32, i32, i32)>(c)?)
        })
        .await
        .unwrap();
    let body = json!({"customer": customer, "vehicle": vehicle, "site": site,
        "description": "Rattle from the back"});
    let (status, created) = call(
        reqwest::Method::POST,
        "/api/v1/service-requests/".into(),
        body,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let expected = format!("SR-{year}-{:04}", last_job + 1);
    assert_eq!(created["display_number"], expected.as_str());

    // A demo invoice reads back through the API with its frozen lines.
    let (_, listed) = call(
        reqwest::Method::GET,
        "/api/v1/invoices/?page_size=1".into(),
        Value::Null,
    )
    .await;
    let id = listed["results"][0]["id"].as_i64().unwrap();
    let (status, invoice) = call(
        reqwest::Method::GET,
        format!("/api/v1/invoices/{id}/"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{invoice}");
    assert!(
        !invoice["lines"].as_array().unwrap().is_empty(),
        "{invoice}"
    );
}

#[test]
fn the_same_seed_makes_the_same_history() {
    let history = |database: &TestDatabase| {
        small_demo(database);
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            db_of(database)
                .await
                .read(|c| {
                    Ok(invoices::table
                        .order(invoices::display_number)
                        .select((
                            invoices::display_number,
                            invoices::total_cents,
                            invoices::status,
                        ))
                        .load::<(String, i64, String)>(c)?)
                })
                .await
                .unwrap()
        })
    };
    let first = history(&TestDatabase::create(Backend::Sqlite));
    let second = history(&TestDatabase::create(Backend::Sqlite));
    assert_eq!(first.len() as i64, INVOICES);
    assert_eq!(first, second);
}
