//! Area pages that later work fills in. Each checks the role against the navigation table, so
//! typing a URL gives exactly what the sidebar offers.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::nav::{AREAS, Area};
use super::shell::{Crumb, Shell, page};
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "areas/coming_soon.html")]
struct ComingSoonPage {
    shell: Shell,
    area: &'static Area,
}

/// Areas whose real pages exist; they register their own routes.
const BUILT: &[&str] = &[
    "home",
    "customers",
    "sites",
    "vehicles",
    "mechanics",
    "staff",
    "products",
    "inventory",
    "invoices",
    "my-jobs",
    "service-requests",
    "sales",
    "messages",
    "settings",
    "jobs",
    "promotions",
];

/// Registers a placeholder page for every area not built yet.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for area in AREAS.iter().filter(|a| !BUILT.contains(&a.key)) {
        cfg.route(
            area.path,
            web::get()
                .to(move |req, state, session, user| area_page(req, state, session, user, area)),
        );
    }
}

async fn area_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    area: &'static Area,
) -> Result<HttpResponse, AppError> {
    if !area.allows(user.user.role) {
        return Err(AppError::forbidden());
    }
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here(area.label)];
    let shell = Shell::build(&req, &session, &state, &user, area.label, crumbs).await?;
    page(&ComingSoonPage { shell, area })
}
