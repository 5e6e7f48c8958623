//! Promotions and SMS blasts (superuser and head office): the list with the latest blasts,
//! the promotion form, the blast form with a live preview (recipients, segments, the text
//! with a real first name), the blast's progress and the history of blasts.

mod blast;
mod form;
mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/promotions", web::get().to(list::list))
        .route("/promotions/new", web::get().to(form::new_form))
        .route("/promotions/new", web::post().to(form::create))
        .route("/promotions/blasts", web::get().to(list::blasts))
        .route("/promotions/blasts/{id}", web::get().to(blast::progress))
        .route("/promotions/{id}", web::get().to(form::show))
        .route("/promotions/{id}/edit", web::get().to(form::edit_form))
        .route("/promotions/{id}/edit", web::post().to(form::update))
        .route("/promotions/{id}/delete", web::post().to(form::delete))
        .route("/promotions/{id}/blast", web::get().to(blast::blast_form))
        .route("/promotions/{id}/blast", web::post().to(blast::send))
        .route(
            "/promotions/{id}/blast/preview",
            web::get().to(blast::preview),
        );
}

/// "3 Feb 2026 08:00 UTC".
pub fn when(at: &chrono::NaiveDateTime) -> String {
    at.format("%-d %b %Y %H:%M UTC").to_string()
}
