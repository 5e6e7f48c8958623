//! The frame around every signed-in page: sidebar by role, breadcrumbs, site switcher, flash
//! messages, the CSRF token and the idle-timeout settings for `app.js`.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::flash::{self, Flash};
use super::nav::AREAS;
use crate::auth::csrf;
use crate::auth::current_user::CurrentUser;
use crate::db::sites;
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::state::AppState;

const SITE_FILTER_KEY: &str = "_site";

/// A sidebar link.
pub struct NavLink {
    pub label: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
    pub active: bool,
}

/// A breadcrumb; the last one has no link.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    pub fn here(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: None,
        }
    }
}

/// The site switcher of superuser and HQ users.
pub struct SiteSwitcher {
    pub sites: Vec<(SiteId, String)>,
    pub selected: Option<SiteId>,
    pub return_to: String,
}

impl SiteSwitcher {
    pub fn is_selected(&self, id: &SiteId) -> bool {
        self.selected == Some(*id)
    }
}

/// Everything `layouts/app.html` needs.
pub struct Shell {
    pub title: String,
    pub business_name: String,
    pub user_name: String,
    pub user_initials: String,
    pub user_meta: String,
    pub nav: Vec<NavLink>,
    pub crumbs: Vec<Crumb>,
    pub flashes: Vec<Flash>,
    pub csrf: String,
    pub site_switcher: Option<SiteSwitcher>,
    pub idle_seconds: u64,
}

impl Shell {
    /// Builds the frame for `user` on the page at `req`'s path.
    pub async fn build(
        req: &HttpRequest,
        session: &Session,
        state: &AppState,
        user: &CurrentUser,
        title: &str,
        crumbs: Vec<Crumb>,
    ) -> Result<Self, AppError> {
        let role = user.user.role;
        let site_switcher = if role.sees_all_sites() {
            let sites = site_choices(state, user).await?;
            let return_to = req
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "/".into());
            Some(SiteSwitcher {
                sites,
                selected: selected_site(session),
                return_to,
            })
        } else {
            None
        };
        let site_label = user
            .user
            .site
            .as_ref()
            .map(|(_, name)| name.as_str())
            .unwrap_or("All sites");
        Ok(Self {
            title: title.to_owned(),
            business_name: state.settings.business_name.clone(),
            user_name: user.user.name.clone(),
            user_initials: initials(&user.user.name),
            user_meta: format!("{} · {site_label}", role.label()),
            nav: nav_links(role, req.path()),
            crumbs,
            flashes: flash::take(session),
            csrf: csrf::token(session),
            site_switcher,
            idle_seconds: state.settings.session_idle.as_secs(),
        })
    }
}

/// The active sites by name: those read with the signed-in user when they see all sites
/// (`CurrentUser::site_choices`), else read now.
pub async fn site_choices(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(SiteId, String)>, AppError> {
    match &user.site_choices {
        Some(sites) => Ok(sites.clone()),
        None => Ok(state.db.read(sites::list_site_choices).await?),
    }
}

fn nav_links(role: crate::domain::role::Role, path: &str) -> Vec<NavLink> {
    AREAS
        .iter()
        .filter(|area| area.allows(role))
        .map(|area| NavLink {
            label: area.label,
            href: area.path,
            icon: area.icon,
            active: if area.path == "/" {
                path == "/"
            } else {
                path == area.path || path.starts_with(&format!("{}/", area.path))
            },
        })
        .collect()
}

fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    if letters.is_empty() {
        "?".into()
    } else {
        letters.to_uppercase()
    }
}

/// The site a superuser or HQ user chose to look at, if any.
pub fn selected_site(session: &Session) -> Option<SiteId> {
    session
        .get::<i32>(SITE_FILTER_KEY)
        .ok()
        .flatten()
        .map(SiteId)
}

/// Remembers the chosen site (or all sites) for this session.
pub fn select_site(session: &Session, site: Option<SiteId>) {
    match site {
        Some(id) => {
            let _ = session.insert(SITE_FILTER_KEY, id.0);
        }
        None => {
            session.remove(SITE_FILTER_KEY);
        }
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(
    status: actix_web::http::StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, AppError> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template failed: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A 200 page.
pub fn page(template: &impl Template) -> Result<HttpResponse, AppError> {
    render(actix_web::http::StatusCode::OK, template)
}

/// A 303 redirect, the answer to a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}
