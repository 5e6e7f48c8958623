//! Made-up job history: service requests and counter sales over the last two years, with
//! their statuses, people, times and lines. Only memory here; [`super::history`] writes it.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::job_words::{
    CANCEL_REASONS, EXTRA_LABOUR, FIXED_LABOUR_CENTS, LABOUR_HOURS, LABOUR_RATES_CENTS, SALE_NOTES,
    SERVICE_JOBS,
};
use super::people::pick;
use crate::db::bulk::InsertedVehicle;
use crate::domain::totals::{Tax, labour_line as by_the_hour};

/// How far back the history goes.
pub const HISTORY_DAYS: i64 = 730;
/// Open jobs were opened within this many days.
const OPEN_DAYS: i64 = 30;

/// A site as jobs see it.
pub struct Site {
    pub id: i32,
    pub tax: Tax,
    /// Its time zone: a vehicle's service date is the site's day.
    pub zone: chrono_tz::Tz,
    pub mechanics: Vec<i32>,
    /// Managers and advisors, who open jobs and take payments.
    pub desk: Vec<i32>,
}

/// A product lines may use.
pub struct Product {
    pub id: i32,
    pub name: String,
    pub sku: String,
    pub price_cents: i64,
}

/// Everything jobs are made from.
pub struct World<'a> {
    pub now: NaiveDateTime,
    pub sites: &'a [Site],
    pub customers: &'a [(i32, NaiveDateTime)],
    pub vehicles: &'a [InsertedVehicle],
    /// Active products only.
    pub products: &'a [Product],
    pub walk_in: Option<i32>,
    /// Who voided the few void invoices.
    pub superuser: Option<i32>,
}

impl World<'_> {
    pub fn history_start(&self) -> NaiveDateTime {
        self.now - TimeDelta::days(HISTORY_DAYS)
    }

    fn site_index(&self, id: i32) -> usize {
        self.sites.iter().position(|s| s.id == id).unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    Pending,
    InProgress,
    Completed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Pending => "Pending",
            Self::InProgress => "In Progress",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
        }
    }
}

pub struct PartLine {
    /// Index into [`World::products`].
    pub product: usize,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

impl PartLine {
    pub fn amount(&self) -> i64 {
        i64::from(self.quantity) * self.unit_price_cents
    }
}

pub struct LabourLine {
    pub description: &'static str,
    pub hours_hundredths: Option<i32>,
    pub hourly_rate_cents: Option<i64>,
    pub amount_cents: i64,
}

/// One service request or sale.
pub struct Job {
    pub sale: bool,
    /// Index into [`World::sites`].
    pub site: usize,
    pub customer_id: i32,
    /// Index into [`World::vehicles`].
    pub vehicle: Option<usize>,
    pub service_type_id: Option<i32>,
    pub mechanic_id: Option<i32>,
    pub description: &'static str,
    pub status: Status,
    pub cancel_reason: Option<&'static str>,
    pub odometer_km: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub parts: Vec<PartLine>,
    pub labour: Vec<LabourLine>,
    /// Made open for the completion benchmark.
    pub for_bench: bool,
}

/// How many of what to make.
pub struct Mix {
    pub jobs: usize,
    pub sales_percent: u8,
    /// Exactly this many jobs are completed (each gets an invoice).
    pub completed: usize,
}

/// The history, in no particular order.
pub fn history(rng: &mut StdRng, world: &World<'_>, mix: &Mix) -> Vec<Job> {
    let mut completed = vec![true; mix.completed.min(mix.jobs)];
    completed.resize(mix.jobs, false);
    completed.shuffle(rng);
    let sale_share = f64::from(mix.sales_percent.min(100)) / 100.0;
    completed
        .into_iter()
        .map(|done| {
            let sale = world.vehicles.is_empty() || rng.random_bool(sale_share);
            let status = if done {
                Status::Completed
            } else {
                unfinished(rng, sale)
            };
            if sale {
                sale_job(rng, world, status)
            } else {
                service_job(rng, world, status)
            }
        })
        .collect()
}

/// A job that is not completed: a fifth cancelled, the rest still open.
fn unfinished(rng: &mut StdRng, sale: bool) -> Status {
    match (rng.random_range(0..10), sale) {
        (0..2, _) => Status::Cancelled,
        (2..7, true) => Status::Draft,
        (2..6, false) => Status::Pending,
        (_, true) => Status::Pending,
        (_, false) => Status::InProgress,
    }
}

fn service_job(rng: &mut StdRng, world: &World<'_>, status: Status) -> Job {
    let vehicle_index = rng.random_range(0..world.vehicles.len());
    let vehicle = &world.vehicles[vehicle_index];
    let site = world.site_index(vehicle.site_id);
    let lower = world.history_start().max(vehicle.created_at);
    let (created_at, end) = times(rng, world.now, lower, status, TimeDelta::hours(72));
    let (service_type_id, description, labour) =
        *SERVICE_JOBS
            .choose(rng)
            .unwrap_or(&(39, "Annual service.", "Full service"));
    let with_mechanic = match status {
        Status::Completed | Status::InProgress => true,
        Status::Pending => rng.random_bool(0.6),
        _ => rng.random_bool(0.5),
    };
    let mut job = base(rng, world, site, status, created_at, end);
    job.customer_id = vehicle.customer_id;
    job.vehicle = Some(vehicle_index);
    job.service_type_id = Some(service_type_id);
    job.description = description;
    // Read at completion, as the app takes it (the job page says "km at completion").
    if status == Status::Completed {
        job.odometer_km = odometer_at(vehicle, created_at, world.now);
    }
    job.mechanic_id = with_mechanic
        .then(|| world.sites[site].mechanics.choose(rng).copied())
        .flatten();
    job.parts = parts(rng, world, 3);
    job.labour = labour_lines(rng, labour);
    job
}

fn sale_job(rng: &mut StdRng, world: &World<'_>, status: Status) -> Job {
    // Most counter sales are to walk-ins; the rest to registered customers.
    let registered = world
        .customers
        .choose(rng)
        .filter(|_| world.walk_in.is_none() || rng.random_bool(0.4));
    let (customer_id, lower, site) = match registered {
        Some(&(id, registered)) => (id, registered, id as usize % world.sites.len()),
        None => (
            world.walk_in.unwrap_or_default(),
            world.history_start(),
            rng.random_range(0..world.sites.len()),
        ),
    };
    let lower = lower.max(world.history_start());
    let (created_at, end) = times(rng, world.now, lower, status, TimeDelta::minutes(20));
    let mut job = base(rng, world, site, status, created_at, end);
    job.sale = true;
    job.customer_id = customer_id;
    job.description = pick(rng, SALE_NOTES);
    job.parts = parts(rng, world, 4);
    job
}

/// A job of `status` at `site` opened at `created_at` and settled (or last touched) at `end`.
fn base(
    rng: &mut StdRng,
    world: &World<'_>,
    site: usize,
    status: Status,
    created_at: NaiveDateTime,
    end: NaiveDateTime,
) -> Job {
    let cancelled = status == Status::Cancelled;
    Job {
        sale: false,
        site,
        customer_id: 0,
        vehicle: None,
        service_type_id: None,
        mechanic_id: None,
        description: "",
        status,
        cancel_reason: cancelled.then(|| pick(rng, CANCEL_REASONS)),
        odometer_km: None,
        created_by: world.sites[site].desk.choose(rng).copied(),
        created_at,
        updated_at: end,
        completed_at: (status == Status::Completed).then_some(end),
        cancelled_at: cancelled.then_some(end),
        parts: Vec::new(),
        labour: Vec::new(),
        for_bench: false,
    }
}

/// When a job of `status` was opened (not before `lower`) and when it was completed,
/// cancelled or last touched (within `takes` for a completion, never after `now`). Finished
/// jobs spread over the whole history; open ones were opened in the last month, mostly lately.
fn times(
    rng: &mut StdRng,
    now: NaiveDateTime,
    lower: NaiveDateTime,
    status: Status,
    takes: TimeDelta,
) -> (NaiveDateTime, NaiveDateTime) {
    // History ends an hour ago: the benchmark's open jobs come after every one of them.
    let upper = now - TimeDelta::hours(1);
    let lower = lower.min(upper);
    let created = match status {
        Status::Completed | Status::Cancelled => between(rng, lower, upper, 1.0),
        _ => between(
            rng,
            lower.max(upper - TimeDelta::days(OPEN_DAYS)),
            upper,
            2.0,
        ),
    };
    let after = |rng: &mut StdRng, most: TimeDelta| {
        // Usually quick, now and then the whole allowance; a job opened lately finishes
        // before `upper` rather than all of them on it (lists sort by these times).
        let most = if rng.random_bool(0.7) { most / 6 } else { most };
        let room = (upper - created).num_seconds().max(0);
        let high = most.num_seconds().max(60).min(room);
        let seconds = rng.random_range(60.min(high)..=high);
        created + TimeDelta::seconds(seconds)
    };
    let end = match status {
        Status::Completed => after(rng, takes),
        Status::Cancelled => after(rng, TimeDelta::days(5)),
        Status::InProgress => after(rng, TimeDelta::hours(4)),
        _ => created,
    };
    (created, end.max(created))
}

/// A moment in `[lower, upper]`; a `skew` above 1 favours the recent end.
fn between(
    rng: &mut StdRng,
    lower: NaiveDateTime,
    upper: NaiveDateTime,
    skew: f64,
) -> NaiveDateTime {
    let span = (upper - lower).num_seconds().max(0) as f64;
    let back = rng.random::<f64>().powf(skew) * span;
    upper - TimeDelta::seconds(back as i64)
}

/// A vehicle's odometer at `at`: its recorded reading scaled back along its age, so readings
/// grow with time and the latest job's is what the vehicle keeps.
pub fn odometer_at(
    vehicle: &InsertedVehicle,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> Option<i32> {
    let reading = i64::from(vehicle.odometer_km?);
    let first_day = NaiveDate::from_ymd_opt(vehicle.year, 1, 1).unwrap_or(now.date());
    let age_days = (now.date() - first_day).num_days().max(180);
    let days_back = (now - at).num_days().clamp(0, age_days);
    Some((reading - reading * days_back / age_days).max(0) as i32)
}

/// One to `most` lines of distinct products, mostly of one unit, priced as the product is now
/// (the snapshot taken when the line was added).
fn parts(rng: &mut StdRng, world: &World<'_>, most: usize) -> Vec<PartLine> {
    if world.products.is_empty() {
        return Vec::new();
    }
    let wanted = rng.random_range(1..=most);
    let mut lines: Vec<PartLine> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 4 {
        if lines.len() == wanted {
            break;
        }
        let product = rng.random_range(0..world.products.len());
        if lines.iter().any(|l| l.product == product) {
            continue;
        }
        lines.push(PartLine {
            product,
            quantity: pick(rng, &[1, 1, 1, 2, 2, 3, 4]),
            unit_price_cents: world.products[product].price_cents,
        });
    }
    lines
}

/// None, the job's own labour, or that and a second line; by the hour or at a fixed price.
fn labour_lines(rng: &mut StdRng, main: &'static str) -> Vec<LabourLine> {
    let count = pick(rng, &[0, 1, 1, 1, 1, 2, 2]);
    [main, pick(rng, EXTRA_LABOUR)]
        .into_iter()
        .take(count)
        .map(|description| labour_line(rng, description))
        .collect()
}

fn labour_line(rng: &mut StdRng, description: &'static str) -> LabourLine {
    if rng.random_bool(0.6) {
        let hours = pick(rng, LABOUR_HOURS);
        let rate = pick(rng, LABOUR_RATES_CENTS);
        LabourLine {
            description,
            hours_hundredths: Some(hours),
            hourly_rate_cents: Some(rate),
            amount_cents: by_the_hour(hours, rate),
        }
    } else {
        LabourLine {
            description,
            hours_hundredths: None,
            hourly_rate_cents: None,
            amount_cents: pick(rng, FIXED_LABOUR_CENTS),
        }
    }
}

/// `count` Pending service requests opened in the last hour, after all the history, each with
/// exactly three part lines of one unit: the work of the completion benchmark. The caller makes
/// sure their stock is there.
pub fn open_for_bench(rng: &mut StdRng, world: &World<'_>, count: usize) -> Vec<Job> {
    let hour = TimeDelta::hours(1).num_seconds();
    (0..count)
        .map(|n| {
            let vehicle_index = rng.random_range(0..world.vehicles.len());
            let vehicle = &world.vehicles[vehicle_index];
            let site = world.site_index(vehicle.site_id);
            let opened =
                world.now - TimeDelta::seconds(hour - 1 - n as i64 * (hour - 1) / count as i64);
            let mut job = base(rng, world, site, Status::Pending, opened, opened);
            job.customer_id = vehicle.customer_id;
            job.vehicle = Some(vehicle_index);
            job.service_type_id = Some(39);
            job.description = "Service due, customer waiting.";
            job.mechanic_id = world.sites[site].mechanics.choose(rng).copied();
            let three = world.products.len().min(3);
            job.parts = rand::seq::index::sample(rng, world.products.len(), three)
                .into_iter()
                .map(|product| PartLine {
                    product,
                    quantity: 1,
                    unit_price_cents: world.products[product].price_cents,
                })
                .collect();
            job.for_bench = true;
            job
        })
        .collect()
}
