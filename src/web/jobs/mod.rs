//! Service request pages (and the actions a counter sale's page shares with them): the list
//! with filters in the URL, "My jobs" for mechanics, the new-job form with its htmx pickers,
//! and the job page the front desk lives on, where every change comes back as the re-rendered
//! job body (`#job-body`) for htmx, or as a redirect or a full page without JavaScript. Every
//! write goes through `services::jobs` and `services::payments`, like the API.

/// The [`ctx::Ctx`] of a handler's extracted request, state, session and user.
macro_rules! ctx {
    ($req:ident, $state:ident, $session:ident, $user:ident) => {
        $crate::web::jobs::ctx::Ctx {
            req: &$req,
            state: &$state,
            session: &$session,
            user: &$user,
        }
    };
}

mod actions;
pub(crate) mod body;
mod complete;
pub(crate) mod ctx;
mod detail;
mod lines;
mod list;
mod new;
mod options;

pub use body::{Forms, JobBody};
pub use list::{ListKind, render_list};

use std::collections::HashMap;

use actix_web::{HttpRequest, web};

use crate::domain::money::Money;

/// The pages of service jobs.
pub const SERVICE_BASE: &str = "/service-requests";
/// The pages of counter sales.
pub const SALE_BASE: &str = "/sales";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(SERVICE_BASE, web::get().to(list::list))
        .route("/my-jobs", web::get().to(list::my_jobs))
        .route("/service-requests/new", web::get().to(new::form))
        .route("/service-requests/new", web::post().to(new::create))
        .route(
            "/service-requests/options/vehicles",
            web::get().to(options::vehicles),
        )
        .route(
            "/service-requests/options/vehicles",
            web::post().to(options::add_vehicle),
        )
        .route(
            "/service-requests/options/types",
            web::get().to(options::types),
        )
        .route(
            "/service-requests/options/mechanics",
            web::get().to(options::mechanics),
        );
}

/// The routes of one job's page and its actions, under both `/service-requests/{id}` and
/// `/sales/{id}`: the handlers serve either kind and answer under the path they were asked at.
/// Registered after `/sales/new` and `/service-requests/new`, which `{id}` would otherwise take.
pub fn configure_job(cfg: &mut web::ServiceConfig) {
    for base in [SERVICE_BASE, SALE_BASE] {
        let at = |tail: &str| format!("{base}/{{id}}{tail}");
        cfg.route(&at(""), web::get().to(detail::show))
            .route(&at("/products"), web::get().to(lines::product_hits))
            .route(&at("/parts"), web::post().to(lines::add_part))
            .route(
                &at("/parts/{line}/edit"),
                web::get().to(lines::edit_part_form),
            )
            .route(&at("/parts/{line}"), web::post().to(lines::edit_part))
            .route(
                &at("/parts/{line}/remove"),
                web::post().to(lines::remove_part),
            )
            .route(&at("/labour"), web::post().to(lines::add_labour))
            .route(
                &at("/labour/{line}/edit"),
                web::get().to(lines::edit_labour_form),
            )
            .route(&at("/labour/{line}"), web::post().to(lines::edit_labour))
            .route(
                &at("/labour/{line}/remove"),
                web::post().to(lines::remove_labour),
            )
            .route(&at("/mechanic"), web::post().to(actions::assign))
            .route(&at("/status"), web::post().to(actions::move_status))
            .route(&at("/cancel"), web::post().to(actions::cancel))
            .route(&at("/delete"), web::post().to(actions::delete))
            .route(&at("/payments"), web::post().to(actions::pay))
            .route(&at("/complete"), web::get().to(complete::panel))
            .route(&at("/complete"), web::post().to(complete::complete))
            .route(&at("/complete/preview"), web::get().to(complete::preview));
    }
}

/// Form or query fields by name (each action reads the few it needs).
pub type Fields = HashMap<String, String>;

/// A field as typed, if present.
pub fn field(fields: &Fields, name: &str) -> Option<String> {
    fields.get(name).cloned()
}

/// Whether htmx asked (and wants a fragment), not a full page.
pub fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted")
}

/// `/sales` when the request came to a sale's path, else `/service-requests`.
pub fn base_of(req: &HttpRequest) -> &'static str {
    if req.path().starts_with("/sales/") {
        SALE_BASE
    } else {
        SERVICE_BASE
    }
}

/// Where a job of this kind lives.
pub fn base_for(is_sale: bool) -> &'static str {
    if is_sale { SALE_BASE } else { SERVICE_BASE }
}

/// The page of job `id`: `/sales/{id}` for a sale, `/service-requests/{id}` otherwise.
pub fn job_path(is_sale: bool, id: i32) -> String {
    format!("{}/{id}", base_for(is_sale))
}

/// Cents as staff read them: "12.50".
pub fn money(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

/// An amount in cents however deeply a template borrowed it.
pub trait AsCents {
    fn as_cents(&self) -> i64;
}

impl AsCents for i64 {
    fn as_cents(&self) -> i64 {
        *self
    }
}

impl<T: AsCents + ?Sized> AsCents for &T {
    fn as_cents(&self) -> i64 {
        (**self).as_cents()
    }
}

/// The badge colour of a job status.
pub fn status_badge(status: &str) -> &'static str {
    match status {
        "Draft" => "badge-neutral",
        "Pending" => "badge-warning",
        "In Progress" => "badge-info",
        "Completed" => "badge-success",
        _ => "badge-danger",
    }
}

/// The badge colour and words of an invoice status.
pub fn invoice_badge(status: &str) -> (&'static str, &'static str) {
    match status {
        "paid" => ("badge-success", "Paid"),
        "partially_paid" => ("badge-info", "Part paid"),
        "void" => ("badge-danger", "Void"),
        _ => ("badge-warning", "Balance due"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_badge_and_unknown_invoice_states_read_as_owed() {
        assert_eq!(status_badge("In Progress"), "badge-info");
        assert_eq!(status_badge("Cancelled"), "badge-danger");
        assert_eq!(invoice_badge("paid").1, "Paid");
        assert_eq!(invoice_badge("unpaid").1, "Balance due");
    }
}
