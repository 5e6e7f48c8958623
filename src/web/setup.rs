//! First run: while no user exists, a one-time link printed by `serve` opens a page that
//! creates the first superuser and signs them in.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::shell::{page, render, see_other};
use super::{flash, paths};
use crate::auth::csrf;
use crate::error::{AppError, FieldErrors};
use crate::services::accounts::{self, NewSuperuser, SuperuserError};
use crate::state::AppState;
use crate::web::forms::first_error;

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    business_name: String,
    csrf: String,
    action: String,
    email: String,
    full_name: String,
    errors: FieldErrors,
}

impl SetupPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    email: String,
    name: String,
    password: String,
    password_confirm: String,
}

/// `GET /setup/{token}`
pub async fn setup_page(
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if !state.setup_token_matches(&token) {
        return Err(AppError::NotFound);
    }
    page(&SetupPage {
        business_name: state.settings.business_name.clone(),
        csrf: csrf::token(&session),
        action: paths::setup(&token),
        email: String::new(),
        full_name: String::new(),
        errors: FieldErrors::new(),
    })
}

/// `POST /setup/{token}`
pub async fn create_first_superuser(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    if !state.setup_token_matches(&token) {
        return Err(AppError::NotFound);
    }
    let form = form.into_inner();
    let new = NewSuperuser {
        email: form.email.clone(),
        name: form.name.clone(),
        password: form.password,
        password_confirm: Some(form.password_confirm),
    };
    match accounts::create_superuser(&state.db, new, true).await {
        Ok(user) => {
            state.consume_setup_token();
            super::sign_in::start_session(&req, &session, &user)?;
            tracing::info!(
                user_id = user.id.0,
                "first superuser created through the setup link"
            );
            flash::push(
                &session,
                "success",
                "Your account is ready. Start by adding your first site.",
            );
            Ok(see_other(paths::HOME))
        }
        Err(SuperuserError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                business_name: state.settings.business_name.clone(),
                csrf: csrf::token(&session),
                action: paths::setup(&token),
                email: form.email,
                full_name: form.name,
                errors,
            },
        ),
        Err(SuperuserError::AlreadySetUp) => {
            state.consume_setup_token();
            Err(AppError::NotFound)
        }
        Err(SuperuserError::Failed(e)) => Err(AppError::Internal(e)),
    }
}
