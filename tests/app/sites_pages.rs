use workshop::domain::role::Role;

use crate::customers_api::client_as;
use crate::helpers::{Backend, location, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_superuser_adds_a_site_through_the_form_after_fixing_mistakes,
    hq_reads_sites_without_write_buttons_and_site_staff_cannot_open_them,
    deleting_a_site_in_use_explains_why_not,
);

async fn a_superuser_adds_a_site_through_the_form_after_fixing_mistakes(backend: Backend) {
    let app = spawn_app(backend).await;
    let boss = client_as(&app, Role::Superuser).await;

    let bad = app
        .post_form(
            &boss,
            "/sites/new",
            "/sites/new",
            &[
                ("name", "Kumasi"),
                ("timezone", "Africa/Kumasi"),
                ("tax_rate", "12.345"),
                ("is_active", "true"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Choose a time zone from the list"));
    assert!(html.contains("Use at most two decimals."));
    assert!(
        html.contains(r#"value="Kumasi""#) && html.contains(r#"value="12.345""#),
        "typed values are kept"
    );

    let good = app
        .post_form(
            &boss,
            "/sites/new",
            "/sites/new",
            &[
                ("name", "Kumasi"),
                ("timezone", "Africa/Accra"),
                ("tax_rate", "12.5"),
                ("tax_applies_to", "parts"),
                ("is_active", "true"),
            ],
        )
        .await;
    assert_eq!(good.status(), 303);
    let page = boss
        .get(app.url(&location(&good)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kumasi added."));
    assert!(page.contains("12.5% on parts"));
    let list = boss
        .get(app.url("/sites"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Kumasi") && list.contains("Active"));
}

async fn hq_reads_sites_without_write_buttons_and_site_staff_cannot_open_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("Takoradi").await;
    let hq = client_as(&app, Role::Hq).await;
    let manager = client_as(&app, Role::Manager).await;

    let list = hq
        .get(app.url("/sites"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let detail = hq
        .get(app.url(&format!("/sites/{}", site.0)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(list.contains("Takoradi") && !list.contains("New site"));
    assert!(!detail.contains(">Delete<") && !detail.contains(">Edit<"));
    assert_eq!(
        hq.get(app.url("/sites/new")).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        manager
            .get(app.url("/sites"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn deleting_a_site_in_use_explains_why_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("Tema").await;
    app.create_user("desk@example.com", Role::Advisor, Some(site))
        .await;
    let boss = client_as(&app, Role::Superuser).await;
    let path = format!("/sites/{}", site.0);

    let response = app
        .post_form(&boss, &path, &format!("{path}/delete"), &[])
        .await;

    assert_eq!(location(&response), path);
    let page = boss
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Deactivate it instead."));
}
