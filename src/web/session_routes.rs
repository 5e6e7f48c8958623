//! Small session endpoints: the site switcher and the idle-timeout keepalive.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::shell::{see_other, select_site};
use super::{flash, paths};
use crate::auth::current_user::CurrentUser;
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SiteSwitchForm {
    site_id: String,
    return_to: String,
}

/// `POST /site-switch`: superuser and HQ choose a site to look at, or all sites.
pub async fn switch_site(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<SiteSwitchForm>,
) -> Result<HttpResponse, AppError> {
    if !user.user.role.sees_all_sites() {
        return Err(AppError::forbidden());
    }
    let choice = form.site_id.trim();
    let back = paths::safe_local_path(Some(&form.return_to));
    if choice.is_empty() {
        select_site(&session, None);
        flash::push(&session, "info", "Showing all sites.");
        return Ok(see_other(&back));
    }
    let Ok(id) = choice.parse::<i32>().map(SiteId) else {
        return Err(AppError::BadRequest("Choose a site from the list.".into()));
    };
    let sites = crate::web::shell::site_choices(&state, &user).await?;
    let Some((_, name)) = sites.into_iter().find(|(site, _)| *site == id) else {
        return Err(AppError::BadRequest("That site does not exist.".into()));
    };
    select_site(&session, Some(id));
    flash::push(&session, "info", format!("Showing {name}."));
    Ok(see_other(&back))
}

/// `GET /session/keepalive`: `app.js` calls it while the user is active, which extends the idle
/// deadline; 401 tells the page that the session has already ended.
pub async fn keepalive(user: Option<CurrentUser>) -> HttpResponse {
    match user {
        Some(_) => HttpResponse::NoContent().finish(),
        None => HttpResponse::Unauthorized().finish(),
    }
}
