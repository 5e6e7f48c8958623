//! Key journeys in a real headless Chromium through chromedriver (WebDriver). Screenshots of
//! each step land in `target/screenshots/` for a person to look at.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use workshop::domain::role::Role;

use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};

struct Driver {
    process: Child,
    client: Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

async fn start_browser(width: u32, height: u32) -> Driver {
    // Several TLS stacks are linked into the tests; WebDriver's client needs one chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let process = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {chromedriver} ({e}): install chromium and chromium-driver")
        });
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            format!("--window-size={width},{height}")
        ]}),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(client) = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return Driver { process, client };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut process = process;
    let _ = process.kill();
    let _ = process.wait();
    panic!("chromedriver did not answer on {url}");
}

async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn sign_in(client: &Client, app: &TestApp, email: &str, password: &str) {
    client
        .find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let _ = app;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_user_is_sent_to_sign_in_is_refused_a_wrong_password_signs_in_and_out() {
    let app = spawn_app(Backend::Sqlite).await;
    let north = app.create_site("North Garage").await;
    app.create_site("South Garage").await;
    app.create_user("owner@example.com", Role::Superuser, None)
        .await;
    app.create_user("desk@example.com", Role::Advisor, Some(north))
        .await;
    let driver = start_browser(1280, 800).await;
    let c = &driver.client;

    c.goto(&app.url("/customers")).await.unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("/login?next=%2Fcustomers")
    );
    screenshot(c, "01-login").await;

    sign_in(c, &app, "owner@example.com", "not my password").await;
    let alert = c
        .wait()
        .for_element(Locator::Css(".alert-error"))
        .await
        .unwrap();
    assert_eq!(alert.text().await.unwrap(), "Invalid email or password.");
    screenshot(c, "02-login-error").await;

    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("aside.sidebar"))
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/customers"),
        "back where the user was going"
    );
    screenshot(c, "03-coming-soon").await;

    c.goto(&app.url("/")).await.unwrap();
    let heading = c
        .find(Locator::Css("h1.page-title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.starts_with("Hello"));
    let nav = c
        .find(Locator::Css("nav.nav"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(nav.contains("Service requests") && nav.contains("Settings"));
    screenshot(c, "04-home").await;

    c.find(Locator::Css("#site-switch"))
        .await
        .unwrap()
        .select_by_label("North Garage")
        .await
        .unwrap();
    let flash = c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    assert_eq!(
        flash.text().await.unwrap().trim_end_matches('×').trim(),
        "Showing North Garage."
    );

    c.goto(&app.url("/sites")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("table.table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "both sites are listed");
    screenshot(c, "04b-sites").await;

    c.goto(&app.url("/account")).await.unwrap();
    screenshot(c, "05-account").await;
    c.find(Locator::Css("form.nav-form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .for_element(Locator::Css(".alert-info"))
        .await
        .unwrap();
    assert_eq!(notice.text().await.unwrap(), "You have signed out.");
    c.goto(&app.url("/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));

    driver.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn on_a_phone_the_sidebar_opens_from_the_menu_button_and_idle_users_are_warned() {
    let app = spawn_app_with_idle(6).await;
    app.create_user("desk@example.com", Role::Advisor, None)
        .await;
    let driver = start_browser(390, 844).await;
    let c = &driver.client;

    c.goto(&app.url("/login")).await.unwrap();
    screenshot(c, "06-login-phone").await;
    sign_in(c, &app, "desk@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();
    let sidebar = c.find(Locator::Css("#sidebar")).await.unwrap();
    assert!(
        !sidebar.is_displayed().await.unwrap() || !in_view(c).await,
        "the drawer starts closed"
    );
    screenshot(c, "07-home-phone").await;

    c.find(Locator::Css("[data-toggle-nav]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(in_view(c).await, "the drawer opened");
    screenshot(c, "08-drawer-phone").await;

    // Idle timeout 6 s: the warning (a minute, or half of a shorter timeout) opens after 3 s.
    let dialog = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("dialog#idle-dialog[open]"))
        .await
        .unwrap();
    assert!(
        dialog
            .text()
            .await
            .unwrap()
            .contains("Are you still there?")
    );
    screenshot(c, "09-idle-warning").await;
    c.find(Locator::Css("[data-idle-stay]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        c.find(Locator::Css("dialog#idle-dialog[open]"))
            .await
            .is_err(),
        "staying closes the warning"
    );

    driver.client.clone().close().await.unwrap();
}

async fn in_view(c: &Client) -> bool {
    let script = "const r = document.getElementById('sidebar').getBoundingClientRect(); return r.right > 10 && r.left >= -1;";
    c.execute(script, vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false)
}

async fn spawn_app_with_idle(seconds: u32) -> TestApp {
    crate::helpers::spawn_app_with(
        Backend::Sqlite,
        &[("WORKSHOP_SESSION_IDLE_SECONDS", &seconds.to_string())],
    )
    .await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn the_front_desk_adds_a_customer_fixes_a_typo_and_finds_them_by_typing() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_user("desk@example.com", Role::Advisor, None)
        .await;
    let driver = start_browser(1280, 800).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "desk@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();

    c.goto(&app.url("/customers")).await.unwrap();
    screenshot(c, "10-customers-empty").await;
    c.find(Locator::LinkText("New customer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#first_name"))
        .await
        .unwrap()
        .send_keys("Abena")
        .await
        .unwrap();
    c.find(Locator::Css("#last_name"))
        .await
        .unwrap()
        .send_keys("Owusu")
        .await
        .unwrap();
    c.find(Locator::Css("#phone"))
        .await
        .unwrap()
        .send_keys("12")
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit].button-primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = c
        .wait()
        .for_element(Locator::Css(".field-error"))
        .await
        .unwrap();
    assert_eq!(
        error.text().await.unwrap(),
        "This does not look like a complete phone number."
    );
    assert_eq!(
        c.find(Locator::Css("#first_name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Abena")
    );
    screenshot(c, "11-customer-form-error").await;

    let phone = c.find(Locator::Css("#phone")).await.unwrap();
    phone.clear().await.unwrap();
    phone.send_keys("555 777 8888").await.unwrap();
    c.find(Locator::Css("button[type=submit].button-primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The form page has a heading too: wait for the detail page's, not just any.
    let mut heading = String::new();
    for _ in 0..50 {
        if let Ok(h1) = c.find(Locator::Css("h1.page-title")).await {
            heading = h1.text().await.unwrap_or_default();
        }
        if heading == "Abena Owusu" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(heading, "Abena Owusu");
    screenshot(c, "12-customer-detail").await;

    c.goto(&app.url("/customers")).await.unwrap();
    c.find(Locator::Css("#customer-search"))
        .await
        .unwrap()
        .send_keys("7778")
        .await
        .unwrap();
    let mut url = String::new();
    for _ in 0..50 {
        url = c.current_url().await.unwrap().to_string();
        if url.contains("q=7778") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        url.contains("q=7778"),
        "the search is kept in the URL: {url}"
    );
    let rows = c
        .find_all(Locator::Css("#customer-results tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains("Owusu, Abena"));
    screenshot(c, "13-customer-search").await;

    driver.client.clone().close().await.unwrap();
}
