use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    login_issues_a_token_pair_that_opens_me,
    me_answers_for_a_session_too,
    me_describes_what_each_role_may_do,
    bad_credentials_answer_401_with_a_detail,
    missing_fields_and_malformed_json_answer_400,
    the_api_without_credentials_answers_401_json,
    refresh_rotates_the_pair_and_the_old_refresh_stops_working,
    reusing_a_refresh_token_revokes_its_whole_family,
    api_logout_revokes_the_tokens,
    signing_out_everywhere_revokes_api_tokens,
);

async fn login(app: &TestApp, email: &str) -> Value {
    let response = app
        .client
        .post(app.url("/auth/login/"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn me_with(app: &TestApp, access: &str) -> reqwest::Response {
    crate::helpers::new_client()
        .get(app.url("/api/v1/me/"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/auth/refresh/"))
        .json(&json!({"refresh": token}))
        .send()
        .await
        .unwrap()
}

async fn login_issues_a_token_pair_that_opens_me(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let id = app
        .create_user("ada@example.com", Role::Advisor, Some(site))
        .await;

    let pair = login(&app, "ADA@example.com").await;
    let response = me_with(&app, pair["access"].as_str().unwrap()).await;

    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["id"], id.0);
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["role"], "advisor");
    assert_eq!(me["site"], json!({"id": site.0, "name": "North"}));
    assert_eq!(me["site_id"], site.0);
    assert_eq!(me["can_write"], true);
    assert_eq!(me["can_see_all_sites"], false);
}

async fn me_answers_for_a_session_too(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Hq, None).await;
    app.sign_in("ada@example.com").await;

    let me: Value = app.get("/api/v1/me/").await.json().await.unwrap();

    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["site"], Value::Null);
}

async fn me_describes_what_each_role_may_do(backend: Backend) {
    let app = spawn_app(backend).await;
    let expected = [
        (Role::Superuser, true, true),
        (Role::Hq, false, true),
        (Role::Manager, true, false),
        (Role::Advisor, true, false),
        (Role::Mechanic, true, false),
    ];
    for (role, can_write, all_sites) in expected {
        let email = format!("{}@example.com", role.as_str());
        app.create_user(&email, role, None).await;
        let pair = login(&app, &email).await;
        let me: Value = me_with(&app, pair["access"].as_str().unwrap())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], role.as_str());
        assert_eq!(me["can_write"], can_write, "{role:?}");
        assert_eq!(me["can_see_all_sites"], all_sites, "{role:?}");
        assert_eq!(me["is_superuser"], role == Role::Superuser);
    }
}

async fn bad_credentials_answer_401_with_a_detail(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;

    let response = app
        .client
        .post(app.url("/auth/login/"))
        .json(&json!({"email": "ada@example.com", "password": "wrong"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"detail": "Invalid email or password."}));
}

async fn missing_fields_and_malformed_json_answer_400(backend: Backend) {
    let app = spawn_app(backend).await;

    let missing = app
        .client
        .post(app.url("/auth/login/"))
        .json(&json!({"email": ""}))
        .send()
        .await
        .unwrap();
    let malformed = app
        .client
        .post(app.url("/auth/login/"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body,
        json!({"email": ["This field is required."], "password": ["This field is required."]})
    );
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Malformed JSON body")
    );
}

async fn the_api_without_credentials_answers_401_json(backend: Backend) {
    let app = spawn_app(backend).await;

    let anonymous = app.get("/api/v1/me/").await;
    let bad_token = me_with(&app, "not-a-token").await;

    for response in [anonymous, bad_token] {
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert!(body["detail"].is_string());
    }
}

async fn refresh_rotates_the_pair_and_the_old_refresh_stops_working(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let first = login(&app, "ada@example.com").await;

    let response = refresh(&app, first["refresh"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();

    assert_ne!(second["access"], first["access"]);
    assert_ne!(second["refresh"], first["refresh"]);
    assert_eq!(
        me_with(&app, second["access"].as_str().unwrap())
            .await
            .status(),
        200
    );
    assert_eq!(refresh(&app, "unknown").await.status(), 401);
}

async fn reusing_a_refresh_token_revokes_its_whole_family(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let first = login(&app, "ada@example.com").await;
    let second: Value = refresh(&app, first["refresh"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();

    let reuse = refresh(&app, first["refresh"].as_str().unwrap()).await;

    assert_eq!(reuse.status(), 401);
    let body: Value = reuse.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("already been used")
    );
    assert_eq!(
        me_with(&app, second["access"].as_str().unwrap())
            .await
            .status(),
        401,
        "the thief's pair is dead too"
    );
    assert_eq!(
        refresh(&app, second["refresh"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

async fn api_logout_revokes_the_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let pair = login(&app, "ada@example.com").await;

    let response = app
        .client
        .post(app.url("/auth/logout/"))
        .json(&json!({"refresh": pair["refresh"]}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        me_with(&app, pair["access"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

async fn signing_out_everywhere_revokes_api_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let pair = login(&app, "ada@example.com").await;
    app.sign_in("ada@example.com").await;

    app.post_form(&app.client, "/account", "/account/sign-out-everywhere", &[])
        .await;

    assert_eq!(
        me_with(&app, pair["access"].as_str().unwrap())
            .await
            .status(),
        401
    );
    assert_eq!(
        refresh(&app, pair["refresh"].as_str().unwrap())
            .await
            .status(),
        401
    );
}
