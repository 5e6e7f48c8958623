//! The job's moves: assigning the mechanic, status moves (a mechanic starts their job),
//! cancelling with a reason, deleting an open job opened by mistake, and taking a payment on
//! its invoice.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use super::body::Forms;
use super::{Fields, base_of, field, is_htmx, money};
use crate::auth::current_user::CurrentUser;
use crate::db::jobs;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::services::jobs::moves;
use crate::services::notify::Notify;
use crate::services::payments::{self, PaymentInput};
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::see_other;

type JobPath = web::Path<i32>;

/// `POST …/{id}/mechanic`: one of the site's mechanics, or none.
pub async fn assign(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let chosen = field(&form, "assigned_mechanic");
    let notify = Notify::of(&state);
    let result = moves::assign_mechanic(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        chosen,
        notify,
    )
    .await
    .map(|m| match m {
        Some(_) => "Mechanic assigned; they will be told.".to_owned(),
        None => "Mechanic assignment saved.".to_owned(),
    });
    ctx.answer(id, result, "mechanic", Forms::default()).await
}

/// `POST …/{id}/status`: a move the state machine allows.
pub async fn move_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let wanted = field(&form, "status").unwrap_or_default();
    let result = moves::move_status(&state.db, user.scope(None), user.actor(), id, &wanted)
        .await
        .map(|s| format!("Now {s}."));
    ctx.answer(id, result, "status", Forms::default()).await
}

/// `POST …/{id}/cancel`, with the reason.
pub async fn cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let reason = field(&form, "reason").unwrap_or_default();
    let result = moves::cancel_job(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        reason.clone(),
    )
    .await
    .map(|()| "Cancelled. The lines stay as they were and no stock moved.".to_owned());
    let f = Forms {
        cancel_reason: reason,
        ..Forms::default()
    };
    ctx.answer(id, result, "cancel", f).await
}

/// `POST …/{id}/delete`: gone → the list (htmx follows `HX-Redirect`).
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let number = {
        let scope = user.scope(None);
        state
            .db
            .read(move |c| jobs::find_job(c, &scope, id))
            .await?
            .ok_or(AppError::NotFound)?
            .job
            .display_number
    };
    match moves::delete_job(&state.db, user.scope(None), user.actor(), id).await {
        Ok(()) => {
            flash::push(&session, "success", format!("{number} deleted."));
            let list = base_of(&req);
            if is_htmx(&req) {
                return Ok(HttpResponse::Ok()
                    .insert_header(("HX-Redirect", list))
                    .finish());
            }
            Ok(see_other(list))
        }
        Err(e) => ctx.answer(id, Err(e), "delete", Forms::default()).await,
    }
}

/// `POST …/{id}/payments`: a payment on the job's invoice (amount defaults to the balance).
pub async fn pay(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: JobPath,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let (id, ctx) = (id.into_inner(), ctx!(req, state, session, user));
    let scope = user.scope(None);
    let invoice = state
        .db
        .read(move |c| jobs::find_job(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?
        .invoice_id;
    let input = PaymentInput {
        payment_method: field(&form, "payment_method"),
        amount_paid: field(&form, "amount_paid").filter(|a| !a.trim().is_empty()),
        tendered: field(&form, "tendered"),
        payment_reference: field(&form, "payment_reference"),
    };
    let result = match invoice {
        None => Err(WriteError::Refused(AppError::BadRequest(
            "There is no invoice yet: complete the job first.".into(),
        ))),
        Some(invoice) => {
            let notify = Notify::of(&state);
            let scope = user.scope(None);
            payments::pay_invoice(
                &state.db,
                scope,
                user.actor(),
                invoice,
                input.clone(),
                notify,
            )
            .await
            .map(|t| {
                let mut notice = format!("Payment of {} recorded.", money(t.amount_cents));
                if t.paid_in_full {
                    notice.push_str(" Paid in full.");
                }
                if let Some(change) = t.change_cents {
                    notice.push_str(&format!(" Change due: {}.", money(change)));
                }
                notice
            })
        }
    };
    let f = Forms {
        payment: input,
        ..Forms::default()
    };
    ctx.answer(id, result, "payment", f).await
}
