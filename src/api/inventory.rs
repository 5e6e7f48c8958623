//! `/api/v1/inventory/`: stock per site, scoped through `Scope` (another site's row is 404, a
//! write the role may not do 403), with the receive, count and adjust actions and each row's
//! movements.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::inventory::{self, MovementLine, StockFilter, StockLine, StockSort};
use crate::domain::catalogue::StockStatus;
use crate::domain::ids::SiteId;
use crate::domain::money::Money;
use crate::error::AppError;
use crate::services::stock::{
    MovementInput, MovementKind, StockInput, create_stock, delete_stock, move_stock,
    require_reader, update_stock,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inventory/", web::get().to(list))
        .route("/inventory/", web::post().to(create))
        .route("/inventory/low-stock/", web::get().to(low_stock))
        .route("/inventory/{id}/", web::get().to(detail))
        .route("/inventory/{id}/", web::patch().to(update))
        .route("/inventory/{id}/", web::put().to(update))
        .route("/inventory/{id}/", web::delete().to(remove))
        .route("/inventory/{id}/receive/", web::post().to(receive))
        .route("/inventory/{id}/count/", web::post().to(count))
        .route("/inventory/{id}/adjust/", web::post().to(adjust))
        .route("/inventory/{id}/transactions/", web::get().to(transactions));
}

/// A stock row in JSON, with the original's field names plus `available_quantity` and
/// `stock_status`.
pub fn stock_dto(line: &StockLine) -> Value {
    let (r, p) = (&line.row, &line.product);
    json!({
        "id": r.id, "product": r.product_id, "product_name": p.name, "product_sku": p.sku,
        "product_category": p.category, "product_unit": p.unit_of_measure, "product_fmsi": p.fmsi_number,
        "product_brand": p.brand, "product_part_number": p.part_number,
        "site": r.site_id, "site_id": r.site_id, "site_name": line.site_name,
        "quantity_on_hand": r.quantity_on_hand, "quantity_reserved": r.quantity_reserved,
        "available_quantity": line.available(), "reorder_level": r.reorder_level,
        "reorder_quantity": r.reorder_quantity, "bin_location": r.bin_location, "restricted": r.restricted,
        "is_low_stock": line.is_low(), "stock_status": line.status().as_str(),
        "last_counted_at": r.last_counted_at.map(|t| t.and_utc()),
        "last_restocked_at": r.last_restocked_at.map(|t| t.and_utc()),
    })
}

fn movement_dto(m: &MovementLine, sees_cost: bool) -> Value {
    let mut dto = json!({
        "id": m.id, "transaction_type": m.kind, "quantity": m.quantity, "quantity_after": m.quantity_after,
        "reason": m.reason, "reference_type": m.reference_type, "reference_id": m.reference_id,
        "created_by": m.user_name, "created_at": m.created_at.and_utc(),
    });
    if sees_cost && let Some(map) = dto.as_object_mut() {
        map.insert(
            "unit_cost".into(),
            json!(m.unit_cost_cents.map(Money::from_cents)),
        );
    }
    dto
}

fn number(params: &Params, name: &str) -> Option<i32> {
    param(params, name).parse().ok()
}

fn filter_of(params: &Params) -> StockFilter {
    let category = param(params, "category");
    let status = StockStatus::parse(param(params, "status"))
        .or_else(|| StockStatus::parse(param(params, "stock_status")))
        .or_else(|| {
            matches!(param(params, "low_stock"), "1" | "true" | "yes").then_some(StockStatus::Low)
        });
    StockFilter {
        site: number(params, "site_id").map(SiteId),
        product: number(params, "product").or_else(|| number(params, "product_id")),
        category: (!category.is_empty()).then(|| category.to_owned()),
        status,
        q: format!("{} {}", param(params, "search"), param(params, "q")),
    }
}

async fn list_with(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    filter: StockFilter,
    params: &Params,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    require_reader(&scope)?;
    let sort = StockSort::parse(param(params, "ordering"));
    let page = page_request(params);
    let rows = state
        .db
        .read(move |c| inventory::list_stock(c, &scope, &filter, sort, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| stock_dto(&r)))))
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let filter = filter_of(&params);
    list_with(req, state, user, filter, &params).await
}

/// Rows at or below their reorder level, in the list envelope.
async fn low_stock(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let filter = StockFilter {
        status: Some(StockStatus::Low),
        ..filter_of(&params)
    };
    list_with(req, state, user, filter, &params).await
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (scope, id) = (user.scope(None), id.into_inner());
    require_reader(&scope)?;
    let line = state
        .db
        .read(move |c| inventory::find_stock(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(stock_dto(&line)))
}

async fn transactions(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let (scope, id, page) = (user.scope(None), id.into_inner(), page_request(&params));
    require_reader(&scope)?;
    let movements = state
        .db
        .read(move |c| {
            if inventory::find_stock(c, &scope, id)?.is_none() {
                return Ok(None);
            }
            Ok(Some(inventory::movements_of(c, id, page)?))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let sees_cost = user.user.role.sees_cost_prices();
    Ok(HttpResponse::Ok().json(envelope(
        &req,
        &movements.map(|m| movement_dto(&m, sees_cost)),
    )))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<StockInput>,
) -> Result<HttpResponse, AppError> {
    let result = create_stock(&state.db, user.scope(None), user.actor(), body.into_inner()).await;
    super::listing::written(result, StatusCode::CREATED, stock_dto)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<StockInput>,
) -> Result<HttpResponse, AppError> {
    let (scope, actor) = (user.scope(None), user.actor());
    let result = update_stock(&state.db, scope, actor, id.into_inner(), body.into_inner()).await;
    super::listing::written(result, StatusCode::OK, stock_dto)
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    delete_stock(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn movement(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: i32,
    kind: MovementKind,
    body: MovementInput,
) -> Result<HttpResponse, AppError> {
    let (scope, actor) = (user.scope(None), user.actor());
    let result = move_stock(&state.db, scope, actor, id, kind, body).await;
    super::listing::written(result, StatusCode::OK, stock_dto)
}

async fn receive(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<MovementInput>,
) -> Result<HttpResponse, AppError> {
    movement(
        state,
        user,
        id.into_inner(),
        MovementKind::Receive,
        body.into_inner(),
    )
    .await
}

async fn count(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<MovementInput>,
) -> Result<HttpResponse, AppError> {
    movement(
        state,
        user,
        id.into_inner(),
        MovementKind::Count,
        body.into_inner(),
    )
    .await
}

async fn adjust(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<MovementInput>,
) -> Result<HttpResponse, AppError> {
    movement(
        state,
        user,
        id.into_inner(),
        MovementKind::Adjust,
        body.into_inner(),
    )
    .await
}
