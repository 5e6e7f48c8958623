//! `/api/v1/sites/`: every signed-in user lists the sites they may see; superusers write, and a
//! manager may update their own site.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::sites::{self, SiteRow};
use crate::domain::ids::SiteId;
use crate::domain::percent::BasisPoints;
use crate::error::AppError;
use crate::services::sites::{SiteInput, create_site, delete_site, update_site};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sites/", web::get().to(list))
        .route("/sites/", web::post().to(create))
        .route("/sites/{id}/", web::get().to(detail))
        .route("/sites/{id}/", web::patch().to(update))
        .route("/sites/{id}/", web::put().to(update))
        .route("/sites/{id}/", web::delete().to(remove));
}

/// A site in JSON, with the original's field names (`location`, `contact_number`) beside ours.
pub fn site_dto(row: &SiteRow) -> Value {
    json!({
        "id": row.id, "name": row.name, "address": row.address, "location": row.address,
        "phone": row.phone, "contact_number": row.phone, "timezone": row.timezone,
        "tax_rate": BasisPoints::from_stored(row.tax_rate_bp).display(), "tax_applies_to": row.tax_applies_to,
        "invoice_footer": row.invoice_footer, "is_active": row.is_active,
        "created_at": row.created_at.and_utc(), "updated_at": row.updated_at.and_utc(),
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    let q = param(&params, "search").to_owned() + param(&params, "q");
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| sites::list_sites(c, &scope, &q, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| site_dto(&r)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (scope, id) = (user.scope(None), SiteId(id.into_inner()));
    let row = state
        .db
        .read(move |c| sites::find_site(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(site_dto(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<SiteInput>,
) -> Result<HttpResponse, AppError> {
    super::listing::written(
        create_site(&state.db, user.scope(None), user.actor(), body.into_inner()).await,
        actix_web::http::StatusCode::CREATED,
        site_dto,
    )
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<SiteInput>,
) -> Result<HttpResponse, AppError> {
    let id = SiteId(id.into_inner());
    super::listing::written(
        update_site(
            &state.db,
            user.scope(None),
            user.actor(),
            id,
            body.into_inner(),
        )
        .await,
        actix_web::http::StatusCode::OK,
        site_dto,
    )
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    match delete_site(
        &state.db,
        user.scope(None),
        user.actor(),
        SiteId(id.into_inner()),
    )
    .await
    {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(e.into()),
    }
}
