//! `/api/v1/customers/`: shared by all sites. Everyone but mechanics reads; HQ does not write.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::listing::{Params, envelope, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerRow, CustomerSort};
use crate::db::paging::Counting;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::customers::{
    CustomerInput, create_customer, delete_customer, update_customer,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/", web::get().to(list))
        .route("/customers/", web::post().to(create))
        .route("/customers/walkin/", web::get().to(walk_in))
        .route("/customers/{id}/", web::get().to(detail))
        .route("/customers/{id}/", web::patch().to(update))
        .route("/customers/{id}/", web::put().to(update))
        .route("/customers/{id}/", web::delete().to(remove));
}

/// A customer in JSON; `phone_number` is the original's name for `phone`.
pub fn customer_dto(row: &CustomerRow) -> Value {
    json!({
        "id": row.id, "first_name": row.first_name, "last_name": row.last_name, "full_name": row.full_name(),
        "phone": row.phone, "phone_number": row.phone, "email": row.email,
        "preferred_channel": row.preferred_channel, "receive_service_reminders": row.receive_service_reminders,
        "receive_marketing": row.receive_marketing, "is_walk_in": row.is_walk_in, "notes": row.notes,
        "created_at": row.created_at.and_utc(), "updated_at": row.updated_at.and_utc(),
    })
}

/// Mechanics work from their jobs; the customer register is not theirs.
pub fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Mechanic {
        Err(AppError::forbidden())
    } else {
        Ok(())
    }
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let q = format!("{} {}", param(&params, "search"), param(&params, "q"));
    let sort = if param(&params, "ordering").trim_start_matches('-') == "name" {
        CustomerSort::Name
    } else {
        CustomerSort::Newest
    };
    let page = page_request(&params);
    let rows = state
        .db
        .read(move |c| customers::list_customers(c, &q, sort, page, Counting::Exact))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|r| customer_dto(&r)))))
}

async fn detail(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| customers::find_customer(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(customer_dto(&row)))
}

/// The shared walk-in customer; writers create it on first use.
async fn walk_in(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    require_reader(&user)?;
    user.scope(None).require_write()?;
    let row = state.db.write(customers::walk_in).await?;
    Ok(HttpResponse::Ok().json(customer_dto(&row)))
}

async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Json<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let mut input = body.into_inner();
    // An API client that leaves reminders out gets the default (on), as in the original.
    input
        .receive_service_reminders
        .get_or_insert_with(|| "true".into());
    super::listing::written(
        create_customer(&state, user.scope(None), user.actor(), input).await,
        StatusCode::CREATED,
        customer_dto,
    )
}

async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let code = state.settings.phone_country_code.clone();
    super::listing::written(
        update_customer(
            &state.db,
            user.scope(None),
            user.actor(),
            id.into_inner(),
            body.into_inner(),
            &code,
        )
        .await,
        StatusCode::OK,
        customer_dto,
    )
}

async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    match delete_customer(&state.db, user.scope(None), user.actor(), id.into_inner()).await {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(e.into()),
    }
}
