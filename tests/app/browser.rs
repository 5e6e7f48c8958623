//! Key journeys in a real headless Chromium through chromedriver (WebDriver). Screenshots of
//! each step land in `target/screenshots/` for a person to look at.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use workshop::domain::role::Role;

use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};

pub struct Driver {
    process: Child,
    pub client: Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

pub async fn start_browser(width: u32, height: u32) -> Driver {
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

pub async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// How many pixels the page itself scrolls sideways (0 when it fits its window).
pub async fn sideways_scroll(client: &Client) -> i64 {
    let script = "const d = document.documentElement; return d.scrollWidth - d.clientWidth;";
    let overflow = client.execute(script, vec![]).await.unwrap();
    overflow.as_i64().expect("a number of pixels")
}

/// The tables among `selectors` that are wider than the box they sit in (so the page scrolls
/// sideways there), each as "selector: table width / box width". Every selector must match.
pub async fn too_wide(client: &Client, selectors: &[&str]) -> Vec<String> {
    let script = "return arguments[0].map(sel => { \
        const t = document.querySelector(sel); \
        if (!t) return sel + ': missing'; \
        const box = t.parentElement.clientWidth; \
        return t.scrollWidth > box + 1 ? sel + ': ' + t.scrollWidth + ' / ' + box : null; \
      }).filter(x => x !== null);";
    let found = client
        .execute(script, vec![serde_json::json!(selectors)])
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

pub async fn sign_in(client: &Client, app: &TestApp, email: &str, password: &str) {
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

/// Waits until the address bar contains `part`, for searches that push their URL.
async fn wait_for_url(c: &Client, part: &str) -> String {
    let mut url = String::new();
    for _ in 0..50 {
        url = c.current_url().await.unwrap().to_string();
        if url.contains(part) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    url
}

/// Replaces the text of the field `css` (waiting for it to appear).
pub async fn type_into(c: &Client, css: &str, text: &str) {
    let field = c.wait().for_element(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Presses the main button of the page's form.
pub async fn submit(c: &Client) {
    c.find(Locator::Css("form.form button[type=submit].button-primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub async fn click_link(c: &Client, text: &str) {
    c.find(Locator::LinkText(text))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn the_front_desk_registers_a_vehicle_and_finds_its_owner_by_plate() {
    let app = spawn_app(Backend::Sqlite).await;
    let site = app.create_site("North").await;
    let api = crate::helpers::client_at(&app, Role::Advisor, Some(site)).await;
    let owner = crate::vehicles_api::new_customer(&app, &api, "Owusu").await;
    app.create_user("desk@example.com", Role::Advisor, Some(site))
        .await;
    let driver = start_browser(1280, 800).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "desk@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();

    c.goto(&app.url("/vehicles")).await.unwrap();
    screenshot(c, "14-vehicles-empty").await;
    c.goto(&app.url(&format!("/customers/{owner}")))
        .await
        .unwrap();
    click_link(c, "Add vehicle").await;
    type_into(c, "#license_plate", "gr 4411-24").await;
    type_into(c, "#year", "2019").await;
    type_into(c, "#make", "Toyota").await;
    type_into(c, "#model", "Corolla").await;
    type_into(c, "#vin", "ABC").await;
    submit(c).await;
    let error = c
        .wait()
        .for_element(Locator::Css("#vin-error"))
        .await
        .unwrap();
    assert_eq!(
        error.text().await.unwrap(),
        "A VIN has exactly 17 characters."
    );
    screenshot(c, "15-vehicle-form-error").await;

    type_into(c, "#vin", "1M8GDM9AXKP042788").await;
    submit(c).await;
    // The vehicle's page, not the form still on screen: wait for what only it has.
    c.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    let heading = c.find(Locator::Css("h1.page-title")).await.unwrap();
    assert!(heading.text().await.unwrap().contains("GR 4411-24"));
    screenshot(c, "16-vehicle-detail").await;

    c.goto(&app.url("/vehicles")).await.unwrap();
    type_into(c, "#vehicle-search", "gr44").await;
    let url = wait_for_url(c, "q=gr44").await;
    assert!(
        url.contains("q=gr44"),
        "the search is kept in the URL: {url}"
    );
    let rows = c
        .find_all(Locator::Css("#vehicle-results tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    screenshot(c, "17-vehicle-search").await;
    click_link(c, "Ama Owusu").await;
    c.wait()
        .for_element(Locator::Css("a[href^='/vehicles/new?customer=']"))
        .await
        .unwrap();
    let heading = c.find(Locator::Css("h1.page-title")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Ama Owusu");
    assert!(c.find(Locator::LinkText("GR 4411-24")).await.is_ok());

    c.set_window_size(390, 844).await.unwrap();
    click_link(c, "GR 4411-24").await;
    c.wait()
        .for_element(Locator::Css("dl.facts"))
        .await
        .unwrap();
    screenshot(c, "18-vehicle-detail-phone").await;
    c.goto(&app.url("/vehicles/new")).await.unwrap();
    screenshot(c, "19-vehicle-form-phone").await;

    driver.client.clone().close().await.unwrap();
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver: pass --include-ignored (see README)"]
async fn a_manager_adds_a_mechanic_and_sees_them_listed() {
    let app = spawn_app(Backend::Sqlite).await;
    let site = app.create_site("North").await;
    app.create_user("manager@example.com", Role::Manager, Some(site))
        .await;
    let driver = start_browser(1280, 800).await;
    let c = &driver.client;
    c.goto(&app.url("/login")).await.unwrap();
    sign_in(c, &app, "manager@example.com", PASSWORD).await;
    c.wait()
        .for_element(Locator::Css("h1.page-title"))
        .await
        .unwrap();
    c.goto(&app.url("/mechanics")).await.unwrap();
    screenshot(c, "20-mechanics-empty").await;
    click_link(c, "New mechanic").await;
    type_into(c, "#name", "Kwame Boateng").await;
    type_into(c, "#phone", "555 010 4444").await;
    submit(c).await;
    c.wait().for_element(Locator::Css(".stat")).await.unwrap();
    let heading = c.find(Locator::Css("h1.page-title")).await.unwrap();
    assert_eq!(heading.text().await.unwrap(), "Kwame Boateng");
    screenshot(c, "21-mechanic-detail").await;
    c.goto(&app.url("/mechanics")).await.unwrap();
    let rows = c.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains("+15550104444"));
    screenshot(c, "22-mechanics-list").await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&app.url("/mechanics")).await.unwrap();
    screenshot(c, "23-mechanics-list-phone").await;

    c.set_window_size(1280, 800).await.unwrap();
    c.goto(&app.url("/staff/new")).await.unwrap();
    type_into(c, "#name", "Esi Addo").await;
    type_into(c, "#email", "esi@example.com").await;
    type_into(c, "#password", "Correct horse 42 battery").await;
    submit(c).await;
    c.wait()
        .for_element(Locator::Css("form[action$='/password']"))
        .await
        .unwrap();
    screenshot(c, "24-staff-detail").await;
    c.goto(&app.url("/staff")).await.unwrap();
    let rows = c.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 2, "the manager and the new advisor");
    screenshot(c, "25-staff-list").await;
    driver.client.clone().close().await.unwrap();
}
