//! Vehicle pages: the list by plate with search-as-you-type, a vehicle's page with its history,
//! and the forms (with make and model suggestions). Writes go through `services::vehicles`, like
//! the API.

mod detail;
mod form;
mod list;
pub use list::sort_of;
mod options;

use actix_web::web;

use crate::auth::current_user::CurrentUser;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/vehicles", web::get().to(list::list))
        .route("/vehicles/new", web::get().to(form::new_form))
        .route("/vehicles/new", web::post().to(form::create))
        .route(
            "/vehicles/options/customers",
            web::get().to(options::customers),
        )
        .route("/vehicles/options/models", web::get().to(options::models))
        .route("/vehicles/{id}", web::get().to(detail::detail))
        .route("/vehicles/{id}/edit", web::get().to(form::edit_form))
        .route("/vehicles/{id}/edit", web::post().to(form::update))
        .route("/vehicles/{id}/delete", web::post().to(detail::delete));
}

/// Mechanics work from their jobs; the vehicle register is the front desk's.
fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    crate::api::customers::require_reader(user)
}
