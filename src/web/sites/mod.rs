//! Site pages: the list (superuser and HQ), a site's page, and the forms (superuser; a manager
//! edits their own site through the API for now). Writes go through `services::sites`.

mod form;
mod pages;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sites", web::get().to(pages::list))
        .route("/sites/new", web::get().to(form::new_form))
        .route("/sites/new", web::post().to(form::create))
        .route("/sites/{id}", web::get().to(pages::detail))
        .route("/sites/{id}/edit", web::get().to(form::edit_form))
        .route("/sites/{id}/edit", web::post().to(form::update))
        .route("/sites/{id}/delete", web::post().to(pages::delete));
}
