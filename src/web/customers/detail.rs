use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerRow, CustomerVehicle, HistoryLine};
use crate::error::AppError;
use crate::services::customers::delete_customer;
use crate::state::AppState;
use crate::web::forms::{Saved, answer_delete};
use crate::web::shell::{Crumb, Shell, page};

#[derive(Template)]
#[template(path = "customers/detail.html")]
struct DetailPage {
    shell: Shell,
    customer: CustomerRow,
    vehicles: Vec<CustomerVehicle>,
    history: Vec<HistoryLine>,
    can_write: bool,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    let (customer, vehicles, history) = state
        .db
        .read(move |c| {
            let Some(customer) = customers::find_customer(c, id)? else {
                return Ok(None);
            };
            Ok(Some((
                customer,
                customers::vehicles_of(c, &scope, id)?,
                customers::history_of(c, &scope, id, 20)?,
            )))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Customers", "/customers"),
        Crumb::here(customer.full_name()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &customer.full_name(), crumbs).await?;
    let can_write = scope.require_write().is_ok() && !customer.is_walk_in;
    page(&DetailPage {
        shell,
        customer,
        vehicles,
        history,
        can_write,
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = delete_customer(&state.db, user.scope(None), user.actor(), id).await;
    let deleted = Saved {
        message: "Customer deleted.".into(),
        location: "/customers".into(),
    };
    answer_delete(&session, result, deleted, &format!("/customers/{id}"))
}
