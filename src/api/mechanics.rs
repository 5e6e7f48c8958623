//! `/api/v1/mechanics/` (and the original's `mechanic/`): scoped to the user's site; superusers
//! and managers write.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::customers::require_reader;
use super::listing::{Params, envelope, id_param, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::mechanics::{self, MechanicFilter, MechanicView};
use crate::error::AppError;
use crate::services::fields::checked;
use crate::services::mechanics::{
    MechanicInput, create_mechanic, delete_mechanic, update_mechanic,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    for base in ["/mechanics", "/mechanic"] {
        cfg.route(&format!("{base}/"), web::get().to(list))
            .route(&format!("{base}/"), web::post().to(create))
            .route(&format!("{base}/{{id}}/"), web::get().to(detail))
            .route(&format!("{base}/{{id}}/"), web::patch().to(update))
            .route(&format!("{base}/{{id}}/"), web::put().to(update))
            .route(&format!("{base}/{{id}}/"), web::delete().to(remove));
    }
}

pub fn mechanic_dto(v: &MechanicView) -> Value {
    let m = &v.mechanic;
    json!({
        "id": m.id, "site": m.site_id, "site_id": m.site_id, "site_name": v.site_name, "name": m.name,
        "phone": m.phone, "phone_number": m.phone, "email": m.email, "is_active": m.is_active,
        "open_jobs": v.open_jobs, "completed_jobs": v.completed_jobs,
        "created_at": m.created_at.and_utc(), "updated_at": m.updated_at.and_utc(),
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let active = param(&params, "is_active");
    let filter = MechanicFilter {
        q: format!("{} {}", param(&params, "search"), param(&params, "q")),
        site: id_param(&params, &["site", "site_id"]),
        active: (!active.is_empty()).then(|| checked(Some(active))),
    };
    let (page, scope) = (page_request(&params), user.scope(None));
    let rows = state
        .db
        .read(move |c| mechanics::list_mechanics(c, &scope, &filter, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|v| mechanic_dto(&v)))))
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
        .read(move |c| mechanics::find_mechanic(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(mechanic_dto(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<MechanicInput>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let code = state.settings.phone_country_code.clone();
    let result = create_mechanic(
        &state.db,
        user.scope(None),
        user.actor(),
        body.into_inner(),
        &code,
    )
    .await;
    super::listing::written(result, StatusCode::CREATED, mechanic_dto)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<MechanicInput>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let code = state.settings.phone_country_code.clone();
    let (id, patch) = (id.into_inner(), body.into_inner());
    let result = update_mechanic(&state.db, user.scope(None), user.actor(), id, patch, &code).await;
    super::listing::written(result, StatusCode::OK, mechanic_dto)
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    delete_mechanic(&state.db, user.scope(None), user.actor(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
