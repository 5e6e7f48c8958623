use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    health_reports_the_database_as_ok,
    health_answers_503_when_the_database_is_unreachable
);

async fn health_reports_the_database_as_ok(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app.get("/health/").await;

    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
}

async fn health_answers_503_when_the_database_is_unreachable(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.get("/health/").await.status(), 200);

    app.database.make_unreachable();
    let response = app.get("/health/").await;

    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
}
