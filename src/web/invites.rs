//! The page an invited staff member opens from their email: choose a password, then sign in.
//! A link that is unknown, used or expired answers 404 with a page that says what to do.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::paths;
use super::shell::{render, see_other};
use crate::auth::csrf;
use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::services::invites;
use crate::state::AppState;
use crate::web::forms::first_error;

#[derive(Template)]
#[template(path = "auth/invite.html")]
struct InvitePage {
    business_name: String,
    csrf: String,
    action: String,
    /// `None` when the link no longer works.
    email: Option<String>,
    name: Option<String>,
    errors: FieldErrors,
}

impl InvitePage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChooseForm {
    password: String,
    password_confirm: String,
}

fn invite_page(
    state: &AppState,
    session: &Session,
    token: &str,
    who: Option<(String, String)>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let status = match (&who, errors.is_empty()) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), false) => StatusCode::UNPROCESSABLE_ENTITY,
        (Some(_), true) => StatusCode::OK,
    };
    let (email, name) = who.unzip();
    render(
        status,
        &InvitePage {
            business_name: state.settings.business_name.clone(),
            csrf: csrf::token(session),
            action: paths::invite("", token),
            email,
            name,
            errors,
        },
    )
}

/// `GET /invite/{token}`
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let invite = invites::find(&state.db, &token).await?;
    let who = invite.map(|i| (i.email, i.name));
    invite_page(&state, &session, &token, who, FieldErrors::new())
}

/// `POST /invite/{token}`
pub async fn choose(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
    form: web::Form<ChooseForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(invite) = invites::find(&state.db, &token).await? else {
        return invite_page(&state, &session, &token, None, FieldErrors::new());
    };
    let who = Some((invite.email.clone(), invite.name.clone()));
    match invites::accept(&state.db, invite, form.password, form.password_confirm).await {
        Ok(invite) => {
            tracing::info!(
                user_id = invite.user_id,
                "password chosen from an invitation"
            );
            Ok(see_other(&format!("{}?password_set=1", paths::LOGIN)))
        }
        Err(WriteError::Invalid(errors)) => invite_page(&state, &session, &token, who, errors),
        Err(WriteError::Refused(AppError::NotFound)) => {
            invite_page(&state, &session, &token, None, FieldErrors::new())
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}
