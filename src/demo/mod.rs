//! `workshop demo`: fills an empty database with realistic, made-up data, so that a new user has
//! something to explore and benchmarks have volume. It refuses any database that already holds
//! data: demo rows must never mix with a real workshop's.
//!
//! The same seed gives the same data (dates are relative to today). Every demo login shares one
//! password, hashed once.

mod billing;
mod catalogue;
mod fleet;
mod history;
mod job_words;
mod jobs;
mod load;
mod people;
mod words;
mod workload;

use std::time::Instant;

use anyhow::bail;
use chrono::{DurationRound, NaiveDateTime, TimeDelta};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::password::hash_password_blocking;
use crate::config::Settings;
use crate::db::{Db, migrations};
use crate::domain::password_policy::check_new_password;

pub use load::STAFF_DOMAIN;

/// The password of every demo login unless `--password` says otherwise.
pub const DEFAULT_PASSWORD: &str = "workshop-demo";

/// What to make, as given on the command line.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub sites: usize,
    pub customers: usize,
    /// Defaults to three per customer.
    pub vehicles: Option<usize>,
    pub products: usize,
    pub mechanics_per_site: usize,
    /// Service requests and sales of the last two years.
    pub jobs: usize,
    /// The share of `jobs` that are counter sales.
    pub sales_percent: usize,
    /// Completed jobs, each with its invoice; defaults to half the jobs.
    pub invoices: Option<usize>,
    /// Extra Pending jobs with three part lines each, for the completion benchmark.
    pub open_jobs: usize,
    /// Where to write the open jobs' ids, one a line.
    pub open_jobs_file: Option<std::path::PathBuf>,
    pub seed: u64,
    pub password: String,
}

/// The checked options plus what the settings add.
pub struct Plan {
    pub sites: usize,
    pub customers: usize,
    pub vehicles: usize,
    pub products: usize,
    pub mechanics_per_site: usize,
    pub jobs: usize,
    pub sales_percent: u8,
    pub invoices: usize,
    pub open_jobs: usize,
    pub country_code: String,
    /// "Now", to the second, that every made-up date is relative to.
    pub now: NaiveDateTime,
}

impl Plan {
    fn new(options: &DemoOptions, settings: &Settings) -> anyhow::Result<Self> {
        let vehicles = options
            .vehicles
            .unwrap_or(options.customers.saturating_mul(3));
        let invoices = options.invoices.unwrap_or(options.jobs / 2);
        let limits = [
            ("--sites", options.sites, 1, 100),
            ("--customers", options.customers, 0, 10_000_000),
            ("--vehicles", vehicles, 0, 30_000_000),
            ("--products", options.products, 0, 1_000_000),
            ("--mechanics-per-site", options.mechanics_per_site, 0, 100),
            ("--jobs", options.jobs, 0, 10_000_000),
            ("--sales-percent", options.sales_percent, 0, 100),
            ("--invoices", invoices, 0, options.jobs),
            ("--open-jobs", options.open_jobs, 0, 1_000_000),
        ];
        for (name, value, low, high) in limits {
            if !(low..=high).contains(&value) {
                bail!("{name} must be between {low} and {high} (got {value})");
            }
        }
        if vehicles > 0 && options.customers == 0 {
            bail!("--vehicles needs customers to own them; give --customers 1 or more");
        }
        if options.open_jobs > 0 && (vehicles == 0 || options.products < 3) {
            bail!("--open-jobs needs vehicles and at least 3 products for their part lines");
        }
        let demo_login = format!("superuser@{STAFF_DOMAIN}");
        if let Err(problem) = check_new_password(&options.password, &demo_login, "Alex Morgan") {
            bail!("--password: {problem}");
        }
        let now = crate::db::now();
        Ok(Self {
            sites: options.sites,
            customers: options.customers,
            vehicles,
            products: options.products,
            mechanics_per_site: options.mechanics_per_site,
            jobs: options.jobs,
            sales_percent: options.sales_percent.min(100) as u8,
            invoices,
            open_jobs: options.open_jobs,
            country_code: settings.phone_country_code.clone(),
            now: now.duration_trunc(TimeDelta::seconds(1)).unwrap_or(now),
        })
    }
}

/// Runs `workshop demo` against the configured database (migrating it first).
pub async fn run(settings: &Settings, options: DemoOptions) -> anyhow::Result<()> {
    let plan = Plan::new(&options, settings)?;
    let started = Instant::now();
    let db = Db::connect(&settings.database_url, 1)?;
    db.read(migrations::run_pending).await?;
    db.read(crate::db::bulk::forget_empty_statistics).await?;
    // A connection reads the planner statistics when it opens: load on a new one.
    drop(db);
    let db = Db::connect(&settings.database_url, 1)?;
    db.read(crate::db::bulk::tune_for_load).await?;
    let hash = hash_password_blocking(options.password.clone()).await?;
    let target = settings.database_url.redacted();
    println!("Filling {target} with demo data (seed {}):", options.seed);
    let seed = options.seed;
    let loaded = db
        .read(move |conn| {
            let mut rng = StdRng::seed_from_u64(seed);
            load::load(conn, &mut rng, &plan, &hash)
        })
        .await?;
    match loaded {
        Ok(loaded) => {
            if let Some(path) = &options.open_jobs_file {
                write_ids(path, &loaded.bench_ids)?;
            }
            print_summary(settings, &options.password, &loaded, started);
            Ok(())
        }
        Err(load::NotEmpty(existing)) => {
            let held: Vec<String> = existing
                .iter()
                .filter(|(_, rows)| *rows > 0)
                .map(|(table, rows)| format!("{rows} {table}"))
                .collect();
            bail!(
                "refusing to add demo data: {target} already holds {}. `workshop demo` only fills \
                 an empty database, so made-up rows never mix with a real workshop's. Point \
                 DATABASE_URL at a fresh database, e.g. DATABASE_URL=sqlite://demo.db workshop demo",
                held.join(", ")
            )
        }
    }
}

/// The open jobs' ids, one a line, for the completion benchmark to work through.
fn write_ids(path: &std::path::Path, ids: &[i32]) -> anyhow::Result<()> {
    let text: String = ids.iter().map(|id| format!("{id}\n")).collect();
    std::fs::write(path, text)
        .map_err(|e| anyhow::anyhow!("cannot write the open jobs' ids to {}: {e}", path.display()))
}

fn print_summary(settings: &Settings, password: &str, loaded: &load::Loaded, started: Instant) {
    let rows: usize = loaded.tables.iter().map(|(_, rows, _)| rows).sum();
    println!(
        "\nDone: {rows} rows in {:.1} s.\n",
        started.elapsed().as_secs_f64()
    );
    if let (Some(first), Some(last)) = (loaded.bench_ids.first(), loaded.bench_ids.last()) {
        println!(
            "Open jobs for the completion benchmark: {} (Pending, 3 part lines each), ids {first}–{last}.\n",
            loaded.bench_ids.len()
        );
    }
    println!("Sign in at {}/login with any of these.", settings.base_url);
    println!("Every demo user's password is:  {password}\n");
    for login in &loaded.logins {
        println!(
            "  {:<16} {:<32} {}",
            login.role.label(),
            login.email,
            login.site.as_deref().unwrap_or("all sites")
        );
    }
    println!();
}
