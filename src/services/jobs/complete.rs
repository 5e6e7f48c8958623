//! Completion (SPEC §3): one transaction that locks the job, applies labour and the discount,
//! takes every part from the site's stock (locked rows, never below what is reserved), marks
//! the job completed, services the vehicle, writes the invoice with frozen lines and totals,
//! optionally takes the payment, and queues the customer's messages. Any refusal rolls all
//! of it back.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;

use super::detail::JobLines;
use super::{require_desk, site_today};
use crate::db::audit::{self, Actor, AuditRow, Entry};
use crate::db::inventory::{self, Movement};
use crate::db::invoice_number::{NUMBER_SLOT, WithNumber, number_invoice};
use crate::db::invoices::{self, InvoiceLine, NewInvoice};
use crate::db::job_lines::{self, LabourLine, PartLine};
use crate::db::jobs::{self, JobRow};
use crate::db::promotions::{self, PromotionRow};
use crate::db::scope::Scope;
use crate::db::sites::SiteRow;
use crate::db::{AnyConnection, Db, now};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::money::Money;
use crate::domain::totals::{self, Tax, TaxBase, Totals};
use crate::error::AppError;
use crate::services::fields::{Problems, WriteError};
use crate::services::notify::Notify;
use crate::services::payments::{self, PaymentPlan, taken_audit};

/// The complete action as typed or sent; every field is optional.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CompleteInput {
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub labor_cost: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub discount_amount: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub promotion_id: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "odometer"
    )]
    pub odometer_km: Option<String>,
    /// Set to take a payment at once: `cash`, `mobile_money`, `card`, `bank_transfer`.
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub payment_method: Option<String>,
    /// Defaults to the invoice total.
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "amount"
    )]
    pub amount_paid: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "cash_tendered"
    )]
    pub tendered: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "reference"
    )]
    pub payment_reference: Option<String>,
}

/// The input once parsed; nothing is written unless all of it is valid.
struct Plan {
    labour_cents: Option<i64>,
    discount_cents: Option<i64>,
    promotion_id: Option<i32>,
    odometer_km: Option<i32>,
    payment: Option<PaymentPlan>,
}

impl CompleteInput {
    fn parse(&self) -> Result<Plan, crate::error::FieldErrors> {
        let mut p = Problems::default();
        let labour_cents = p.money("labor_cost", self.labor_cost.as_deref());
        let discount_cents = p.money("discount_amount", self.discount_amount.as_deref());
        let promo = self.promotion_id.clone().unwrap_or_default();
        let promotion_id = match promo.trim() {
            "" | "null" | "0" => None,
            raw => p.number("promotion_id", raw, 1..=i32::MAX, true),
        };
        if promotion_id.is_some() && discount_cents.is_some_and(|d| d > 0) {
            p.add(
                "discount_amount",
                "Give a promotion or a discount, not both.",
            );
        }
        let odometer = self.odometer_km.clone().unwrap_or_default();
        let odometer_km = p.number("odometer_km", &odometer, 0..=3_000_000, false);
        let payment = PaymentPlan::parse(
            &mut p,
            self.payment_method.as_deref(),
            self.amount_paid.as_deref(),
            self.tendered.as_deref(),
            self.payment_reference.as_deref(),
        );
        p.finish(Plan {
            labour_cents,
            discount_cents,
            promotion_id,
            odometer_km,
            payment,
        })
    }
}

/// What completion made.
#[derive(Debug, Clone)]
pub struct Completed {
    pub job_id: i32,
    pub invoice_id: i32,
    pub invoice_number: String,
    pub total_cents: i64,
    /// Cash change to hand back, when cash was tendered.
    pub change_cents: Option<i64>,
    /// Whether the invoice is settled (paid in full, or nothing to pay).
    pub paid: bool,
    /// A payment taken at completion paid it in full: the customer gets a receipt.
    pub receipt_due: bool,
    /// The completed job with its lines, as `detail::load_lines` would read it after the
    /// commit; only when asked for ([`Answer::WithLines`]).
    pub lines: Option<JobLines>,
}

/// What a completion answers with beside its summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Summary,
    /// The completed job with its lines, read inside the transaction (the API's answer): no
    /// second read, and no second pool checkout, after the commit.
    WithLines,
}

/// Completes a job or sale.
pub async fn complete_job(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    input: CompleteInput,
    notify: Notify,
    answer: Answer,
) -> Result<Completed, WriteError> {
    let plan = input.parse();
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            let job = jobs::lock_job(c, id)?
                .filter(|r| jobs::visible(&scope, r))
                .ok_or(AppError::NotFound)?;
            require_desk(&scope, job.site_id)?;
            refuse_final(&job)?;
            let plan = plan.map_err(WriteError::Invalid)?;
            let lines_for = (answer == Answer::WithLines).then_some(&scope);
            complete_locked(c, actor, &job, plan, &notify, lines_for)
        })
        .await;
    waker.wake(result)
}

/// Completes a job already locked in the caller's transaction (the counter sale).
pub fn complete_in(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    input: CompleteInput,
    notify: &Notify,
) -> Result<Completed, WriteError> {
    refuse_final(job)?;
    let plan = input.parse().map_err(WriteError::Invalid)?;
    complete_locked(c, actor, job, plan, notify, None)
}

/// 400 for a job that is already completed ("Already completed", SPEC §3) or cancelled.
fn refuse_final(job: &JobRow) -> Result<(), WriteError> {
    match job.status() {
        JobStatus::Completed => Err(AppError::BadRequest(format!(
            "Already completed: {} has been completed and invoiced.",
            job.display_number
        ))
        .into()),
        JobStatus::Cancelled => Err(AppError::BadRequest(format!(
            "Cancelled: {} was cancelled and cannot be completed.",
            job.display_number
        ))
        .into()),
        _ => Ok(()),
    }
}

fn load_site(c: &mut AnyConnection, site: i32) -> Result<SiteRow, WriteError> {
    Ok(
        crate::db::sites::find_site(c, &Scope::everything(), SiteId(site))?
            .ok_or(AppError::NotFound)?,
    )
}

/// The completion itself; the customer's messages are rows of this same transaction, so a
/// rollback takes them too. With `answer`, the completed job is read back for that scope.
fn complete_locked(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    plan: Plan,
    notify: &Notify,
    answer: Option<&Scope>,
) -> Result<Completed, WriteError> {
    let site = load_site(c, job.site_id)?;
    let today = site_today(&site.timezone);
    if job.is_sale() && plan.labour_cents.is_some_and(|l| l > 0) {
        return Err(WriteError::field("labor_cost", "A sale has no labour."));
    }
    let promotion = match plan.promotion_id {
        None => None,
        Some(pid) => Some(running_promotion(c, pid, today)?),
    };
    if let Some(labour) = plan.labour_cents {
        job_lines::replace_labour(c, job.id, labour)?;
    }
    let mut parts = job_lines::parts_of(c, job.id, SiteId(job.site_id))?;
    let labour = job_lines::labour_of(c, job.id)?;
    let on_hand_after = take_stock(c, actor, job, &site, &parts)?;
    let totals = bill(
        &parts,
        &labour,
        &site,
        promotion.as_ref(),
        plan.discount_cents,
    )?;
    // A payment taken now is weighed before the invoice is written, so that the invoice is
    // written paid (or part paid) at once instead of updated after.
    let payment = plan.payment.filter(|_| totals.total > 0);
    let weighed = payment
        .as_ref()
        .map(|p| payments::weigh(totals.total, p))
        .transpose()?;
    let paid_cents = weighed.map_or(0, payments::Weighed::amount_cents);
    let at = now();
    jobs::mark_completed(c, job.id, plan.odometer_km, at)?;
    if let Some(vehicle) = job.vehicle_id {
        crate::db::vehicles::mark_serviced(c, vehicle, today, plan.odometer_km, at)?;
    }
    let invoice = NewInvoice {
        // Unique until the real number replaces it below, before anything else can see it.
        display_number: format!("pending-{}", job.id),
        service_request_id: job.id,
        site_id: job.site_id,
        customer_id: job.customer_id,
        parts_cents: totals.parts,
        labour_cents: totals.labour,
        subtotal_cents: totals.subtotal,
        discount_cents: totals.discount,
        tax_cents: totals.tax,
        total_cents: totals.total,
        paid_cents,
        tax_rate_bp: site.tax_rate_bp,
        promotion_id: promotion.as_ref().map(|p| p.id),
        status: invoices::status_for(totals.total, paid_cents).into(),
        public_token: Some(crate::auth::api_tokens::random_token()),
    };
    let invoice_id = invoices::insert_invoice(c, &invoice, &frozen_lines(&parts, &labour), at)?;
    // Whatever mentions the number is written with it, in the statement that takes it
    // (`db::invoice_number`): until then NUMBER_SLOT stands for it.
    let facts = notify.invoice_facts(c, invoice_id)?;
    let mut audit = completion_audit(actor, job, &invoice, invoice_id);
    let mut paid = None;
    if let (Some(payment), Some(weighed)) = (payment, weighed) {
        let mut row = invoice.written(invoice_id, at);
        row.display_number = NUMBER_SLOT.to_owned();
        let taken = payments::record_at_issue(c, actor, &row, &payment, weighed)?;
        audit.extend(taken_audit(actor, &row, &payment, &taken));
        paid = Some((taken, payment.method));
    }
    let paid_by = paid
        .filter(|(t, _)| t.paid_in_full)
        .map(|(_, method)| method);
    // Read before the number: on PostgreSQL nothing may follow the number statement but the
    // commit (other completions wait on its counter row).
    let mut lines = match answer {
        None => None,
        Some(scope) => {
            let view = jobs::find_job(c, scope, job.id)?.ok_or(AppError::NotFound)?;
            for part in &mut parts {
                part.on_hand = on_hand_after.get(&part.line.product_id).copied();
            }
            Some(JobLines::new(view, parts, labour, site))
        }
    };
    let with_number = WithNumber {
        audit,
        messages: notify.job_completed(&facts, paid_by),
    };
    let invoice_number = number_invoice(c, invoice_id, at.year(), &with_number)?;
    if let Some(lines) = &mut lines {
        lines.view.invoice_number = Some(invoice_number.clone());
    }
    let taken = paid.map(|(t, _)| t);
    Ok(Completed {
        job_id: job.id,
        invoice_id,
        invoice_number,
        total_cents: totals.total,
        change_cents: taken.and_then(|t| t.change_cents),
        paid: taken.map_or(totals.total == 0, |t| t.paid_in_full),
        receipt_due: taken.is_some_and(|t| t.paid_in_full),
        lines,
    })
}

/// The promotion chosen at completion, which must be running today at the site.
fn running_promotion(
    c: &mut AnyConnection,
    id: i32,
    today: chrono::NaiveDate,
) -> Result<PromotionRow, WriteError> {
    match promotions::find_promotion(c, id)? {
        None => Err(WriteError::field(
            "promotion_id",
            "This promotion does not exist.",
        )),
        Some(promo) if !promo.runs_on(today) => Err(WriteError::field(
            "promotion_id",
            format!("{} is not running today.", promo.title),
        )),
        Some(promo) => Ok(promo),
    }
}

/// Takes every part from the site's stock: rows locked in product order by one statement (so
/// two completions never wait on each other crosswise), refused when a row is missing or
/// short; nothing is written until every part is there. Answers each product's quantity on
/// hand afterwards.
fn take_stock(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    site: &SiteRow,
    parts: &[PartLine],
) -> Result<BTreeMap<i32, i32>, WriteError> {
    let mut needed: BTreeMap<i32, (i32, &str)> = BTreeMap::new();
    for line in parts {
        let entry = needed
            .entry(line.line.product_id)
            .or_insert((0, line.product_name.as_str()));
        entry.0 += line.line.quantity;
    }
    let products: Vec<i32> = needed.keys().copied().collect();
    let rows = inventory::lock_stock_of(c, SiteId(site.id), &products)?;
    let reason = format!("Used on {}", job.display_number);
    let mut takes = Vec::with_capacity(rows.len());
    for (product, (quantity, name)) in needed {
        let Some(row) = rows.iter().find(|r| r.product_id == product) else {
            return Err(AppError::BadRequest(format!(
                "No inventory record for {name} at {}. Receive stock there first.",
                site.name
            ))
            .into());
        };
        if row.available() < quantity {
            return Err(AppError::BadRequest(format!(
                "Insufficient inventory for {name} (have {}, need {quantity}).",
                row.available().max(0)
            ))
            .into());
        }
        let movement = Movement {
            kind: "out",
            quantity: -quantity,
            unit_cost_cents: None,
            reason: &reason,
            reference_type: "service_request",
            reference_id: Some(job.id),
            by: actor.user,
        };
        takes.push((row, movement));
    }
    let moves: Vec<_> = takes.iter().map(|(row, m)| (*row, m)).collect();
    let after = inventory::record_movements(c, &moves)?;
    let products = takes.iter().map(|(row, _)| row.product_id);
    Ok(products.zip(after).collect())
}

/// The totals, with the promotion's discount or the manual one (never above the subtotal).
/// Public so that the complete dialog's preview shows exactly what completion will bill.
pub fn bill(
    parts: &[PartLine],
    labour: &[LabourLine],
    site: &SiteRow,
    promotion: Option<&PromotionRow>,
    manual: Option<i64>,
) -> Result<Totals, WriteError> {
    let part_totals: Vec<i64> = parts.iter().map(PartLine::total_cents).collect();
    let labour_totals: Vec<i64> = labour.iter().map(|l| l.amount_cents).collect();
    let subtotal: i64 = part_totals.iter().chain(&labour_totals).sum();
    let discount = match (promotion, manual) {
        (Some(promo), _) => promo.discount_on(subtotal),
        (None, Some(d)) if d > subtotal => {
            return Err(WriteError::field(
                "discount_amount",
                format!(
                    "The discount cannot be more than the subtotal ({}).",
                    Money::from_cents(subtotal)
                ),
            ));
        }
        (None, Some(d)) => d,
        (None, None) => 0,
    };
    let tax = Tax {
        rate_bp: site.tax_rate_bp,
        base: TaxBase::parse(&site.tax_applies_to),
    };
    Ok(totals::compute(&part_totals, &labour_totals, discount, tax))
}

/// The invoice's lines, copied from the job's as they are now.
fn frozen_lines(parts: &[PartLine], labour: &[LabourLine]) -> Vec<InvoiceLine> {
    let mut lines: Vec<InvoiceLine> = parts
        .iter()
        .map(|p| InvoiceLine {
            kind: "part".into(),
            product_id: Some(p.line.product_id),
            description: p.product_name.clone(),
            sku: p.sku.clone().unwrap_or_else(|| p.part_number.clone()),
            quantity: p.line.quantity,
            unit_price_cents: p.line.unit_price_cents,
            line_total_cents: p.total_cents(),
            position: 0,
        })
        .collect();
    lines.extend(labour.iter().map(|l| InvoiceLine {
        kind: "labour".into(),
        product_id: None,
        description: labour_description(l),
        sku: String::new(),
        quantity: 1,
        unit_price_cents: l.amount_cents,
        line_total_cents: l.amount_cents,
        position: 0,
    }));
    for (i, line) in lines.iter_mut().enumerate() {
        line.position = i as i32 + 1;
    }
    lines
}

/// "Brake work (1.5 h × 40.00)" for a line by the hour.
pub fn labour_description(line: &LabourLine) -> String {
    match (line.hours_hundredths, line.hourly_rate_cents) {
        (Some(h), Some(rate)) => format!(
            "{} ({} h × {})",
            line.description,
            rust_decimal::Decimal::new(i64::from(h), 2).normalize(),
            Money::from_cents(rate)
        ),
        _ => line.description.clone(),
    }
}

/// The audit rows of a completion: the job's status and its new invoice, named by
/// NUMBER_SLOT until the invoice has its number.
fn completion_audit(
    actor: Actor,
    job: &JobRow,
    invoice: &NewInvoice,
    invoice_id: i32,
) -> Vec<AuditRow> {
    let changes = json!({"status": [job.status, "Completed"], "invoice": NUMBER_SLOT});
    let money = |cents: i64| Money::from_cents(cents);
    let snapshot = json!({
        "service_request_id": job.id, "customer_id": invoice.customer_id,
        "subtotal": money(invoice.subtotal_cents), "discount": money(invoice.discount_cents),
        "tax": money(invoice.tax_cents), "total": money(invoice.total_cents),
        "promotion_id": invoice.promotion_id,
    });
    let site = Some(SiteId(job.site_id));
    audit::rows(
        actor,
        vec![
            Entry {
                action: "update",
                entity: "service_request",
                entity_id: job.id,
                repr: &job.display_number,
                changes: audit::snapshot(&changes),
                site,
            },
            Entry {
                action: "create",
                entity: "invoice",
                entity_id: invoice_id,
                repr: NUMBER_SLOT,
                changes: audit::snapshot(&snapshot),
                site,
            },
        ],
    )
}
