//! `/api/v1/product-usage/` (add a part line), `product-usage/{service_request_id}/` (a job's
//! lines with product name, unit price and line total) and `product-usage-item/{id}/` (one line:
//! read, change the quantity, remove) — the original's contract, with the snapshot price.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::listing::{Params, envelope, page_request};
use super::service_requests::part_dto;
use crate::auth::current_user::CurrentUser;
use crate::db::job_lines::{self, PartLine};
use crate::db::jobs;
use crate::db::paging::Page;
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::services::jobs::lines::{self, PartInput};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/product-usage/", web::post().to(add))
        .route("/product-usage/{id}/", web::get().to(lines_of_job))
        .route("/product-usage-item/{id}/", web::get().to(item))
        .route("/product-usage-item/{id}/", web::patch().to(edit))
        .route("/product-usage-item/{id}/", web::put().to(edit))
        .route("/product-usage-item/{id}/", web::delete().to(remove));
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AddBody {
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "service_request_id"
    )]
    service_request: Option<String>,
    #[serde(flatten)]
    line: PartInput,
}

/// The line with its product, read through the job so the scope applies (404 otherwise).
async fn line_json(
    state: &AppState,
    user: &CurrentUser,
    line: i32,
) -> Result<serde_json::Value, AppError> {
    let scope = user.scope(None);
    let found: Option<PartLine> = state
        .db
        .read(move |c| {
            let Some(row) = job_lines::find_part(c, line)? else {
                return Ok(None);
            };
            let Some(job) = jobs::find_job(c, &scope, row.service_request_id)? else {
                return Ok(None);
            };
            let all = job_lines::parts_of(c, job.job.id, SiteId(job.job.site_id))?;
            Ok(all.into_iter().find(|p| p.line.id == line))
        })
        .await?;
    Ok(part_dto(&found.ok_or(AppError::NotFound)?))
}

async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<AddBody>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    let job = body
        .service_request
        .as_deref()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .ok_or_else(|| {
            let mut errors = crate::error::FieldErrors::new();
            errors.insert(
                "service_request".into(),
                vec!["Choose the service request.".into()],
            );
            AppError::Validation(errors)
        })?;
    let id = lines::add_part(&state.db, user.scope(None), user.actor(), job, body.line).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(line_json(&state, &user, id).await?))
}

async fn lines_of_job(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let (id, scope, page) = (id.into_inner(), user.scope(None), page_request(&params));
    let parts = state
        .db
        .read(move |c| {
            let Some(job) = jobs::find_job(c, &scope, id)? else {
                return Ok(None);
            };
            Ok(Some(job_lines::parts_of(c, id, SiteId(job.job.site_id))?))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    // A job has few lines; they are paged here to keep the original's envelope.
    let total = parts.len() as i64;
    let items = parts
        .iter()
        .skip(page.offset().max(0) as usize)
        .take(page.size as usize)
        .map(part_dto)
        .collect();
    let page = Page::new(page, items, total);
    Ok(HttpResponse::Ok().json(envelope(&req, &page)))
}

async fn item(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(line_json(&state, &user, id.into_inner()).await?))
}

async fn edit(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<PartInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    lines::edit_part(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(line_json(&state, &user, id).await?))
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    lines::remove_part(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
