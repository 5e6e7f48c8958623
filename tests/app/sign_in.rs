use workshop::domain::role::Role;

use crate::helpers::{Backend, PASSWORD, location, new_client, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_private_page_redirects_to_sign_in_and_comes_back_after,
    sign_in_matches_the_email_in_any_letter_case,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    the_sixth_failure_in_a_minute_is_throttled_with_429,
    sign_in_without_a_csrf_token_is_refused,
    an_inactive_user_cannot_sign_in,
    signing_out_ends_the_session,
    a_signed_in_user_opening_the_login_page_goes_home,
);

async fn a_private_page_redirects_to_sign_in_and_comes_back_after(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Superuser, None)
        .await;

    let response = app.get("/customers?page=2").await;
    assert_eq!(response.status(), 303);
    let login = location(&response);
    assert_eq!(login, "/login?next=%2Fcustomers%3Fpage%3D2");

    let login_page = app.get(&login).await.text().await.unwrap();
    let token = crate::helpers::extract_csrf(&login_page).unwrap();
    let response = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("next", "/customers?page=2"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/customers?page=2");
    assert_eq!(app.get("/customers?page=2").await.status(), 200);
}

async fn sign_in_matches_the_email_in_any_letter_case(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;

    let response = app
        .sign_in_as(&app.client, "  ADA@Example.COM ", PASSWORD)
        .await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Welcome, Test."));
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;

    let wrong_password = app
        .sign_in_as(&new_client(), "ada@example.com", "not the password")
        .await;
    let unknown_email = app
        .sign_in_as(&new_client(), "nobody@example.com", "not the password")
        .await;

    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    let (a, b) = (
        wrong_password.text().await.unwrap(),
        unknown_email.text().await.unwrap(),
    );
    assert!(a.contains("Invalid email or password."));
    assert!(b.contains("Invalid email or password."));
    assert!(
        b.contains(r#"value="nobody@example.com""#),
        "the typed email is kept"
    );
}

async fn the_sixth_failure_in_a_minute_is_throttled_with_429(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    for _ in 0..5 {
        let response = app
            .sign_in_as(&app.client, "ada@example.com", "wrong password!")
            .await;
        assert_eq!(response.status(), 401);
    }

    let page = app
        .sign_in_as(&app.client, "ada@example.com", PASSWORD)
        .await;
    let api = app
        .client
        .post(app.url("/auth/login/"))
        .json(&serde_json::json!({"email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), 429);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );
    assert_eq!(api.status(), 429);
    let body: serde_json::Value = api.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Too many sign-in attempts")
    );
}

async fn sign_in_without_a_csrf_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    let _ = app.get("/login").await;

    let missing = app
        .client
        .post(app.url("/login"))
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let forged = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 403);
    assert_eq!(forged.status(), 403);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("Reload the page and try again")
    );
    assert_eq!(app.get("/").await.status(), 303, "still signed out");
}

async fn an_inactive_user_cannot_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app
        .create_user("ada@example.com", Role::Advisor, None)
        .await;
    crate::session::deactivate(&app, id).await;

    let response = app
        .sign_in_as(&app.client, "ada@example.com", PASSWORD)
        .await;

    assert_eq!(response.status(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Invalid email or password.")
    );
}

async fn signing_out_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    let response = app.post_form(&app.client, "/", "/logout", &[]).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?signed_out=1");
    assert_eq!(app.get("/").await.status(), 303);
    assert!(
        app.get("/login?signed_out=1")
            .await
            .text()
            .await
            .unwrap()
            .contains("You have signed out.")
    );
}

async fn a_signed_in_user_opening_the_login_page_goes_home(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    let response = app.get("/login").await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
}
