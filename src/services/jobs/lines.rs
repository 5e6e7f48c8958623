//! Part and labour lines of an open job. A part line keeps the unit price of the moment it was
//! added (a snapshot; the front desk may change it), and adding a product already on the job
//! adds to that line. Quantities are checked against what the site has available, so the
//! front desk learns of a shortage when adding, not at the till.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use serde_json::json;

use super::{require_line_writer, require_open, sets_prices};
use crate::db::audit::{self, Actor, Entry};
use crate::db::job_lines::{self, LabourFields, PartRow};
use crate::db::jobs::{self, JobRow};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db, DbError, inventory, products};
use crate::domain::ids::SiteId;
use crate::domain::money::Money;
use crate::domain::totals::labour_line;
use crate::error::AppError;
use crate::services::fields::{Problems, WriteError};

/// The most of one product on one line.
const MAX_QUANTITY: i32 = 10_000;

/// A part line as typed or sent.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct PartInput {
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
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub unit_price: Option<String>,
}

/// A labour line as typed or sent: hours × rate, or a fixed amount.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct LabourInput {
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub hours: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub hourly_rate: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub amount: Option<String>,
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The job, locked, visible to the user, open, and theirs to change.
fn open_job(c: &mut AnyConnection, scope: &Scope, id: i32) -> Result<JobRow, WriteError> {
    let job = jobs::lock_job(c, id)?
        .filter(|r| jobs::visible(scope, r))
        .ok_or(AppError::NotFound)?;
    require_line_writer(scope, &job)?;
    require_open(&job)?;
    Ok(job)
}

fn quantity(p: &mut Problems, raw: &str) -> i32 {
    p.number("quantity", raw, 1..=MAX_QUANTITY, true)
        .unwrap_or_default()
}

fn unit_price(scope: &Scope, p: &mut Problems, raw: &Option<String>) -> Option<i64> {
    let raw = text(raw);
    if raw.trim().is_empty() {
        return None;
    }
    if !sets_prices(scope) {
        p.add("unit_price", "Only the front desk sets prices.");
        return None;
    }
    Money::parse(&raw)
        .map(|m| Some(m.cents()))
        .unwrap_or_else(|m| {
            p.add("unit_price", m);
            None
        })
}

/// What the site has available of `product` (on hand − reserved), or a field error.
fn available_at(
    c: &mut AnyConnection,
    product: i32,
    product_name: &str,
    site: i32,
    p: &mut Problems,
) -> Result<i32, DbError> {
    let Some(row) = inventory::lock_stock_at(c, product, SiteId(site))? else {
        p.add(
            "product",
            format!("{product_name} is not stocked at this site; receive stock first."),
        );
        return Ok(0);
    };
    Ok(row.available())
}

fn line_audit(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    action: &'static str,
    line: i32,
    changes: serde_json::Map<String, serde_json::Value>,
) -> Result<(), DbError> {
    let repr = format!("{} line {line}", job.display_number);
    audit::record(
        c,
        actor,
        Entry {
            action,
            entity: "service_request_part",
            entity_id: line,
            repr: &repr,
            changes,
            site: Some(SiteId(job.site_id)),
        },
    )
}

/// Adds a part line (or adds to the product's existing line); returns the line's id.
pub async fn add_part(
    db: &Db,
    scope: Scope,
    actor: Actor,
    job_id: i32,
    input: PartInput,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let job = open_job(c, &scope, job_id)?;
        let mut p = Problems::default();
        let product_id = p
            .number("product", &text(&input.product), 1..=i32::MAX, true)
            .unwrap_or_default();
        let wanted = quantity(&mut p, &text(&input.quantity));
        let price = unit_price(&scope, &mut p, &input.unit_price);
        let product = match product_id {
            0 => None,
            id => products::find_product(c, id)?,
        };
        let Some(product) = product.filter(|pr| pr.is_active) else {
            if product_id > 0 {
                p.add(
                    "product",
                    "This product does not exist or is no longer sold.",
                );
            }
            return Err(WriteError::Invalid(p.finish(()).err().unwrap_or_default()));
        };
        let existing = job_lines::part_of_product(c, job.id, product.id)?;
        let total = wanted + existing.as_ref().map_or(0, |l| l.quantity);
        let available = available_at(c, product.id, &product.name, job.site_id, &mut p)?;
        if !p.has("product") && wanted > 0 && total > available {
            p.add(
                "quantity",
                format!(
                    "Only {} of {} available at this site{}.",
                    available.max(0),
                    product.name,
                    existing.as_ref().map_or(String::new(), |l| format!(
                        " ({} already on this job)",
                        l.quantity
                    ))
                ),
            );
        }
        p.finish(()).map_err(WriteError::Invalid)?;
        let (id, changes) = match existing {
            Some(line) => {
                let unit = price.unwrap_or(line.unit_price_cents);
                job_lines::update_part(c, &line, total, unit)?;
                (line.id, changed(&line, total, unit))
            }
            None => {
                let unit = price.unwrap_or(product.unit_price_cents);
                let id = job_lines::insert_part(c, job.id, product.id, wanted, unit, actor.user)?;
                let changes = json!({"product_id": product.id, "quantity": wanted,
                    "unit_price": Money::from_cents(unit)});
                (id, audit::snapshot(&changes))
            }
        };
        let action = if changes.contains_key("product_id") {
            "create"
        } else {
            "update"
        };
        line_audit(c, actor, &job, action, id, changes)?;
        Ok(id)
    })
    .await
}

fn changed(line: &PartRow, quantity: i32, unit: i64) -> serde_json::Map<String, serde_json::Value> {
    let mut changes = serde_json::Map::new();
    if line.quantity != quantity {
        changes.insert("quantity".into(), json!([line.quantity, quantity]));
    }
    if line.unit_price_cents != unit {
        changes.insert(
            "unit_price".into(),
            json!([
                Money::from_cents(line.unit_price_cents),
                Money::from_cents(unit)
            ]),
        );
    }
    changes
}

/// The job of a part line the user may see.
fn job_of_part(
    c: &mut AnyConnection,
    scope: &Scope,
    line_id: i32,
) -> Result<(PartRow, JobRow), WriteError> {
    let line = job_lines::find_part(c, line_id)?.ok_or(AppError::NotFound)?;
    let job = open_job(c, scope, line.service_request_id)?;
    Ok((line, job))
}

/// Changes a part line's quantity and (front desk) unit price; returns the job's id.
pub async fn edit_part(
    db: &Db,
    scope: Scope,
    actor: Actor,
    line_id: i32,
    input: PartInput,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let (line, job) = job_of_part(c, &scope, line_id)?;
        let mut p = Problems::default();
        let wanted = match input.quantity.as_deref() {
            None => line.quantity,
            Some(raw) => quantity(&mut p, raw),
        };
        let unit = unit_price(&scope, &mut p, &input.unit_price).unwrap_or(line.unit_price_cents);
        if input
            .product
            .as_deref()
            .is_some_and(|v| v.trim() != line.product_id.to_string())
        {
            p.add(
                "product",
                "Remove the line and add the other product instead.",
            );
        }
        if wanted > line.quantity {
            let name = products::find_product(c, line.product_id)?
                .map(|pr| pr.name)
                .unwrap_or_default();
            let available = available_at(c, line.product_id, &name, job.site_id, &mut p)?;
            if wanted > available {
                p.add(
                    "quantity",
                    format!(
                        "Only {} of {name} available at this site.",
                        available.max(0)
                    ),
                );
            }
        }
        p.finish(()).map_err(WriteError::Invalid)?;
        job_lines::update_part(c, &line, wanted, unit)?;
        line_audit(
            c,
            actor,
            &job,
            "update",
            line.id,
            changed(&line, wanted, unit),
        )?;
        Ok(job.id)
    })
    .await
}

/// Removes a part line; returns the job's id.
pub async fn remove_part(
    db: &Db,
    scope: Scope,
    actor: Actor,
    line_id: i32,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let (line, job) = job_of_part(c, &scope, line_id)?;
        job_lines::delete_part(c, &line)?;
        let changes = json!({"product_id": line.product_id, "quantity": line.quantity});
        line_audit(c, actor, &job, "delete", line.id, audit::snapshot(&changes))?;
        Ok(job.id)
    })
    .await
}

/// Hours as typed ("1.5", "2") in hundredths.
fn hours(p: &mut Problems, raw: &str) -> Option<i32> {
    let value: Decimal = match raw.trim().parse() {
        Ok(v) => v,
        Err(_) => {
            p.add("hours", "Enter the hours as a number, like 1.5.");
            return None;
        }
    };
    if value <= Decimal::ZERO || value > Decimal::from(1000) {
        p.add("hours", "Hours must be more than 0 and at most 1000.");
        return None;
    }
    if value.normalize().scale() > 2 {
        p.add("hours", "Use at most two decimals.");
        return None;
    }
    (value * Decimal::ONE_HUNDRED).to_i32()
}

impl LabourInput {
    /// Hours with a rate, or an amount; never both, never neither.
    fn parse(&self) -> Result<LabourFields, crate::error::FieldErrors> {
        let mut p = Problems::default();
        let description = p.text("description", &text(&self.description), 200, true);
        let (h, rate, amount) = (
            text(&self.hours),
            text(&self.hourly_rate),
            text(&self.amount),
        );
        let by_hour = !h.trim().is_empty() || !rate.trim().is_empty();
        let mut fields = LabourFields {
            description,
            hours_hundredths: None,
            hourly_rate_cents: None,
            amount_cents: 0,
        };
        if by_hour && !amount.trim().is_empty() {
            p.add(
                "amount",
                "Give hours and a rate, or a fixed amount, not both.",
            );
        } else if by_hour {
            fields.hours_hundredths = hours(&mut p, &h);
            fields.hourly_rate_cents = p.amount("hourly_rate", &rate);
            if let (Some(h), Some(r)) = (fields.hours_hundredths, fields.hourly_rate_cents) {
                fields.amount_cents = labour_line(h, r);
            }
        } else if amount.trim().is_empty() {
            p.add("amount", "Give hours and a rate, or a fixed amount.");
        } else {
            fields.amount_cents = p.amount("amount", &amount).unwrap_or_default();
        }
        p.finish(fields)
    }
}

fn labour_audit(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    action: &'static str,
    line: i32,
    fields: &LabourFields,
) -> Result<(), DbError> {
    let repr = format!("{} labour {line}", job.display_number);
    let changes = json!({"description": fields.description,
        "amount": Money::from_cents(fields.amount_cents)});
    audit::record(
        c,
        actor,
        Entry {
            action,
            entity: "service_request_labour",
            entity_id: line,
            repr: &repr,
            changes: audit::snapshot(&changes),
            site: Some(SiteId(job.site_id)),
        },
    )
}

fn require_service(job: &JobRow) -> Result<(), WriteError> {
    if job.is_sale() {
        Err(AppError::BadRequest("A sale has no labour.".into()).into())
    } else {
        Ok(())
    }
}

/// Adds a labour line to an open service job; returns its id.
pub async fn add_labour(
    db: &Db,
    scope: Scope,
    actor: Actor,
    job_id: i32,
    input: LabourInput,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let job = open_job(c, &scope, job_id)?;
        require_service(&job)?;
        let fields = input.parse().map_err(WriteError::Invalid)?;
        let id = job_lines::insert_labour(c, job.id, &fields)?;
        labour_audit(c, actor, &job, "create", id, &fields)?;
        Ok(id)
    })
    .await
}

/// Replaces a labour line's fields; returns the job's id.
pub async fn edit_labour(
    db: &Db,
    scope: Scope,
    actor: Actor,
    line_id: i32,
    input: LabourInput,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let line = job_lines::find_labour(c, line_id)?.ok_or(AppError::NotFound)?;
        let job = open_job(c, &scope, line.service_request_id)?;
        let fields = input.parse().map_err(WriteError::Invalid)?;
        job_lines::update_labour(c, &line, &fields)?;
        labour_audit(c, actor, &job, "update", line.id, &fields)?;
        Ok(job.id)
    })
    .await
}

/// Removes a labour line; returns the job's id.
pub async fn remove_labour(
    db: &Db,
    scope: Scope,
    actor: Actor,
    line_id: i32,
) -> Result<i32, WriteError> {
    db.write_or(move |c| {
        let line = job_lines::find_labour(c, line_id)?.ok_or(AppError::NotFound)?;
        let job = open_job(c, &scope, line.service_request_id)?;
        job_lines::delete_labour(c, &line)?;
        let fields = LabourFields {
            description: line.description.clone(),
            hours_hundredths: line.hours_hundredths,
            hourly_rate_cents: line.hourly_rate_cents,
            amount_cents: line.amount_cents,
        };
        labour_audit(c, actor, &job, "delete", line.id, &fields)?;
        Ok(job.id)
    })
    .await
}
