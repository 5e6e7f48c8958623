//! My account: change password, sign out everywhere.

use actix_identity::Identity;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::shell::{Crumb, Shell, page, render, see_other};
use super::{flash, paths};
use crate::auth::current_user::CurrentUser;
use crate::auth::password::{hash_password_blocking, verify_password};
use crate::db::users;
use crate::domain::password_policy::{CONFIRM_DIFFERS, check_new_password};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;
use crate::web::forms::first_error;

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    shell: Shell,
    email: String,
    role: &'static str,
    site: String,
    errors: FieldErrors,
}

impl AccountPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

async fn account_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    errors: FieldErrors,
) -> Result<AccountPage, AppError> {
    let crumbs = vec![Crumb::link("Home", paths::HOME), Crumb::here("My account")];
    let shell = Shell::build(req, session, state, user, "My account", crumbs).await?;
    Ok(AccountPage {
        shell,
        email: user.user.email.clone(),
        role: user.user.role.label(),
        site: user
            .user
            .site
            .as_ref()
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "All sites".into()),
        errors,
    })
}

/// `GET /account`
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    page(&account_page(&req, &state, &session, &user, FieldErrors::new()).await?)
}

/// `POST /account/password`: checks the current password, sets the new one, ends every other
/// session and keeps this one.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let id = user.id();
    let stored = state
        .db
        .read(move |c| users::password_hash_of(c, id))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let current = form.current_password.clone();
    let current_ok = tokio::task::spawn_blocking(move || verify_password(&current, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut errors = FieldErrors::new();
    if !current_ok {
        errors.insert(
            "current_password".into(),
            vec!["This is not your current password.".into()],
        );
    }
    if let Err(message) = check_new_password(&form.new_password, &user.user.email, &user.user.name)
    {
        errors.insert("new_password".into(), vec![message]);
    }
    if form.new_password != form.new_password_confirm {
        errors.insert("new_password_confirm".into(), vec![CONFIRM_DIFFERS.into()]);
    }
    if !errors.is_empty() {
        let page = account_page(&req, &state, &session, &user, errors).await?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let hash = hash_password_blocking(form.new_password).await?;
    state
        .db
        .write(move |c| users::set_password_hash(c, id, &hash))
        .await?;
    let fresh = state
        .db
        .read(move |c| users::find_active(c, id))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    super::sign_in::start_session(&req, &session, &fresh)?;
    tracing::info!(user_id = id.0, "password changed; other sessions ended");
    flash::push(
        &session,
        "success",
        "Password changed. You were signed out on every other device.",
    );
    Ok(see_other(paths::ACCOUNT))
}

/// `POST /account/sign-out-everywhere`
pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    identity: Option<Identity>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let id = user.id();
    state
        .db
        .write(move |c| users::end_all_sessions(c, id))
        .await?;
    if let Some(identity) = identity {
        identity.logout();
    }
    session.purge();
    tracing::info!(user_id = id.0, "signed out everywhere");
    Ok(see_other(&format!("{}?signed_out=1", paths::LOGIN)))
}
