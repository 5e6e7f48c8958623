//! Logging: tracing with one root span per request carrying a request id, so every line a
//! request causes can be found together. Only the path is logged, never the query string
//! (searches carry names and phone numbers) nor any header with credentials.

use actix_web::Error;
use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable in development, JSON lines in production.
pub fn init(json: bool) {
    // The scheduler crate logs its own start-up at info ("Uninited", "Job creator created"),
    // which tells an operator nothing.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn,tokio_cron_scheduler=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
}

/// Root span with method, path (no query), status and request id.
pub struct PrivacyRootSpan;

impl RootSpanBuilder for PrivacyRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "http",
            method = %request.method(),
            path = %request.path(),
            request_id = %request_id,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        let _entered = span.enter();
        // Client errors are worth an operator's eye; successful requests only when debugging.
        if status.is_client_error() {
            tracing::info!("request refused");
        } else {
            tracing::debug!("request served");
        }
    }
}

/// `a***@example.com`: enough for an operator to recognise, not enough to contact.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked_email_keeps_only_first_letter_and_domain() {
        assert_eq!(super::mask_email("ada@example.com"), "a***@example.com");
        assert_eq!(super::mask_email("nonsense"), "***");
    }
}
