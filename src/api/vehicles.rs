//! `/api/v1/vehicles/` (and the original's `vehicle/`): scoped to the user's site; everyone but
//! mechanics reads, HQ does not write.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::customers::require_reader;
use super::listing::{Params, envelope, id_param, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::paging::Counting;
use crate::db::vehicles::{self, VehicleFilter, VehicleView};
use crate::error::AppError;
use crate::services::vehicles::{self as service, Saved, VehicleInput};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    for base in ["/vehicles", "/vehicle"] {
        cfg.route(&format!("{base}/"), web::get().to(list))
            .route(&format!("{base}/"), web::post().to(create))
            .route(&format!("{base}/{{id}}/"), web::get().to(detail))
            .route(&format!("{base}/{{id}}/"), web::patch().to(update))
            .route(&format!("{base}/{{id}}/"), web::put().to(update))
            .route(&format!("{base}/{{id}}/"), web::delete().to(remove));
    }
}

pub fn vehicle_dto(v: &VehicleView) -> Value {
    let r = &v.vehicle;
    json!({
        "id": r.id, "customer": r.customer_id, "customer_id": r.customer_id, "customer_name": v.owner(),
        "site": r.site_id, "site_id": r.site_id, "site_name": v.site_name,
        "make": r.make, "model": r.model, "year": r.year, "license_plate": r.license_plate, "vin": r.vin,
        "odometer_km": r.odometer_km, "last_serviced": r.last_serviced,
        "service_interval_days": r.service_interval_days, "service_interval_km": r.service_interval_km,
        "last_reminder_sent": r.last_reminder_sent, "reminders_sent_in_cycle": r.reminders_sent_in_cycle,
        "created_at": r.created_at.and_utc(), "updated_at": r.updated_at.and_utc(),
    })
}

/// A saved vehicle, with `warnings` (e.g. a VIN check digit) beside the fields.
fn saved_dto(s: &Saved) -> Value {
    let mut dto = vehicle_dto(&s.vehicle);
    dto["warnings"] = json!(s.warnings);
    dto
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let filter = VehicleFilter {
        q: format!("{} {}", param(&params, "search"), param(&params, "q")),
        customer: id_param(&params, &["customer", "customer_id"]),
        site: id_param(&params, &["site", "site_id"]),
    };
    let (_, sort) = crate::web::vehicles::sort_of(param(&params, "ordering"));
    let (page, scope) = (page_request(&params), user.scope(None));
    let rows = state
        .db
        .read(move |c| vehicles::list_vehicles(c, &scope, &filter, sort, page, Counting::Exact))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|v| vehicle_dto(&v)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    let row = state
        .db
        .read(move |c| vehicles::find_vehicle(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(vehicle_dto(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<VehicleInput>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let result = service::create_vehicle(
        &state.db,
        user.scope(None),
        user.actor(),
        body.into_inner(),
        service::latest_service_date(),
    )
    .await;
    super::listing::written(result, StatusCode::CREATED, saved_dto)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<VehicleInput>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let (id, patch) = (id.into_inner(), body.into_inner());
    let result = service::update_vehicle(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        patch,
        service::latest_service_date(),
    )
    .await;
    super::listing::written(result, StatusCode::OK, saved_dto)
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    service::delete_vehicle(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
