//! The Messages page and `/api/v1/messages/`, retry of a failed message, and the settings page
//! with a test-send per channel.

use serde_json::Value;
use workshop::db::now;
use workshop::db::outbox::{NewMessage, enqueue};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, client_at, location, spawn_app_with};
use crate::messaging_support::*;
use crate::on_both_databases;

on_both_databases!(
    the_messages_api_lists_messages_with_masked_recipients_and_filters,
    a_manager_sees_their_sites_messages_only_and_the_front_desk_none,
    a_failed_message_is_retried_from_its_page_and_audited,
    the_messages_page_filters_in_place,
    settings_are_for_superusers_and_a_test_send_is_delivered,
    messaging_lists_cost_the_same_queries_for_3_and_30_rows,
);

fn row(key: &str, status: &'static str, site: Option<SiteId>, kind: &'static str) -> NewMessage {
    let at = now();
    NewMessage {
        kind,
        channel: "console",
        recipient: "+15550100042".into(),
        subject: "Subject".into(),
        body_text: format!("Body of {key}"),
        body_html: None,
        status,
        attempts: if status == "failed" { 5 } else { 0 },
        max_attempts: 5,
        next_attempt_at: at,
        last_error: (status == "failed").then(|| "Twilio 503: down".to_owned()),
        dedupe_key: key.to_owned(),
        customer_id: None,
        site_id: site.map(|s| s.0),
        service_request_id: None,
        invoice_id: None,
        sms_blast_id: None,
        created_at: at,
    }
}

async fn put(app: &TestApp, rows: Vec<NewMessage>) {
    app.db.write(move |c| enqueue(c, &rows)).await.unwrap();
}

async fn json(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

const NO_WORKER: &[(&str, &str)] = &[("WORKSHOP_OUTBOX_WORKER", "false")];

async fn the_messages_api_lists_messages_with_masked_recipients_and_filters(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    put(
        &app,
        vec![
            row("a", "failed", None, "receipt"),
            row("b", "pending", None, "welcome"),
            row("c", "skipped", None, "welcome"),
        ],
    )
    .await;

    let (status, all) = json(&boss, &app, "/api/v1/messages/").await;
    assert_eq!(status, 200);
    assert_eq!(all["count"], 3);
    let first = &all["results"][0];
    assert_eq!(first["kind"], "welcome");
    assert_eq!(first["recipient"], "+155••••0042");
    for field in [
        "channel",
        "status",
        "attempts",
        "last_error",
        "customer",
        "created_at",
        "sent_at",
    ] {
        assert!(first.get(field).is_some(), "{field} missing");
    }
    let (_, failed) = json(
        &boss,
        &app,
        "/api/v1/messages/?status=failed&kind=receipt&channel=console",
    )
    .await;
    assert_eq!(failed["count"], 1);
    assert_eq!(failed["results"][0]["last_error"], "Twilio 503: down");
    for nonsense in [
        "?status=lost",
        "?kind=x",
        "?customer_id=abc",
        "?from=yesterday",
        "?page=-3&page_size=x",
    ] {
        let (status, body) = json(&boss, &app, &format!("/api/v1/messages/{nonsense}")).await;
        assert_eq!(status, 200, "{nonsense}");
        assert!(body["count"].as_i64().is_some(), "{nonsense}");
    }
    let (_, none) = json(&boss, &app, "/api/v1/messages/?status=lost").await;
    assert_eq!(none["count"], 0, "an unknown status matches nothing");
}

async fn a_manager_sees_their_sites_messages_only_and_the_front_desk_none(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let (mine, theirs) = (
        app.create_site("Mine").await,
        app.create_site("Theirs").await,
    );
    let manager = client_at(&app, Role::Manager, Some(mine)).await;
    put(
        &app,
        vec![
            row("m", "sent", Some(mine), "invoice"),
            row("t", "sent", Some(theirs), "invoice"),
        ],
    )
    .await;

    let (_, list) = json(&manager, &app, "/api/v1/messages/").await;
    assert_eq!(list["count"], 1);
    let theirs_id = all_ids(&app).await[1];
    let (status, _) = json(&manager, &app, &format!("/api/v1/messages/{theirs_id}/")).await;
    assert_eq!(status, 404);
    assert_eq!(
        manager
            .get(app.url(&format!("/messages/{theirs_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    for role in [Role::Advisor, Role::Mechanic] {
        let client = client_at(&app, role, Some(mine)).await;
        assert_eq!(
            json(&client, &app, "/api/v1/messages/").await.0,
            403,
            "{role:?}"
        );
        assert_eq!(
            client
                .get(app.url("/messages"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
}

async fn all_ids(app: &TestApp) -> Vec<i32> {
    messages(app).await.into_iter().map(|m| m.id).collect()
}

async fn a_failed_message_is_retried_from_its_page_and_audited(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    put(
        &app,
        vec![
            row("f", "failed", None, "receipt"),
            row("s", "sent", None, "receipt"),
        ],
    )
    .await;
    let ids = all_ids(&app).await;

    let hq = client_at(&app, Role::Hq, None).await;
    let refused = app
        .post_form(
            &hq,
            "/messages",
            &format!("/messages/{}/retry", ids[0]),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 403, "head office only reads");

    let page = boss
        .get(app.url(&format!("/messages/{}", ids[0])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Twilio 503: down") && page.contains("Retry"));
    let retried = app
        .post_form(
            &boss,
            "/messages",
            &format!("/messages/{}/retry", ids[0]),
            &[],
        )
        .await;
    assert_eq!(retried.status(), 303);
    assert_eq!(location(&retried), format!("/messages/{}", ids[0]));
    let again = &messages(&app).await[0];
    assert_eq!((again.status.as_str(), again.attempts), ("pending", 0));

    let not_failed = app
        .post_form(
            &boss,
            "/messages",
            &format!("/messages/{}/retry", ids[1]),
            &[],
        )
        .await;
    assert_eq!(not_failed.status(), 400);
    let (_, audit) = app
        .db
        .read(|c| {
            use diesel::prelude::*;
            use workshop::db::schema::audit_log::dsl as a;
            Ok(a::audit_log
                .filter(a::entity.eq("message"))
                .select((a::entity_id, a::changes))
                .first::<(i32, String)>(c)?)
        })
        .await
        .unwrap();
    assert!(audit.contains("pending"), "{audit}");
}

async fn the_messages_page_filters_in_place(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    put(
        &app,
        vec![
            row("x", "failed", None, "receipt"),
            row("y", "sent", None, "welcome"),
        ],
    )
    .await;

    let page = boss
        .get(app.url("/messages"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<h1 class=\"page-title\">Messages</h1>"));
    assert_eq!(page.matches("data-message-status=").count(), 2);
    let fragment = boss
        .get(app.url("/messages?status=failed"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!fragment.contains("<html"), "htmx gets the table alone");
    assert_eq!(
        fragment.matches("data-message-status=\"failed\"").count(),
        1
    );
    assert!(!fragment.contains("data-message-status=\"sent\""));
    assert!(fragment.contains("+155••••0042"), "recipients are masked");
}

async fn settings_are_for_superusers_and_a_test_send_is_delivered(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_SCHEDULE_LOW_STOCK", "08:00")]).await;
    let manager = client_at(&app, Role::Manager, None).await;
    assert_eq!(
        manager
            .get(app.url("/settings"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let page = boss
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Console (logged, not sent)") && page.contains("daily at 08:00 UTC"),
        "{page}"
    );

    let bad = app
        .post_form(
            &boss,
            "/settings",
            "/settings/test-send",
            &[("channel", "sms"), ("to", "12")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("does not look like a complete phone number")
    );

    let sent = app
        .post_form(
            &boss,
            "/settings",
            "/settings/test-send",
            &[("channel", "email"), ("to", "ops@example.com")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    assert!(location(&sent).starts_with("/messages/"));
    let rows = wait_for(&app, |rows| {
        rows.iter().any(|m| m.kind == "test" && m.status == "sent")
    })
    .await;
    let test = rows.iter().find(|m| m.kind == "test").unwrap();
    assert_eq!(test.recipient, "ops@example.com");
    assert!(test.body_text.contains("over email"));
}

async fn messaging_lists_cost_the_same_queries_for_3_and_30_rows(backend: Backend) {
    let mut app = spawn_app_with(backend, NO_WORKER).await;
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    app.sign_in("owner@example.com").await;
    let lists = [
        "/messages?page_size=50",
        "/messages?page_size=50&status=pending",
        "/api/v1/messages/?page_size=50",
        "/promotions?page_size=50",
        "/api/v1/promotions/?page_size=50",
        "/api/v1/promotions/active/?page_size=50",
        "/promotions/blasts?page_size=50",
        "/api/v1/promotions/sms-history/?page_size=50",
        "/jobs",
    ];
    let mut costs = Vec::new();
    for (from, n) in [(0, 3), (3, 27)] {
        add_rows(&mut app, from, n).await;
        let mut cost = Vec::new();
        for path in lists {
            let (status, queries) = app.queries_for(path).await;
            assert_eq!(status, 200, "{path}");
            cost.push(queries);
        }
        costs.push(cost);
    }
    assert_eq!(costs[0], costs[1], "{lists:?}");
}

/// Adds `n` messages, promotions, blasts and job runs, numbered from `from`.
async fn add_rows(app: &mut TestApp, from: usize, n: usize) {
    let rows: Vec<NewMessage> = (from..from + n)
        .map(|i| row(&format!("q{i}"), "pending", None, "welcome"))
        .collect();
    put(app, rows).await;
    app.db
        .write(move |c| {
            use diesel::prelude::*;
            use workshop::db::schema::{job_runs, promotions, sms_blasts};
            let at = now();
            for i in from..from + n {
                let promotion: i32 = diesel::insert_into(promotions::table)
                    .values((
                        promotions::title.eq(format!("Promo {i}")),
                        promotions::start_date.eq(at.date()),
                        promotions::end_date.eq(at.date()),
                        promotions::discount_percent_bp.eq(Some(1000)),
                        promotions::created_at.eq(at),
                        promotions::updated_at.eq(at),
                    ))
                    .returning(promotions::id)
                    .get_result(c)?;
                diesel::insert_into(sms_blasts::table)
                    .values((
                        sms_blasts::promotion_id.eq(Some(promotion)),
                        sms_blasts::message.eq("Hi"),
                        sms_blasts::audience.eq("marketing"),
                        sms_blasts::created_at.eq(at),
                    ))
                    .execute(c)?;
                diesel::insert_into(job_runs::table)
                    .values((
                        job_runs::job.eq("promotions"),
                        job_runs::scheduled_for.eq(at + chrono::TimeDelta::seconds(i as i64)),
                        job_runs::started_at.eq(at),
                        job_runs::status.eq("succeeded"),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}
