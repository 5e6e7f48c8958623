//! `/api/v1/messages/`: the outbox, read-only (SPEC §6), with the filters of the Messages page;
//! plus the retry of a failed message. Recipients are masked.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request};
use crate::auth::current_user::CurrentUser;
use crate::db::outbox_list::{self, MessageLine};
use crate::db::paging::Counting;
use crate::error::AppError;
use crate::services::messages::{filter_of, require_reader, retry_message};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/messages/", web::get().to(list))
        .route("/messages/{id}/", web::get().to(detail))
        .route("/messages/{id}/retry/", web::post().to(retry));
}

/// A message in JSON.
pub fn message_dto(m: &MessageLine) -> Value {
    json!({
        "id": m.id, "kind": m.kind, "channel": m.channel, "recipient": m.masked_recipient(),
        "subject": m.subject, "status": m.status, "attempts": m.attempts,
        "max_attempts": m.max_attempts, "last_error": m.last_error,
        "customer": m.customer_id, "customer_name": m.customer_full_name(),
        "site": m.site_id, "sms_blast": m.sms_blast_id,
        "created_at": m.created_at.and_utc(), "sent_at": m.sent_at.map(|t| t.and_utc()),
        "next_attempt_at": m.next_attempt_at.and_utc(),
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    require_reader(&scope)?;
    let filter = filter_of(&params);
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| outbox_list::list_messages(c, &scope, &filter, page, Counting::Exact))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|m| message_dto(&m)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    require_reader(&scope)?;
    let id = id.into_inner();
    let (line, body, _) = state
        .db
        .read(move |c| outbox_list::find_message(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut dto = message_dto(&line);
    dto["body"] = json!(body);
    Ok(HttpResponse::Ok().json(dto))
}

async fn retry(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    retry_message(&state, user.scope(None), user.actor(), id).await?;
    Ok(HttpResponse::Ok().json(json!({"id": id, "status": "pending"})))
}
