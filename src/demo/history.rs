//! Writes the job history: service requests with their lines in the order they were opened,
//! then invoices with frozen lines and payments in the order they were issued (so ids and
//! display numbers both follow time), then the vehicles' service state and the display-number
//! sequences, so the app numbers its next job after the last one here.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime};
use rand::rngs::StdRng;

use super::billing::{self, Issue, Settlement};
use super::jobs::{Job, Status, World};
use super::load::Progress;
use crate::db::bulk::{
    self, NewInvoice, NewInvoiceLine, NewLabourLine, NewPartLine, NewPayment, NewSequence,
    NewServiceRequest, ServiceState,
};
use crate::db::job_lines::LabourLine;
use crate::db::{AnyConnection, DbError, write_transaction};
use crate::domain::totals::{self, Totals};
use crate::services::jobs::complete::labour_description;

/// Jobs (or invoices) per transaction, each with its lines: about 10,000 rows.
const CHUNK_JOBS: usize = 2_500;

/// What was written.
pub struct Written {
    pub tables: Vec<(&'static str, usize, Duration)>,
    /// Ids of the open jobs made for the completion benchmark, ascending.
    pub bench_ids: Vec<i32>,
}

/// Writes `jobs` (in any order).
pub fn write(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    world: &World<'_>,
    mut jobs: Vec<Job>,
) -> Result<Written, DbError> {
    // Stable: the benchmark's jobs, made last, stay after history of the same second.
    jobs.sort_by_key(|job| job.created_at);
    let mut numbers = Numbers::default();
    let job_numbers: Vec<String> = jobs
        .iter()
        .map(|job| numbers.next(if job.sale { "SALE" } else { "SR" }, job.created_at))
        .collect();

    let mut progress = Progress::start("service_requests", jobs.len());
    let mut ids = Vec::with_capacity(jobs.len());
    let mut lines = 0;
    for (chunk, chunk_numbers) in jobs.chunks(CHUNK_JOBS).zip(job_numbers.chunks(CHUNK_JOBS)) {
        let (chunk_ids, written) =
            write_transaction(conn, |c| write_jobs(c, world, chunk, chunk_numbers))?;
        ids.extend(chunk_ids);
        lines += written;
        progress.advance(chunk.len());
    }
    let mut tables = vec![progress.finish(), also("part and labour lines", lines)];
    let bench_ids = jobs
        .iter()
        .zip(&ids)
        .filter(|(job, _)| job.for_bench)
        .map(|(_, id)| *id)
        .collect();

    tables.extend(write_invoices(conn, rng, world, &jobs, &ids, &mut numbers)?);
    let states = service_states(world, &jobs);
    let sequences = numbers.sequences();
    let mut progress = Progress::start("vehicles serviced", states.len());
    write_transaction(conn, |c| {
        bulk::set_service_states(c, &states)?;
        bulk::insert_sequences(c, &sequences)
    })?;
    progress.advance(states.len());
    progress.finish();
    Ok(Written { tables, bench_ids })
}

/// Rows written along with the table before, in its time.
fn also(table: &'static str, rows: usize) -> (&'static str, usize, Duration) {
    println!("  {:<24} {rows:>9} rows", format!("+ {table}"));
    (table, rows, Duration::ZERO)
}

/// One chunk of jobs and their lines; returns the jobs' ids (in `jobs` order) and how many
/// lines were written.
fn write_jobs(
    conn: &mut AnyConnection,
    world: &World<'_>,
    jobs: &[Job],
    numbers: &[String],
) -> Result<(Vec<i32>, usize), DbError> {
    let rows: Vec<NewServiceRequest> = jobs
        .iter()
        .zip(numbers)
        .map(|(job, number)| request_row(world, job, number.clone()))
        .collect();
    let by_number: HashMap<String, i32> = bulk::insert_service_requests(conn, &rows)?
        .into_iter()
        .map(|(id, number)| (number, id))
        .collect();
    let ids: Vec<i32> = numbers.iter().map(|n| by_number[n]).collect();
    let mut parts = Vec::new();
    let mut labour = Vec::new();
    for (job, &id) in jobs.iter().zip(&ids) {
        parts.extend(job.parts.iter().map(|line| NewPartLine {
            service_request_id: id,
            product_id: world.products[line.product].id,
            quantity: line.quantity,
            unit_price_cents: line.unit_price_cents,
            created_by: job.created_by,
            created_at: job.created_at,
            updated_at: job.created_at,
        }));
        labour.extend(job.labour.iter().map(|line| NewLabourLine {
            service_request_id: id,
            description: line.description,
            hours_hundredths: line.hours_hundredths,
            hourly_rate_cents: line.hourly_rate_cents,
            amount_cents: line.amount_cents,
            created_at: job.created_at,
            updated_at: job.created_at,
        }));
    }
    let written =
        bulk::insert_part_lines(conn, &parts)? + bulk::insert_labour_lines(conn, &labour)?;
    Ok((ids, written))
}

fn request_row(world: &World<'_>, job: &Job, display_number: String) -> NewServiceRequest {
    NewServiceRequest {
        display_number,
        transaction_type: if job.sale { "sale" } else { "service" },
        customer_id: job.customer_id,
        vehicle_id: job.vehicle.map(|v| world.vehicles[v].id),
        site_id: world.sites[job.site].id,
        service_type_id: job.service_type_id,
        assigned_mechanic_id: job.mechanic_id,
        description: job.description,
        status: job.status.as_str(),
        cancel_reason: job.cancel_reason,
        odometer_km: job.odometer_km,
        created_by: job.created_by,
        created_at: job.created_at,
        updated_at: job.updated_at,
        completed_at: job.completed_at,
        cancelled_at: job.cancelled_at,
        parts_cents: job
            .parts
            .iter()
            .map(|l| totals::part_line(l.quantity, l.unit_price_cents))
            .sum(),
        labour_cents: job.labour.iter().map(|l| l.amount_cents).sum(),
    }
}

/// An invoice to write: the job it bills, its number, amounts and payments.
struct Bill<'a> {
    job: &'a Job,
    request_id: i32,
    number: String,
    issued: NaiveDateTime,
    totals: Totals,
    settlement: Settlement,
}

fn write_invoices(
    conn: &mut AnyConnection,
    rng: &mut StdRng,
    world: &World<'_>,
    jobs: &[Job],
    ids: &[i32],
    numbers: &mut Numbers,
) -> Result<Vec<(&'static str, usize, Duration)>, DbError> {
    let mut completed: Vec<(NaiveDateTime, usize)> = jobs
        .iter()
        .enumerate()
        .filter_map(|(n, job)| Some((job.completed_at?, n)))
        .collect();
    completed.sort_unstable();
    let mut progress = Progress::start("invoices", completed.len());
    let (mut lines, mut payments) = (0, 0);
    for chunk in completed.chunks(CHUNK_JOBS) {
        let bills: Vec<Bill<'_>> = chunk
            .iter()
            .map(|&(issued, n)| bill(rng, world, &jobs[n], ids[n], issued, numbers))
            .collect();
        let (l, p) = write_transaction(conn, |c| write_bills(c, world, &bills))?;
        lines += l;
        payments += p;
        progress.advance(chunk.len());
    }
    Ok(vec![
        progress.finish(),
        also("invoice lines", lines),
        also("payments", payments),
    ])
}

fn bill<'a>(
    rng: &mut StdRng,
    world: &World<'_>,
    job: &'a Job,
    request_id: i32,
    issued: NaiveDateTime,
    numbers: &mut Numbers,
) -> Bill<'a> {
    let parts: Vec<i64> = job.parts.iter().map(|l| l.amount()).collect();
    let labour: Vec<i64> = job.labour.iter().map(|l| l.amount_cents).collect();
    let subtotal = parts.iter().chain(&labour).sum();
    let discount = billing::discount(rng, subtotal);
    let site = &world.sites[job.site];
    let totals = totals::compute(&parts, &labour, discount, site.tax);
    let issue = Issue {
        total: totals.total,
        at: issued,
        now: world.now,
        sale: job.sale,
        desk: &site.desk,
    };
    Bill {
        job,
        request_id,
        number: numbers.next("INV", issued),
        issued,
        totals,
        settlement: billing::settle(rng, &issue),
    }
}

/// One chunk of invoices with their lines and payments; returns how many lines and payments.
fn write_bills(
    conn: &mut AnyConnection,
    world: &World<'_>,
    bills: &[Bill<'_>],
) -> Result<(usize, usize), DbError> {
    let rows: Vec<NewInvoice> = bills.iter().map(|b| invoice_row(world, b)).collect();
    let by_request: HashMap<i32, i32> = bulk::insert_invoices(conn, &rows)?
        .into_iter()
        .map(|(id, request)| (request, id))
        .collect();
    let mut lines = Vec::new();
    let mut payments = Vec::new();
    for bill in bills {
        let invoice_id = by_request[&bill.request_id];
        lines.extend(invoice_lines(world, bill.job, invoice_id));
        payments.extend(bill.settlement.payments.iter().map(|p| NewPayment {
            invoice_id,
            amount_cents: p.amount,
            method: p.method,
            reference: p.reference.clone(),
            reason: "",
            tendered_cents: p.tendered,
            received_by: p.received_by,
            received_at: p.received_at,
            created_at: p.received_at,
        }));
    }
    Ok((
        bulk::insert_invoice_lines(conn, &lines)?,
        bulk::insert_payments(conn, &payments)?,
    ))
}

fn invoice_row(world: &World<'_>, bill: &Bill<'_>) -> NewInvoice {
    let t = bill.totals;
    let s = &bill.settlement;
    let site = &world.sites[bill.job.site];
    NewInvoice {
        display_number: bill.number.clone(),
        service_request_id: bill.request_id,
        site_id: site.id,
        customer_id: bill.job.customer_id,
        parts_cents: t.parts,
        labour_cents: t.labour,
        subtotal_cents: t.subtotal,
        discount_cents: t.discount,
        tax_cents: t.tax,
        total_cents: t.total,
        paid_cents: s.paid(),
        tax_rate_bp: site.tax.rate_bp,
        promotion_id: None,
        status: s.status,
        void_reason: s.void.map(|(reason, _)| reason),
        voided_at: s.void.map(|(_, at)| at),
        voided_by: s.void.and(world.superuser),
        // Unguessable, as the app makes them at completion: the public link works.
        public_token: Some(crate::auth::api_tokens::random_token()),
        public_token_revoked_at: None,
        created_at: bill.issued,
        updated_at: s.updated_at,
    }
}

/// The request's lines, frozen: parts first, then labour, numbered from 1.
fn invoice_lines(world: &World<'_>, job: &Job, invoice_id: i32) -> Vec<NewInvoiceLine> {
    let parts = job.parts.iter().map(|line| {
        let product = &world.products[line.product];
        NewInvoiceLine {
            invoice_id,
            kind: "part",
            product_id: Some(product.id),
            description: product.name.clone(),
            sku: product.sku.clone(),
            quantity: line.quantity,
            unit_price_cents: line.unit_price_cents,
            line_total_cents: line.amount(),
            position: 0,
        }
    });
    let labour = job.labour.iter().map(|line| NewInvoiceLine {
        invoice_id,
        kind: "labour",
        product_id: None,
        // Worded as completion words it ("Brake work (1.5 h × 40.00)").
        description: labour_description(&LabourLine {
            id: 0,
            service_request_id: 0,
            description: line.description.to_owned(),
            hours_hundredths: line.hours_hundredths,
            hourly_rate_cents: line.hourly_rate_cents,
            amount_cents: line.amount_cents,
            created_at: job.created_at,
        }),
        sku: String::new(),
        quantity: 1,
        unit_price_cents: line.amount_cents,
        line_total_cents: line.amount_cents,
        position: 0,
    });
    parts
        .chain(labour)
        .zip(1..)
        .map(|(line, position)| NewInvoiceLine { position, ..line })
        .collect()
}

/// Each serviced vehicle's latest completed job: its day at the site and odometer reading.
fn service_states(world: &World<'_>, jobs: &[Job]) -> Vec<ServiceState> {
    let mut latest: BTreeMap<usize, (NaiveDateTime, Option<i32>, chrono_tz::Tz)> = BTreeMap::new();
    for job in jobs.iter().filter(|j| j.status == Status::Completed) {
        if let (Some(vehicle), Some(at)) = (job.vehicle, job.completed_at) {
            let seen = (at, job.odometer_km, world.sites[job.site].zone);
            let entry = latest.entry(vehicle).or_insert(seen);
            if at >= entry.0 {
                *entry = seen;
            }
        }
    }
    latest
        .into_iter()
        .map(|(vehicle, (at, odometer_km, zone))| ServiceState {
            vehicle_id: world.vehicles[vehicle].id,
            last_serviced: at.and_utc().with_timezone(&zone).date_naive(),
            odometer_km,
        })
        .collect()
}

/// Display numbers per (prefix, year), from 1 without gaps: `SR-2025-0001`, `INV-2025-00001`.
#[derive(Default)]
struct Numbers {
    last: BTreeMap<(&'static str, i32), i32>,
}

impl Numbers {
    fn next(&mut self, prefix: &'static str, at: NaiveDateTime) -> String {
        let year = at.year();
        let value = self.last.entry((prefix, year)).or_insert(0);
        *value += 1;
        if prefix == "INV" {
            format!("{prefix}-{year}-{value:05}")
        } else {
            format!("{prefix}-{year}-{value:04}")
        }
    }

    /// The sequence rows that make the app carry on after the last number handed out.
    fn sequences(&self) -> Vec<NewSequence> {
        self.last
            .iter()
            .map(|(&(prefix, year), &last_value)| NewSequence {
                prefix,
                year,
                last_value,
            })
            .collect()
    }
}
