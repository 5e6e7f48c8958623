//! Product pages: the catalogue with search-as-you-type and filters, a product's page with its
//! stock per site, the forms (superuser), CSV export and import. Writes go through
//! `services::products` and `services::product_import`, like the API.

mod detail;
pub mod export;
mod form;
mod import;
mod list;
mod view;

use actix_web::web;

use crate::auth::current_user::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/products", web::get().to(list::list))
        .route("/products/export.csv", web::get().to(export::export))
        .route("/products/new", web::get().to(form::new_form))
        .route("/products/new", web::post().to(form::create))
        .route("/products/import", web::get().to(import::upload_page))
        .route("/products/import", web::post().to(import::upload))
        .route("/products/import/{job}", web::get().to(import::job_page))
        .route(
            "/products/import/{job}/confirm",
            web::post().to(import::confirm),
        )
        .route(
            "/products/import/{job}/progress",
            web::get().to(import::progress),
        )
        .route("/products/{id}", web::get().to(detail::detail))
        .route("/products/{id}/edit", web::get().to(form::edit_form))
        .route("/products/{id}/edit", web::post().to(form::update))
        .route("/products/{id}/delete", web::post().to(detail::delete));
}

/// The catalogue's write pages are the superuser's.
fn require_superuser(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Superuser {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a superuser can change the product catalogue.".into(),
        ))
    }
}
