//! Customer pages: the register with search-as-you-type, a customer's page with vehicles and
//! history, and the forms. Writes go through `services::customers`, like the API.

mod detail;
mod form;
mod list;

use actix_web::web;

use crate::auth::current_user::CurrentUser;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers", web::get().to(list::list))
        .route("/customers/new", web::get().to(form::new_form))
        .route("/customers/new", web::post().to(form::create))
        .route("/customers/{id}", web::get().to(detail::detail))
        .route("/customers/{id}/edit", web::get().to(form::edit_form))
        .route("/customers/{id}/edit", web::post().to(form::update))
        .route("/customers/{id}/delete", web::post().to(detail::delete));
}

/// Mechanics work from their jobs; the register is for the front desk and management.
fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    crate::api::customers::require_reader(user)
}
