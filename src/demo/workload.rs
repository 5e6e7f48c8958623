//! Sets the stage for the job history (the sites, the products lines may use, the walk-in
//! customer) and decides which jobs to make, with the open ones of the completion benchmark
//! and the stock those need.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};
use rand::rngs::StdRng;

use super::Plan;
use super::jobs::{self, HISTORY_DAYS, Job, Mix, Product, Site, World};
use crate::db::bulk::{self, InsertedProduct, InsertedVehicle};
use crate::db::{AnyConnection, DbError, customers, write_transaction};

/// What jobs are made from, besides customers and vehicles.
pub struct Stage<'a> {
    sites: &'a [Site],
    /// Vehicles brought in by yesterday, which jobs can be about.
    vehicles: Vec<InsertedVehicle>,
    products: Vec<Product>,
    walk_in: Option<i32>,
    superuser: Option<i32>,
}

impl<'a> Stage<'a> {
    pub fn new(
        now: NaiveDateTime,
        sites: &'a [Site],
        vehicles: &[InsertedVehicle],
        products: &[InsertedProduct],
        people: (Option<i32>, Option<i32>),
    ) -> Self {
        let (walk_in, superuser) = people;
        let yesterday = now - TimeDelta::days(1);
        let vehicles = vehicles
            .iter()
            .filter(|v| v.created_at <= yesterday)
            .copied()
            .collect();
        // Nobody adds a discontinued product to a job.
        let products = products
            .iter()
            .filter(|(_, _, _, _, _, active)| *active)
            .map(|(id, name, sku, price, _, _)| Product {
                id: *id,
                name: name.clone(),
                sku: sku.clone().unwrap_or_default(),
                price_cents: *price,
            })
            .collect();
        Self {
            sites,
            vehicles,
            products,
            walk_in,
            superuser,
        }
    }

    pub fn world<'b>(
        &'b self,
        now: NaiveDateTime,
        customers: &'b [(i32, NaiveDateTime)],
    ) -> World<'b> {
        World {
            now,
            sites: self.sites,
            customers,
            vehicles: &self.vehicles,
            products: &self.products,
            walk_in: self.walk_in,
            superuser: self.superuser,
        }
    }
}

/// The shared walk-in customer, the same row the app looks up (made as the app makes it), when
/// any sale may be made; dated back to before the history, since its sales are.
pub fn walk_in(conn: &mut AnyConnection, plan: &Plan) -> Result<Option<i32>, DbError> {
    let sales_possible = plan.sales_percent > 0 || plan.vehicles == 0;
    if plan.jobs == 0 || !sales_possible {
        return Ok(None);
    }
    let before_history = plan.now - TimeDelta::days(HISTORY_DAYS + 1);
    write_transaction(conn, |c| {
        let row = customers::walk_in(c)?;
        bulk::backdate_customer(c, row.id, before_history)?;
        Ok(Some(row.id))
    })
}

/// The history the plan asks for, then the benchmark's open jobs.
pub fn jobs(rng: &mut StdRng, world: &World<'_>, plan: &Plan) -> Vec<Job> {
    let mix = Mix {
        jobs: plan.jobs,
        sales_percent: plan.sales_percent,
        completed: plan.invoices,
    };
    let mut made = jobs::history(rng, world, &mix);
    if !world.vehicles.is_empty() {
        made.extend(jobs::open_for_bench(rng, world, plan.open_jobs));
    }
    made
}

/// Units the benchmark's open jobs take, by (product id, site id).
pub fn stock_needed(world: &World<'_>, jobs: &[Job]) -> BTreeMap<(i32, i32), i32> {
    let mut demand = BTreeMap::new();
    for job in jobs.iter().filter(|j| j.for_bench) {
        for line in &job.parts {
            let key = (world.products[line.product].id, world.sites[job.site].id);
            *demand.entry(key).or_default() += line.quantity;
        }
    }
    demand
}
