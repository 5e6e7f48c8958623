//! The JSON API (SPEC §6): token endpoints, `/api/v1/…` and health.

pub mod auth;
pub mod customers;
pub mod health;
pub mod inventory;
pub mod invoices;
pub mod listing;
pub mod me;
pub mod mechanics;
pub mod messages;
pub mod openapi;
pub mod product_usage;
pub mod products;
pub mod promotions;
pub mod service_requests;
pub mod sites;
pub mod users;
pub mod vehicles;

use actix_web::web;

use crate::error::AppError;

/// Registers every API route and makes malformed JSON a 400 with a readable detail.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(1 << 20)
            .error_handler(|err, _| {
                AppError::BadRequest(format!("Malformed JSON body: {err}")).into()
            }),
    )
    .route("/health/", web::get().to(health::health))
    .configure(openapi::configure)
    .route("/auth/login/", web::post().to(auth::login))
    .route("/auth/refresh/", web::post().to(auth::refresh))
    .route("/auth/logout/", web::post().to(auth::logout))
    .service(
        web::scope("/api/v1")
            .route("/me/", web::get().to(me::me))
            .configure(sites::configure)
            .configure(customers::configure)
            .configure(vehicles::configure)
            .configure(mechanics::configure)
            .configure(users::configure)
            .configure(products::configure)
            .configure(inventory::configure)
            .configure(service_requests::configure)
            .configure(product_usage::configure)
            .configure(invoices::configure)
            .configure(messages::configure)
            .configure(promotions::configure),
    );
}
