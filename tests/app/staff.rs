use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, PASSWORD, TestApp, client_at, location, new_client, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_superuser_creates_an_account_that_can_sign_in,
    deactivating_an_account_ends_its_sessions_at_once,
    a_manager_manages_only_their_own_sites_staff_below_them,
    a_mechanic_account_is_linked_to_a_mechanic_of_its_site,
    a_password_reset_and_sign_out_everywhere_end_every_session,
    the_staff_form_keeps_what_was_typed,
);

const NEW_PASSWORD: &str = "Correct horse 42 battery";

async fn post_user(app: &TestApp, client: &reqwest::Client, body: Value) -> reqwest::Response {
    call(app, client, Method::POST, "/api/v1/users/", Some(body)).await
}

async fn signed_in(app: &TestApp, email: &str, password: &str) -> Option<reqwest::Client> {
    let client = new_client();
    let response = app.sign_in_as(&client, email, password).await;
    (response.status() == 303 && !location(&response).contains("login")).then_some(client)
}

async fn still_signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    client
        .get(app.url("/api/v1/me/"))
        .send()
        .await
        .unwrap()
        .status()
        == 200
}

async fn a_superuser_creates_an_account_that_can_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;

    let weak = post_user(&app, &boss, json!({"email": "ama@example.com", "name": "Ama", "role": "advisor", "site": site.0, "password": "short"})).await;
    assert_eq!(weak.status(), 400);
    assert!(weak.json::<Value>().await.unwrap()["password"][0].is_string());

    let body = json!({"email": "Ama@Example.com", "name": "Ama Mensah", "phone": "555 010 2030", "role": "advisor", "site": site.0, "password": NEW_PASSWORD});
    let created = post_user(&app, &boss, body.clone()).await;
    assert_eq!(created.status(), 201);
    let user: Value = created.json().await.unwrap();
    assert_eq!(user["email"], "ama@example.com");
    assert_eq!(user["site_name"], "North");
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
    let again = post_user(&app, &boss, body).await;
    assert_eq!(again.status(), 400);
    assert!(
        again.json::<Value>().await.unwrap()["email"][0]
            .as_str()
            .unwrap()
            .contains("already")
    );

    let ama = signed_in(&app, "AMA@example.com", NEW_PASSWORD)
        .await
        .expect("the new account signs in");
    let me: Value = ama
        .get(app.url("/api/v1/me/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "advisor");
    assert_eq!(
        ama.get(app.url("/api/v1/users/"))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "advisors do not manage staff"
    );
    assert_eq!(
        ama.get(app.url("/staff")).send().await.unwrap().status(),
        403
    );

    let hq = post_user(&app, &boss, json!({"email": "hq@example.com", "name": "Head", "role": "hq", "site": site.0, "password": NEW_PASSWORD})).await;
    let hq: Value = hq.json().await.unwrap();
    assert_eq!(hq["site_id"], Value::Null, "head office has no site");
    let id = user["id"].as_i64().unwrap();
    let deleted = call(
        &app,
        &boss,
        Method::DELETE,
        &format!("/api/v1/users/{id}/"),
        None,
    )
    .await;
    assert_eq!(
        deleted.status(),
        400,
        "accounts are deactivated, not deleted"
    );
}

async fn deactivating_an_account_ends_its_sessions_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let manager = client_at(&app, Role::Manager, Some(site)).await;
    let created: Value = post_user(&app, &manager, json!({"email": "yaw@example.com", "name": "Yaw", "role": "advisor", "password": NEW_PASSWORD})).await.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["site_id"], site.0,
        "a manager's staff are at their site"
    );
    let yaw = signed_in(&app, "yaw@example.com", NEW_PASSWORD)
        .await
        .unwrap();
    assert!(still_signed_in(&app, &yaw).await);

    let page = app
        .post_form(
            &manager,
            &format!("/staff/{id}/edit"),
            &format!("/staff/{id}/edit"),
            &[
                ("email", "yaw@example.com"),
                ("name", "Yaw"),
                ("role", "advisor"),
            ],
        )
        .await;
    assert_eq!(page.status(), 303, "the unticked box deactivates");
    assert!(
        !still_signed_in(&app, &yaw).await,
        "the open session ends at once"
    );
    assert!(
        signed_in(&app, "yaw@example.com", NEW_PASSWORD)
            .await
            .is_none(),
        "and they cannot sign in again"
    );

    let me: Value = manager
        .get(app.url("/api/v1/me/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let own = me["id"].as_i64().unwrap();
    let myself = call(
        &app,
        &manager,
        Method::PATCH,
        &format!("/api/v1/users/{own}/"),
        Some(json!({"is_active": false})),
    )
    .await;
    assert_eq!(myself.status(), 400, "nobody locks themselves out");
    assert!(still_signed_in(&app, &manager).await);
}

async fn a_manager_manages_only_their_own_sites_staff_below_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let north_manager = client_at(&app, Role::Manager, Some(north)).await;
    let south_manager = client_at(&app, Role::Manager, Some(south)).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let theirs: Value = post_user(&app, &north_manager, json!({"email": "kofi@example.com", "name": "Kofi", "role": "advisor", "password": NEW_PASSWORD})).await.json().await.unwrap();
    let id = theirs["id"].as_i64().unwrap();
    let path = format!("/api/v1/users/{id}/");

    assert_eq!(
        south_manager
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        south_manager
            .get(app.url(&format!("/staff/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &south_manager,
            Method::PATCH,
            &path,
            Some(json!({"name": "X"}))
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &south_manager,
            Method::POST,
            &format!("{path}reset-password/"),
            Some(json!({"password": NEW_PASSWORD}))
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &south_manager,
            Method::POST,
            &format!("{path}sign-out-everywhere/"),
            None
        )
        .await
        .status(),
        404
    );
    let list: Value = south_manager
        .get(app.url("/api/v1/users/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["site_id"] == south.0),
        "{list}"
    );

    let into_north = post_user(&app, &south_manager, json!({"email": "spy@example.com", "name": "Spy", "role": "advisor", "site": north.0, "password": NEW_PASSWORD})).await;
    assert_eq!(into_north.status(), 403);
    for role in ["superuser", "hq"] {
        let above = post_user(&app, &south_manager, json!({"email": format!("{role}@example.com"), "name": "Up", "role": role, "password": NEW_PASSWORD})).await;
        assert_eq!(above.status(), 400, "a manager cannot create {role}");
        assert!(above.json::<Value>().await.unwrap()["role"][0].is_string());
    }
    let promote = call(
        &app,
        &north_manager,
        Method::PATCH,
        &path,
        Some(json!({"role": "superuser"})),
    )
    .await;
    assert_eq!(promote.status(), 400);
    let boss_me: Value = boss
        .get(app.url("/api/v1/me/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let boss_path = format!("/api/v1/users/{}/", boss_me["id"]);
    assert_eq!(
        north_manager
            .get(app.url(&boss_path))
            .send()
            .await
            .unwrap()
            .status(),
        404,
        "superusers are not a manager's staff"
    );
    let hq = client_at(&app, Role::Hq, None).await;
    assert_eq!(
        hq.get(app.url("/api/v1/users/"))
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "head office reads, it does not manage staff"
    );
}

async fn a_mechanic_account_is_linked_to_a_mechanic_of_its_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let created: Value = post_user(&app, &boss, json!({"email": "kwame@example.com", "name": "Kwame", "role": "mechanic", "site": north.0, "password": NEW_PASSWORD})).await.json().await.unwrap();
    let mechanic = created["mechanic_id"]
        .as_i64()
        .expect("a mechanic record was made");
    assert_eq!(created["mechanic_name"], "Kwame");
    let record: Value = boss
        .get(app.url(&format!("/api/v1/mechanics/{mechanic}/")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(record["site_id"], north.0);

    let taken = post_user(&app, &boss, json!({"email": "k2@example.com", "name": "K2", "role": "mechanic", "site": north.0, "mechanic": mechanic, "password": NEW_PASSWORD})).await;
    assert_eq!(taken.status(), 400);
    assert!(
        taken.json::<Value>().await.unwrap()["mechanic"][0]
            .as_str()
            .unwrap()
            .contains("already has a login")
    );
    let elsewhere = post_user(&app, &boss, json!({"email": "k3@example.com", "name": "K3", "role": "mechanic", "site": south.0, "mechanic": mechanic, "password": NEW_PASSWORD})).await;
    assert_eq!(elsewhere.status(), 400);
    let mechanics: Value = boss
        .get(app.url("/api/v1/mechanics/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        mechanics["count"], 1,
        "a refused account leaves no mechanic behind"
    );
}

async fn a_password_reset_and_sign_out_everywhere_end_every_session(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::audit_log;
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let manager = client_at(&app, Role::Manager, Some(site)).await;
    app.create_user("abena@example.com", Role::Advisor, Some(site))
        .await;
    let abena = signed_in(&app, "abena@example.com", PASSWORD)
        .await
        .unwrap();
    let list: Value = manager
        .get(app.url("/api/v1/users/?q=abena"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list["results"][0]["id"].as_i64().unwrap();

    let weak = app
        .post_form(
            &manager,
            &format!("/staff/{id}"),
            &format!("/staff/{id}/password"),
            &[("password", "abc")],
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert!(
        still_signed_in(&app, &abena).await,
        "a refused reset changes nothing"
    );
    let reset = app
        .post_form(
            &manager,
            &format!("/staff/{id}"),
            &format!("/staff/{id}/password"),
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(reset.status(), 303);
    assert!(!still_signed_in(&app, &abena).await);
    assert!(
        signed_in(&app, "abena@example.com", PASSWORD)
            .await
            .is_none(),
        "the old password is gone"
    );
    let again = signed_in(&app, "abena@example.com", NEW_PASSWORD)
        .await
        .unwrap();

    let out = call(
        &app,
        &manager,
        Method::POST,
        &format!("/api/v1/users/{id}/sign-out-everywhere/"),
        None,
    )
    .await;
    assert_eq!(out.status(), 200);
    assert!(!still_signed_in(&app, &again).await);

    let id = id as i32;
    let entries: Vec<String> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("user"))
                .filter(audit_log::entity_id.eq(id))
                .select(audit_log::changes)
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].contains("password reset") && entries[1].contains("signed out everywhere"));
    assert!(
        entries
            .iter()
            .all(|e| !e.contains(NEW_PASSWORD) && !e.contains("argon2")),
        "no secret in the audit log"
    );
}

async fn the_staff_form_keeps_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let fields = [
        ("name", "Esi"),
        ("email", "esi@"),
        ("role", "advisor"),
        ("site", ""),
        ("password", NEW_PASSWORD),
    ];
    let bad = app
        .post_form(&boss, "/staff/new", "/staff/new", &fields)
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains(r#"value="Esi""#) && html.contains(r#"value="esi@""#));
    assert!(html.contains("Choose a site."));
    assert!(
        !html.contains(NEW_PASSWORD),
        "a password is never sent back"
    );
    let site_id = site.0.to_string();
    let fields = [
        ("name", "Esi"),
        ("email", "esi@example.com"),
        ("role", "advisor"),
        ("site", site_id.as_str()),
        ("password", NEW_PASSWORD),
    ];
    let good = app
        .post_form(&boss, "/staff/new", "/staff/new", &fields)
        .await;
    assert_eq!(good.status(), 303);
    let page = boss
        .get(app.url(&location(&good)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Account for Esi created."));
    let list = boss
        .get(app.url("/staff?role=advisor"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("esi@example.com"));
}
