//! One error type for handlers, mapped to a status in one place, and one middleware that turns
//! any error into what the client understands: an HTML page for a browser, a short message for
//! htmx (shown as a toast by `app.js`), `{"detail": …}` or field errors for JSON clients.

use std::collections::BTreeMap;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::db::DbError;

/// Field name → messages, as the API returns them.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Authentication credentials were not provided or have expired.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("Some fields are not valid.")]
    Validation(FieldErrors),
    #[error("Your form expired or came from another page. Reload the page and try again.")]
    CsrfRejected,
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The database is not available right now. Try again in a moment.")]
    Db(#[from] DbError),
    #[error(
        "Something went wrong on our side. Try again; if it keeps happening, tell your administrator."
    )]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 403 with the standard wording.
    pub fn forbidden() -> Self {
        Self::Forbidden("You do not have permission to do that.".into())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) | Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Db(DbError::Pool(_) | DbError::Connect(_)) => StatusCode::SERVICE_UNAVAILABLE,
            // The server went away under a pooled connection (a restart): that connection is
            // dropped and the next request gets another.
            Self::Db(DbError::Query(e)) if crate::db::connection::connection_gone(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Db(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The real body is chosen by `render_errors`, which knows who is asking.
        HttpResponse::build(self.status_code()).body(self.to_string())
    }
}

/// Who made the request, which decides the error's form.
enum Audience {
    Json,
    Htmx,
    Browser,
}

fn audience(req: &HttpRequest) -> Audience {
    let path = req.path();
    if path.starts_with("/api/") || path.starts_with("/auth/") || path.starts_with("/health") {
        Audience::Json
    } else if req.headers().contains_key("HX-Request") {
        Audience::Htmx
    } else {
        Audience::Browser
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    business_name: &'a str,
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// Middleware: renders every error response for its audience and logs server-side failures
/// once, with their cause chain.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Inner middleware answers with error responses rather than `Err`, so the request is
    // still attached here (holding a clone of it during routing is not allowed).
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let Some(err) = res.response().error() else {
        return Ok(res);
    };
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), error = %error_chain(err), "request failed");
    }
    let app_error = err.as_error::<AppError>();
    let message = match app_error {
        Some(e) => e.to_string(),
        None if status.is_server_error() => AppError::Internal(anyhow::anyhow!("")).to_string(),
        None => err.to_string(),
    };
    let http_req = res.request().clone();
    let mut response = match audience(&http_req) {
        Audience::Json => json_error(status, app_error, &message),
        Audience::Htmx => HttpResponse::build(status)
            .insert_header(("HX-Reswap", "none"))
            .content_type("text/plain; charset=utf-8")
            .body(message),
        Audience::Browser => html_error(status, &message),
    };
    carry_over_headers(res.response(), &mut response);
    Ok(ServiceResponse::new(http_req, response))
}

fn json_error(status: StatusCode, error: Option<&AppError>, message: &str) -> HttpResponse {
    match error {
        Some(AppError::Validation(fields)) => HttpResponse::build(status).json(fields),
        _ => HttpResponse::build(status).json(serde_json::json!({ "detail": message })),
    }
}

fn html_error(status: StatusCode, message: &str) -> HttpResponse {
    let title = match status.as_u16() {
        403 => "You can't open this",
        404 => "Page not found",
        429 => "Slow down",
        s if s >= 500 => "Something went wrong",
        _ => "That didn't work",
    };
    let message = if status == StatusCode::NOT_FOUND {
        "The page you asked for does not exist, or you do not have access to it."
    } else {
        message
    };
    let page = ErrorPage {
        business_name: "Workshop",
        status: status.as_u16(),
        title,
        message,
    };
    let body = page.render().unwrap_or_else(|_| message.to_owned());
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

fn carry_over_headers(from: &HttpResponse, to: &mut HttpResponse) {
    for name in [header::SET_COOKIE, header::RETRY_AFTER] {
        for value in from.headers().get_all(&name) {
            to.headers_mut().append(name.clone(), value.clone());
        }
    }
}

/// `error: cause: cause…`, for the log line of a failure.
fn error_chain(err: &actix_web::Error) -> String {
    let mut text = err.to_string();
    let mut source = err
        .as_error::<AppError>()
        .and_then(|e| std::error::Error::source(e));
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The fallback for unknown routes.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
