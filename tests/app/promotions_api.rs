//! Promotions over the API: who manages them, validation, the daily job's trigger (once per
//! consenting customer), and SMS blasts with their audiences, preview and delivery.

use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, spawn_app, spawn_app_with};
use crate::messaging_support::*;
use crate::on_both_databases;

on_both_databases!(
    head_office_manages_promotions_and_site_staff_only_read_the_running_ones,
    promotions_are_validated,
    a_promotion_on_an_invoice_is_kept,
    the_trigger_sends_each_running_promotion_once_per_consenting_customer,
    a_blast_goes_to_its_audience_with_first_names_and_counts_its_outcomes,
);

fn running() -> Value {
    let today = workshop::db::now().date();
    json!({"title": "Brake week", "description": "Pads fitted free", "start_date": today.to_string(),
           "end_date": (today + chrono::Days::new(6)).to_string(), "discount_percent": "10"})
}

async fn create(app: &TestApp, client: &reqwest::Client, body: Value) -> reqwest::Response {
    call(app, client, Method::POST, "/api/v1/promotions/", Some(body)).await
}

async fn head_office_manages_promotions_and_site_staff_only_read_the_running_ones(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let hq = client_at(&app, Role::Hq, None).await;
    let created = create(&app, &hq, running()).await;
    assert_eq!(created.status(), 201);
    let promo: Value = created.json().await.unwrap();
    assert_eq!(
        (
            promo["discount_percent"].as_str(),
            promo["discount_amount"].as_null()
        ),
        (Some("10.00"), Some(()))
    );
    assert_eq!(promo["active_now"], true);
    let mut past = running();
    past["start_date"] = json!("2020-01-01");
    past["end_date"] = json!("2020-01-31");
    assert_eq!(create(&app, &hq, past).await.status(), 201);

    let manager = client_at(&app, Role::Manager, None).await;
    assert_eq!(create(&app, &manager, running()).await.status(), 403);
    assert_eq!(
        manager
            .get(app.url("/api/v1/promotions/"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let active: Value = manager
        .get(app.url("/api/v1/promotions/active/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(active["count"], 1, "only the running promotion");
    assert_eq!(active["results"][0]["title"], "Brake week");

    let id = promo["id"].as_i64().unwrap();
    let path = format!("/api/v1/promotions/{id}/");
    let changed = call(
        &app,
        &hq,
        Method::PATCH,
        &path,
        Some(json!({"discount_amount": "5.00"})),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(
        (
            changed["discount_amount"].as_str(),
            changed["discount_percent"].is_null()
        ),
        (Some("5.00"), true)
    );
    assert_eq!(
        call(&app, &hq, Method::DELETE, &path, None).await.status(),
        204
    );
    assert_eq!(hq.get(app.url(&path)).send().await.unwrap().status(), 404);
    let actions: Vec<String> = app
        .db
        .read(|c| {
            use diesel::prelude::*;
            use workshop::db::schema::audit_log::dsl as a;
            Ok(a::audit_log
                .filter(a::entity.eq("promotion"))
                .order(a::id)
                .select(a::action)
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(actions, ["create", "create", "update", "delete"]);
}

async fn promotions_are_validated(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    for (change, field) in [
        (json!({"end_date": "2000-01-01"}), "end_date"),
        (json!({"discount_percent": "0"}), "discount_percent"),
        (json!({"discount_percent": "100.01"}), "discount_percent"),
        (json!({"discount_amount": "5"}), "discount_amount"),
        (json!({"discount_percent": null}), "discount_percent"),
        (json!({"title": ""}), "title"),
        (json!({"start_date": "tomorrow"}), "start_date"),
    ] {
        let mut body = running();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let refused = create(&app, &boss, body).await;
        assert_eq!(refused.status(), 400, "{change}");
        let errors: Value = refused.json().await.unwrap();
        assert!(errors.get(field).is_some(), "{change}: {errors}");
    }
    let listed: Value = boss
        .get(app.url("/api/v1/promotions/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["count"], 0, "nothing saved");
}

async fn a_promotion_on_an_invoice_is_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let promo: Value = create(&app, &boss, running()).await.json().await.unwrap();
    let id = promo["id"].as_i64().unwrap() as i32;
    let site = app.create_site("Kept").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let (_, invoice) = completed_job(&app, site, ada, None, 1000, None).await;
    app.db
        .write(move |c| {
            use diesel::prelude::*;
            use workshop::db::schema::invoices;
            diesel::update(invoices::table.find(invoice))
                .set(invoices::promotion_id.eq(Some(id)))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let refused = call(
        &app,
        &boss,
        Method::DELETE,
        &format!("/api/v1/promotions/{id}/"),
        None,
    )
    .await;
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Switch it off instead")
    );
}

async fn the_trigger_sends_each_running_promotion_once_per_consenting_customer(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_OUTBOX_WORKER", "false")]).await;
    let hq = client_at(&app, Role::Hq, None).await;
    create(&app, &hq, running()).await;
    let mut ended = running();
    ended["start_date"] = json!("2020-01-01");
    ended["end_date"] = json!("2020-01-31");
    create(&app, &hq, ended).await;
    let yes = customer(
        &app,
        NewCustomer {
            first_name: "Yaa",
            marketing: true,
            ..Default::default()
        },
    )
    .await;
    let by_email = customer(
        &app,
        NewCustomer {
            first_name: "Esi",
            marketing: true,
            email: Some("esi@example.com"),
            preferred: "email",
            ..Default::default()
        },
    )
    .await;
    customer(
        &app,
        NewCustomer {
            first_name: "Kwame",
            marketing: false,
            ..Default::default()
        },
    )
    .await;

    let first = call(
        &app,
        &hq,
        Method::POST,
        "/api/v1/notifications/promotions/trigger/",
        None,
    )
    .await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap(), json!({"enqueued": 2}));
    let again: Value = call(
        &app,
        &hq,
        Method::POST,
        "/api/v1/notifications/promotions/trigger/",
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        again,
        json!({"enqueued": 0}),
        "once per customer, not every run"
    );

    let rows = messages(&app).await;
    let to: Vec<(Option<i32>, &str)> = rows
        .iter()
        .map(|m| (m.customer_id, m.recipient.as_str()))
        .collect();
    assert_eq!(
        to,
        [
            (Some(yes), "+15550100001"),
            (Some(by_email), "esi@example.com")
        ]
    );
    assert!(
        rows[0].body_text.starts_with(
            "Hi Yaa, special offer from Workshop: Brake week (10% off). Pads fitted free."
        ),
        "{}",
        rows[0].body_text
    );
    let manager = client_at(&app, Role::Manager, None).await;
    assert_eq!(
        call(
            &app,
            &manager,
            Method::POST,
            "/api/v1/notifications/promotions/trigger/",
            None
        )
        .await
        .status(),
        403
    );
}

async fn a_blast_goes_to_its_audience_with_first_names_and_counts_its_outcomes(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let promo: Value = create(&app, &boss, running()).await.json().await.unwrap();
    let id = promo["id"].as_i64().unwrap();
    let site = app.create_site("Blast site").await;
    let yaa = customer(
        &app,
        NewCustomer {
            first_name: "Yaa",
            marketing: true,
            ..Default::default()
        },
    )
    .await;
    customer(
        &app,
        NewCustomer {
            first_name: "Kwame",
            phone: "+15550100002",
            ..Default::default()
        },
    )
    .await;
    customer(
        &app,
        NewCustomer {
            first_name: "Placeholder",
            phone: "+10000000000",
            marketing: true,
            ..Default::default()
        },
    )
    .await;
    completed_job(&app, site, yaa, None, 100, None).await;

    let preview = |audience: &str, site: &str| {
        format!(
            "/api/v1/promotions/{id}/sms-blast-preview/?audience={audience}&site_id={site}&message=Hi%20%7Bfirst_name%7D"
        )
    };
    for (audience, site_id, expected) in [
        ("marketing", "", 2),
        ("reachable", "", 3),
        ("all", "", 3),
        ("site", site.0.to_string().as_str(), 1),
    ] {
        let body: Value = boss
            .get(app.url(&preview(audience, site_id)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["total_count"], expected, "{audience}");
        assert_eq!(body["sample"], "Hi Yaa");
    }
    assert_eq!(
        boss.get(app.url(&preview("everyone", "")))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        boss.get(app.url(&preview("site", "")))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        boss.get(app.url("/api/v1/promotions/999/sms-blast-preview/"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let path = format!("/api/v1/promotions/{id}/sms-blast/");
    let empty = call(
        &app,
        &boss,
        Method::POST,
        &path,
        Some(json!({"message": "  ", "audience": "marketing"})),
    )
    .await;
    assert_eq!(empty.status(), 400);
    let sent = call(
        &app,
        &boss,
        Method::POST,
        &path,
        Some(json!({"message": "Hi {first_name}, 10% off brakes!", "audience": "marketing"})),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let blast: Value = sent.json().await.unwrap();
    assert_eq!(blast["total_count"], 2);

    let rows = wait_for(&app, |rows| {
        rows.iter()
            .filter(|m| m.kind == "sms_blast")
            .all(|m| m.status != "pending" && m.status != "sending")
    })
    .await;
    let blasts: Vec<_> = rows.iter().filter(|m| m.kind == "sms_blast").collect();
    assert_eq!(blasts[0].body_text, "Hi Yaa, 10% off brakes!");
    assert_eq!(
        blasts[1].status, "skipped",
        "a placeholder number is never texted"
    );
    let history: Value = boss
        .get(app.url("/api/v1/promotions/sms-history/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let done = &history["results"][0];
    assert_eq!(
        (
            done["status"].as_str(),
            done["sent_count"].as_i64(),
            done["skipped_count"].as_i64()
        ),
        (Some("done"), Some(1), Some(1))
    );
}
