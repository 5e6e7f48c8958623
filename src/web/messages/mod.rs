//! The Messages page: the outbox with filters, each message's attempts and last error, and
//! retry of a failed message.

mod detail;
mod list;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/messages", web::get().to(list::list))
        .route("/messages/{id}", web::get().to(detail::detail))
        .route("/messages/{id}/retry", web::post().to(detail::retry));
}

/// A UTC time as staff read it in the outbox (messages are not tied to one site's clock).
pub fn utc(at: &chrono::NaiveDateTime) -> String {
    at.format("%-d %b %Y %H:%M UTC").to_string()
}
