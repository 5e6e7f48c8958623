//! `/api/v1/products/`: the catalogue, shared by all sites. Everyone signed in reads; only
//! superusers write. Cost price and margin appear only for management roles.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::products::{self, ProductFilter, ProductRow, ProductSort, SearchRequest};
use crate::db::sites;
use crate::domain::ids::SiteId;
use crate::domain::money::{Money, margin_percent};
use crate::error::AppError;
use crate::services::products::{ProductInput, create_product, delete_product, update_product};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/products/", web::get().to(list))
        .route("/products/", web::post().to(create))
        .route("/products/search/", web::get().to(search))
        .route("/products/{id}/", web::get().to(detail))
        .route("/products/{id}/", web::patch().to(update))
        .route("/products/{id}/", web::put().to(update))
        .route("/products/{id}/", web::delete().to(remove));
}

/// A product in JSON, with the original's field names; `cost_price` and `margin_percent`
/// only when `sees_cost`.
pub fn product_dto(row: &ProductRow, sees_cost: bool) -> Value {
    let unit = Money::from_cents(row.unit_price_cents);
    let applications: Vec<&str> = row
        .application
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let mut dto = json!({
        "id": row.id, "name": row.name, "sku": row.sku, "category": row.category,
        "unit_of_measure": row.unit_of_measure, "brand": row.brand, "part_number": row.part_number,
        "fmsi_number": row.fmsi_number, "product_type": row.product_type, "position": row.position,
        "application": row.application, "applications_list": applications, "description": row.description,
        "unit_price": unit, "is_active": row.is_active, "image_url": null,
        "created_at": row.created_at.and_utc(), "updated_at": row.updated_at.and_utc(),
    });
    if sees_cost && let Some(map) = dto.as_object_mut() {
        let cost = row.cost_price_cents.map(Money::from_cents);
        map.insert("cost_price".into(), json!(cost));
        let margin = margin_percent(unit, cost).map(|m| m.to_string());
        map.insert("margin_percent".into(), json!(margin));
    }
    dto
}

fn filter_of(params: &Params) -> ProductFilter {
    let category = param(params, "category");
    let active = match param(params, "is_active").to_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    };
    ProductFilter {
        q: format!("{} {}", param(params, "search"), param(params, "q")),
        category: (!category.is_empty()).then(|| category.to_owned()),
        active,
    }
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let filter = filter_of(&params);
    let sort = ProductSort::parse(param(&params, "ordering"));
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| products::list_products(c, &filter, sort, page))
        .await?;
    let sees_cost = user.user.role.sees_cost_prices();
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| product_dto(&r, sees_cost)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| products::find_product(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(product_dto(&row, user.user.role.sees_cost_prices())))
}

/// The typeahead: a plain array. `site_id` limits it to products stocked at that site (404
/// when the site is not visible) and adds `available_quantity`; `vehicle` ("Make Model")
/// puts products whose application mentions it first; `limit` is 1–50 (default 15).
async fn search(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    let site = match param(&params, "site_id") {
        "" => None,
        raw => Some(SiteId(raw.parse().map_err(|_| {
            AppError::BadRequest("site_id must be a site's number.".into())
        })?)),
    };
    let limit = param(&params, "limit")
        .parse::<i64>()
        .unwrap_or(15)
        .clamp(1, 50);
    let request = SearchRequest {
        q: param(&params, "q").to_owned(),
        site,
        vehicle: param(&params, "vehicle").to_owned(),
        limit,
    };
    let hits = state
        .db
        .read(move |c| {
            if let Some(site) = request.site
                && sites::find_site(c, &scope, site)?.is_none()
            {
                return Ok(None);
            }
            Ok(Some(products::search_products(c, &scope, &request)?))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let items: Vec<Value> = hits
        .iter()
        .map(|hit| {
            let p = &hit.product;
            let mut item = json!({
                "id": p.id, "name": p.name, "sku": p.sku.as_deref().unwrap_or(""), "brand": p.brand,
                "unit_price": Money::from_cents(p.unit_price_cents), "fmsi_number": p.fmsi_number,
                "position": p.position, "product_type": p.product_type, "unit_of_measure": p.unit_of_measure,
                "application": p.application.chars().take(100).collect::<String>(), "image_url": "",
            });
            if let (Some(available), Some(map)) = (hit.available, item.as_object_mut()) {
                map.insert("available_quantity".into(), json!(available));
            }
            item
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

fn dto_for_writer(row: &ProductRow) -> Value {
    // Only superusers write, and they see cost.
    product_dto(row, true)
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<ProductInput>,
) -> Result<HttpResponse, AppError> {
    let result = create_product(&state.db, user.scope(None), user.actor(), body.into_inner()).await;
    super::listing::written(result, StatusCode::CREATED, dto_for_writer)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<ProductInput>,
) -> Result<HttpResponse, AppError> {
    let (scope, actor) = (user.scope(None), user.actor());
    let result = update_product(&state.db, scope, actor, id.into_inner(), body.into_inner()).await;
    super::listing::written(result, StatusCode::OK, dto_for_writer)
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    delete_product(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
