//! Browser journey of promotions and SMS blasts: create a promotion, preview and send a blast,
//! watch its progress reach 100%, and find the messages on the Messages page (console channel);
//! screenshots of every messaging page at desktop and phone width.

use std::time::Duration;

use fantoccini::{Client, Locator};
use workshop::domain::role::Role;

use crate::browser::{screenshot, sideways_scroll, sign_in, start_browser, submit, type_into};
use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};
use crate::messaging_support::{NewCustomer, customer};

/// Waits until the element `css` has `attribute` equal to `expected`.
async fn wait_for_attribute(c: &Client, css: &str, attribute: &str, expected: &str) {
    let mut last = None;
    for _ in 0..150 {
        if let Ok(element) = c.find(Locator::Css(css)).await {
            last = element.attr(attribute).await.ok().flatten();
            if last.as_deref() == Some(expected) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}[{attribute}] stayed {last:?}, expected {expected:?}");
}

/// The text of `css`, found again when an htmx swap replaces the element between finding it
/// and reading it (the preview is redrawn as the message is typed).
async fn text_of(c: &Client, css: &str) -> String {
    let mut last_error = None;
    for _ in 0..20 {
        let element = c.wait().for_element(Locator::Css(css)).await.unwrap();
        match element.text().await {
            Ok(text) => return text,
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} could not be read: {last_error:?}");
}

async fn shoot(c: &Client, app: &TestApp, pages: &[(&str, &str)], suffix: &str) {
    for (path, name) in pages {
        c.goto(&app.url(path)).await.unwrap();
        c.wait()
            .for_element(Locator::Css("h1.page-title"))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        screenshot(c, &format!("{name}{suffix}")).await;
    }
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn head_office_sends_an_sms_blast_and_watches_it_arrive() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_user("hq@example.com", Role::Hq, None).await;
    for (name, phone) in [
        ("Yaa", "+15550100011"),
        ("Esi", "+15550100012"),
        ("Kofi", "+15550100013"),
    ] {
        customer(
            &app,
            NewCustomer {
                first_name: name,
                phone,
                marketing: true,
                ..Default::default()
            },
        )
        .await;
    }
    customer(
        &app,
        NewCustomer {
            first_name: "Kwame",
            phone: "+15550100014",
            ..Default::default()
        },
    )
    .await;
    let driver = start_browser(1280, 900).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "hq@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();

    c.goto(&app.url("/promotions/new")).await.unwrap();
    type_into(c, "#title", "Brake week").await;
    type_into(c, "#description", "Pads fitted free until Sunday.").await;
    type_into(c, "#discount_percent", "10").await;
    screenshot(c, "60-promotion-form").await;
    submit(c).await;
    c.wait()
        .for_element(Locator::Css("tr[data-promotion]"))
        .await
        .unwrap();
    screenshot(c, "61-promotions").await;

    c.find(Locator::LinkText("Send SMS"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_attribute(c, "[data-recipients]", "data-recipients", "3").await;
    type_into(
        c,
        "#message",
        "Hi {first_name}, brake pads fitted free this week!",
    )
    .await;
    for _ in 0..50 {
        if text_of(c, "[data-sample]").await == "Hi Yaa, brake pads fitted free this week!" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        text_of(c, "[data-sample]").await,
        "Hi Yaa, brake pads fitted free this week!"
    );
    assert_eq!(
        c.find(Locator::Css("[data-segments]"))
            .await
            .unwrap()
            .attr("data-segments")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
    screenshot(c, "62-blast-preview").await;

    c.find(Locator::Css("#blast-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.accept_alert().await.unwrap();
    wait_for_attribute(c, "progress[data-percent]", "data-percent", "100").await;
    c.wait()
        .for_element(Locator::Css("[data-blast-done]"))
        .await
        .unwrap();
    assert!(
        text_of(c, "#blast-progress")
            .await
            .contains("3 sent, 0 failed, 0 skipped")
    );
    screenshot(c, "63-blast-done").await;

    c.find(Locator::LinkText("See the messages"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("tr[data-message-status]"))
        .await
        .unwrap();
    let rows = c
        .find_all(Locator::Css("tr[data-message-status=\"sent\"]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let table = text_of(c, "#message-results").await;
    assert!(
        table.contains("console") && table.contains("SMS blast"),
        "{table}"
    );
    screenshot(c, "64-messages").await;
    driver.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn every_messaging_page_renders_at_desktop_and_phone_width() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    customer(
        &app,
        NewCustomer {
            first_name: "Yaa",
            marketing: true,
            ..Default::default()
        },
    )
    .await;
    let boss = crate::helpers::new_client();
    app.sign_in_as(&boss, "owner@example.com", PASSWORD).await;
    app.post_form(
        &boss,
        "/settings",
        "/settings/test-send",
        &[("channel", "sms"), ("to", "+15550100099")],
    )
    .await;
    let token = app.csrf_token(&boss, "/account").await;
    let promo: serde_json::Value = boss
        .post(app.url("/api/v1/promotions/"))
        .header("X-CSRF-Token", &token)
        .json(&serde_json::json!({"title": "Winter tyres", "description": "Fitting included", "start_date": "2026-01-01", "end_date": "2030-12-31", "discount_amount": "15.00"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = promo["id"].as_i64().unwrap();
    boss.post(app.url(&format!("/api/v1/promotions/{id}/sms-blast/")))
        .header("X-CSRF-Token", &token)
        .json(&serde_json::json!({"message": "Hi {first_name}, winter tyres fitted free", "audience": "marketing"}))
        .send()
        .await
        .unwrap();
    app.post_form(&boss, "/jobs", "/jobs/low-stock/run", &[])
        .await;
    tokio::time::sleep(Duration::from_millis(800)).await;

    let blast = format!("/promotions/{id}/blast");
    let pages = [
        ("/messages", "70-messages"),
        ("/messages/1", "71-message"),
        ("/settings", "72-settings"),
        ("/jobs", "73-jobs"),
        ("/promotions", "74-promotions"),
        (blast.as_str(), "75-blast-form"),
        ("/promotions/blasts", "76-blasts"),
        ("/promotions/blasts/1", "77-blast-progress"),
    ];
    let driver = start_browser(1280, 900).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();
    shoot(c, &app, &pages, "").await;
    c.set_window_size(390, 844).await.unwrap();
    shoot(c, &app, &pages, "-phone").await;
    // A superuser's top bar on a phone: the search and the site switcher, no crumb cut off.
    let clipped = "const b = document.querySelector('.breadcrumbs [aria-current=page]'); \
        return b !== null && b.offsetParent !== null && b.scrollWidth > b.clientWidth;";
    let cut = c.execute(clipped, vec![]).await.unwrap();
    assert_eq!(cut, serde_json::json!(false), "the crumb is cut off");
    assert_eq!(sideways_scroll(c).await, 0, "the page scrolls sideways");
    // A small tablet: the sidebar is a drawer there too, and the crumb must not be cut either.
    c.set_window_size(700, 900).await.unwrap();
    let cut = c.execute(clipped, vec![]).await.unwrap();
    assert_eq!(
        cut,
        serde_json::json!(false),
        "the crumb is cut off at 700 px"
    );
    assert_eq!(
        sideways_scroll(c).await,
        0,
        "the page scrolls sideways at 700 px"
    );
    driver.client.clone().close().await.unwrap();
}
