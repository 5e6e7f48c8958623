//! `/api/v1/users/`: staff accounts for superusers (everyone) and site managers (their site).
//! Accounts are deactivated, never deleted, so history keeps its author.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::staff::{self, StaffFilter, StaffView};
use crate::error::AppError;
use crate::services::fields::checked;
use crate::services::staff::{
    StaffInput, create_staff, require_staff_admin, reset_password, sign_out_everywhere,
    update_staff,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/", web::get().to(list))
        .route("/users/", web::post().to(create))
        .route("/users/{id}/", web::get().to(detail))
        .route("/users/{id}/", web::patch().to(update))
        .route("/users/{id}/", web::put().to(update))
        .route("/users/{id}/", web::delete().to(remove))
        .route("/users/{id}/reset-password/", web::post().to(reset))
        .route("/users/{id}/sign-out-everywhere/", web::post().to(sign_out));
}

pub fn user_dto(v: &StaffView) -> Value {
    let u = &v.user;
    json!({
        "id": u.id, "email": u.email, "name": u.name, "phone": u.phone, "role": u.role,
        "site": u.site_id, "site_id": u.site_id, "site_name": v.site_name,
        "mechanic": u.mechanic_id, "mechanic_id": u.mechanic_id, "mechanic_name": v.mechanic_name,
        "is_active": u.is_active, "awaiting_password": v.awaiting_password,
        "last_login_at": u.last_login_at.map(|t| t.and_utc()),
        "created_at": u.created_at.and_utc(),
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    require_staff_admin(&scope)?;
    let (role, active) = (param(&params, "role"), param(&params, "is_active"));
    let filter = StaffFilter {
        q: format!("{} {}", param(&params, "search"), param(&params, "q")),
        role: (!role.is_empty()).then(|| role.to_owned()),
        active: (!active.is_empty()).then(|| checked(Some(active))),
    };
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| staff::list_staff(c, &scope, &filter, page))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|v| user_dto(&v)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (id.into_inner(), user.scope(None));
    require_staff_admin(&scope)?;
    let row = state
        .db
        .read(move |c| staff::find_staff(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(user_dto(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<StaffInput>,
) -> Result<HttpResponse, AppError> {
    let code = state.settings.phone_country_code.clone();
    let result = create_staff(
        &state.db,
        user.scope(None),
        user.actor(),
        body.into_inner(),
        &code,
        crate::services::notify::Notify::of(&state),
    )
    .await;
    super::listing::written(result, StatusCode::CREATED, user_dto)
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<StaffInput>,
) -> Result<HttpResponse, AppError> {
    let code = state.settings.phone_country_code.clone();
    let (id, patch) = (id.into_inner(), body.into_inner());
    let result = update_staff(&state.db, user.scope(None), user.actor(), id, patch, &code).await;
    super::listing::written(result, StatusCode::OK, user_dto)
}

async fn remove(user: CurrentUser) -> Result<HttpResponse, AppError> {
    require_staff_admin(&user.scope(None))?;
    Err(AppError::BadRequest(
        "Staff accounts are deactivated, not deleted, so their history keeps its author. Send {\"is_active\": false} instead.".into(),
    ))
}

#[derive(Deserialize)]
struct NewPassword {
    #[serde(default)]
    password: String,
}

async fn reset(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<NewPassword>,
) -> Result<HttpResponse, AppError> {
    let password = body.into_inner().password;
    let result = reset_password(
        &state.db,
        user.scope(None),
        user.actor(),
        id.into_inner(),
        password,
    )
    .await;
    super::listing::written(result, StatusCode::OK, user_dto)
}

async fn sign_out(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let result =
        sign_out_everywhere(&state.db, user.scope(None), user.actor(), id.into_inner()).await;
    super::listing::written(result, StatusCode::OK, user_dto)
}
