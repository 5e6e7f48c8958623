//! The invoice's forms: record a payment, reverse one, void the invoice, revoke or renew its
//! public link. Each calls `services::payments` and answers in one of three ways: with htmx,
//! the invoice's region as it is now (with the notice or the field errors); without, a 303
//! back to the invoice with a flash, or the page again with the errors (422). A refusal
//! (403, 404, a 400 such as "already paid") is the usual error page or toast.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::detail::{Forms, body, full_page};
use super::document::money;
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::services::notify::Notify;
use crate::services::payments::{self, PaymentInput};
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::{page, render, see_other};

/// What the request was, for the answer.
struct Ctx<'a> {
    req: &'a HttpRequest,
    state: &'a AppState,
    session: &'a Session,
    user: &'a CurrentUser,
    id: i32,
}

impl Ctx<'_> {
    /// Done: the region with `notice` (htmx), or back to the invoice with it as a flash.
    async fn done(&self, notice: String) -> Result<HttpResponse, AppError> {
        if super::is_htmx(self.req) {
            let forms = Forms {
                notice: Some(notice),
                ..Forms::default()
            };
            let region = body(self.state, self.session, self.user, self.id, forms).await?;
            return page(&region);
        }
        flash::push(self.session, "success", notice);
        Ok(see_other(&format!("/invoices/{}", self.id)))
    }

    /// Invalid input: the forms again with what was typed and why it was refused.
    async fn invalid(&self, forms: Forms) -> Result<HttpResponse, AppError> {
        let region = body(self.state, self.session, self.user, self.id, forms).await?;
        if super::is_htmx(self.req) {
            // htmx swaps only 2xx answers; the errors are in the region.
            return page(&region);
        }
        let full = full_page(self.req, self.state, self.session, self.user, region).await?;
        render(StatusCode::UNPROCESSABLE_ENTITY, &full)
    }
}

fn payment_notice(taken: &payments::Taken) -> String {
    let mut text = format!("Payment of {} recorded.", money(taken.amount_cents));
    if let Some(change) = taken.change_cents {
        text.push_str(&format!(" Change to give: {}.", money(change)));
    }
    if taken.paid_in_full {
        text.push_str(" The invoice is paid in full.");
    }
    text
}

pub async fn pay(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<PaymentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = Ctx {
        req: &req,
        state: &state,
        session: &session,
        user: &user,
        id,
    };
    let input = form.into_inner();
    let notify = Notify::of(&state);
    let scope = user.scope(None);
    match payments::pay_invoice(&state.db, scope, user.actor(), id, input.clone(), notify).await {
        Ok(taken) => ctx.done(payment_notice(&taken)).await,
        Err(WriteError::Invalid(errors)) => {
            let forms = Forms {
                pay: input,
                pay_errors: errors,
                ..Forms::default()
            };
            ctx.invalid(forms).await
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    amount: String,
    reason: String,
}

pub async fn reverse(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = Ctx {
        req: &req,
        state: &state,
        session: &session,
        user: &user,
        id,
    };
    let ReasonForm { amount, reason } = form.into_inner();
    let (scope, actor) = (user.scope(None), user.actor());
    let result =
        payments::reverse_payment(&state.db, scope, actor, id, amount.clone(), reason.clone())
            .await;
    match result {
        Ok(()) => ctx.done("Payment reversed.".into()).await,
        Err(WriteError::Invalid(errors)) => {
            let forms = Forms {
                reverse_amount: amount,
                reverse_reason: reason,
                reverse_errors: errors,
                ..Forms::default()
            };
            ctx.invalid(forms).await
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

pub async fn void(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = Ctx {
        req: &req,
        state: &state,
        session: &session,
        user: &user,
        id,
    };
    let reason = form.into_inner().reason;
    let (scope, actor) = (user.scope(None), user.actor());
    match payments::void_invoice(&state.db, scope, actor, id, reason.clone()).await {
        Ok(()) => ctx.done("Invoice voided.".into()).await,
        Err(WriteError::Invalid(errors)) => {
            let forms = Forms {
                void_reason: reason,
                void_errors: errors,
                ..Forms::default()
            };
            ctx.invalid(forms).await
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    action: String,
}

pub async fn link(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = Ctx {
        req: &req,
        state: &state,
        session: &session,
        user: &user,
        id,
    };
    let revoke = match form.action.as_str() {
        "revoke" => true,
        "renew" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to revoke or renew the link.".into(),
            ));
        }
    };
    let (scope, actor) = (user.scope(None), user.actor());
    payments::share_link(&state.db, scope, actor, id, revoke)
        .await
        .map_err(AppError::from)?;
    let notice = if revoke {
        "Link revoked: it no longer opens this invoice."
    } else {
        "New link made; the old one no longer works."
    };
    ctx.done(notice.into()).await
}
