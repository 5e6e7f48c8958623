//! Delivery through the real protocols against local fakes: Twilio's REST API on wiremock,
//! SMTP on a local sink. The worker runs with a clock the test controls.

use std::collections::HashSet;

use chrono::TimeDelta;
use serde_json::json;
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workshop::db::now;
use workshop::messaging::events;
use workshop::messaging::worker::Worker;

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::messaging_support::*;
use crate::on_both_databases;
use crate::smtp_sink::SmtpSink;

on_both_databases!(
    an_sms_is_one_form_post_to_twilio_with_basic_auth,
    a_whatsapp_message_uses_whatsapp_addresses,
    a_4xx_from_twilio_fails_the_message_without_retry,
    a_5xx_is_retried_after_the_backoff_until_the_attempts_run_out,
    a_timeout_is_retried,
    an_email_goes_over_smtp_with_subject_text_and_html,
    two_workers_deliver_a_thousand_messages_once_each,
    a_provider_that_is_down_never_fails_or_slows_a_request,
    a_claim_abandoned_by_a_stopped_instance_fails_once_its_lease_ends,
    enqueue_skips_a_repeated_dedupe_key_and_refuses_a_malformed_row,
);

const MESSAGES_PATH: &str = "/2010-04-01/Accounts/AC123/Messages.json";

fn twilio_vars(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("WORKSHOP_OUTBOX_WORKER", "false".into()),
        ("WORKSHOP_SMS_CHANNEL", "twilio".into()),
        ("WORKSHOP_WHATSAPP_CHANNEL", "twilio".into()),
        ("TWILIO_ACCOUNT_SID", "AC123".into()),
        ("TWILIO_AUTH_TOKEN", "secret-token".into()),
        ("TWILIO_SMS_FROM", "+15550009999".into()),
        ("TWILIO_WHATSAPP_FROM", "+15550008888".into()),
        ("TWILIO_API_URL", server.uri()),
        ("WORKSHOP_OUTBOX_RETRY_SECONDS", "30".into()),
        ("WORKSHOP_OUTBOX_MAX_ATTEMPTS", "3".into()),
        ("WORKSHOP_SEND_TIMEOUT_SECONDS", "1".into()),
    ]
}

/// An app on Twilio (nothing delivers until the test's own worker runs) and that worker.
async fn twilio_app(backend: Backend, server: &MockServer) -> (TestApp, Worker) {
    let vars = twilio_vars(server);
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(backend, &pairs).await;
    let settings = settings_with(&app, &pairs);
    let worker = Worker::new(app.db.clone(), &settings.messaging).unwrap();
    (app, worker)
}

/// Enqueues the welcome message of a new customer, with the settings of the app's channels.
async fn welcome(app: &TestApp, worker_vars: &MockServer, who: NewCustomer<'static>) -> i32 {
    let vars = twilio_vars(worker_vars);
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let settings = settings_with(app, &pairs);
    let id = customer(app, who).await;
    app.db
        .write(move |c| events::customer_created(c, &settings, id))
        .await
        .unwrap();
    id
}

fn form_of(request: &wiremock::Request) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(&request.body).unwrap()
}

async fn an_sms_is_one_form_post_to_twilio_with_basic_auth(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(MESSAGES_PATH))
        .and(basic_auth("AC123", "secret-token"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0001", "status": "queued"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(&app, &server, NewCustomer::default()).await;

    assert_eq!(worker.deliver_due(now()).await.unwrap(), 1);

    let requests = server.received_requests().await.unwrap();
    let form = form_of(&requests[0]);
    let body = messages(&app).await[0].body_text.clone();
    assert_eq!(
        form,
        [
            ("To".into(), "+15550100001".into()),
            ("From".into(), "+15550009999".into()),
            ("Body".into(), body)
        ]
    );
    let sent = &messages(&app).await[0];
    assert_eq!(
        (sent.channel.as_str(), sent.status.as_str()),
        ("sms", "sent")
    );
    assert_eq!(sent.provider_id.as_deref(), Some("SM0001"));
}

async fn a_whatsapp_message_uses_whatsapp_addresses(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM0002"})))
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(
        &app,
        &server,
        NewCustomer {
            preferred: "whatsapp",
            ..Default::default()
        },
    )
    .await;

    worker.deliver_due(now()).await.unwrap();

    let form = form_of(&server.received_requests().await.unwrap()[0]);
    assert_eq!(form[0], ("To".into(), "whatsapp:+15550100001".into()));
    assert_eq!(form[1], ("From".into(), "whatsapp:+15550008888".into()));
    assert_eq!(messages(&app).await[0].channel, "whatsapp");
}

async fn a_4xx_from_twilio_fails_the_message_without_retry(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400})))
        .expect(1)
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(&app, &server, NewCustomer::default()).await;

    let start = now();
    worker.deliver_due(start).await.unwrap();
    worker
        .deliver_due(start + TimeDelta::hours(2))
        .await
        .unwrap();

    let row = &messages(&app).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 1));
    assert_eq!(
        row.last_error.as_deref(),
        Some("Twilio 400 (code 21211): The 'To' number is not a valid phone number.")
    );
}

async fn a_5xx_is_retried_after_the_backoff_until_the_attempts_run_out(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "Service unavailable"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(&app, &server, NewCustomer::default()).await;
    let start = now();

    worker.deliver_due(start).await.unwrap();
    let row = &messages(&app).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
    assert_eq!(
        row.next_attempt_at,
        start + TimeDelta::seconds(30),
        "first wait: 30 s"
    );

    assert_eq!(
        worker
            .deliver_due(start + TimeDelta::seconds(29))
            .await
            .unwrap(),
        0,
        "not due yet"
    );
    assert_eq!(
        worker
            .deliver_due(start + TimeDelta::seconds(30))
            .await
            .unwrap(),
        1
    );
    let row = &messages(&app).await[0];
    assert_eq!(
        row.next_attempt_at,
        start + TimeDelta::seconds(30 + 60),
        "then twice as long"
    );

    worker
        .deliver_due(start + TimeDelta::seconds(90))
        .await
        .unwrap();
    let row = &messages(&app).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 3));
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .ends_with("Gave up after 3 attempts.")
    );
    assert_eq!(
        worker
            .deliver_due(start + TimeDelta::days(1))
            .await
            .unwrap(),
        0
    );
}

async fn a_timeout_is_retried(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(std::time::Duration::from_secs(3)))
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(&app, &server, NewCustomer::default()).await;

    worker.deliver_due(now()).await.unwrap();

    let row = &messages(&app).await[0];
    assert_eq!(row.status, "pending");
    assert_eq!(
        row.last_error.as_deref(),
        Some("Twilio did not answer in time.")
    );
}

async fn an_email_goes_over_smtp_with_subject_text_and_html(backend: Backend) {
    let sink = SmtpSink::start();
    let port = sink.port.to_string();
    let vars = [
        ("WORKSHOP_EMAIL_CHANNEL", "smtp"),
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", port.as_str()),
        ("SMTP_SECURITY", "none"),
        ("SMTP_FROM", "Kofi's Garage <noreply@shop.test>"),
    ];
    let app = spawn_app_with(backend, &vars).await;
    let settings = settings_with(&app, &vars);
    let id = customer(
        &app,
        NewCustomer {
            email: Some("ada@example.com"),
            preferred: "email",
            ..Default::default()
        },
    )
    .await;
    app.db
        .write(move |c| events::customer_created(c, &settings, id))
        .await
        .unwrap();
    app.db.ping().await.unwrap();

    let rows = wait_for(&app, |rows| {
        rows.first().is_some_and(|m| m.status == "sent")
    })
    .await;

    assert_eq!(rows[0].channel, "email");
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = mails[0].replace("=\r\n", "");
    assert!(mail.contains("Subject: Welcome to Workshop"), "{mail}");
    assert!(mail.contains("To: ada@example.com"), "{mail}");
    assert!(mail.contains("multipart/alternative"), "{mail}");
    assert!(
        mail.contains("Content-Type: text/plain; charset=utf-8"),
        "{mail}"
    );
    assert!(
        mail.contains("Content-Type: text/html; charset=utf-8"),
        "{mail}"
    );
    assert!(
        mail.contains("Hi Ada, thank you for choosing Workshop."),
        "{mail}"
    );
    assert!(mail.contains("<p>Hi Ada,</p>"), "{mail}");
    assert_eq!(
        rows[0].provider_id.as_deref(),
        Some("2.0.0 Ok: queued as SINK1")
    );
}

async fn two_workers_deliver_a_thousand_messages_once_each(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM"})))
        .mount(&server)
        .await;
    let vars = twilio_vars(&server);
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(backend, &pairs).await;
    let settings = settings_with(&app, &pairs);
    let rows: Vec<_> = (0..1000).map(|i| sms(i, &settings)).collect();
    app.db
        .write(move |c| workshop::db::outbox::enqueue(c, &rows))
        .await
        .unwrap();

    // Two instances: each with its own connection pool, as two processes would have.
    let url = workshop::config::DatabaseUrl::parse(&app.database.url).unwrap();
    let mut handles = Vec::new();
    for _ in 0..2 {
        let db = workshop::db::Db::connect(&url, 4).unwrap();
        let worker = Worker::new(db, &settings.messaging).unwrap();
        handles.push(tokio::spawn(async move {
            while worker.deliver_due(now()).await.unwrap() > 0 {}
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }

    let requests = server.received_requests().await.unwrap();
    let bodies: HashSet<String> = requests
        .iter()
        .map(|r| form_of(r).into_iter().find(|(k, _)| k == "Body").unwrap().1)
        .collect();
    assert_eq!(requests.len(), 1000, "every message sent once");
    assert_eq!(bodies.len(), 1000, "no message sent twice");
    let rows = messages(&app).await;
    assert!(rows.iter().all(|m| m.status == "sent" && m.attempts == 1));
}

fn sms(i: usize, settings: &workshop::config::Settings) -> workshop::db::outbox::NewMessage {
    let at = now();
    workshop::db::outbox::NewMessage {
        kind: "test",
        channel: "sms",
        recipient: format!("+1555{:07}", 100_000 + i),
        subject: String::new(),
        body_text: format!("message {i}"),
        body_html: None,
        status: "pending",
        attempts: 0,
        max_attempts: settings.messaging.max_attempts,
        next_attempt_at: at,
        last_error: None,
        dedupe_key: format!("load:{i}"),
        customer_id: None,
        site_id: None,
        service_request_id: None,
        invoice_id: None,
        sms_blast_id: None,
        created_at: at,
    }
}

/// A repeated dedupe key is left out quietly; a row that breaks another constraint fails the
/// write on both databases (SQLite's `INSERT OR IGNORE` used to drop it without a word).
async fn enqueue_skips_a_repeated_dedupe_key_and_refuses_a_malformed_row(backend: Backend) {
    let app = spawn_app_with(backend, &[("WORKSHOP_OUTBOX_WORKER", "false")]).await;
    let settings = settings_with(&app, &[]);
    let first = vec![sms(1, &settings), sms(2, &settings)];
    let again = vec![sms(2, &settings), sms(3, &settings)];
    let enqueue = |rows: Vec<workshop::db::outbox::NewMessage>| {
        app.db
            .write(move |c| workshop::db::outbox::enqueue(c, &rows))
    };
    assert_eq!(enqueue(first).await.unwrap(), 2);
    assert_eq!(enqueue(again).await.unwrap(), 1, "load:2 is there already");

    let mut unknown_kind = sms(4, &settings);
    unknown_kind.kind = "no_such_kind";
    assert!(
        enqueue(vec![sms(5, &settings), unknown_kind])
            .await
            .is_err()
    );
    let keys: Vec<String> = messages(&app)
        .await
        .into_iter()
        .map(|m| m.dedupe_key)
        .collect();
    assert_eq!(
        keys.len(),
        3,
        "the failed write left nothing behind: {keys:?}"
    );
    assert!(!keys.contains(&"load:5".to_owned()), "{keys:?}");
}

async fn a_provider_that_is_down_never_fails_or_slows_a_request(backend: Backend) {
    let server = MockServer::start().await;
    let mut vars = twilio_vars(&server);
    vars.retain(|(k, _)| *k != "WORKSHOP_OUTBOX_WORKER" && *k != "TWILIO_API_URL");
    // Nothing listens on port 9 of this machine: every call to "Twilio" is refused.
    vars.push(("TWILIO_API_URL", "http://127.0.0.1:9".into()));
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(backend, &pairs).await;
    let desk = crate::helpers::client_at(&app, workshop::domain::role::Role::Advisor, None).await;

    let started = std::time::Instant::now();
    let created = crate::customers_api::call(
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
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let rows = wait_for(&app, |rows| {
        rows.first()
            .is_some_and(|m| m.attempts == 1 && m.status == "pending")
    })
    .await;
    assert_eq!(
        rows[0].last_error.as_deref(),
        Some("Could not connect to Twilio.")
    );
}

/// An instance that stopped while sending leaves its claim behind: once the lease has run
/// out, the next round of another worker fails the message (it may have gone out, so it is
/// never sent again by itself); before that, the claim is left alone.
async fn a_claim_abandoned_by_a_stopped_instance_fails_once_its_lease_ends(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM1"})))
        .expect(0)
        .mount(&server)
        .await;
    let (app, worker) = twilio_app(backend, &server).await;
    welcome(&app, &server, NewCustomer::default()).await;
    let start = now();
    let lease_until = start + TimeDelta::minutes(2);
    let claimed = app
        .db
        .write(move |c| {
            workshop::db::outbox::claim_due(c, "worker-stopped", start, lease_until, 10)
        })
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);

    worker
        .deliver_due(start + TimeDelta::minutes(1))
        .await
        .unwrap();
    assert_eq!(
        messages(&app).await[0].status,
        "sending",
        "the lease still runs"
    );

    worker
        .deliver_due(start + TimeDelta::minutes(3))
        .await
        .unwrap();
    let row = &messages(&app).await[0];
    assert_eq!(row.status, "failed");
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or("")
            .contains("interrupted"),
        "{:?}",
        row.last_error
    );
}
