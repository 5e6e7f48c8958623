//! Stock pages: the list per site with filters and search-as-you-type, the low-stock view, a
//! row's page with its movement history, the forms to stock a product at a site and change a
//! row's settings, and the receive, count and adjust actions. Writes go through
//! `services::stock`, like the API.

mod actions;
mod detail;
mod form;
mod list;

use actix_web::web;

use crate::auth::current_user::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/inventory", web::get().to(list::list))
        .route("/inventory/low-stock", web::get().to(list::low_stock))
        .route("/inventory/new", web::get().to(form::new_form))
        .route("/inventory/new", web::post().to(form::create))
        .route("/inventory/{id}", web::get().to(detail::detail))
        .route("/inventory/{id}/edit", web::get().to(form::edit_form))
        .route("/inventory/{id}/edit", web::post().to(form::update))
        .route("/inventory/{id}/delete", web::post().to(detail::delete))
        .route(
            "/inventory/{id}/{action}",
            web::get().to(actions::action_form),
        )
        .route("/inventory/{id}/{action}", web::post().to(actions::act));
}

/// The inventory area is for the front desk and management (its sidebar entry says who).
fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    crate::services::stock::require_reader(&user.scope(None))
}

/// Whether the user changes stock at all (rows they can see are at sites they may change).
fn manages_stock(user: &CurrentUser) -> bool {
    matches!(user.user.role, Role::Superuser | Role::Manager)
}
