//! Staff pages: accounts of every site (superuser) or of the manager's site, with create, edit,
//! deactivate, password reset and "sign out everywhere". Writes go through `services::staff`.

mod actions;
mod form;
mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/staff", web::get().to(list::list))
        .route("/staff/new", web::get().to(form::new_form))
        .route("/staff/new", web::post().to(form::create))
        .route("/staff/{id}", web::get().to(actions::detail))
        .route("/staff/{id}/edit", web::get().to(form::edit_form))
        .route("/staff/{id}/edit", web::post().to(form::update))
        .route("/staff/{id}/password", web::post().to(actions::reset))
        .route("/staff/{id}/sign-out", web::post().to(actions::sign_out))
        .route("/staff/{id}/invite", web::post().to(actions::invite_again));
}
