//! Browser journey of the invoice pages: the list, an invoice, a cash payment with change, the
//! A4 invoice and the 80 mm receipt on screen, emulated as printed and printed to PDF, and the
//! public link signed out. Screenshots at desktop and phone width land in
//! `target/screenshots/`.

use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::browser::{screenshot, sideways_scroll, sign_in, start_browser, too_wide, type_into};
use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};
use crate::invoicing::{Job, job_invoice, open_shop};

/// A Chrome DevTools command through chromedriver (`goog/cdp/execute`): WebDriver itself
/// cannot switch the page to print media or print it.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (reqwest::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (reqwest::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(c: &Client, cmd: &'static str, params: Value) -> Value {
    c.issue_cmd(Cdp { cmd, params }).await.unwrap()
}

/// Prints the page as Chrome would (CSS page size) and returns the PDF.
async fn print_to_pdf(c: &Client, name: &str) -> Vec<u8> {
    let answer = cdp(
        c,
        "Page.printToPDF",
        json!({"preferCSSPageSize": true, "printBackground": true}),
    )
    .await;
    let pdf = base64_decode(answer["data"].as_str().unwrap());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::write(dir.join(format!("{name}.pdf")), &pdf).unwrap();
    pdf
}

/// Standard base64 (what CDP returns), without a crate for it.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0);
    for byte in text
        .bytes()
        .filter(|b| *b != b'=' && !b.is_ascii_whitespace())
    {
        let value = ALPHABET.iter().position(|a| *a == byte).unwrap() as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// The first page's width and height in points.
fn page_size(pdf: &[u8]) -> (f64, f64) {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox [").expect("a page size");
    let numbers: Vec<f64> = text[at + 11..]
        .split(']')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (numbers[2] - numbers[0], numbers[3] - numbers[1])
}

/// A screenshot of the whole page, not only what the window shows.
async fn full_page_screenshot(c: &Client, name: &str) {
    let shot = cdp(
        c,
        "Page.captureScreenshot",
        json!({"captureBeyondViewport": true, "format": "png"}),
    )
    .await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.png")),
        base64_decode(shot["data"].as_str().unwrap()),
    )
    .unwrap();
}

/// The page's heading once a navigation has settled (a heading read while the page is being
/// replaced goes stale, so it is read again).
async fn heading(c: &Client) -> String {
    for _ in 0..50 {
        let found = c.wait().for_element(Locator::Css("h1")).await.unwrap();
        if let Ok(text) = found.text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no settled heading");
}

/// Waits until the signed-in app shows a page (the sign-in form has gone).
async fn signed_in(c: &Client) {
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();
}

async fn is_shown(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap()
}

/// Looks at a document three ways: on screen, with `?print=1`, and in print media.
async fn check_document(c: &Client, app: &TestApp, path: &str, name: &str) {
    c.goto(&app.url(path)).await.unwrap();
    c.wait()
        .for_element(Locator::Css("main.sheet"))
        .await
        .unwrap();
    assert!(
        is_shown(c, "[data-print]").await,
        "a Print button on screen"
    );
    screenshot(c, name).await;
    c.goto(&app.url(&format!("{path}?print=1"))).await.unwrap();
    c.wait()
        .for_element(Locator::Css("main.sheet"))
        .await
        .unwrap();
    assert!(
        !is_shown(c, ".doc-toolbar").await,
        "?print=1 hides the toolbar"
    );
    screenshot(c, &format!("{name}-preview")).await;
    c.goto(&app.url(path)).await.unwrap();
    c.wait()
        .for_element(Locator::Css("main.sheet"))
        .await
        .unwrap();
    cdp(c, "Emulation.setEmulatedMedia", json!({"media": "print"})).await;
    assert!(
        !is_shown(c, ".doc-toolbar").await,
        "@media print hides the toolbar"
    );
    screenshot(c, &format!("{name}-print-media")).await;
    cdp(c, "Emulation.setEmulatedMedia", json!({"media": ""})).await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn the_front_desk_takes_cash_with_change_and_prints_the_invoice_and_the_receipt() {
    let app = spawn_app(Backend::Sqlite).await;
    let shop = open_shop(&app, "North Garage", "Africa/Accra", "15").await;
    let invoice = job_invoice(&app, &shop, Job::brakes(&shop)).await; // 150.65
    app.create_user("desk@example.com", Role::Advisor, Some(shop.site))
        .await;
    let driver = start_browser(1280, 900).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "desk@example.com", PASSWORD).await;
    signed_in(c).await;

    c.goto(&app.url("/invoices")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#invoice-table"))
        .await
        .unwrap();
    screenshot(c, "60-invoices").await;
    c.find(Locator::Css("#invoice-table tbody a.mono"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#pay-form"))
        .await
        .unwrap();
    let amount = c.find(Locator::Css("#amount_paid")).await.unwrap();
    assert_eq!(
        amount.prop("value").await.unwrap().as_deref(),
        Some("150.65"),
        "the balance by default"
    );
    screenshot(c, "61-invoice").await;
    full_page_screenshot(c, "61-invoice-full").await;

    type_into(c, "#tendered", "200").await;
    type_into(c, "#payment_reference", "Till 1").await;
    c.find(Locator::Css("#pay-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-notice]"))
        .await
        .unwrap();
    let text = notice.text().await.unwrap();
    assert!(text.contains("Change to give: 49.35."), "{text}");
    let badge = c
        .find(Locator::Css("[data-invoice-status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(badge, "Paid", "updated in place");
    screenshot(c, "62-invoice-paid").await;
    full_page_screenshot(c, "62-invoice-paid-full").await;

    check_document(
        c,
        &app,
        &format!("/invoices/{invoice}/print"),
        "63-invoice-a4",
    )
    .await;
    let (w, h) = page_size(&print_to_pdf(c, "63-invoice-a4").await);
    assert!(
        (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
        "A4 paper: {w} × {h} pt"
    );
    check_document(
        c,
        &app,
        &format!("/invoices/{invoice}/receipt"),
        "64-receipt",
    )
    .await;
    let (w, _) = page_size(&print_to_pdf(c, "64-receipt").await);
    assert!((w - 226.8).abs() < 2.0, "80 mm paper: {w} pt");
    let change = c
        .find(Locator::Css("[data-change]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(change, "49.35");

    c.goto(&app.url(&format!("/invoices/{invoice}")))
        .await
        .unwrap();
    let link = c
        .wait()
        .for_element(Locator::Css("#share-url"))
        .await
        .unwrap();
    let link = link.prop("value").await.unwrap().unwrap();
    driver.client.clone().close().await.unwrap();

    let phone = start_browser(390, 844).await;
    let c = &phone.client;
    c.goto(&link).await.unwrap();
    c.wait()
        .for_element(Locator::Css("main.sheet"))
        .await
        .unwrap();
    screenshot(c, "65-shared-invoice-phone").await;
    c.goto(&format!("{link}/receipt")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("main.sheet"))
        .await
        .unwrap();
    screenshot(c, "66-shared-receipt-phone").await;
    c.goto(&app.url("/share/no-such-link")).await.unwrap();
    assert_eq!(heading(c).await, "This link is not available");
    screenshot(c, "67-shared-missing-phone").await;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "desk@example.com", PASSWORD).await;
    signed_in(c).await;
    for (path, name) in [
        ("/invoices", "60-invoices-phone"),
        (&format!("/invoices/{invoice}") as &str, "61-invoice-phone"),
    ] {
        c.goto(&app.url(path)).await.unwrap();
        c.wait()
            .for_element(Locator::Css("h1.page-title"))
            .await
            .unwrap();
        full_page_screenshot(c, name).await;
        assert_eq!(
            sideways_scroll(c).await,
            0,
            "{path} scrolls sideways on a phone"
        );
    }
    // Its lines, totals and payments read as cards on a phone, without sideways scrolling.
    let wide = too_wide(c, &["#invoice-lines", "#payment-table"]).await;
    assert!(wide.is_empty(), "wider than a phone: {wide:?}");
    phone.client.clone().close().await.unwrap();

    // A superuser sees the reversal and void forms too.
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    let desktop = start_browser(1280, 900).await;
    let c = &desktop.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    signed_in(c).await;
    c.goto(&app.url(&format!("/invoices/{invoice}")))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#void-form"))
        .await
        .unwrap();
    assert!(is_shown(c, "#reverse-form").await);
    full_page_screenshot(c, "68-invoice-superuser").await;
    desktop.client.clone().close().await.unwrap();
}
