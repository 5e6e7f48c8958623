use serde_json::Value;
use workshop::api::openapi::OPS;
use workshop::domain::role::Role;

use crate::helpers::{Backend, client_at, spawn_app};
use crate::on_both_databases;

on_both_databases!(the_openapi_document_lists_routes_that_exist);

async fn the_openapi_document_lists_routes_that_exist(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = app.get("/api/openapi.json").await;
    assert_eq!(anonymous.status(), 200, "the reference needs no sign-in");
    let doc: Value = anonymous.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    for area in [
        "/api/v1/vehicles/",
        "/api/v1/mechanics/",
        "/api/v1/users/",
        "/api/v1/products/search/",
    ] {
        assert!(
            doc["paths"][area]["get"].is_object(),
            "{area} is documented"
        );
    }
    let docs = app.get("/api/docs/").await;
    assert_eq!(docs.status(), 200);
    let html = docs.text().await.unwrap();
    assert!(html.contains("/api/v1/users/{id}/reset-password/"));
    assert!(!html.contains("cdn"), "works offline");

    app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    for op in OPS
        .iter()
        .filter(|op| op.method == "get" && !op.path.contains('{'))
    {
        let status = boss.get(app.url(op.path)).send().await.unwrap().status();
        assert_eq!(status, 200, "documented {} answers", op.path);
    }
    let token = app.csrf_token(&boss, "/account").await;
    for op in OPS.iter().filter(|op| op.path.contains("{id}")) {
        let path = op.path.replace("{id}", "999999");
        let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes()).unwrap();
        let status = boss
            .request(method, app.url(&path))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap()
            .status();
        assert!(
            status != 405 && status.as_u16() < 500,
            "{} {path}: {status}",
            op.method
        );
    }
}
