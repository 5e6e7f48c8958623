use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::{call, client_as};
use crate::helpers::{Backend, PASSWORD, new_client, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_superuser_creates_and_updates_a_site_with_validation,
    a_site_user_sees_only_their_own_site,
    only_a_superuser_creates_or_deletes_and_a_manager_edits_only_their_own_site,
    a_site_in_use_cannot_be_deleted_but_an_unused_one_can,
);

async fn a_superuser_creates_and_updates_a_site_with_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_as(&app, Role::Superuser).await;

    let bad = call(&app, &boss, reqwest::Method::POST, "/api/v1/sites/", Some(json!({"name": "", "timezone": "Mars/Olympus", "tax_rate": "150", "tax_applies_to": "cars"}))).await;
    assert_eq!(bad.status(), 400);
    let errors: Value = bad.json().await.unwrap();
    for field in ["name", "timezone", "tax_rate", "tax_applies_to"] {
        assert!(errors[field].is_array(), "{field} has an error: {errors}");
    }

    let created = call(&app, &boss, reqwest::Method::POST, "/api/v1/sites/", Some(json!({
        "name": "Accra Central", "location": "12 Ring Road", "contact_number": "030 222 3333",
        "timezone": "Africa/Accra", "tax_rate": 15, "tax_applies_to": "both", "invoice_footer": "Thank you"
    }))).await;
    assert_eq!(created.status(), 201);
    let site: Value = created.json().await.unwrap();
    assert_eq!(
        (
            site["address"].as_str(),
            site["tax_rate"].as_str(),
            site["is_active"].as_bool()
        ),
        (Some("12 Ring Road"), Some("15"), Some(true))
    );

    let duplicate = call(
        &app,
        &boss,
        reqwest::Method::POST,
        "/api/v1/sites/",
        Some(json!({"name": "ACCRA central"})),
    )
    .await;
    assert_eq!(duplicate.status(), 400);

    let id = site["id"].as_i64().unwrap();
    let patched: Value = call(
        &app,
        &boss,
        reqwest::Method::PATCH,
        &format!("/api/v1/sites/{id}/"),
        Some(json!({"tax_rate": "7.5", "is_active": false})),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (
            patched["tax_rate"].as_str(),
            patched["is_active"].as_bool(),
            patched["name"].as_str()
        ),
        (Some("7.5"), Some(false), Some("Accra Central"))
    );
}

async fn a_site_user_sees_only_their_own_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let own = app.create_site("Own").await;
    let other = app.create_site("Other").await;
    app.create_user("desk@example.com", Role::Advisor, Some(own))
        .await;
    let desk = new_client();
    app.sign_in_as(&desk, "desk@example.com", PASSWORD).await;

    let list: Value = desk
        .get(app.url("/api/v1/sites/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other_site = desk
        .get(app.url(&format!("/api/v1/sites/{}/", other.0)))
        .send()
        .await
        .unwrap();
    let hq = client_as(&app, Role::Hq).await;
    let everything: Value = hq
        .get(app.url("/api/v1/sites/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["name"], "Own");
    assert_eq!(
        other_site.status(),
        404,
        "another site does not exist for a site user"
    );
    assert_eq!(everything["count"], 2);
}

async fn only_a_superuser_creates_or_deletes_and_a_manager_edits_only_their_own_site(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let own = app.create_site("Own").await;
    let other = app.create_site("Other").await;
    app.create_user("boss@example.com", Role::Manager, Some(own))
        .await;
    let manager = new_client();
    app.sign_in_as(&manager, "boss@example.com", PASSWORD).await;
    let hq = client_as(&app, Role::Hq).await;

    let create = call(
        &app,
        &manager,
        reqwest::Method::POST,
        "/api/v1/sites/",
        Some(json!({"name": "New"})),
    )
    .await;
    let hq_create = call(
        &app,
        &hq,
        reqwest::Method::POST,
        "/api/v1/sites/",
        Some(json!({"name": "New"})),
    )
    .await;
    let edit_own = call(
        &app,
        &manager,
        reqwest::Method::PATCH,
        &format!("/api/v1/sites/{}/", own.0),
        Some(json!({"phone": "5550001111"})),
    )
    .await;
    let edit_other = call(
        &app,
        &manager,
        reqwest::Method::PATCH,
        &format!("/api/v1/sites/{}/", other.0),
        Some(json!({"phone": "5550001111"})),
    )
    .await;
    let delete_own = call(
        &app,
        &manager,
        reqwest::Method::DELETE,
        &format!("/api/v1/sites/{}/", own.0),
        None,
    )
    .await;

    assert_eq!(create.status(), 403);
    assert_eq!(hq_create.status(), 403);
    assert_eq!(edit_own.status(), 200);
    assert_eq!(edit_other.status(), 404);
    assert_eq!(delete_own.status(), 403);
}

async fn a_site_in_use_cannot_be_deleted_but_an_unused_one_can(backend: Backend) {
    let app = spawn_app(backend).await;
    let used = app.create_site("Used").await;
    let unused = app.create_site("Unused").await;
    app.create_user("desk@example.com", Role::Advisor, Some(used))
        .await;
    let boss = client_as(&app, Role::Superuser).await;

    let refused = call(
        &app,
        &boss,
        reqwest::Method::DELETE,
        &format!("/api/v1/sites/{}/", used.0),
        None,
    )
    .await;
    let deleted = call(
        &app,
        &boss,
        reqwest::Method::DELETE,
        &format!("/api/v1/sites/{}/", unused.0),
        None,
    )
    .await;

    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Deactivate it instead")
    );
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        boss.get(app.url(&format!("/api/v1/sites/{}/", unused.0)))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
