use workshop::domain::role::Role;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    the_sidebar_shows_the_areas_of_the_users_role,
    an_area_outside_the_role_answers_403_with_an_error_page,
    superusers_get_a_site_switcher_and_site_users_do_not,
    a_site_user_cannot_switch_sites,
    unknown_pages_answer_404_for_browsers_htmx_and_api,
    every_page_carries_the_security_headers,
);

fn nav_labels(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse("nav.nav a.nav-link span").unwrap();
    doc.select(&links)
        .map(|e| e.text().collect::<String>())
        .collect()
}

async fn the_sidebar_shows_the_areas_of_the_users_role(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases: &[(Role, &[&str], &[&str])] = &[
        (
            Role::Superuser,
            &["Home", "Service requests", "Sites", "Staff", "Settings"],
            &["My jobs"],
        ),
        (
            Role::Hq,
            &["Home", "Dashboard", "Sites", "Promotions", "Audit trail"],
            &["Staff", "Settings", "My jobs"],
        ),
        (
            Role::Manager,
            &["Service requests", "Inventory", "Staff", "Reports"],
            &["Sites", "Settings", "Promotions"],
        ),
        (
            Role::Advisor,
            &["Service requests", "Sales", "Customers", "Invoices"],
            &["Staff", "Reports", "Sites"],
        ),
        (
            Role::Mechanic,
            &["Home", "My jobs", "Products"],
            &["Invoices", "Customers", "Service requests"],
        ),
    ];
    for (role, shown, hidden) in cases {
        let email = format!("{}@example.com", role.as_str());
        app.create_user(&email, *role, None).await;
        let client = crate::helpers::new_client();
        assert_eq!(
            app.sign_in_as(&client, &email, crate::helpers::PASSWORD)
                .await
                .status(),
            303
        );

        let labels = nav_labels(
            &client
                .get(app.url("/"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );

        for label in *shown {
            assert!(
                labels.iter().any(|l| l == label),
                "{role:?} should see {label}: {labels:?}"
            );
        }
        for label in *hidden {
            assert!(
                !labels.iter().any(|l| l == label),
                "{role:?} should not see {label}: {labels:?}"
            );
        }
    }
}

async fn an_area_outside_the_role_answers_403_with_an_error_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("advisor@example.com", Role::Advisor, None)
        .await;
    app.sign_in("advisor@example.com").await;

    let forbidden = app.get("/settings").await;
    let allowed = app.get("/dashboard").await;

    assert_eq!(forbidden.status(), 403);
    assert!(
        forbidden
            .text()
            .await
            .unwrap()
            .contains("You do not have permission to do that.")
    );
    assert_eq!(allowed.status(), 200);
    assert!(allowed.text().await.unwrap().contains("Coming soon"));
}

async fn superusers_get_a_site_switcher_and_site_users_do_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let north = app.create_site("North Garage").await;
    app.create_site("South Garage").await;
    app.create_user("boss@example.com", Role::Superuser, None)
        .await;
    app.create_user("advisor@example.com", Role::Advisor, Some(north))
        .await;
    app.sign_in("boss@example.com").await;

    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("North Garage") && html.contains("South Garage"));
    let response = app
        .post_form(
            &app.client,
            "/",
            "/site-switch",
            &[
                ("site_id", &north.0.to_string()),
                ("return_to", "/customers"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(crate::helpers::location(&response), "/customers");
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains(&format!(
            r#"<option value="{}" selected>North Garage"#,
            north.0
        )),
        "the choice is kept"
    );
    assert!(html.contains("Showing North Garage."));

    let advisor = crate::helpers::new_client();
    app.sign_in_as(&advisor, "advisor@example.com", crate::helpers::PASSWORD)
        .await;
    let html = advisor
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("site-switcher"));
}

async fn a_site_user_cannot_switch_sites(backend: Backend) {
    let app = spawn_app(backend).await;
    let other = app.create_site("Other").await;
    app.create_user("advisor@example.com", Role::Advisor, None)
        .await;
    app.sign_in("advisor@example.com").await;

    let response = app
        .post_form(
            &app.client,
            "/",
            "/site-switch",
            &[("site_id", &other.0.to_string())],
        )
        .await;

    assert_eq!(response.status(), 403);
}

async fn unknown_pages_answer_404_for_browsers_htmx_and_api(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_user("ada@example.com", Role::Advisor, None)
        .await;
    app.sign_in("ada@example.com").await;

    let page = app.get("/no/such/page").await;
    let htmx = app
        .client
        .get(app.url("/no/such/page"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    let api = app.get("/api/v1/no-such-thing/").await;

    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("Page not found"));
    assert_eq!(htmx.status(), 404);
    assert_eq!(htmx.headers()["hx-reswap"], "none");
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["detail"], "Not found.");
}

async fn every_page_carries_the_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;

    for path in ["/login", "/health/", "/static/app.css", "/nope"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
    }
}
