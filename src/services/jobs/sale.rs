//! The counter sale (SPEC §3 "Walk-in sale"): customer, products and quantities, payment and
//! completion arrive in ONE request and are written in ONE transaction, so a failure leaves
//! nothing behind (the original's four requests could leave orphan drafts). "Save draft"
//! writes the same sale as a Draft without completing it.

use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;

use super::complete::{self, CompleteInput, Completed};
use super::create::job_audit;
use super::require_desk;
use crate::db::audit::{self, Actor, Entry};
use crate::db::jobs::{self, NewJob};
use crate::db::numbers::{Numbered, next_number};
use crate::db::products::ProductRow;
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db, DbError, customers, inventory, job_lines, products};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::error::AppError;
use crate::services::fields::{Problems, WriteError, site_for_write};
use crate::services::notify::Notify;

/// The most lines one sale takes.
const MAX_LINES: usize = 200;

/// One product line of the sale.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(default)]
pub struct SaleLine {
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "product_id"
    )]
    pub product: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "quantity_used"
    )]
    pub quantity: Option<String>,
}

/// The whole sale as the POS screen sends it.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(default)]
pub struct SaleInput {
    /// Empty: the walk-in customer.
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "customer_id"
    )]
    pub customer: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "site_id"
    )]
    pub site: Option<String>,
    pub lines: Vec<SaleLine>,
    /// Completion and payment fields (`payment_method`, `amount_paid`, `tendered`, discount).
    #[serde(flatten)]
    pub complete: CompleteInput,
}

/// What ringing up made.
pub struct RungUp {
    pub job_id: i32,
    pub completed: Option<Completed>,
}

/// Parsed lines, merged by product (scanning twice means two of it).
fn parse_lines(lines: &[SaleLine], p: &mut Problems) -> Vec<(i32, i32)> {
    let mut merged: Vec<(i32, i32)> = Vec::new();
    if lines.is_empty() {
        p.add("lines", "Add at least one product.");
    }
    if lines.len() > MAX_LINES {
        p.add("lines", format!("A sale takes at most {MAX_LINES} lines."));
        return merged;
    }
    for line in lines {
        let product = line.product.as_deref().unwrap_or("").trim().parse::<i32>();
        let quantity = line
            .quantity
            .as_deref()
            .unwrap_or("1")
            .trim()
            .parse::<i32>();
        match (product, quantity) {
            (Ok(product), Ok(quantity)) if product > 0 && (1..=10_000).contains(&quantity) => {
                match merged.iter_mut().find(|(p, _)| *p == product) {
                    Some(entry) => entry.1 += quantity,
                    None => merged.push((product, quantity)),
                }
            }
            (Ok(_), Ok(_)) | (Ok(_), Err(_)) => p.add(
                "lines",
                "Each quantity must be a whole number from 1 to 10,000.",
            ),
            (Err(_), _) => p.add("lines", "Choose each product from the search."),
        }
    }
    merged
}

/// Saves the sale as a Draft (`complete = false`) or completes it with its payment.
pub async fn ring_up(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: SaleInput,
    complete_now: bool,
    notify: Notify,
) -> Result<RungUp, WriteError> {
    scope.require_write()?;
    let mut p = Problems::default();
    let site = site_for_write(&scope, input.site.as_deref(), &mut p)?;
    require_desk(&scope, site.0)?;
    let lines = parse_lines(&input.lines, &mut p);
    let customer = input.customer.clone().unwrap_or_default();
    let customer = match customer.trim() {
        "" | "walkin" | "walk-in" => None,
        raw => p.number("customer", raw, 1..=i32::MAX, true),
    };
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            let customer_id = match customer {
                Some(id) if customers::find_customer(c, id)?.is_none() => {
                    p.add("customer", "This customer does not exist.");
                    0
                }
                Some(id) => id,
                None => customers::walk_in(c)?.id,
            };
            let priced = price_lines(c, &lines, site, &mut p)?;
            p.finish(()).map_err(WriteError::Invalid)?;
            let status = if complete_now {
                JobStatus::Pending
            } else {
                JobStatus::Draft
            };
            let new = NewJob {
                display_number: next_number(c, Numbered::Sale, chrono::Utc::now().year())?,
                transaction_type: "sale".into(),
                customer_id,
                vehicle_id: None,
                site_id: site.0,
                service_type_id: None,
                assigned_mechanic_id: None,
                description: "Counter sale".into(),
                status: status.as_str().into(),
                created_by: Some(actor.user.0),
            };
            let id = jobs::insert_job(c, &new)?;
            job_lines::insert_parts(c, id, &priced, actor.user)?;
            let row = jobs::lock_job(c, id)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                actor,
                Entry {
                    action: "create",
                    entity: "service_request",
                    entity_id: id,
                    repr: &new.display_number,
                    changes: audit::snapshot(
                        &json!({"sale": job_audit(&row), "lines": priced.len()}),
                    ),
                    site: Some(SiteId(site.0)),
                },
            )?;
            let completed = if complete_now {
                let done = complete::complete_in(c, actor, &row, input.complete, &notify)?;
                Some(done)
            } else {
                None
            };
            Ok(RungUp {
                job_id: id,
                completed,
            })
        })
        .await;
    waker.wake(result)
}

/// Each product with its current price, checked against what the site has available. The
/// products come in one query and their stock rows are locked in one statement, in product
/// order as completion locks them: two tills selling the same products in different orders
/// never wait on each other crosswise (PostgreSQL would abort one as a deadlock).
fn price_lines(
    c: &mut AnyConnection,
    lines: &[(i32, i32)],
    site: SiteId,
    p: &mut Problems,
) -> Result<Vec<(i32, i32, i64)>, DbError> {
    let ids: Vec<i32> = lines.iter().map(|(product, _)| *product).collect();
    let sold: Vec<ProductRow> = products::products_by_ids(c, &ids)?
        .into_iter()
        .filter(|pr| pr.is_active)
        .collect();
    let sold_ids: Vec<i32> = sold.iter().map(|pr| pr.id).collect();
    let stock = inventory::lock_stock_of(c, site, &sold_ids)?;
    let mut priced = Vec::with_capacity(lines.len());
    for (product, quantity) in lines {
        let Some(found) = sold.iter().find(|pr| pr.id == *product) else {
            p.add(
                "lines",
                "A product on the sale does not exist or is no longer sold.",
            );
            continue;
        };
        let Some(row) = stock.iter().find(|row| row.product_id == found.id) else {
            p.add(
                "lines",
                format!("{} is not stocked at this site.", found.name),
            );
            continue;
        };
        let available = row.available();
        if *quantity > available {
            p.add(
                "lines",
                format!("Only {} of {} available.", available.max(0), found.name),
            );
        }
        priced.push((found.id, *quantity, found.unit_price_cents));
    }
    Ok(priced)
}
