//! Each event enqueues exactly the messages it should, inside its transaction, and delivery on
//! the console channel follows after commit.

use serde_json::json;
use workshop::db::DbError;
use workshop::domain::role::Role;
use workshop::messaging::events;

use crate::customers_api::{call, client_as};
use crate::helpers::{Backend, spawn_app, spawn_app_with};
use crate::messaging_support::*;
use crate::on_both_databases;

on_both_databases!(
    completion_enqueues_the_invoice_and_ready_for_pickup_messages_with_the_public_link,
    a_second_call_of_an_event_is_a_no_op,
    a_rolled_back_event_leaves_no_message,
    a_sale_is_a_parts_order_and_a_revoked_link_is_left_out,
    an_email_customer_gets_subject_text_and_html,
    the_receipt_names_the_payment_method_and_links_the_receipt,
    each_mechanic_assignment_is_a_new_message,
    walk_in_placeholder_and_unreachable_recipients_are_skipped_with_a_reason,
    a_new_customer_is_welcomed_on_the_console_channel_after_commit,
);

const NO_WORKER: &[(&str, &str)] = &[("WORKSHOP_OUTBOX_WORKER", "false")];

async fn completion_enqueues_the_invoice_and_ready_for_pickup_messages_with_the_public_link(
    backend: Backend,
) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Accra Central").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let car = vehicle(&app, ada, site, "GR 1234-24").await;
    let (_, invoice) = completed_job(&app, site, ada, Some(car), 12_550, Some("tok123")).await;

    app.db
        .write(move |c| events::job_completed(c, &settings, invoice))
        .await
        .unwrap();

    let rows = messages(&app).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let (inv, ready) = (&rows[0], &rows[1]);
    assert_eq!(
        (inv.kind.as_str(), ready.kind.as_str()),
        ("invoice", "ready_for_pickup")
    );
    for row in &rows {
        assert_eq!(row.channel, "console");
        assert_eq!(row.status, "pending");
        assert_eq!(row.recipient, "+15550100001");
        assert_eq!(
            (row.customer_id, row.invoice_id),
            (Some(ada), Some(invoice))
        );
        assert!(
            row.body_text.contains("https://shop.test/share/tok123"),
            "{}",
            row.body_text
        );
        assert!(row.body_html.is_none(), "SMS carries no HTML");
    }
    assert!(inv.body_text.contains("USD 125.50"), "{}", inv.body_text);
    assert!(inv.body_text.starts_with("Hi Ada,"));
    assert!(inv.subject.ends_with("- Toyota Corolla"), "{}", inv.subject);
    assert!(
        ready
            .body_text
            .contains("your Toyota Corolla (GR 1234-24) is ready for pickup at Accra Central")
    );
}

async fn a_second_call_of_an_event_is_a_no_op(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Tema").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let (_, invoice) = completed_job(&app, site, ada, None, 1000, None).await;
    for _ in 0..2 {
        let settings = settings.clone();
        app.db
            .write(move |c| {
                events::job_completed(c, &settings, invoice)?;
                events::invoice_paid(c, &settings, invoice)?;
                events::customer_created(c, &settings, ada)
            })
            .await
            .unwrap();
    }
    let kinds: Vec<String> = messages(&app).await.into_iter().map(|m| m.kind).collect();
    assert_eq!(kinds, ["invoice", "ready_for_pickup", "receipt", "welcome"]);
}

async fn a_rolled_back_event_leaves_no_message(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Kumasi").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let (_, invoice) = completed_job(&app, site, ada, None, 1000, None).await;

    let result: Result<(), DbError> = app
        .db
        .write(move |c| {
            events::job_completed(c, &settings, invoice)?;
            // Whatever fails later in the caller's transaction takes the messages with it.
            Err(DbError::Query(diesel::result::Error::RollbackTransaction))
        })
        .await;

    assert!(result.is_err());
    assert!(messages(&app).await.is_empty());
}

async fn a_sale_is_a_parts_order_and_a_revoked_link_is_left_out(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Takoradi").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let (_, invoice) = completed_job(&app, site, ada, None, 500, Some("revoked")).await;
    app.db
        .write(move |c| {
            use diesel::prelude::*;
            use workshop::db::schema::invoices;
            diesel::update(invoices::table.find(invoice))
                .set(invoices::public_token_revoked_at.eq(Some(workshop::db::now())))
                .execute(c)?;
            events::job_completed(c, &settings, invoice)
        })
        .await
        .unwrap();
    let rows = messages(&app).await;
    assert_eq!(rows[1].subject, "Your parts order is ready");
    assert!(
        rows[1]
            .body_text
            .contains("your parts order is ready for pickup")
    );
    assert!(rows[0].subject.ends_with("- Sales"));
    assert!(
        rows.iter().all(|m| !m.body_text.contains("/share/")),
        "{rows:#?}"
    );
}

async fn an_email_customer_gets_subject_text_and_html(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Ho").await;
    let ada = customer(
        &app,
        NewCustomer {
            email: Some("ada@example.com"),
            preferred: "email",
            ..Default::default()
        },
    )
    .await;
    let (_, invoice) = completed_job(&app, site, ada, None, 2500, Some("t0k")).await;
    app.db
        .write(move |c| events::job_completed(c, &settings, invoice))
        .await
        .unwrap();
    let inv = &messages(&app).await[0];
    assert_eq!(inv.recipient, "ada@example.com");
    assert_eq!(
        inv.channel, "console",
        "no SMTP configured: the console stands in"
    );
    let html = inv.body_html.as_deref().unwrap();
    assert!(
        html.contains("<strong>USD 25.00</strong>")
            && html.contains("href=\"https://shop.test/share/t0k\""),
        "{html}"
    );
}

async fn the_receipt_names_the_payment_method_and_links_the_receipt(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Cape Coast").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let (_, invoice) = completed_job(&app, site, ada, None, 4000, Some("abc")).await;
    pay(&app, invoice, 4000, "mobile_money").await;
    app.db
        .write(move |c| events::invoice_paid(c, &settings, invoice))
        .await
        .unwrap();
    let receipt = &messages(&app).await[0];
    assert_eq!(receipt.kind, "receipt");
    assert_eq!(receipt.dedupe_key, format!("receipt:{invoice}"));
    assert!(receipt.subject.starts_with("Receipt INV-"));
    assert!(
        receipt.body_text.contains("USD 40.00 (mobile money)"),
        "{}",
        receipt.body_text
    );
    assert!(
        receipt
            .body_text
            .contains("https://shop.test/share/abc/receipt")
    );
}

async fn each_mechanic_assignment_is_a_new_message(backend: Backend) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let site = app.create_site("Tamale").await;
    let ada = customer(&app, NewCustomer::default()).await;
    let car = vehicle(&app, ada, site, "AS 77-22").await;
    let (job, _) = completed_job(&app, site, ada, Some(car), 100, None).await;
    let yaw = mechanic(&app, site, "+15550100077", None).await;
    let by_email = mechanic(&app, site, "", Some("kojo@example.com")).await;
    for who in [yaw, by_email, yaw] {
        let settings = settings.clone();
        app.db
            .write(move |c| events::mechanic_assigned(c, &settings, job, who))
            .await
            .unwrap();
    }
    let rows = messages(&app).await;
    let to: Vec<&str> = rows.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(to, ["+15550100077", "kojo@example.com", "+15550100077"]);
    assert!(
        rows[0]
            .body_text
            .contains("Customer: Ada Mensah. Vehicle: Toyota Corolla (AS 77-22). Job: Brake pads"),
        "{}",
        rows[0].body_text
    );
}

async fn walk_in_placeholder_and_unreachable_recipients_are_skipped_with_a_reason(
    backend: Backend,
) {
    let app = spawn_app_with(backend, NO_WORKER).await;
    let settings = settings_of(&app);
    let placeholder = customer(
        &app,
        NewCustomer {
            phone: "+10000000000",
            ..Default::default()
        },
    )
    .await;
    let nothing = customer(
        &app,
        NewCustomer {
            phone: "",
            ..Default::default()
        },
    )
    .await;
    let walk_in = app
        .db
        .write(|c| Ok(workshop::db::customers::walk_in(c)?.id))
        .await
        .unwrap();
    for id in [placeholder, nothing, walk_in] {
        let settings = settings.clone();
        app.db
            .write(move |c| events::customer_created(c, &settings, id))
            .await
            .unwrap();
    }
    let rows = messages(&app).await;
    assert!(rows.iter().all(|m| m.status == "skipped"), "{rows:#?}");
    let reasons: Vec<&str> = rows
        .iter()
        .map(|m| m.last_error.as_deref().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "Placeholder phone number.",
            "No phone number or email address.",
            "Walk-in customer: no one to message."
        ]
    );
}

async fn a_new_customer_is_welcomed_on_the_console_channel_after_commit(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_as(&app, Role::Advisor).await;
    let created = call(
        &app,
        &desk,
        reqwest::Method::POST,
        "/api/v1/customers/",
        Some(json!({
            "first_name": "Kofi", "last_name": "Boateng", "phone_number": "+1 555 010 2030"
        })),
    )
    .await;
    assert_eq!(created.status(), 201);

    let rows = wait_for(&app, |rows| rows.iter().any(|m| m.status == "sent")).await;
    let welcome = &rows[0];
    assert_eq!(
        (welcome.kind.as_str(), welcome.channel.as_str()),
        ("welcome", "console")
    );
    assert_eq!(welcome.attempts, 1);
    assert!(
        welcome
            .body_text
            .starts_with("Hi Kofi, thank you for choosing Workshop")
    );
}
