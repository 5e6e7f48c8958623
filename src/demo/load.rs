//! Writes the demo data, table by table: one transaction per chunk of [`CHUNK_ROWS`] rows, each
//! chunk sent as multi-row INSERTs, with progress and the time each table took.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;

use super::fleet::{Fleet, Owner};
use super::jobs::Site;
use super::people::{self, CustomerBatch};
use super::{Plan, catalogue, history, workload};
use crate::db::bulk::{self, InsertedProduct, InsertedVehicle, NewStaff};
use crate::db::{AnyConnection, DbError, sites, write_transaction};
use crate::domain::role::Role;
use crate::domain::totals::{Tax, TaxBase};

/// Rows per transaction: big enough that commits cost nothing, small enough to show progress.
const CHUNK_ROWS: usize = 10_000;

/// The domain of every demo login.
pub const STAFF_DOMAIN: &str = "example.com";

/// A demo user to print at the end.
pub struct Login {
    pub email: String,
    pub role: Role,
    pub site: Option<String>,
}

/// What was written, for the summary.
pub struct Loaded {
    pub logins: Vec<Login>,
    /// (table, rows, time taken), in the order written.
    pub tables: Vec<(&'static str, usize, Duration)>,
    /// Ids of the open jobs made for the completion benchmark.
    pub bench_ids: Vec<i32>,
}

/// The database already holds data: how much of what.
pub struct NotEmpty(pub Vec<(&'static str, i64)>);

/// Loads everything, or nothing when the database is not empty.
pub fn load(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
    password_hash: &str,
) -> Result<Result<Loaded, NotEmpty>, DbError> {
    let mut tables = Vec::new();
    let started = Instant::now();
    let staff = match staff(conn, rng, plan, password_hash)? {
        Ok(staff) => staff,
        Err(not_empty) => return Ok(Err(not_empty)),
    };
    let staff_count = staff.logins.len();
    tables.push(("sites, staff, mechanics", staff_count, started.elapsed()));
    println!(
        "  {:<24} {staff_count:>9} logins {:>8.2} s",
        "sites, staff, mechanics",
        started.elapsed().as_secs_f64()
    );

    let customers = customers(conn, rng, plan, &staff.registrars)?;
    tables.push(customers.1);
    let owners = owners(rng, &customers.0, plan.vehicles);
    let (vehicles, took) = vehicles(conn, rng, plan, &staff.site_ids, &owners)?;
    tables.push(took);
    let (products, took) = products(conn, rng, plan)?;
    tables.push(took);

    let walk_in = workload::walk_in(conn, plan)?;
    let people = (walk_in, staff.superuser);
    let stage = workload::Stage::new(plan.now, &staff.sites, &vehicles, &products, people);
    let world = stage.world(plan.now, &customers.0);
    let jobs = workload::jobs(rng, &world, plan);
    let demand = workload::stock_needed(&world, &jobs);
    tables.extend(stock(conn, rng, plan, &staff, &products, &demand)?);
    let written = history::write(conn, rng, &world, jobs)?;
    tables.extend(written.tables);

    let tidying = Instant::now();
    bulk::tidy_after_load(conn)?;
    let took = tidying.elapsed().as_secs_f64();
    println!(
        "  {:<24} {:>9}        {took:>8.2} s",
        "tidy search index", ""
    );
    Ok(Ok(Loaded {
        logins: staff.logins,
        tables,
        bench_ids: written.bench_ids,
    }))
}

pub struct Staff {
    site_ids: Vec<i32>,
    /// The sites as jobs see them: tax, mechanics, front desk.
    pub sites: Vec<Site>,
    pub superuser: Option<i32>,
    /// Managers and front desk, who register customers.
    registrars: Vec<i32>,
    logins: Vec<Login>,
}

/// Sites, mechanics and one login of every role, in one transaction that first checks the
/// database is empty, so a refused run changes nothing.
fn staff(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
    hash: &str,
) -> Result<Result<Staff, NotEmpty>, DbError> {
    write_transaction(conn, |c| {
        let existing = bulk::existing_rows(c)?;
        if existing.iter().any(|(_, rows)| *rows > 0) {
            return Ok(Err(NotEmpty(existing.to_vec())));
        }
        let mut sites = Vec::new();
        let mut taxes = Vec::new();
        for fields in people::sites(rng, plan.sites, &plan.country_code) {
            let id = sites::insert_site(c, &fields)?.0;
            let tax = Tax {
                rate_bp: fields.tax_rate_bp,
                base: TaxBase::parse(&fields.tax_applies_to),
            };
            taxes.push((tax, fields.timezone.parse().unwrap_or(chrono_tz::UTC)));
            sites.push((id, fields.name));
        }
        let site_ids: Vec<i32> = sites.iter().map(|(id, _)| *id).collect();
        let mechanics = people::mechanics(
            rng,
            &site_ids,
            plan.mechanics_per_site,
            &plan.country_code,
            plan.now,
        );
        let mut mechanics = bulk::insert_mechanics(c, &mechanics)?;
        mechanics.sort_unstable();

        let mut users = Vec::new();
        let mut add = |email, name, role, site, mechanic| {
            users.push(staff_row(plan, hash, email, name, role, site, mechanic));
        };
        add(
            login("superuser"),
            "Alex Morgan".into(),
            Role::Superuser,
            None,
            None,
        );
        add(login("hq"), "Jordan Blake".into(), Role::Hq, None, None);
        for (n, site_id) in site_ids.iter().enumerate() {
            let (manager, advisor) = (people::person_name(rng), people::person_name(rng));
            let site = Some(*site_id);
            add(
                login(&format!("manager{}", n + 1)),
                manager,
                Role::Manager,
                site,
                None,
            );
            add(
                login(&format!("advisor{}", n + 1)),
                advisor,
                Role::Advisor,
                site,
                None,
            );
            let of_site = mechanics.iter().filter(|(_, site, _)| site == site_id);
            for (m, (mechanic_id, _, name)) in of_site.enumerate() {
                let email = login(&format!("mechanic{}.{}", n + 1, m + 1));
                add(
                    email,
                    name.clone(),
                    Role::Mechanic,
                    site,
                    Some(*mechanic_id),
                );
            }
        }
        let inserted = bulk::insert_staff(c, &users)?;
        let site_name: HashMap<i32, String> = sites.into_iter().collect();
        let mut summary = staff_summary(&users, &inserted, site_ids, &site_name);
        summary.sites = job_sites(&summary.site_ids, &taxes, &mechanics, &inserted);
        Ok(Ok(summary))
    })
}

/// Each site's tax, time zone, mechanics and front-desk users (managers and advisors).
fn job_sites(
    site_ids: &[i32],
    taxes: &[(Tax, chrono_tz::Tz)],
    mechanics: &[(i32, i32, String)],
    users: &[(i32, String, Option<i32>)],
) -> Vec<Site> {
    site_ids
        .iter()
        .zip(taxes)
        .map(|(&id, &(tax, zone))| Site {
            id,
            tax,
            zone,
            mechanics: mechanics
                .iter()
                .filter(|(_, site, _)| *site == id)
                .map(|(mechanic, _, _)| *mechanic)
                .collect(),
            desk: users
                .iter()
                .filter(|(_, role, site)| {
                    *site == Some(id)
                        && (role == Role::Manager.as_str() || role == Role::Advisor.as_str())
                })
                .map(|(user, _, _)| *user)
                .collect(),
        })
        .collect()
}

fn login(local: &str) -> String {
    format!("{local}@{STAFF_DOMAIN}")
}

fn staff_row(
    plan: &Plan,
    hash: &str,
    email: String,
    name: String,
    role: Role,
    site_id: Option<i32>,
    mechanic_id: Option<i32>,
) -> NewStaff {
    NewStaff {
        email,
        name,
        phone: String::new(),
        password_hash: hash.to_owned(),
        role: role.as_str().to_owned(),
        site_id,
        mechanic_id,
        is_active: true,
        session_version: 1,
        created_at: plan.now,
        updated_at: plan.now,
    }
}

fn staff_summary(
    users: &[NewStaff],
    inserted: &[(i32, String, Option<i32>)],
    site_ids: Vec<i32>,
    site_name: &HashMap<i32, String>,
) -> Staff {
    let with_role = |role: Role| {
        inserted
            .iter()
            .filter(move |(_, r, _)| r == role.as_str())
            .map(|(id, _, _)| *id)
    };
    let logins = users
        .iter()
        .map(|u| Login {
            email: u.email.clone(),
            role: Role::parse(&u.role).unwrap_or(Role::Advisor),
            site: u.site_id.and_then(|s| site_name.get(&s).cloned()),
        })
        .collect();
    Staff {
        site_ids,
        sites: Vec::new(),
        superuser: with_role(Role::Superuser).next(),
        registrars: with_role(Role::Advisor)
            .chain(with_role(Role::Manager))
            .collect(),
        logins,
    }
}

type Timed<T> = (T, (&'static str, usize, Duration));

/// Customers, oldest first; returns `(id, created_at)` of each, by id.
fn customers(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
    registrars: &[i32],
) -> Result<Timed<Vec<(i32, NaiveDateTime)>>, DbError> {
    let mut progress = Progress::start("customers", plan.customers);
    let mut ids = Vec::with_capacity(plan.customers);
    for first in (0..plan.customers).step_by(CHUNK_ROWS) {
        let batch = CustomerBatch {
            first,
            count: CHUNK_ROWS.min(plan.customers - first),
            total: plan.customers,
            now: plan.now,
            country_code: &plan.country_code,
            registrars,
        };
        let rows = people::customers(rng, &batch);
        ids.extend(write_transaction(conn, |c| {
            bulk::insert_customers(c, &rows)
        })?);
        progress.advance(rows.len());
    }
    ids.sort_unstable();
    Ok((ids, progress.finish()))
}

/// Shares `vehicles` out among the customers at random: most get a few, some none, a few many.
fn owners(rng: &mut StdRng, customers: &[(i32, NaiveDateTime)], vehicles: usize) -> Vec<Owner> {
    let mut counts = vec![0usize; customers.len()];
    if !customers.is_empty() {
        for _ in 0..vehicles {
            counts[rng.random_range(0..customers.len())] += 1;
        }
    }
    customers
        .iter()
        .zip(counts)
        .map(|(&(customer_id, registered), vehicles)| Owner {
            customer_id,
            registered,
            vehicles,
        })
        .collect()
}

fn vehicles(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
    site_ids: &[i32],
    owners: &[Owner],
) -> Result<Timed<Vec<InsertedVehicle>>, DbError> {
    let mut progress = Progress::start("vehicles", plan.vehicles);
    let mut inserted = Vec::with_capacity(plan.vehicles);
    let mut fleet = Fleet::new(site_ids, plan.now, plan.vehicles);
    let mut rest = owners;
    while !rest.is_empty() {
        // Whole customers per chunk, about CHUNK_ROWS vehicles.
        let mut take = 0;
        let mut vehicles = 0;
        while take < rest.len() && vehicles < CHUNK_ROWS {
            vehicles += rest[take].vehicles;
            take += 1;
        }
        let (chunk, later) = rest.split_at(take);
        let rows = fleet.vehicles_of(rng, chunk);
        inserted.extend(write_transaction(conn, |c| {
            bulk::insert_vehicles(c, &rows)
        })?);
        progress.advance(rows.len());
        rest = later;
    }
    // In id order, so the jobs made from them do not depend on RETURNING order.
    inserted.sort_unstable_by_key(|v| v.id);
    Ok((inserted, progress.finish()))
}

fn products(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
) -> Result<Timed<Vec<InsertedProduct>>, DbError> {
    let mut progress = Progress::start("products", plan.products);
    let rows = catalogue::products(rng, plan.products, plan.now - TimeDelta::days(365));
    let mut products = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK_ROWS) {
        products.extend(write_transaction(conn, |c| {
            bulk::insert_products(c, chunk)
        })?);
        progress.advance(chunk.len());
    }
    products.sort_unstable_by_key(|p| p.0);
    Ok((products, progress.finish()))
}

/// Opening stock of every product at every site, with at least what the benchmark's open jobs
/// will take (`demand`, by product and site), and the `in` movements that brought it.
fn stock(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    plan: &Plan,
    staff: &Staff,
    products: &[InsertedProduct],
    demand: &BTreeMap<(i32, i32), i32>,
) -> Result<Vec<(&'static str, usize, Duration)>, DbError> {
    let set_up = plan.now - TimeDelta::days(365);
    let costs: Vec<(i32, Option<i64>)> = products.iter().map(|p| (p.0, p.4)).collect();
    let mut rows = catalogue::stock(rng, &costs, &staff.site_ids, set_up, plan.now);
    catalogue::cover(&mut rows, demand, plan.now);
    let mut progress = Progress::start("inventory", rows.len());
    let mut stock = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK_ROWS) {
        stock.extend(write_transaction(conn, |c| bulk::insert_stock(c, chunk))?);
        progress.advance(chunk.len());
    }
    let stock_done = progress.finish();

    let costs: HashMap<i32, Option<i64>> = costs.into_iter().collect();
    let rows = catalogue::opening_movements(&stock, &costs, staff.superuser);
    let mut progress = Progress::start("inventory_transactions", rows.len());
    for chunk in rows.chunks(CHUNK_ROWS) {
        write_transaction(conn, |c| bulk::insert_stock_movements(c, chunk))?;
        progress.advance(chunk.len());
    }
    Ok(vec![stock_done, progress.finish()])
}

/// Rows written to one table so far; redrawn in place on a terminal.
pub struct Progress {
    table: &'static str,
    total: usize,
    done: usize,
    started: Instant,
    live: bool,
}

impl Progress {
    pub fn start(table: &'static str, total: usize) -> Self {
        Self {
            table,
            total,
            done: 0,
            started: Instant::now(),
            live: std::io::stdout().is_terminal(),
        }
    }

    pub fn advance(&mut self, rows: usize) {
        self.done += rows;
        if self.live {
            print!("\r  {:<24} {:>9} / {}", self.table, self.done, self.total);
            let _ = std::io::stdout().flush();
        }
    }

    pub fn finish(self) -> (&'static str, usize, Duration) {
        let took = self.started.elapsed();
        let rate = self.done as f64 / took.as_secs_f64().max(1e-6);
        println!(
            "\r  {:<24} {:>9} rows   {:>8.2} s  ({rate:>9.0} rows/s)",
            self.table,
            self.done,
            took.as_secs_f64()
        );
        (self.table, self.done, took)
    }
}
