//! Browser journeys of the jobs and sales pages in headless Chromium: a job from drive-in to a
//! paid invoice, a walk-in sale from a scanned barcode to its invoice, and the mechanic's view.
//! Every page is photographed at desktop and phone width (`target/screenshots/jobs-*.png`).

use std::time::Duration;

use fantoccini::{Client, Locator};
use workshop::domain::role::Role;

use crate::browser::{screenshot, sideways_scroll, sign_in, start_browser, too_wide, type_into};
use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};
use crate::job_fixtures::{mechanic_user, open_job, shop};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

/// Waits until the element `css` shows `text` (htmx swaps in the background).
async fn wait_for_text(c: &Client, css: &str, text: &str) -> String {
    let mut seen = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            seen = e.text().await.unwrap_or_default();
            if seen.contains(text) {
                return seen;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {text:?}; it showed {seen:?}");
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn click(c: &Client, css: &str) {
    wait_for(c, css).await.click().await.unwrap();
}

async fn signed_in(app: &TestApp, email: &str, width: u32, height: u32) -> crate::browser::Driver {
    let driver = start_browser(width, height).await;
    driver.client.goto(&app.url("/login")).await.unwrap();
    sign_in(&driver.client, app, email, PASSWORD).await;
    wait_for(&driver.client, "h1.page-title").await;
    driver
}

/// Lets a resize's transitions (the sidebar drawer) finish before a photograph.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Photographs `path` at phone width (failing if the page scrolls sideways there), then goes
/// back to the desktop size.
async fn phone_shot(c: &Client, app: &TestApp, path: &str, name: &str) {
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url(path)).await.unwrap();
    wait_for(c, "h1.page-title").await;
    settle().await;
    screenshot(c, name).await;
    let overflow = sideways_scroll(c).await;
    assert_eq!(
        overflow, 0,
        "{path} scrolls sideways on a phone by {overflow} px"
    );
    c.set_window_size(1280, 900).await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn the_front_desk_runs_a_job_from_drive_in_to_a_paid_invoice() {
    let app = spawn_app(Backend::Sqlite).await;
    let s = shop(&app).await;
    app.create_user("desk@example.com", Role::Advisor, Some(s.north))
        .await;
    let driver = signed_in(&app, "desk@example.com", 1280, 900).await;
    let c = &driver.client;

    c.goto(&app.url("/service-requests")).await.unwrap();
    wait_for(c, ".empty-state").await;
    screenshot(c, "jobs-01-list-empty").await;
    c.find(Locator::LinkText("New service request"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    type_into(c, "#customer_q", "Owusu").await;
    // One customer found, and their one vehicle here chosen with it.
    wait_for_text(c, "#vehicle option:checked", "GR 1001-24").await;
    wait_for(c, "#category")
        .await
        .select_by_value("1")
        .await
        .unwrap();
    wait_for(c, "#service_type option[value='1']").await;
    wait_for(c, "#service_type")
        .await
        .select_by_value("1")
        .await
        .unwrap();
    type_into(c, "#description", "Grinding noise when braking").await;
    screenshot(c, "jobs-02-new").await;
    click(c, "form#new-job button[type=submit].button-primary").await;
    wait_for(c, "#job-body").await;
    wait_for_text(c, "#job-status", "Pending").await;
    screenshot(c, "jobs-03-opened").await;

    // A part from the typeahead, then one scanned into the same box.
    type_into(c, "#part-q", "brake").await;
    click(c, "#part-hits .hit").await;
    wait_for(c, "#part-lines tbody tr").await;
    type_into(c, "#part-q", &format!("OIL-5{ENTER}")).await;
    wait_for(c, "#part-lines tbody tr:nth-child(2)").await;
    type_into(c, "#labour-description", "Brake work").await;
    type_into(c, "#labour-hours", "1.5").await;
    type_into(c, "#labour-rate", "40").await;
    click(c, "#add-labour button[type=submit]").await;
    wait_for(c, "#labour-lines tbody tr").await;
    // 20.00 + 7.50 + 60.00
    wait_for_text(c, "#running-total", "87.50").await;
    wait_for(c, "#assigned_mechanic")
        .await
        .select_by_label("Kwame Boateng")
        .await
        .unwrap();
    click(c, "#mechanic-card button[type=submit]").await;
    wait_for_text(c, "#mechanic-card strong", "Kwame Boateng").await;
    screenshot(c, "jobs-04-lines").await;
    // On a phone each part and labour line is a small card: nothing scrolls sideways.
    let open = c.current_url().await.unwrap().path().to_owned();
    phone_shot(c, &app, &open, "jobs-04-lines-phone").await;
    c.set_window_size(390, 844).await.unwrap();
    let wide = too_wide(c, &["#part-lines", "#labour-lines"]).await;
    assert!(wide.is_empty(), "wider than a phone: {wide:?}");
    c.set_window_size(1280, 900).await.unwrap();

    click(c, "#open-complete").await;
    wait_for(c, "#complete-panel").await;
    type_into(c, "#discount_amount", "7.50").await;
    wait_for(c, "#payment_method")
        .await
        .select_by_value("cash")
        .await
        .unwrap();
    type_into(c, "#tendered", "100").await;
    wait_for_text(c, "#complete-total", "80.00").await;
    wait_for_text(c, "#complete-change", "20.00").await;
    screenshot(c, "jobs-05-complete").await;
    click(c, "#complete-submit").await;
    wait_for(c, "#invoice-card").await;
    let notice = wait_for_text(c, "#job-notice", "Change due: 20.00.").await;
    assert!(notice.contains("for 80.00. Paid in full."), "{notice}");
    assert_eq!(
        wait_for(c, "#invoice-status").await.text().await.unwrap(),
        "Paid"
    );
    assert_eq!(count(c, "#add-part, #open-complete").await, 0);
    screenshot(c, "jobs-06-invoice").await;

    let job = c.current_url().await.unwrap().path().to_owned();
    phone_shot(c, &app, &job, "jobs-07-invoice-phone").await;
    c.set_window_size(390, 844).await.unwrap();
    let wide = too_wide(c, &["#part-lines", "#labour-lines", "#payments"]).await;
    assert!(wide.is_empty(), "wider than a phone: {wide:?}");
    phone_shot(c, &app, "/service-requests", "jobs-08-list-phone").await;
    c.set_window_size(390, 844).await.unwrap();
    let wide = too_wide(c, &["#job-table"]).await;
    assert!(
        wide.is_empty(),
        "the job list is cards on a phone: {wide:?}"
    );
    c.set_window_size(700, 900).await.unwrap();
    let wide = too_wide(c, &["#job-table"]).await;
    assert!(
        wide.is_empty(),
        "the job list is cards on a small tablet: {wide:?}"
    );
    assert_eq!(
        sideways_scroll(c).await,
        0,
        "the list scrolls sideways at 700 px"
    );
    phone_shot(c, &app, "/service-requests/new", "jobs-09-new-phone").await;
    c.goto(&app.url("/service-requests")).await.unwrap();
    wait_for(c, "#job-table").await;
    screenshot(c, "jobs-10-list").await;

    // The top bar's search finds the customer and, by its number, the job.
    type_into(c, "#global-search", &format!("owusu{ENTER}")).await;
    wait_for(c, ".result-list a").await;
    let found = c
        .find(Locator::Css(".result-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("Ama Owusu"), "{found}");
    screenshot(c, "jobs-14-search").await;
    phone_shot(c, &app, "/search?q=SR-", "jobs-15-search-phone").await;
    driver.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_walk_in_sale_goes_from_a_scanned_barcode_to_its_invoice() {
    let app = spawn_app(Backend::Sqlite).await;
    let s = shop(&app).await;
    app.create_user("till@example.com", Role::Advisor, Some(s.north))
        .await;
    let driver = signed_in(&app, "till@example.com", 1280, 900).await;
    let c = &driver.client;

    c.goto(&app.url("/sales/new")).await.unwrap();
    wait_for(c, "#pos-scan").await;
    screenshot(c, "jobs-11-pos-empty").await;
    // A scanner types the code and Enter, twice: one line of two.
    for _ in 0..2 {
        wait_for(c, "#pos-scan")
            .await
            .send_keys(&format!("bp-1{ENTER}"))
            .await
            .unwrap();
        wait_for_text(c, "#pos-scan-status", "Added Brake pad").await;
    }
    assert_eq!(count(c, "#pos-lines tr.pos-line").await, 1);
    type_into(c, "#pos-scan", "oil").await;
    click(c, "#pos-hits .pos-hit").await;
    wait_for(c, "#pos-lines tr.pos-line:nth-child(2)").await;
    wait_for_text(c, "#pos-total", "47.50").await;
    let focused = c.active_element().await.unwrap().attr("id").await.unwrap();
    assert_eq!(
        focused.as_deref(),
        Some("pos-scan"),
        "ready for the next scan"
    );
    type_into(c, "#pos-tendered", "50").await;
    wait_for_text(c, "#pos-change", "2.50").await;
    screenshot(c, "jobs-12-pos-cart").await;
    c.set_window_size(390, 844).await.unwrap();
    settle().await;
    screenshot(c, "jobs-13-pos-cart-phone").await;
    c.set_window_size(1280, 900).await.unwrap();

    click(c, "#pos-complete").await;
    wait_for(c, "#invoice-card").await;
    let flash = wait_for(c, ".flash").await.text().await.unwrap();
    assert!(flash.contains("Change due: 2.50."), "{flash}");
    assert_eq!(
        wait_for(c, "#invoice-status").await.text().await.unwrap(),
        "Paid"
    );
    screenshot(c, "jobs-14-sale").await;
    let sale = c.current_url().await.unwrap().path().to_owned();
    phone_shot(c, &app, &sale, "jobs-15-sale-phone").await;
    c.goto(&app.url("/sales")).await.unwrap();
    wait_for(c, "#job-table").await;
    screenshot(c, "jobs-16-sales-list").await;
    phone_shot(c, &app, "/sales", "jobs-17-sales-list-phone").await;
    driver.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_mechanic_starts_their_job_and_adds_a_part() {
    let app = spawn_app(Backend::Sqlite).await;
    let s = shop(&app).await;
    let job = open_job(&app, &s, Some(s.mechanic)).await;
    // The fixture signs a client in; the browser signs in with the same login below.
    mechanic_user(&app, s.north, s.mechanic).await;
    let email = app
        .db
        .read(|c| {
            use diesel::prelude::*;
            use workshop::db::schema::users;
            Ok(users::table
                .filter(users::role.eq("mechanic"))
                .select(users::email)
                .first::<String>(c)?)
        })
        .await
        .unwrap();
    let driver = signed_in(&app, &email, 1280, 900).await;
    let c = &driver.client;

    c.goto(&app.url("/my-jobs")).await.unwrap();
    wait_for(c, "#job-table").await;
    screenshot(c, "jobs-18-my-jobs").await;
    c.goto(&app.url(&format!("/service-requests/{job}")))
        .await
        .unwrap();
    click(c, "#job-body .page-actions button.button-primary").await;
    wait_for_text(c, "#job-status", "In Progress").await;
    type_into(c, "#part-q", "brake").await;
    click(c, "#part-hits .hit").await;
    wait_for(c, "#part-lines tbody tr").await;
    assert_eq!(
        count(c, "#invoice-card, #open-complete, #part-price").await,
        0
    );
    screenshot(c, "jobs-19-mechanic-job").await;
    phone_shot(c, &app, "/my-jobs", "jobs-20-my-jobs-phone").await;
    driver.client.clone().close().await.unwrap();
}
