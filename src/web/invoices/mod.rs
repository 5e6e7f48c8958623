//! Invoice pages: the list with filters and a CSV export, an invoice's page with its frozen
//! lines, payments, reversals, voiding and its public link, the printable A4 invoice and 80 mm
//! receipt, and the public (signed-out) view of both behind the link's token. Writes go
//! through `services::payments`, like the API; mechanics see no invoices (403).

mod actions;
mod detail;
pub mod document;
mod export;
mod list;
mod print;
mod share;

use actix_web::{HttpRequest, web};

use crate::auth::current_user::CurrentUser;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/invoices", web::get().to(list::list))
        .route("/invoices/export.csv", web::get().to(export::export))
        .route("/invoices/{id}", web::get().to(detail::detail))
        .route("/invoices/{id}/payments", web::post().to(actions::pay))
        .route("/invoices/{id}/reverse", web::post().to(actions::reverse))
        .route("/invoices/{id}/void", web::post().to(actions::void))
        .route("/invoices/{id}/link", web::post().to(actions::link))
        .route("/invoices/{id}/print", web::get().to(print::a4))
        .route("/invoices/{id}/receipt", web::get().to(print::receipt))
        .route("/share/{token}", web::get().to(share::a4))
        .route("/share/{token}/receipt", web::get().to(share::receipt))
        .route(crate::web::paths::LOGO, web::get().to(share::logo));
}

/// 403 for mechanics, who see no invoices (SPEC §1).
fn require_reader(user: &CurrentUser) -> Result<(), AppError> {
    crate::services::payments::require_invoice_reader(&user.scope(None))?;
    Ok(())
}

/// An htmx request that swaps part of the page (not a boosted navigation).
fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted")
}
