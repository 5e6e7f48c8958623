//! Browser journeys of the catalogue and stock pages, with screenshots of every page at desktop
//! and phone width in `target/screenshots/`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use workshop::domain::role::Role;

use crate::browser::{click_link, screenshot, sign_in, start_browser, submit, type_into};
use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};

async fn heading(c: &Client) -> String {
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the page's heading is `expected` (a click starts a navigation that ends later).
async fn wait_for_heading(c: &Client, expected: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(h1) = c.find(Locator::Css("h1.page-title")).await
            && let Ok(text) = h1.text().await
        {
            if text == expected {
                return;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the heading stayed “{last}”, expected “{expected}”");
}

/// Visits each path at the current window size and saves a screenshot named after it.
async fn shoot_all(c: &Client, app: &TestApp, pages: &[(&str, &str)], suffix: &str) {
    for (path, name) in pages {
        c.goto(&app.url(path)).await.unwrap();
        c.wait()
            .for_element(Locator::Css("h1.page-title"))
            .await
            .unwrap();
        screenshot(c, &format!("{name}{suffix}")).await;
    }
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_superuser_adds_a_product_and_imports_a_price_list() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    let driver = start_browser(1280, 900).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    heading(c).await;

    c.goto(&app.url("/products")).await.unwrap();
    screenshot(c, "20-products-empty").await;
    c.find(Locator::LinkText("New product"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("#name")).await.unwrap();
    type_into(c, "#name", "Front brake pads").await;
    type_into(c, "#sku", "BP-100").await;
    type_into(c, "#unit_price", "45.555").await;
    type_into(c, "#cost_price", "30").await;
    type_into(c, "#brand", "Bosch").await;
    type_into(c, "#application", "Toyota Corolla, Honda Civic").await;
    submit(c).await;
    let error = c
        .wait()
        .for_element(Locator::Css(".field-error"))
        .await
        .unwrap();
    assert_eq!(error.text().await.unwrap(), "Use at most two decimals.");
    screenshot(c, "21-product-form-error").await;
    type_into(c, "#unit_price", "45.50").await;
    submit(c).await;
    wait_for_heading(c, "Front brake pads").await;
    screenshot(c, "22-product-detail").await;

    c.goto(&app.url("/products/import")).await.unwrap();
    screenshot(c, "23-product-import").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prices.csv");
    std::fs::write(&file, "name,sku,price,cost,brand\nRear pads,bp-100,50,31,Bosch\nOil filter,OF-1,9.99,4,Mann\nAir filter,AF-1,12,x,Mann\n").unwrap();
    c.find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Css("#import-upload button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#import-problems"))
        .await
        .unwrap();
    screenshot(c, "24-import-preview-problems").await;

    c.goto(&app.url("/products/import")).await.unwrap();
    std::fs::write(
        &file,
        "name,sku,price,cost,brand\nRear pads,bp-100,50,31,Bosch\nOil filter,OF-1,9.99,4,Mann\n",
    )
    .unwrap();
    c.find(Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Css("#import-upload button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#import-rows"))
        .await
        .unwrap();
    screenshot(c, "25-import-preview").await;
    c.find(Locator::Css("form[action$='/confirm'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-import-done]"))
        .await
        .unwrap();
    assert_eq!(
        done.text().await.unwrap(),
        "Import complete: 1 created, 1 updated, 0 unchanged."
    );
    screenshot(c, "26-import-done").await;

    c.goto(&app.url("/products")).await.unwrap();
    c.find(Locator::Css("#product-search"))
        .await
        .unwrap()
        .send_keys("mann")
        .await
        .unwrap();
    for _ in 0..50 {
        if c.current_url().await.unwrap().as_str().contains("q=mann") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = c
        .find_all(Locator::Css("#product-results tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "search-as-you-type narrowed the list");
    screenshot(c, "27-products-search").await;
    driver.client.clone().close().await.unwrap();

    let phone = start_browser(390, 844).await;
    let c = &phone.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    heading(c).await;
    let pages = [
        ("/products", "20-products"),
        ("/products/1", "22-product-detail"),
        ("/products/1/edit", "21-product-form"),
        ("/products/import", "23-product-import"),
    ];
    shoot_all(c, &app, &pages, "-phone").await;
    phone.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_superuser_stocks_a_product_receives_and_adjusts_it_and_reads_the_history() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_site("North Garage").await;
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    let driver = start_browser(1280, 900).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    heading(c).await;

    c.goto(&app.url("/products/new")).await.unwrap();
    type_into(c, "#name", "Oil filter").await;
    type_into(c, "#sku", "OF-1").await;
    type_into(c, "#unit_price", "9.99").await;
    submit(c).await;
    wait_for_heading(c, "Oil filter").await;
    click_link(c, "Stock at a site").await;
    wait_for_heading(c, "Stock a product at a site").await;
    c.find(Locator::Css("#site"))
        .await
        .unwrap()
        .select_by_label("North Garage")
        .await
        .unwrap();
    type_into(c, "#bin_location", "A-1").await;
    type_into(c, "#reorder_level", "5").await;
    screenshot(c, "30-stock-new").await;
    submit(c).await;
    wait_for_heading(c, "Oil filter").await;

    click_link(c, "Receive stock").await;
    wait_for_heading(c, "Receive stock").await;
    type_into(c, "#quantity", "12").await;
    type_into(c, "#unit_cost", "4.10").await;
    type_into(c, "#supplier_reference", "DN-501").await;
    screenshot(c, "31-stock-receive").await;
    submit(c).await;
    wait_for_heading(c, "Oil filter").await;

    click_link(c, "Adjust").await;
    wait_for_heading(c, "Adjust stock").await;
    type_into(c, "#quantity", "-20").await;
    type_into(c, "#reason", "Damaged in storage").await;
    submit(c).await;
    let error = c
        .wait()
        .for_element(Locator::Css(".field-error"))
        .await
        .unwrap();
    assert_eq!(
        error.text().await.unwrap(),
        "Only 12 on hand: stock cannot go below zero."
    );
    screenshot(c, "32-stock-adjust-error").await;
    type_into(c, "#quantity", "-8").await;
    submit(c).await;
    wait_for_heading(c, "Oil filter").await;
    let on_hand = c
        .find(Locator::Css("[data-on-hand]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(on_hand, "4");
    let history = c
        .find_all(Locator::Css("#stock-history tbody tr"))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert!(
        history[0]
            .text()
            .await
            .unwrap()
            .contains("Damaged in storage")
    );
    assert!(history[1].text().await.unwrap().contains("DN-501"));
    screenshot(c, "33-stock-detail").await;

    c.goto(&app.url("/inventory")).await.unwrap();
    screenshot(c, "34-inventory").await;
    c.goto(&app.url("/inventory/low-stock")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("#stock-results tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "4 on hand is below the reorder level of 5");
    screenshot(c, "35-low-stock").await;
    driver.client.clone().close().await.unwrap();

    let phone = start_browser(390, 844).await;
    let c = &phone.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "owner@example.com", PASSWORD).await;
    heading(c).await;
    let pages = [
        ("/inventory", "34-inventory"),
        ("/inventory/1", "33-stock-detail"),
        ("/inventory/1/receive", "31-stock-receive"),
        ("/inventory/new", "30-stock-new"),
    ];
    shoot_all(c, &app, &pages, "-phone").await;
    phone.client.clone().close().await.unwrap();
}
