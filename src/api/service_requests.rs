//! `/api/v1/service-requests/` (and the original's `service_request/`): jobs and sales, their
//! actions (assign mechanic, complete, cancel) and the service catalogue. Every rule lives in
//! `services::jobs`; this module only speaks JSON.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Params, date_param, envelope, id_param, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::job_lines::{LabourLine, PartLine};
use crate::db::job_list::{self, JobFilter, Kind};
use crate::db::jobs::JobView;
use crate::db::paging::{Counting, Page};
use crate::db::schema::{service_categories, service_types};
use crate::domain::job_status::JobStatus;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::services::jobs::complete::{self, CompleteInput, labour_description};
use crate::services::jobs::create::{self, JobInput};
use crate::services::jobs::detail::{self, JobLines};
use crate::services::jobs::moves;
use crate::services::notify::Notify;
use crate::state::AppState;
use diesel::prelude::*;

pub fn configure(cfg: &mut web::ServiceConfig) {
    for base in ["/service-requests", "/service_request"] {
        cfg.route(&format!("{base}/"), web::get().to(list))
            .route(&format!("{base}/"), web::post().to(create))
            .route(&format!("{base}/{{id}}/"), web::get().to(retrieve))
            .route(&format!("{base}/{{id}}/"), web::patch().to(update))
            .route(&format!("{base}/{{id}}/"), web::put().to(update))
            .route(&format!("{base}/{{id}}/"), web::delete().to(remove))
            .route(
                &format!("{base}/{{id}}/assign-mechanic/"),
                web::post().to(assign),
            )
            .route(
                &format!("{base}/{{id}}/complete/"),
                web::post().to(complete),
            )
            .route(&format!("{base}/{{id}}/cancel/"), web::post().to(cancel));
    }
    cfg.route("/service-categories/", web::get().to(categories));
}

fn money(cents: i64) -> Money {
    Money::from_cents(cents)
}

/// A job as the list shows it; `parts_total` and `labor_cost` are the sums kept on the job
/// (`job_lines::refresh_line_sums`).
pub fn job_dto(v: &JobView) -> Value {
    let j = &v.job;
    json!({
        "id": j.id, "display_number": j.display_number, "transaction_type": j.transaction_type,
        "customer": j.customer_id, "customer_name": v.customer_name(),
        "vehicle": j.vehicle_id, "vehicle_display": v.vehicle_display(),
        "site": j.site_id, "site_name": v.site_name,
        "service_type": j.service_type_id, "service_type_display": v.service_type_display(),
        "assigned_mechanic": j.assigned_mechanic_id, "mechanic_name": v.mechanic_name,
        "description": j.description, "status": j.status, "cancel_reason": j.cancel_reason,
        "odometer_km": j.odometer_km, "parts_total": money(j.parts_cents), "labor_cost": money(j.labour_cents),
        "invoice": v.invoice_id.map(|id| json!({"id": id, "display_number": v.invoice_number,
            "status": v.invoice_status, "total_cost": v.invoice_total_cents.map(money)})),
        "created_at": j.created_at.and_utc(), "updated_at": j.updated_at.and_utc(),
        "completed_at": j.completed_at.map(|t| t.and_utc()),
        "cancelled_at": j.cancelled_at.map(|t| t.and_utc()),
    })
}

pub fn part_dto(p: &PartLine) -> Value {
    json!({
        "id": p.line.id, "service_request": p.line.service_request_id,
        "product": p.line.product_id, "product_name": p.product_name, "sku": p.sku,
        "quantity_used": p.line.quantity, "unit_price": money(p.line.unit_price_cents),
        "line_total": money(p.total_cents()), "available": p.available(),
    })
}

fn labour_dto(l: &LabourLine) -> Value {
    json!({
        "id": l.id, "description": labour_description(l),
        "hours": l.hours_hundredths.map(|h| rust_decimal::Decimal::new(i64::from(h), 2).to_string()),
        "hourly_rate": l.hourly_rate_cents.map(money), "amount": money(l.amount_cents),
    })
}

/// A job with its lines and running totals.
pub fn detail_dto(d: &JobLines) -> Value {
    let mut dto = job_dto(&d.view);
    dto["product_used"] = json!(
        d.parts
            .iter()
            .map(|p| p.line.product_id)
            .collect::<Vec<_>>()
    );
    dto["parts"] = json!(d.parts.iter().map(part_dto).collect::<Vec<_>>());
    dto["labour"] = json!(d.labour.iter().map(labour_dto).collect::<Vec<_>>());
    dto["totals"] = json!({"parts": money(d.totals.parts), "labour": money(d.totals.labour),
        "subtotal": money(d.totals.subtotal), "tax": money(d.totals.tax),
        "total": money(d.totals.total), "tax_rate_bp": d.site.tax_rate_bp});
    dto
}

fn truthy(raw: &str) -> bool {
    matches!(raw.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let parts_only = truthy(param(&params, "parts_only"));
    let kind = match param(&params, "transaction_type") {
        "sale" => Kind::Sale,
        "service" => Kind::Service,
        _ if parts_only => Kind::Sale,
        _ => Kind::Any,
    };
    let page = page_request(&params);
    let status = match param(&params, "status") {
        "" => None,
        raw => match JobStatus::parse(raw) {
            Some(status) => Some(status),
            // An unknown status matches nothing rather than everything.
            None => return Ok(HttpResponse::Ok().json(envelope(&req, &Page::<Value>::empty(page)))),
        },
    };
    let filter = JobFilter {
        kind,
        status,
        open_only: false,
        site: id_param(&params, &["site", "site_id"]),
        mechanic: id_param(&params, &["mechanic", "mechanic_id"]),
        customer: id_param(&params, &["customer", "customer_id"]),
        vehicle: (!parts_only)
            .then(|| id_param(&params, &["vehicle", "vehicle_id"]))
            .flatten(),
        from: date_param(&params, "date_from"),
        to: date_param(&params, "date_to"),
        number: param(&params, "number").to_owned(),
    };
    let scope = user.scope(None);
    let rows = state
        .db
        .read(move |c| job_list::list_jobs(c, &scope, &filter, page, Counting::Exact))
        .await?;
    let page = rows.map(|v| job_dto(&v));
    Ok(HttpResponse::Ok().json(envelope(&req, &page)))
}

async fn load_detail(state: &AppState, user: &CurrentUser, id: i32) -> Result<Value, AppError> {
    let scope = user.scope(None);
    let found = state
        .db
        .read(move |c| detail::load_lines(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(detail_dto(&found))
}

async fn retrieve(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(load_detail(&state, &user, id.into_inner()).await?))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<Value>,
) -> Result<HttpResponse, AppError> {
    let input = JobInput::from_json(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let notify = Notify::of(&state);
    let written =
        create::create_job(&state.db, user.scope(None), user.actor(), input, notify).await?;
    let dto = load_detail(&state, &user, written.job.job.id).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(dto))
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<Value>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // A status alone is a move, which the assigned mechanic may make too (starting the job).
    if let Some(fields) = body.as_object()
        && fields.len() == 1
        && let Some(status) = fields.get("status").and_then(Value::as_str)
    {
        moves::move_status(&state.db, user.scope(None), user.actor(), id, status).await?;
        return Ok(HttpResponse::Ok().json(load_detail(&state, &user, id).await?));
    }
    let input = JobInput::from_json(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let notify = Notify::of(&state);
    create::update_job(&state.db, user.scope(None), user.actor(), id, input, notify).await?;
    Ok(HttpResponse::Ok().json(load_detail(&state, &user, id).await?))
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    moves::delete_job(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssignBody {
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "mechanic",
        alias = "assigned_mechanic"
    )]
    mechanic_id: Option<String>,
}

async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<AssignBody>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let notify = Notify::of(&state);
    let raw = body.into_inner().mechanic_id;
    moves::assign_mechanic(&state.db, user.scope(None), user.actor(), id, raw, notify).await?;
    Ok(HttpResponse::Ok().json(load_detail(&state, &user, id).await?))
}

async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: Option<web::Json<CompleteInput>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = body.map(web::Json::into_inner).unwrap_or_default();
    let notify = Notify::of(&state);
    let scope = user.scope(None);
    let answer = complete::Answer::WithLines;
    let done =
        complete::complete_job(&state.db, scope, user.actor(), id, input, notify, answer).await?;
    let lines = done.lines.as_ref().ok_or(AppError::NotFound)?;
    let mut dto = detail_dto(lines);
    dto["change"] = json!(done.change_cents.map(money));
    Ok(HttpResponse::Ok().json(dto))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CancelBody {
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    reason: Option<String>,
}

async fn cancel(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: Option<web::Json<CancelBody>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = body.and_then(|b| b.into_inner().reason).unwrap_or_default();
    moves::cancel_job(&state.db, user.scope(None), user.actor(), id, reason).await?;
    Ok(HttpResponse::Ok().json(load_detail(&state, &user, id).await?))
}

/// The service catalogue, unpaginated, in display order (the original's shape).
async fn categories(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let rows: Vec<(i32, String, i32, String)> = state
        .db
        .read(|c| {
            Ok(service_categories::table
                .inner_join(service_types::table)
                .order((
                    service_categories::position.asc(),
                    service_types::position.asc(),
                ))
                .select((
                    service_categories::id,
                    service_categories::name,
                    service_types::id,
                    service_types::name,
                ))
                .load(c)?)
        })
        .await?;
    let mut out: Vec<Value> = Vec::new();
    for (category, name, kind, kind_name) in rows {
        if out.last().and_then(|v| v["id"].as_i64()) != Some(i64::from(category)) {
            out.push(json!({"id": category, "name": name, "service_types": []}));
        }
        if let Some(last) = out.last_mut()
            && let Some(types) = last["service_types"].as_array_mut()
        {
            types.push(json!({"id": kind, "name": kind_name}));
        }
    }
    Ok(HttpResponse::Ok().json(out))
}
