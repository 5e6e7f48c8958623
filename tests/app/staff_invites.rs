//! Staff invitations: an account created without a password gets an emailed one-time link to
//! choose one; until then nobody can sign in to it. A new invitation replaces the old, only
//! for accounts still waiting, and only by someone who may manage the account.

use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, location, new_client, spawn_app};
use crate::messaging_support::messages;
use crate::on_both_databases;

on_both_databases!(
    an_invited_person_chooses_a_password_once_and_signs_in,
    a_new_invitation_replaces_the_old_one_for_accounts_still_waiting,
    an_account_needs_a_first_password_or_an_invitation,
    whoever_reads_the_outbox_never_sees_an_invitation_link,
);

const CHOSEN: &str = "Correct horse 42 battery";

/// The invitation links emailed to `email`, oldest first, as paths (`/invite/…`).
async fn invite_links(app: &TestApp, email: &str) -> Vec<String> {
    messages(app)
        .await
        .into_iter()
        .filter(|m| m.kind == "staff_invite" && m.recipient == email)
        .map(|m| {
            let start = m
                .body_text
                .find("/invite/")
                .expect("the message has the link");
            let token: String = m.body_text[start + "/invite/".len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            format!("/invite/{token}")
        })
        .collect()
}

async fn can_sign_in(app: &TestApp, email: &str, password: &str) -> bool {
    let client = new_client();
    let response = app.sign_in_as(&client, email, password).await;
    response.status() == 303 && !location(&response).contains("login")
}

/// Posts the invitation form from a fresh anonymous browser (its own CSRF token).
async fn choose(app: &TestApp, link: &str, password: &str, confirm: &str) -> reqwest::Response {
    let browser = new_client();
    let fields = [("password", password), ("password_confirm", confirm)];
    app.post_form(&browser, "/login", link, &fields).await
}

async fn an_invited_person_chooses_a_password_once_and_signs_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let site_id = site.0.to_string();
    let created = app
        .post_form(
            &boss,
            "/staff/new",
            "/staff/new",
            &[
                ("name", "Esi Owusu"),
                ("email", "esi@example.com"),
                ("role", "advisor"),
                ("site", &site_id),
                ("invite", "true"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let detail = boss
        .get(app.url(&location(&created)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("has not chosen a password yet"), "{detail}");
    let list = boss.get(app.url("/staff?q=esi")).send().await.unwrap();
    assert!(list.text().await.unwrap().contains(">Invited</span>"));

    let links = invite_links(&app, "esi@example.com").await;
    assert_eq!(links.len(), 1, "one invitation email");
    let link = &links[0];
    assert!(!can_sign_in(&app, "esi@example.com", "").await);
    assert!(!can_sign_in(&app, "esi@example.com", CHOSEN).await);

    let page = new_client().get(app.url(link)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("esi@example.com"));
    let unknown = new_client()
        .get(app.url("/invite/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    let differ = choose(&app, link, CHOSEN, "Correct horse 42 batteries").await;
    assert_eq!(differ.status(), 422);
    assert!(
        differ
            .text()
            .await
            .unwrap()
            .contains("The two passwords do not match.")
    );
    let short = choose(&app, link, "short", "short").await;
    assert_eq!(short.status(), 422);
    let no_csrf = new_client()
        .post(app.url(link))
        .form(&[("password", CHOSEN), ("password_confirm", CHOSEN)])
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);
    assert!(
        !can_sign_in(&app, "esi@example.com", CHOSEN).await,
        "nothing set yet"
    );

    let chosen = choose(&app, link, CHOSEN, CHOSEN).await;
    assert_eq!(chosen.status(), 303);
    assert_eq!(location(&chosen), "/login?password_set=1");
    assert!(can_sign_in(&app, "esi@example.com", CHOSEN).await);

    // The link is spent: it neither shows the form nor changes the password again.
    let again = new_client().get(app.url(link)).send().await.unwrap();
    assert_eq!(again.status(), 404);
    assert!(again.text().await.unwrap().contains("no longer works"));
    let replay = choose(
        &app,
        link,
        "Another horse 43 battery",
        "Another horse 43 battery",
    )
    .await;
    assert_eq!(replay.status(), 404);
    assert!(can_sign_in(&app, "esi@example.com", CHOSEN).await);
    assert!(!can_sign_in(&app, "esi@example.com", "Another horse 43 battery").await);
}

async fn a_new_invitation_replaces_the_old_one_for_accounts_still_waiting(backend: Backend) {
    let app = spawn_app(backend).await;
    let north = app.create_site("North").await;
    let south = app.create_site("South").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let south_manager = client_at(&app, Role::Manager, Some(south)).await;
    let body = json!({"email": "kojo@example.com", "name": "Kojo", "role": "mechanic",
        "site": north.0, "invite": true});
    let created = call(&app, &boss, Method::POST, "/api/v1/users/", Some(body)).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["awaiting_password"], true);
    let id = created["id"].as_i64().unwrap();
    let resend = format!("/staff/{id}/invite");
    let page = format!("/staff/{id}");

    let other_site = app.post_form(&south_manager, "/staff", &resend, &[]).await;
    assert_eq!(other_site.status(), 404);
    assert_eq!(invite_links(&app, "kojo@example.com").await.len(), 1);

    let sent = app.post_form(&boss, &page, &resend, &[]).await;
    assert_eq!(sent.status(), 303);
    let links = invite_links(&app, "kojo@example.com").await;
    assert_eq!(links.len(), 2);
    assert_eq!(choose(&app, &links[0], CHOSEN, CHOSEN).await.status(), 404);
    assert_eq!(choose(&app, &links[1], CHOSEN, CHOSEN).await.status(), 303);
    let user = call(
        &app,
        &boss,
        Method::GET,
        &format!("/api/v1/users/{id}/"),
        None,
    )
    .await;
    assert_eq!(
        user.json::<Value>().await.unwrap()["awaiting_password"],
        false
    );

    let refused = app.post_form(&boss, &page, &resend, &[]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("already has a password")
    );
    assert_eq!(invite_links(&app, "kojo@example.com").await.len(), 2);
}

async fn an_account_needs_a_first_password_or_an_invitation(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let body = json!({"email": "abena@example.com", "name": "Abena", "role": "advisor",
        "site": site.0});
    let refused = call(&app, &boss, Method::POST, "/api/v1/users/", Some(body)).await;
    assert_eq!(refused.status(), 400);
    let errors: Value = refused.json().await.unwrap();
    assert!(
        errors["password"][0]
            .as_str()
            .unwrap()
            .contains("or send an invitation"),
        "{errors}"
    );
    assert!(invite_links(&app, "abena@example.com").await.is_empty());
    let listed = call(
        &app,
        &boss,
        Method::GET,
        "/api/v1/users/?search=abena",
        None,
    )
    .await;
    assert_eq!(listed.json::<Value>().await.unwrap()["count"], 0);
}

/// Head office reads every message; an invitation's link would let it take the invited
/// account (here a superuser's). The page and the API show the message with the token hidden;
/// the email itself still carries the working link.
async fn whoever_reads_the_outbox_never_sees_an_invitation_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let created = app
        .post_form(
            &boss,
            "/staff/new",
            "/staff/new",
            &[
                ("name", "Ama Boateng"),
                ("email", "ama@example.com"),
                ("role", "superuser"),
                ("invite", "true"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let links = invite_links(&app, "ama@example.com").await;
    assert_eq!(links.len(), 1, "one invitation email");
    let token = links[0].trim_start_matches("/invite/").to_owned();
    assert!(token.len() >= 20, "a real token: {token}");
    let id = messages(&app)
        .await
        .into_iter()
        .find(|m| m.kind == "staff_invite")
        .expect("the invitation is queued")
        .id;

    let head_office = client_at(&app, Role::Hq, None).await;
    let page = head_office
        .get(app.url(&format!("/messages/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("/invite/[hidden]"), "{page}");
    assert!(!page.contains(&token), "the page shows the token");

    let api = call(
        &app,
        &head_office,
        Method::GET,
        &format!("/api/v1/messages/{id}/"),
        None,
    )
    .await;
    assert_eq!(api.status(), 200);
    let dto: Value = api.json().await.unwrap();
    let body = dto["body"].as_str().expect("a body");
    assert!(body.contains("/invite/[hidden]"), "{body}");
    assert!(!dto.to_string().contains(&token), "the API shows the token");

    // Reading it spent nothing: the invited person still chooses a password with the link.
    let chosen = choose(&app, &links[0], CHOSEN, CHOSEN).await;
    assert_eq!(chosen.status(), 303);
    assert!(can_sign_in(&app, "ama@example.com", CHOSEN).await);
}
