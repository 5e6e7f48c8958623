use diesel::prelude::*;
use workshop::db::schema::users;
use workshop::domain::ids::UserId;
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, location, new_client, spawn_app, spawn_app_with};
use crate::on_both_databases;

on_both_databases!(
    a_session_ends_after_the_idle_timeout,
    a_session_ends_after_the_absolute_lifetime_even_when_active,
    activity_keeps_a_session_alive,
    signing_out_everywhere_ends_every_session,
    deactivating_a_user_ends_their_session_at_once,
    changing_the_password_ends_other_sessions_and_keeps_this_one,
    a_weak_new_password_is_refused_with_field_errors,
    the_session_cookie_is_http_only_and_same_site,
    the_session_cookie_is_secure_behind_https,
    an_htmx_post_needs_the_csrf_header,
);

pub async fn deactivate(app: &TestApp, id: UserId) {
    app.db
        .write(move |c| {
            Ok(diesel::update(users::table.find(id.0))
                .set(users::is_active.eq(false))
                .execute(c)?)
        })
        .await
        .unwrap();
}

async fn a_session_ends_after_the_idle_timeout(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_SESSION_IDLE_SECONDS", "1")]).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;
    assert_eq!(app.get("/").await.status(), 200);

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    let response = app.get("/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login");
    assert_eq!(app.get("/session/keepalive").await.status(), 401);
}

async fn a_session_ends_after_the_absolute_lifetime_even_when_active(backend: Backend) {
    // Identity timestamps are whole seconds, so the margins here are a second wide.
    let app = spawn_app_with(backend, &[("WORKSHOP_SESSION_ABSOLUTE_SECONDS", "3")]).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(app.get("/session/keepalive").await.status(), 204);
    }
    tokio::time::sleep(std::time::Duration::from_millis(2600)).await;

    assert_eq!(app.get("/").await.status(), 303);
}

async fn activity_keeps_a_session_alive(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_SESSION_IDLE_SECONDS", "2")]).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    for _ in 0..4 {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        assert_eq!(app.get("/session/keepalive").await.status(), 204);
    }

    assert_eq!(
        app.get("/").await.status(),
        200,
        "2.8 s of activity outlived a 2 s idle timeout"
    );
}

async fn signing_out_everywhere_ends_every_session(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let laptop = new_client();
    let phone = new_client();
    assert_eq!(
        app.sign_in_as(&laptop, "ada@example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.sign_in_as(&phone, "ada@example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );

    let response = app
        .post_form(&laptop, "/account", "/account/sign-out-everywhere", &[])
        .await;

    assert_eq!(response.status(), 303);
    assert_eq!(laptop.get(app.url("/")).send().await.unwrap().status(), 303);
    assert_eq!(phone.get(app.url("/")).send().await.unwrap().status(), 303);
}

async fn deactivating_a_user_ends_their_session_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app
        .create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;
    assert_eq!(app.get("/").await.status(), 200);

    deactivate(&app, id).await;

    assert_eq!(app.get("/").await.status(), 303);
}

async fn changing_the_password_ends_other_sessions_and_keeps_this_one(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let other = new_client();
    assert_eq!(
        app.sign_in_as(&other, "ada@example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );
    app.sign_in("ada@example.com").await;

    let fields = [
        ("current_password", crate::helpers::PASSWORD),
        ("new_password", "an entirely new passphrase"),
        ("new_password_confirm", "an entirely new passphrase"),
    ];
    let response = app
        .post_form(&app.client, "/account", "/account/password", &fields)
        .await;

    assert_eq!(response.status(), 303);
    assert_eq!(
        app.get("/account").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        other.get(app.url("/")).send().await.unwrap().status(),
        303,
        "the other session ended"
    );
    assert_eq!(
        app.sign_in_as(
            &new_client(),
            "ada@example.com",
            "an entirely new passphrase"
        )
        .await
        .status(),
        303
    );
}

async fn a_weak_new_password_is_refused_with_field_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    let fields = [
        ("current_password", "wrong"),
        ("new_password", "short"),
        ("new_password_confirm", "different"),
    ];
    let response = app
        .post_form(&app.client, "/account", "/account/password", &fields)
        .await;

    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("This is not your current password."));
    assert!(html.contains("Use at least 10 characters."));
    assert!(html.contains("The two passwords do not match."));
    assert_eq!(
        app.sign_in_as(&new_client(), "ada@example.com", crate::helpers::PASSWORD)
            .await
            .status(),
        303,
        "password unchanged"
    );
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("workshop_session="))
        .unwrap_or_default()
        .to_owned()
}

async fn the_session_cookie_is_http_only_and_same_site(backend: Backend) {
    let app = spawn_app(backend).await;

    let cookie = session_cookie(&app.get("/login").await);

    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http in development: {cookie}"
    );
}

async fn the_session_cookie_is_secure_behind_https(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("WORKSHOP_BASE_URL", "https://workshop.example.com")],
    )
    .await;

    let response = app.get("/login").await;

    assert!(session_cookie(&response).contains("Secure"));
    assert!(response.headers().contains_key("strict-transport-security"));
}

async fn an_htmx_post_needs_the_csrf_header(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    app.create_user("boss@example.com", Role::Superuser, None)
        .await;
    app.sign_in("boss@example.com").await;
    let token = app.csrf_token(&app.client, "/").await;
    let body = [("site_id", site.0.to_string())];

    let without = app
        .client
        .post(app.url("/site-switch"))
        .header("HX-Request", "true")
        .form(&body)
        .send()
        .await
        .unwrap();
    let with = app
        .client
        .post(app.url("/site-switch"))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(without.status(), 403);
    assert_eq!(
        without.headers().get("hx-reswap").unwrap(),
        "none",
        "htmx shows the message as a toast"
    );
    assert!(without.text().await.unwrap().contains("Reload the page"));
    assert_eq!(with.status(), 303);
}
