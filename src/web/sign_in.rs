//! The sign-in page and signing out.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::shell::{page, render, see_other};
use super::{flash, paths};
use crate::auth::csrf;
use crate::auth::current_user::{CurrentUser, session_identity};
use crate::auth::sign_in::{SignInError, check_credentials};
use crate::db::users;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    business_name: String,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    signed_out: Option<String>,
    /// Back from choosing a password through a staff invitation.
    password_set: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `GET /login`
pub async fn login_page(
    state: web::Data<AppState>,
    session: Session,
    user: Option<CurrentUser>,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = paths::safe_local_path(query.next.as_deref());
    if user.is_some() {
        return Ok(see_other(&next));
    }
    let notice = if query.expired.is_some() {
        Some("You were signed out after a period of inactivity. Sign in again to continue.")
    } else if query.signed_out.is_some() {
        Some("You have signed out.")
    } else if query.password_set.is_some() {
        Some("Your password is set. Sign in with your email and the new password.")
    } else {
        None
    };
    page(&LoginPage {
        business_name: state.settings.business_name.clone(),
        csrf: csrf::token(&session),
        email: String::new(),
        next,
        error: None,
        notice,
    })
}

/// `POST /login`
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
    } = form.into_inner();
    let ip = super::client_ip(&req, state.settings.trust_proxy);
    let limit = state.settings.login_attempts_per_minute;
    let refused = |status: StatusCode, error: &SignInError| {
        render(
            status,
            &LoginPage {
                business_name: state.settings.business_name.clone(),
                csrf: csrf::token(&session),
                email: email.clone(),
                next: paths::safe_local_path(Some(&next)),
                error: Some(error.to_string()),
                notice: None,
            },
        )
    };
    let user_id = match check_credentials(&state.db, ip, &email, password, limit).await {
        Ok(id) => id,
        Err(e @ SignInError::InvalidCredentials) => return refused(StatusCode::UNAUTHORIZED, &e),
        Err(e @ SignInError::Throttled) => return refused(StatusCode::TOO_MANY_REQUESTS, &e),
        Err(SignInError::Db(e)) => return Err(e.into()),
        Err(SignInError::Internal) => {
            return Err(anyhow::anyhow!("password check task failed").into());
        }
    };
    let user = state
        .db
        .write(move |c| {
            users::record_sign_in(c, user_id)?;
            users::find_active(c, user_id)
        })
        .await?
        .ok_or(AppError::Unauthenticated)?;
    start_session(&req, &session, &user)?;
    tracing::info!(user_id = user.id.0, "signed in");
    flash::push(
        &session,
        "success",
        format!("Welcome, {}.", first_name(&user.name)),
    );
    Ok(see_other(&paths::safe_local_path(Some(&next))))
}

/// Puts a freshly authenticated user into a renewed session with a new CSRF token.
pub fn start_session(
    req: &HttpRequest,
    session: &Session,
    user: &users::AuthUser,
) -> Result<(), AppError> {
    // Drop whatever an anonymous visitor had in the session (site choice, flash, old CSRF
    // token), so nothing planted before sign-in survives it.
    session.clear();
    Identity::login(
        &req.extensions(),
        session_identity(user.id, user.session_version),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("could not start session: {e}")))?;
    csrf::rotate(session);
    Ok(())
}

/// `POST /logout`
pub async fn sign_out(identity: Option<Identity>, session: Session) -> HttpResponse {
    if let Some(identity) = identity {
        identity.logout();
    }
    session.purge();
    see_other(&format!("{}?signed_out=1", paths::LOGIN))
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}
