use workshop::domain::role::Role;

use crate::helpers::{Backend, location, new_client, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    the_setup_link_creates_the_first_superuser_once,
    a_weak_setup_password_is_refused_and_the_typed_values_kept,
    a_wrong_setup_token_is_not_found,
    there_is_no_setup_link_once_a_user_exists,
);

fn setup_path(url: &str) -> String {
    url.split_once("/setup/")
        .map(|(_, token)| format!("/setup/{token}"))
        .unwrap()
}

async fn the_setup_link_creates_the_first_superuser_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = setup_path(
        app.setup_url
            .as_deref()
            .expect("a first run prints a setup link"),
    );
    assert_eq!(app.get(&path).await.status(), 200);

    let fields = [
        ("email", "Owner@Example.com"),
        ("name", "Grace Owner"),
        ("password", "a sturdy first password"),
        ("password_confirm", "a sturdy first password"),
    ];
    let response = app.post_form(&app.client, &path, &path, &fields).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let me: serde_json::Value = app.get("/api/v1/me/").await.json().await.unwrap();
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["role"], "superuser");
    assert_eq!(app.get(&path).await.status(), 404, "the link works once");
    let again = app.post_form(&new_client(), "/login", &path, &fields).await;
    assert_eq!(again.status(), 404);
}

async fn a_weak_setup_password_is_refused_and_the_typed_values_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let path = setup_path(app.setup_url.as_deref().unwrap());

    let fields = [
        ("email", "not-an-email"),
        ("name", "Grace"),
        ("password", "short"),
        ("password_confirm", "shorter"),
    ];
    let response = app.post_form(&app.client, &path, &path, &fields).await;

    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter a valid email address"));
    assert!(html.contains("Use at least 10 characters."));
    assert!(html.contains("The two passwords do not match."));
    assert!(html.contains(r#"value="Grace""#));
    let users = app.db.read(workshop::db::users::count_users).await.unwrap();
    assert_eq!(users, 0, "nothing was created");
    assert_eq!(app.get(&path).await.status(), 200, "the link still works");
}

async fn a_wrong_setup_token_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app.get("/setup/not-the-token").await;

    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

async fn there_is_no_setup_link_once_a_user_exists(backend: Backend) {
    let first = spawn_app(backend).await;
    first
        .create_user("ada@example.com", Role::Superuser, None)
        .await;

    // A second server on the same database, as after a restart.
    let settings =
        workshop::config::Settings::from_vars(&crate::helpers::test_vars(&first.database, &[]))
            .unwrap();
    let restarted = workshop::startup::Application::build(settings)
        .await
        .unwrap();

    assert!(restarted.setup_url().is_none());
}
