//! The HTML side: pages rendered with askama, enhanced with htmx.

pub mod account;
pub mod areas;
pub mod assets;
pub mod customers;
pub mod dates;
pub mod flash;
pub mod forms;
pub mod home;
pub mod inventory;
pub mod invites;
pub mod invoices;
pub mod jobs;
pub mod mechanics;
pub mod messages;
pub mod nav;
pub mod pager;
pub mod paths;
pub mod products;
pub mod promotions;
pub mod sales;
pub mod schedule;
pub mod search;
pub mod session_routes;
pub mod settings;
pub mod setup;
pub mod shell;
pub mod sign_in;
pub mod sites;
pub mod staff;
pub mod vehicles;

use actix_web::{HttpRequest, web};

/// Registers every page route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(paths::HOME, web::get().to(home::home))
        .route(paths::LOGIN, web::get().to(sign_in::login_page))
        .route(paths::LOGIN, web::post().to(sign_in::sign_in))
        .route(paths::LOGOUT, web::post().to(sign_in::sign_out))
        .route("/invite/{token}", web::get().to(invites::show))
        .route("/invite/{token}", web::post().to(invites::choose))
        .route("/setup/{token}", web::get().to(setup::setup_page))
        .route(
            "/setup/{token}",
            web::post().to(setup::create_first_superuser),
        )
        .route(paths::ACCOUNT, web::get().to(account::show))
        .route(
            paths::ACCOUNT_PASSWORD,
            web::post().to(account::change_password),
        )
        .route(
            paths::ACCOUNT_SIGN_OUT_EVERYWHERE,
            web::post().to(account::sign_out_everywhere),
        )
        .route(
            paths::SITE_SWITCH,
            web::post().to(session_routes::switch_site),
        )
        .route(paths::KEEPALIVE, web::get().to(session_routes::keepalive))
        .route("/search", web::get().to(search::search))
        .route("/static/{file}", web::get().to(assets::serve))
        .route("/favicon.ico", web::get().to(assets::favicon));
    customers::configure(cfg);
    sites::configure(cfg);
    vehicles::configure(cfg);
    mechanics::configure(cfg);
    staff::configure(cfg);
    products::configure(cfg);
    inventory::configure(cfg);
    invoices::configure(cfg);
    jobs::configure(cfg);
    sales::configure(cfg);
    jobs::configure_job(cfg);
    messages::configure(cfg);
    settings::configure(cfg);
    schedule::configure(cfg);
    promotions::configure(cfg);
    areas::configure(cfg);
}

/// The client's address for the sign-in throttle. Behind a reverse proxy (`WORKSHOP_TRUST_PROXY`)
/// the proxy's `X-Forwarded-For` is believed; otherwise only the socket's peer address, since
/// a client can write any header it likes.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy && let Some(ip) = req.connection_info().realip_remote_addr() {
        return ip.to_owned();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
