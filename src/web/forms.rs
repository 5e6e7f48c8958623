//! The shape every form post shares: saved → flash and go to the record (303); invalid → the
//! form again with the errors and what was typed (422); refused → the error page.

use std::future::Future;

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::web::flash;
use crate::web::shell::{Crumb, render, see_other};

/// Where a successful save leads and what it says there.
pub struct Saved {
    pub message: String,
    pub location: String,
}

/// Answers a create or update form post.
pub async fn answer<T, P, Fut>(
    session: &Session,
    result: Result<T, WriteError>,
    saved: impl FnOnce(&T) -> Saved,
    invalid: impl FnOnce(FieldErrors) -> Fut,
) -> Result<HttpResponse, AppError>
where
    P: Template,
    Fut: Future<Output = Result<P, AppError>>,
{
    match result {
        Ok(row) => {
            let Saved { message, location } = saved(&row);
            flash::push(session, "success", message);
            Ok(see_other(&location))
        }
        Err(WriteError::Invalid(errors)) => {
            render(StatusCode::UNPROCESSABLE_ENTITY, &invalid(errors).await?)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

/// Answers a delete button: gone → the list with a flash; refused for a reason the user can act
/// on (history to keep) → back to the record with that reason; forbidden → the 403 page.
pub fn answer_delete(
    session: &Session,
    result: Result<(), WriteError>,
    deleted: Saved,
    back_to: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => {
            flash::push(session, "success", deleted.message);
            Ok(see_other(&deleted.location))
        }
        Err(WriteError::Refused(AppError::BadRequest(message))) => {
            flash::push(session, "error", message);
            Ok(see_other(back_to))
        }
        Err(WriteError::Refused(e)) => Err(e),
        Err(WriteError::Invalid(_)) => {
            Err(AppError::BadRequest("This could not be deleted.".into()))
        }
    }
}

/// Where a new-or-edit form sits: its heading, where it posts, where Cancel leads, and its
/// breadcrumbs (Home › area › record › Edit, or Home › area › New).
pub struct FormPlace {
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub crumbs: Vec<Crumb>,
}

impl FormPlace {
    /// The form of the area `label` at `base` (e.g. "Vehicles", "/vehicles"): a new record
    /// (headed `new_heading`), or the record `(id, name)` being edited (headed "Edit name").
    pub fn new(
        label: &str,
        base: &str,
        new_heading: &str,
        editing: Option<&(i32, String)>,
    ) -> Self {
        let mut crumbs = vec![Crumb::link("Home", "/"), Crumb::link(label, base)];
        match editing {
            Some((id, name)) => {
                crumbs.push(Crumb::link(name.clone(), format!("{base}/{id}")));
                crumbs.push(Crumb::here("Edit"));
                Self {
                    heading: format!("Edit {name}"),
                    action: format!("{base}/{id}/edit"),
                    cancel: format!("{base}/{id}"),
                    crumbs,
                }
            }
            None => {
                crumbs.push(Crumb::here("New"));
                Self {
                    heading: new_heading.to_owned(),
                    action: format!("{base}/new"),
                    cancel: base.to_owned(),
                    crumbs,
                }
            }
        }
    }
}

/// The first message for `field`, shown beside it.
pub fn first_error<'a>(errors: &'a FieldErrors, field: &str) -> Option<&'a str> {
    errors
        .get(field)
        .and_then(|m| m.first())
        .map(String::as_str)
}

/// The sites a superuser chooses from on a form; empty for a site user, whose records always
/// go to their own site.
pub async fn site_choices(
    state: &crate::state::AppState,
    user: &crate::auth::current_user::CurrentUser,
) -> Result<Vec<crate::db::sites::SiteRow>, AppError> {
    let scope = user.scope(None);
    if scope.bound_site().is_some() {
        return Ok(Vec::new());
    }
    let all = crate::db::paging::PageRequest { page: 1, size: 500 };
    let sites = state
        .db
        .read(move |c| crate::db::sites::list_sites(c, &scope, "", all))
        .await?;
    Ok(sites.items)
}
