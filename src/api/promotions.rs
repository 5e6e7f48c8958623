//! `/api/v1/promotions/` (superuser and head office; site staff 403), `promotions/active/`
//! (anyone signed in), the SMS blast endpoints of the original, and
//! `POST /api/v1/notifications/promotions/trigger/`, which runs the promotions job now.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request};
use crate::auth::current_user::CurrentUser;
use crate::db::blasts::{self, BlastLine};
use crate::db::{now, promotions};
use crate::error::AppError;
use crate::scheduler::{JobName, RunOutcome, run_claimed};
use crate::services::blasts::{BlastInput, preview, send_blast};
use crate::services::promotions::{
    PromotionInput, create_promotion, delete_promotion, promotion_json, require_manager,
    update_promotion,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/promotions/", web::get().to(list))
        .route("/promotions/", web::post().to(create))
        .route("/promotions/active/", web::get().to(active))
        .route("/promotions/sms-history/", web::get().to(history))
        .route("/promotions/{id}/", web::get().to(detail))
        .route("/promotions/{id}/", web::patch().to(update))
        .route("/promotions/{id}/", web::put().to(update))
        .route("/promotions/{id}/", web::delete().to(remove))
        .route(
            "/promotions/{id}/sms-blast-preview/",
            web::get().to(blast_preview),
        )
        .route("/promotions/{id}/sms-blast/", web::post().to(blast))
        .route(
            "/notifications/promotions/trigger/",
            web::post().to(trigger),
        );
}

/// A blast in JSON, with the original's field names plus the outcome counters.
pub fn blast_dto(b: &BlastLine) -> Value {
    json!({
        "id": b.id, "promotion": b.promotion_id, "promotion_title": b.promotion_title,
        "message": b.message, "audience": b.audience, "site": b.site_id, "status": b.status,
        "total_count": b.total_count, "sent_count": b.sent_count, "failed_count": b.failed_count,
        "skipped_count": b.skipped_count, "created_at": b.created_at.and_utc(),
        "finished_at": b.finished_at.map(|t| t.and_utc()), "created_by": b.created_by,
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| promotions::list_promotions(c, None, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| promotion_json(&r)))))
}

async fn active(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let page = page_request(&params);
    let today = now().date();
    let rows = state
        .db
        .read(move |c| promotions::list_promotions(c, Some(today), page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| promotion_json(&r)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| promotions::find_promotion(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(promotion_json(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<PromotionInput>,
) -> Result<HttpResponse, AppError> {
    let result = create_promotion(&state, user.scope(None), user.actor(), body.into_inner()).await;
    super::listing::written(result, StatusCode::CREATED, promotion_json)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<PromotionInput>,
) -> Result<HttpResponse, AppError> {
    let (scope, actor) = (user.scope(None), user.actor());
    let result = update_promotion(&state, scope, actor, id.into_inner(), body.into_inner()).await;
    super::listing::written(result, StatusCode::OK, promotion_json)
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    delete_promotion(&state, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn blast_preview(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let id = id.into_inner();
    state
        .db
        .read(move |c| promotions::find_promotion(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let input = BlastInput {
        message: params.get("message").cloned(),
        audience: params.get("audience").cloned(),
        site_id: params.get("site_id").cloned(),
    };
    match preview(&state, &input).await? {
        Ok(p) => Ok(HttpResponse::Ok().json(json!({
            "total_count": p.recipients, "segments": p.segments.segments,
            "length": p.segments.length, "unicode": p.segments.unicode, "sample": p.sample,
        }))),
        Err(errors) => Err(AppError::Validation(errors)),
    }
}

async fn blast(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<BlastInput>,
) -> Result<HttpResponse, AppError> {
    let (scope, actor) = (user.scope(None), user.actor());
    let result = send_blast(&state, scope, actor, id.into_inner(), body.into_inner()).await;
    super::listing::written(result, StatusCode::CREATED, blast_dto)
}

async fn history(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| blasts::list_blasts(c, None, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|b| blast_dto(&b)))))
}

/// Runs the promotions job now (claimed like a scheduled run) and says how many messages it
/// enqueued: 0 when every consenting customer already had each running promotion.
async fn trigger(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let who = format!("api trigger by user {}", user.id());
    let settings = state.settings.clone();
    match run_claimed(
        &state.db,
        &settings,
        Some(&state.outbox),
        JobName::Promotions,
        now(),
        &who,
    )
    .await?
    {
        RunOutcome::Done(counts) => {
            Ok(HttpResponse::Ok().json(json!({"enqueued": counts["enqueued"]})))
        }
        RunOutcome::Failed(error) => Err(AppError::Internal(anyhow::anyhow!(error))),
        RunOutcome::NotMine => Err(AppError::TooManyRequests(
            "The promotions job is running already.".into(),
        )),
    }
}
