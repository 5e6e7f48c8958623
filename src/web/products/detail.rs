use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::view::ProductView;
use crate::auth::current_user::CurrentUser;
use crate::db::products::{self, SiteStock};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::services::products::delete_product;
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::{Crumb, Shell, page, see_other};

#[derive(Template)]
#[template(path = "products/detail.html")]
struct DetailPage {
    shell: Shell,
    p: ProductView,
    stock: Vec<SiteStock>,
    sees_cost: bool,
    /// Whether stock rows link to the inventory pages (mechanics have none).
    links_stock: bool,
    /// Whether the viewer may stock the product at a site (managers and superusers).
    can_stock: bool,
    can_write: bool,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (id.into_inner(), user.scope(None));
    let (row, stock) = state
        .db
        .read(move |c| {
            let Some(row) = products::find_product(c, id)? else {
                return Ok(None);
            };
            Ok(Some((row, products::stock_of(c, &scope, id)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let role = user.user.role;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Products", "/products"),
        Crumb::here(row.name.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &row.name, crumbs).await?;
    page(&DetailPage {
        shell,
        p: ProductView::new(row, role.sees_cost_prices()),
        stock,
        sees_cost: role.sees_cost_prices(),
        links_stock: role != Role::Mechanic,
        can_stock: matches!(role, Role::Superuser | Role::Manager),
        can_write: role == Role::Superuser,
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match delete_product(&state.db, user.scope(None), user.actor(), id).await {
        Ok(()) => {
            flash::push(&session, "success", "Product deleted.");
            Ok(see_other("/products"))
        }
        Err(WriteError::Refused(AppError::BadRequest(message))) => {
            flash::push(&session, "error", message);
            Ok(see_other(&format!("/products/{id}")))
        }
        Err(WriteError::Refused(e)) => Err(e),
        Err(WriteError::Invalid(_)) => Err(AppError::BadRequest(
            "The product could not be deleted.".into(),
        )),
    }
}
