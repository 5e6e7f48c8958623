//! `POST /auth/login/`, `/auth/refresh/`, `/auth/logout/`: API tokens for integrations.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::api_tokens::{self, RefreshError};
use crate::auth::sign_in::{SignInError, check_credentials};
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginBody {
    email: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize)]
pub struct RefreshBody {
    refresh: Option<String>,
}

fn required(fields: &[(&str, &Option<String>)]) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    for (name, value) in fields {
        if value.as_deref().is_none_or(|v| v.is_empty()) {
            errors.insert((*name).to_owned(), vec!["This field is required.".into()]);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn detail(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "detail": message }))
}

/// `{email, password}` → `{access, refresh}`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    required(&[("email", &body.email), ("password", &body.password)])?;
    let LoginBody { email, password } = body.into_inner();
    let ip = crate::web::client_ip(&req, state.settings.trust_proxy);
    let limit = state.settings.login_attempts_per_minute;
    let user = check_credentials(
        &state.db,
        ip,
        &email.unwrap_or_default(),
        password.unwrap_or_default(),
        limit,
    )
    .await;
    match user {
        Ok(id) => Ok(HttpResponse::Ok().json(api_tokens::issue_pair(&state.db, id).await?)),
        Err(e @ SignInError::InvalidCredentials) => Ok(detail(
            actix_web::http::StatusCode::UNAUTHORIZED,
            &e.to_string(),
        )),
        Err(SignInError::Throttled) => Err(AppError::TooManyRequests(
            SignInError::Throttled.to_string(),
        )),
        Err(SignInError::Db(e)) => Err(e.into()),
        Err(SignInError::Internal) => Err(anyhow::anyhow!("password check task failed").into()),
    }
}

/// `{refresh}` → a new pair; the old refresh token stops working, and using it again revokes
/// every token of its family.
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    required(&[("refresh", &body.refresh)])?;
    match api_tokens::refresh_pair(&state.db, body.into_inner().refresh.unwrap_or_default()).await {
        Ok(pair) => Ok(HttpResponse::Ok().json(pair)),
        Err(e @ (RefreshError::Invalid | RefreshError::Reused)) => {
            if matches!(e, RefreshError::Reused) {
                tracing::warn!("a revoked refresh token was reused; its token family was revoked");
            }
            Ok(detail(
                actix_web::http::StatusCode::UNAUTHORIZED,
                &e.to_string(),
            ))
        }
        Err(RefreshError::Db(e)) => Err(e.into()),
    }
}

/// `{refresh}` → revokes its family; `{}` back.
pub async fn logout(
    state: web::Data<AppState>,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, AppError> {
    required(&[("refresh", &body.refresh)])?;
    api_tokens::revoke_by_refresh(&state.db, body.into_inner().refresh.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(json!({})))
}
