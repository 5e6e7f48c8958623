//! `GET /health/`: for load balancers and the container health check.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// 200 `{"status":"ok","database":"ok"}`, or 503 when the database does not answer in 2 s.
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let probe = state.db.ping();
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({"status": "ok", "database": "ok"})),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("health check: database did not answer in time");
            unavailable()
        }
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(json!({"status": "error", "database": "unavailable"}))
}
