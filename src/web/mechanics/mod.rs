//! Mechanic pages: the list per site with job counts, a mechanic's page with their open and
//! completed jobs, and the forms (superuser and site managers).

mod detail;
mod form;
mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/mechanics", web::get().to(list::list))
        .route("/mechanics/new", web::get().to(form::new_form))
        .route("/mechanics/new", web::post().to(form::create))
        .route("/mechanics/{id}", web::get().to(detail::detail))
        .route("/mechanics/{id}/edit", web::get().to(form::edit_form))
        .route("/mechanics/{id}/edit", web::post().to(form::update))
        .route("/mechanics/{id}/delete", web::post().to(detail::delete));
}
