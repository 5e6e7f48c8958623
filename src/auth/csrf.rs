//! CSRF protection for every state-changing request that relies on the session cookie.
//!
//! A random token lives in the (encrypted) session. Pages put it in a hidden `csrf_token` form
//! field and in `<meta name="csrf-token">`, from which `app.js` sends it as `X-CSRF-Token` on
//! every htmx request. Requests authenticated by a bearer token carry no ambient credentials
//! and the JSON token endpoints use no cookie, so those are exempt. The sign-in form is not.

use actix_session::{Session, SessionExt};
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use subtle::ConstantTimeEq;

use crate::error::AppError;

const SESSION_KEY: &str = "_csrf";
/// Name of the hidden form field.
pub const FORM_FIELD: &str = "csrf_token";
/// Name of the request header htmx requests carry.
pub const HEADER: &str = "X-CSRF-Token";
/// Largest urlencoded body inspected for the token (forms are small; uploads use the header).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The session's CSRF token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(existing)) = session.get::<String>(SESSION_KEY) {
        return existing;
    }
    let fresh = super::api_tokens::random_token();
    // If the session cannot store it the next POST fails the check, which is the safe outcome.
    let _ = session.insert(SESSION_KEY, &fresh);
    fresh
}

/// Replaces the token, e.g. after sign-in, so a token seen before sign-in is useless after.
pub fn rotate(session: &Session) {
    session.remove(SESSION_KEY);
}

fn is_exempt(req: &ServiceRequest) -> bool {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    let token_endpoint = req.path().starts_with("/auth/");
    safe || bearer || token_endpoint
}

/// Middleware: refuses unsafe requests whose token is missing or wrong with 403.
pub async fn verify(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    if is_exempt(&req) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let expected = req.get_session().get::<String>(SESSION_KEY).ok().flatten();
    let provided = match header_token(&req) {
        Some(token) => Some(token),
        None => match form_token(&mut req).await {
            Ok(token) => token,
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        },
    };
    let valid = match (expected, provided) {
        (Some(expected), Some(provided)) => {
            bool::from(expected.as_bytes().ct_eq(provided.as_bytes()))
        }
        _ => false,
    };
    if !valid {
        tracing::info!(
            path = req.path(),
            "request refused: missing or wrong CSRF token"
        );
        return Ok(req
            .error_response(AppError::CsrfRejected)
            .map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn header_token(req: &ServiceRequest) -> Option<String> {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads an urlencoded body for the token field and puts the body back for the handler.
async fn form_token(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(None);
    }
    let body = read_body(req).await?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == FORM_FIELD)
                .map(|(_, v)| v)
        });
    let replay: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(futures_util::stream::once(async move {
            Ok::<_, PayloadError>(body)
        }));
    req.set_payload(Payload::from(replay));
    Ok(token)
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
        if body.len() + chunk.len() > MAX_FORM_BYTES {
            return Err(AppError::BadRequest("The form is too large.".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
