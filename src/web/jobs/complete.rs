//! The complete panel: a promotion running today or a manual discount, the odometer, and the
//! payment now or later (cash tendered gives the change). While the front desk types, the
//! summary is recomputed by the server with the same arithmetic completion uses
//! (`services::jobs::complete::bill`), so the total shown is the total invoiced, promotion
//! included.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::body::Forms;
use super::{Fields, field, money};
use crate::auth::current_user::CurrentUser;
use crate::domain::money::Money;
use crate::domain::totals::Totals;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::services::jobs::complete::{self as service, CompleteInput};
use crate::services::jobs::detail::JobDetail;
use crate::services::notify::Notify;
use crate::state::AppState;
use crate::web::shell::page;

/// What completion would bill and take, as typed so far.
#[derive(Template)]
#[template(path = "jobs/complete_summary.html")]
pub struct CompleteSummary {
    pub preview_url: String,
    /// `None` while the discount typed cannot be applied (see `problem`).
    pub totals: Option<Totals>,
    pub problem: Option<String>,
    /// The payment taken now, if any.
    pub paying: Option<i64>,
    pub change: Option<i64>,
    /// How much the cash tendered falls short of the payment.
    pub short: Option<i64>,
    pub currency: String,
}

impl CompleteSummary {
    pub fn m(&self, cents: impl crate::web::jobs::AsCents) -> String {
        money(cents.as_cents())
    }
}

fn typed(v: &Option<String>) -> Option<&str> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "later")
}

/// The summary for `input` on the job in `d`.
pub fn summarise(
    d: &JobDetail,
    input: &CompleteInput,
    base: &str,
    currency: &str,
) -> CompleteSummary {
    let mut summary = CompleteSummary {
        preview_url: format!("{base}/{}/complete/preview", d.view.job.id),
        totals: None,
        problem: None,
        paying: None,
        change: None,
        short: None,
        currency: currency.to_owned(),
    };
    let promotion = match typed(&input.promotion_id) {
        None => None,
        Some(raw) => match d.promotions.iter().find(|p| p.id.to_string() == raw) {
            Some(p) => Some(p),
            None => {
                summary.problem = Some("Choose a promotion running today.".into());
                return summary;
            }
        },
    };
    let manual = match typed(&input.discount_amount).map(Money::parse) {
        None => None,
        Some(Ok(m)) => Some(m.cents()),
        Some(Err(message)) => {
            summary.problem = Some(format!("Discount: {message}"));
            return summary;
        }
    };
    if promotion.is_some() && manual.is_some_and(|m| m > 0) {
        summary.problem = Some("Give a promotion or a discount, not both.".into());
        return summary;
    }
    let totals = match service::bill(&d.parts, &d.labour, &d.site, promotion, manual) {
        Ok(t) => t,
        Err(WriteError::Invalid(errors)) => {
            summary.problem = errors.values().flatten().next().cloned();
            return summary;
        }
        Err(WriteError::Refused(e)) => {
            summary.problem = Some(e.to_string());
            return summary;
        }
    };
    summary.totals = Some(totals);
    if typed(&input.payment_method).is_some() && totals.total > 0 {
        let paying = typed(&input.amount_paid)
            .and_then(|a| Money::parse(a).ok())
            .map_or(totals.total, Money::cents);
        summary.paying = Some(paying);
        if let Some(tendered) = typed(&input.tendered).and_then(|t| Money::parse(t).ok()) {
            let difference = tendered.cents() - paying;
            if difference >= 0 {
                summary.change = Some(difference);
            } else {
                summary.short = Some(-difference);
            }
        }
    }
    summary
}

/// The complete fields of a form or query.
pub fn complete_input(fields: &Fields) -> CompleteInput {
    CompleteInput {
        labor_cost: None,
        discount_amount: field(fields, "discount_amount"),
        promotion_id: field(fields, "promotion_id"),
        odometer_km: field(fields, "odometer_km"),
        payment_method: field(fields, "payment_method"),
        amount_paid: field(fields, "amount_paid"),
        tendered: field(fields, "tendered"),
        payment_reference: field(fields, "payment_reference"),
    }
}

/// `GET …/{id}/complete`: the job with the panel open (cash now, by default).
pub async fn panel(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let ctx = ctx!(req, state, session, user);
    let f = Forms {
        complete: Some(CompleteInput {
            payment_method: Some("cash".into()),
            ..CompleteInput::default()
        }),
        ..Forms::default()
    };
    ctx.respond(id.into_inner(), f, StatusCode::OK).await
}

/// `GET …/{id}/complete/preview`: the summary for what is typed.
pub async fn preview(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    let ctx = ctx!(req, state, session, user);
    let f = Forms {
        complete: Some(complete_input(&query)),
        ..Forms::default()
    };
    let body = ctx.body(id.into_inner(), f).await?;
    match body.summary {
        Some(summary) if body.can.desk => page(&summary),
        _ => Err(AppError::forbidden()),
    }
}

/// The words after a completion: invoice, total, change.
fn completed_notice(done: &service::Completed) -> String {
    let mut notice = format!(
        "Completed. Invoice {} for {}.",
        done.invoice_number,
        money(done.total_cents)
    );
    if done.paid {
        notice.push_str(" Paid in full.");
    }
    if let Some(change) = done.change_cents {
        notice.push_str(&format!(" Change due: {}.", money(change)));
    }
    notice
}

/// `POST …/{id}/complete`: one transaction (stock, invoice, payment); refusals such as
/// "Insufficient inventory …" come back in the panel, with nothing written.
pub async fn complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = ctx!(req, state, session, user);
    let input = complete_input(&form);
    let notify = Notify::of(&state);
    let result = service::complete_job(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        input.clone(),
        notify,
        service::Answer::Summary,
    )
    .await
    .map(|done| completed_notice(&done));
    let f = Forms {
        complete: Some(input),
        ..Forms::default()
    };
    ctx.answer(id, result, "complete", f).await
}
