use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    an_advisor_creates_finds_updates_and_deletes_a_customer,
    bad_customer_input_gets_field_errors_and_changes_nothing,
    hq_reads_customers_but_cannot_change_them,
    mechanics_do_not_see_the_customer_register,
    the_walk_in_customer_is_created_once_and_cannot_be_edited,
    ten_simultaneous_first_uses_of_the_walk_in_create_one_customer,
    every_customer_change_is_in_the_audit_log,
    unparseable_list_parameters_never_fail,
);

/// A client signed in as a new user of `role`.
pub async fn client_as(app: &TestApp, role: Role) -> reqwest::Client {
    let email = format!(
        "{}-{}@example.com",
        role.as_str(),
        workshop::auth::api_tokens::random_token()[..6].to_owned()
    );
    app.create_user(&email, role, None).await;
    let client = crate::helpers::new_client();
    assert_eq!(
        app.sign_in_as(&client, &email, crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );
    client
}

/// A JSON call with the session's CSRF token.
pub async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let token = app.csrf_token(client, "/account").await;
    let mut request = client
        .request(method, app.url(path))
        .header("X-CSRF-Token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn an_advisor_creates_finds_updates_and_deletes_a_customer(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let created = call(&app, &desk, reqwest::Method::POST, "/api/v1/customers/", Some(json!({
        "first_name": "Kofi", "last_name": "Mensah", "phone_number": "(555) 010-2030", "email": "Kofi@Example.com"
    }))).await;
    assert_eq!(created.status(), 201);
    let customer: Value = created.json().await.unwrap();
    assert_eq!(customer["phone"], "+15550102030");
    assert_eq!(customer["email"], "kofi@example.com");
    assert_eq!(customer["receive_service_reminders"], true);
    assert_eq!(customer["receive_marketing"], false);
    let id = customer["id"].as_i64().unwrap();

    let found: Value = desk
        .get(app.url("/api/v1/customers/?search=0102030"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["count"], 1);
    assert_eq!(found["results"][0]["id"], id);

    let patched = call(
        &app,
        &desk,
        reqwest::Method::PATCH,
        &format!("/api/v1/customers/{id}/"),
        Some(json!({"receive_marketing": true})),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["receive_marketing"], true);
    assert_eq!(
        patched["first_name"], "Kofi",
        "a partial update keeps the other fields"
    );

    let deleted = call(
        &app,
        &desk,
        reqwest::Method::DELETE,
        &format!("/api/v1/customers/{id}/"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        desk.get(app.url(&format!("/api/v1/customers/{id}/")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn bad_customer_input_gets_field_errors_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let response = call(&app, &desk, reqwest::Method::POST, "/api/v1/customers/", Some(json!({
        "first_name": "", "last_name": "Mensah", "phone": "call me", "email": "nope", "preferred_channel": "pigeon"
    }))).await;

    assert_eq!(response.status(), 400);
    let errors: Value = response.json().await.unwrap();
    assert_eq!(errors["first_name"][0], "This field is required.");
    assert_eq!(
        errors["phone"][0],
        "Use digits only, optionally starting with +."
    );
    assert!(
        errors["email"][0]
            .as_str()
            .unwrap()
            .starts_with("Enter a valid email")
    );
    assert!(
        errors["preferred_channel"][0]
            .as_str()
            .unwrap()
            .starts_with("Choose one of")
    );
    let list: Value = desk
        .get(app.url("/api/v1/customers/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 0);
}

async fn hq_reads_customers_but_cannot_change_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    let hq = client_as(&app, Role::Hq).await;
    let created: Value = call(
        &app,
        &desk,
        reqwest::Method::POST,
        "/api/v1/customers/",
        Some(json!({"first_name": "A", "last_name": "B", "phone": "5550102030"})),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = created["id"].as_i64().unwrap();

    assert_eq!(
        hq.get(app.url(&format!("/api/v1/customers/{id}/")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let create = call(
        &app,
        &hq,
        reqwest::Method::POST,
        "/api/v1/customers/",
        Some(json!({"first_name": "A", "last_name": "B", "phone": "5550102031"})),
    )
    .await;
    let patch = call(
        &app,
        &hq,
        reqwest::Method::PATCH,
        &format!("/api/v1/customers/{id}/"),
        Some(json!({"first_name": "Z"})),
    )
    .await;
    let delete = call(
        &app,
        &hq,
        reqwest::Method::DELETE,
        &format!("/api/v1/customers/{id}/"),
        None,
    )
    .await;

    assert_eq!(
        (create.status(), patch.status(), delete.status()),
        (
            reqwest::StatusCode::FORBIDDEN,
            reqwest::StatusCode::FORBIDDEN,
            reqwest::StatusCode::FORBIDDEN
        )
    );
    let unchanged: Value = hq
        .get(app.url(&format!("/api/v1/customers/{id}/")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["first_name"], "A");
}

async fn mechanics_do_not_see_the_customer_register(backend: Backend) {
    let app = spawn_app(backend).await;
    let mechanic = client_as(&app, Role::Mechanic).await;

    assert_eq!(
        mechanic
            .get(app.url("/api/v1/customers/"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        mechanic
            .get(app.url("/customers"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn the_walk_in_customer_is_created_once_and_cannot_be_edited(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let first: Value = desk
        .get(app.url("/api/v1/customers/walkin/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second: Value = desk
        .get(app.url("/api/v1/customers/walkin/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let edit = call(
        &app,
        &desk,
        reqwest::Method::PATCH,
        &format!("/api/v1/customers/{}/", first["id"]),
        Some(json!({"phone": "5550102030"})),
    )
    .await;

    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["is_walk_in"], true);
    assert_eq!(first["phone"], "", "never messaged: no number");
    assert_eq!(edit.status(), 400);
    let list: Value = desk
        .get(app.url("/api/v1/customers/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 0, "the walk-in is not in the register");
}

async fn every_customer_change_is_in_the_audit_log(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::audit_log;
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    let created: Value = call(
        &app,
        &desk,
        reqwest::Method::POST,
        "/api/v1/customers/",
        Some(json!({"first_name": "Ama", "last_name": "B", "phone": "5550102030"})),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = created["id"].as_i64().unwrap();
    call(
        &app,
        &desk,
        reqwest::Method::PATCH,
        &format!("/api/v1/customers/{id}/"),
        Some(json!({"first_name": "Amma"})),
    )
    .await;
    call(
        &app,
        &desk,
        reqwest::Method::DELETE,
        &format!("/api/v1/customers/{id}/"),
        None,
    )
    .await;

    let entries: Vec<(String, String, Option<i32>)> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("customer"))
                .filter(audit_log::entity_id.eq(id as i32))
                .order(audit_log::id)
                .select((audit_log::action, audit_log::changes, audit_log::user_id))
                .load(c)?)
        })
        .await
        .unwrap();

    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    let update: Value = serde_json::from_str(&entries[1].1).unwrap();
    assert_eq!(update, json!({"first_name": ["Ama", "Amma"]}));
    assert!(
        entries.iter().all(|e| e.2.is_some()),
        "the acting user is recorded"
    );
}

async fn unparseable_list_parameters_never_fail(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    for query in [
        "?page=abc",
        "?page_size=-1",
        "?page=999999999999",
        "?ordering=%FF",
        "?search=%25%27%22",
        "?unknown=1",
    ] {
        let response = desk
            .get(app.url(&format!("/api/v1/customers/{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{query}");
    }
}

async fn ten_simultaneous_first_uses_of_the_walk_in_create_one_customer(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::customers;
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;

    let requests = (0..10).map(|_| {
        let (client, url) = (desk.clone(), app.url("/api/v1/customers/walkin/"));
        tokio::spawn(async move { client.get(url).send().await.unwrap() })
    });
    let mut ids = Vec::new();
    for request in requests {
        let response = request.await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        ids.push(body["id"].as_i64().unwrap());
    }

    ids.dedup();
    assert_eq!(ids.len(), 1, "every request got the same walk-in");
    let rows: i64 = app
        .db
        .read(|c| {
            Ok(customers::table
                .filter(customers::is_walk_in.eq(true))
                .count()
                .get_result(c)?)
        })
        .await
        .unwrap();
    assert_eq!(rows, 1);
}
