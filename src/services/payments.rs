//! Money in (SPEC §3): payments against an invoice (the amount defaults to the balance, never
//! more), cash tendered and change, reversals by a manager with a reason, voiding by a
//! superuser, and the invoice's public link. Every change runs on the locked invoice row, so
//! two payments racing on one invoice never pay it twice.

use serde::Deserialize;
use serde_json::json;

use crate::db::audit::{self, Actor, AuditRow, Entry};
use crate::db::invoices::{self, InvoiceRow, NewPayment};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::SiteId;
use crate::domain::money::Money;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::fields::{Problems, WriteError};

/// Payment methods: stored value and label.
pub const METHODS: [(&str, &str); 4] = [
    ("cash", "Cash"),
    ("mobile_money", "Mobile money"),
    ("card", "Card"),
    ("bank_transfer", "Bank transfer"),
];

/// The stored method for what was typed or sent (the original's `momo` and `pos` too).
pub fn method_of(raw: &str) -> Option<&'static str> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "cash" => Some("cash"),
        "mobile_money" | "momo" | "mobile money" => Some("mobile_money"),
        "card" | "pos" => Some("card"),
        "bank_transfer" | "bank" | "transfer" => Some("bank_transfer"),
        _ => None,
    }
}

pub fn method_label(method: &str) -> &'static str {
    METHODS
        .iter()
        .find(|(value, _)| *value == method)
        .map_or("Other", |(_, label)| label)
}

/// A payment to take, parsed.
#[derive(Clone, Debug)]
pub struct PaymentPlan {
    pub method: &'static str,
    /// `None`: the whole balance.
    pub amount_cents: Option<i64>,
    pub tendered_cents: Option<i64>,
    pub reference: String,
}

impl PaymentPlan {
    /// `None` when no method was chosen (pay later); field errors go to `p`.
    pub fn parse(
        p: &mut Problems,
        method: Option<&str>,
        amount: Option<&str>,
        tendered: Option<&str>,
        reference: Option<&str>,
    ) -> Option<Self> {
        let amount_cents = p.money("amount_paid", amount);
        let tendered_cents = p.money("tendered", tendered);
        let reference = p.text("payment_reference", reference.unwrap_or(""), 100, false);
        let method = match method
            .map(str::trim)
            .filter(|m| !m.is_empty() && *m != "later")
        {
            None => {
                if amount_cents.is_some() || tendered_cents.is_some() {
                    p.add("payment_method", "Choose how the customer paid.");
                }
                return None;
            }
            Some(raw) => match method_of(raw) {
                Some(m) => m,
                None => {
                    p.add(
                        "payment_method",
                        "Choose cash, mobile money, card or bank transfer.",
                    );
                    return None;
                }
            },
        };
        if amount_cents == Some(0) {
            p.add("amount_paid", "Enter an amount above 0.");
        }
        if tendered_cents.is_some() && method != "cash" {
            p.add("tendered", "Cash tendered is only for cash payments.");
        }
        Some(Self {
            method,
            amount_cents,
            tendered_cents,
            reference,
        })
    }
}

/// What a payment did.
#[derive(Clone, Copy, Debug)]
pub struct Taken {
    pub payment_id: i32,
    pub amount_cents: i64,
    pub change_cents: Option<i64>,
    /// This payment made the invoice fully paid (the receipt goes out).
    pub paid_in_full: bool,
}

/// Takes a payment on a locked invoice, and records it in the audit log.
pub fn take_payment(
    c: &mut AnyConnection,
    actor: Actor,
    invoice: &InvoiceRow,
    plan: &PaymentPlan,
) -> Result<Taken, WriteError> {
    if invoice.status == "void" {
        return Err(AppError::BadRequest(format!(
            "{} is void; it takes no payments.",
            invoice.display_number
        ))
        .into());
    }
    let balance = invoice.balance_cents();
    if balance == 0 {
        return Err(AppError::BadRequest(format!(
            "{} is already paid in full.",
            invoice.display_number
        ))
        .into());
    }
    let weighed = weigh(balance, plan)?;
    let payment = weighed.payment(actor, plan);
    let payment_id = invoices::record_payment(c, invoice, &payment)?;
    let taken = weighed.taken(payment_id, invoice.paid_cents, invoice.total_cents);
    audit::insert_rows(c, &taken_audit(actor, invoice, plan, &taken))?;
    Ok(taken)
}

/// A payment's amount and change, checked against the balance it pays.
#[derive(Clone, Copy, Debug)]
pub struct Weighed {
    amount_cents: i64,
    change_cents: Option<i64>,
}

impl Weighed {
    pub fn amount_cents(self) -> i64 {
        self.amount_cents
    }

    fn payment<'a>(self, actor: Actor, plan: &'a PaymentPlan) -> NewPayment<'a> {
        NewPayment {
            amount_cents: self.amount_cents,
            method: plan.method,
            reference: &plan.reference,
            reason: "",
            tendered_cents: plan.tendered_cents,
            by: actor.user,
        }
    }

    fn taken(self, payment_id: i32, paid_before: i64, total: i64) -> Taken {
        Taken {
            payment_id,
            amount_cents: self.amount_cents,
            change_cents: self.change_cents,
            paid_in_full: paid_before + self.amount_cents >= total,
        }
    }
}

/// What `plan` pays of `balance` (all of it unless it names an amount), and the change from
/// the cash tendered; refused when it is more than the balance, or the cash less than it.
pub fn weigh(balance: i64, plan: &PaymentPlan) -> Result<Weighed, WriteError> {
    let amount = plan.amount_cents.unwrap_or(balance);
    if amount > balance {
        return Err(WriteError::field(
            "amount_paid",
            format!(
                "That is more than the balance of {}.",
                Money::from_cents(balance)
            ),
        ));
    }
    let change_cents = match plan.tendered_cents {
        Some(t) if t < amount => {
            return Err(WriteError::field(
                "tendered",
                format!(
                    "The cash tendered ({}) is less than the amount paid ({}).",
                    Money::from_cents(t),
                    Money::from_cents(amount)
                ),
            ));
        }
        Some(t) => Some(t - amount),
        None => None,
    };
    Ok(Weighed {
        amount_cents: amount,
        change_cents,
    })
}

/// The payment `weighed` against a new invoice's total, on `invoice` just written with it in
/// its paid amount and status (completion): only the payment's row is left to write.
pub fn record_at_issue(
    c: &mut AnyConnection,
    actor: Actor,
    invoice: &InvoiceRow,
    plan: &PaymentPlan,
    weighed: Weighed,
) -> Result<Taken, WriteError> {
    let payment = weighed.payment(actor, plan);
    let payment_id = invoices::insert_payment(c, invoice.id, &payment, invoice.created_at)?;
    Ok(weighed.taken(payment_id, 0, invoice.total_cents))
}

/// The audit row of the payment `taken` by `plan` on `invoice`.
pub fn taken_audit(
    actor: Actor,
    invoice: &InvoiceRow,
    plan: &PaymentPlan,
    taken: &Taken,
) -> Vec<AuditRow> {
    let changes = json!({"invoice_id": invoice.id, "amount": Money::from_cents(taken.amount_cents),
        "method": plan.method, "reference": plan.reference});
    payment_audit(actor, invoice, taken.payment_id, changes)
}

/// The audit row of a payment (or reversal) on `invoice`.
fn payment_audit(
    actor: Actor,
    invoice: &InvoiceRow,
    payment_id: i32,
    changes: serde_json::Value,
) -> Vec<AuditRow> {
    let repr = format!("Payment {payment_id} on {}", invoice.display_number);
    audit::rows(
        actor,
        vec![Entry {
            action: "create",
            entity: "payment",
            entity_id: payment_id,
            repr: &repr,
            changes: audit::snapshot(&changes),
            site: Some(SiteId(invoice.site_id)),
        }],
    )
}

/// The locked invoice, visible to the user; 403 for mechanics (no invoices for them).
fn locked(c: &mut AnyConnection, scope: &Scope, id: i32) -> Result<InvoiceRow, WriteError> {
    require_invoice_reader(scope)?;
    let row = invoices::lock_invoice(c, id)?
        .filter(|r| scope.can_see(SiteId(r.site_id)))
        .ok_or(AppError::NotFound)?;
    Ok(row)
}

/// Mechanics see no invoices (SPEC §1).
pub fn require_invoice_reader(scope: &Scope) -> Result<(), AppError> {
    if scope.role() == Role::Mechanic {
        Err(AppError::Forbidden("Mechanics do not see invoices.".into()))
    } else {
        Ok(())
    }
}

/// A payment as typed or sent.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct PaymentInput {
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "method"
    )]
    pub payment_method: Option<String>,
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

/// Records a payment (front desk of the invoice's site).
pub async fn pay_invoice(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    input: PaymentInput,
    notify: crate::services::notify::Notify,
) -> Result<Taken, WriteError> {
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            let invoice = locked(c, &scope, id)?;
            scope.require_site_for_write(SiteId(invoice.site_id))?;
            let mut p = Problems::default();
            let method = input
                .payment_method
                .as_deref()
                .filter(|m| !m.trim().is_empty());
            if method.is_none() {
                p.add("payment_method", "Choose how the customer paid.");
            }
            let plan = PaymentPlan::parse(
                &mut p,
                method,
                input.amount_paid.as_deref(),
                input.tendered.as_deref(),
                input.payment_reference.as_deref(),
            );
            let plan = p.finish(plan).map_err(WriteError::Invalid)?;
            let Some(plan) = plan else {
                return Err(WriteError::field(
                    "payment_method",
                    "Choose how the customer paid.",
                ));
            };
            let taken = take_payment(c, actor, &invoice, &plan)?;
            if taken.paid_in_full {
                notify.invoice_paid(c, invoice.id)?;
            }
            Ok(taken)
        })
        .await;
    waker.wake(result)
}

/// Reverses part of what was paid: a negative payment with a reason (manager or superuser).
/// Nothing un-pays an invoice otherwise.
pub async fn reverse_payment(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    amount: String,
    reason: String,
) -> Result<(), WriteError> {
    db.write_or(move |c| {
        let invoice = locked(c, &scope, id)?;
        scope.require_site_for_write(SiteId(invoice.site_id))?;
        if !matches!(scope.role(), Role::Manager | Role::Superuser) {
            return Err(AppError::Forbidden(
                "Only a manager or a superuser can reverse a payment.".into(),
            )
            .into());
        }
        let mut p = Problems::default();
        let cents = p.money("amount", Some(&amount));
        let reason = p.text("reason", &reason, 500, true);
        match cents {
            None if !p.has("amount") => p.add("amount", "Enter the amount to reverse."),
            Some(0) => p.add("amount", "Enter an amount above 0."),
            Some(c) if c > invoice.paid_cents => p.add(
                "amount",
                format!(
                    "Only {} has been paid.",
                    Money::from_cents(invoice.paid_cents)
                ),
            ),
            _ => {}
        }
        let cents = p.finish(cents).map_err(WriteError::Invalid)?.unwrap_or(0);
        let payment = NewPayment {
            amount_cents: -cents,
            method: "cash",
            reference: "",
            reason: &reason,
            tendered_cents: None,
            by: actor.user,
        };
        let method = invoices::payments_of(c, invoice.id)?
            .last()
            .map(|p| p.method.clone())
            .unwrap_or_else(|| "cash".into());
        let payment = NewPayment {
            method: &method,
            ..payment
        };
        let payment_id = invoices::record_payment(c, &invoice, &payment)?;
        let changes = json!({"invoice_id": invoice.id, "amount": format!("-{}", Money::from_cents(cents)),
            "reason": reason});
        audit::insert_rows(c, &payment_audit(actor, &invoice, payment_id, changes))?;
        Ok(())
    })
    .await
}

/// Voids an invoice (superuser, with a reason): the number and record stay, it takes no more
/// payments. Stock is not returned; that is a stock adjustment.
pub async fn void_invoice(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    reason: String,
) -> Result<(), WriteError> {
    db.write_or(move |c| {
        let invoice = locked(c, &scope, id)?;
        if scope.role() != Role::Superuser {
            return Err(AppError::Forbidden("Only a superuser can void an invoice.".into()).into());
        }
        if invoice.status == "void" {
            return Err(AppError::BadRequest(format!(
                "{} is already void.",
                invoice.display_number
            ))
            .into());
        }
        let mut p = Problems::default();
        let reason = p.text("reason", &reason, 500, true);
        p.finish(()).map_err(WriteError::Invalid)?;
        invoices::void_invoice(c, invoice.id, &reason, actor.user)?;
        let changes = json!({"status": [invoice.status, "void"], "void_reason": reason});
        audit::record(
            c,
            actor,
            Entry {
                action: "update",
                entity: "invoice",
                entity_id: invoice.id,
                repr: &invoice.display_number,
                changes: audit::snapshot(&changes),
                site: Some(SiteId(invoice.site_id)),
            },
        )?;
        Ok(())
    })
    .await
}

/// Revokes the public link (`revoke = true`) or makes a new one, which stops the old one.
pub async fn share_link(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    revoke: bool,
) -> Result<(), WriteError> {
    db.write_or(move |c| {
        let invoice = locked(c, &scope, id)?;
        scope.require_site_for_write(SiteId(invoice.site_id))?;
        let token = (!revoke).then(crate::auth::api_tokens::random_token);
        invoices::set_public_token(c, invoice.id, token.as_deref())?;
        let action = if revoke { "revoked" } else { "renewed" };
        audit::record(
            c,
            actor,
            Entry {
                action: "update",
                entity: "invoice",
                entity_id: invoice.id,
                repr: &invoice.display_number,
                changes: audit::snapshot(&json!({"public_link": action})),
                site: Some(SiteId(invoice.site_id)),
            },
        )?;
        Ok(())
    })
    .await
}
