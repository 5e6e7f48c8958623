use serde_json::Value;
use workshop::domain::role::Role;

use crate::helpers::{Backend, client_at, location, spawn_app};
use crate::on_both_databases;
use crate::vehicles_api::{new_customer, post_vehicle};

on_both_databases!(
    a_vehicle_form_with_errors_keeps_what_was_typed,
    a_vehicle_added_from_the_customers_page_shows_on_both_pages,
    the_form_suggests_owners_and_models_as_you_type,
    search_by_plate_answers_with_just_the_results,
    the_site_switcher_narrows_the_vehicle_list,
);

async fn a_vehicle_form_with_errors_keeps_what_was_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let owner = new_customer(&app, &boss, "Mensah").await.to_string();

    let fields = [
        ("customer", owner.as_str()),
        ("make", "Toyota"),
        ("model", ""),
        ("year", "1850"),
        ("license_plate", "gr 55"),
        ("vin", "SHORT"),
    ];
    let response = app
        .post_form(&boss, "/vehicles/new", "/vehicles/new", &fields)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing was saved."));
    assert!(html.contains(r#"value="gr 55""#), "the typed plate is kept");
    assert!(html.contains(r#"value="SHORT""#));
    assert!(html.contains("Ama"), "the chosen owner stays chosen");
    assert!(
        html.contains("Choose a site."),
        "a superuser must choose the site"
    );
    assert!(html.contains("A VIN has exactly 17 characters."));
    assert!(html.contains("Enter a number from 1900 to"));
    let list = boss
        .get(app.url("/vehicles"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("No vehicles yet"));
}

async fn a_vehicle_added_from_the_customers_page_shows_on_both_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let desk = client_at(&app, Role::Advisor, Some(site)).await;
    let owner = new_customer(&app, &desk, "Mensah").await;

    let customer_page = desk
        .get(app.url(&format!("/customers/{owner}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let add = format!("/vehicles/new?customer={owner}");
    assert!(
        customer_page.contains(&add),
        "the customer's page offers to add a vehicle"
    );
    let form = desk
        .get(app.url(&add))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains(&format!(
            r#"<option value="{owner}" selected>Mensah, Ama</option>"#
        )),
        "{form}"
    );
    assert!(
        !form.contains(r#"name="site""#),
        "a site user's vehicles go to their own site"
    );

    let owner_id = owner.to_string();
    let fields = [
        ("customer", owner_id.as_str()),
        ("make", "Toyota"),
        ("model", "Corolla"),
        ("year", "2018"),
        ("license_plate", "gr 55-19"),
        ("vin", "WVWZZZ1JZXW000001"),
        ("service_interval_days", "180"),
        ("odometer_km", ""),
        ("last_serviced", ""),
    ];
    let response = app
        .post_form(&desk, "/vehicles/new", "/vehicles/new", &fields)
        .await;
    assert_eq!(response.status(), 303);
    let target = location(&response);
    assert!(target.starts_with("/vehicles/"), "{target}");
    let page = desk
        .get(app.url(&target))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Vehicle GR 55-19 added."));
    assert!(page.contains("check digit"), "the VIN warning is shown");
    assert!(page.contains("2018 Toyota Corolla"));
    let customer_page = desk
        .get(app.url(&format!("/customers/{owner}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        customer_page.contains(&format!(r#"href="{target}""#)),
        "the customer's page links the vehicle"
    );

    let edit = [
        ("customer", owner_id.as_str()),
        ("make", "Toyota"),
        ("model", "Corolla"),
        ("year", "2018"),
        ("license_plate", "GR 55-19"),
        ("vin", ""),
        ("service_interval_days", "90"),
        ("odometer_km", "12000"),
        ("last_serviced", "2026-02-01"),
    ];
    let response = app
        .post_form(
            &desk,
            &format!("{target}/edit"),
            &format!("{target}/edit"),
            &edit,
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = desk
        .get(app.url(&target))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("every 90 days"));
    assert!(page.contains("12000 km"));
    assert!(page.contains("Not recorded"), "a cleared VIN is removed");
    assert!(
        page.contains("2 May 2026"),
        "next due is last serviced + interval"
    );
}

async fn the_form_suggests_owners_and_models_as_you_type(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    new_customer(&app, &desk, "Owusu").await;

    let options = desk
        .get(app.url("/vehicles/options/customers?customer_q=mens"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        options.contains(&format!(r#"<option value="{owner}">Mensah, Ama"#)),
        "{options}"
    );
    assert!(!options.contains("Owusu"));
    let none = desk
        .get(app.url("/vehicles/options/customers?customer_q=zzz"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("No customer matches"));

    let models = desk
        .get(app.url("/vehicles/options/models?make=toyota"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(models.contains(r#"<option value="Corolla">"#));
    let unknown = desk
        .get(app.url("/vehicles/options/models?make=%3Cscript%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 200);
    assert!(
        !unknown.text().await.unwrap().contains("option"),
        "an unknown make suggests nothing"
    );
}

async fn search_by_plate_answers_with_just_the_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    for plate in ["KA 01 AB 1234", "KB 02 CD 5678"] {
        let body = serde_json::json!({"customer": owner, "make": "Honda", "model": "Civic", "year": 2015, "license_plate": plate});
        assert_eq!(post_vehicle(&app, &desk, body).await.status(), 201);
    }
    let response = desk
        .get(app.url("/vehicles?q=ka01"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("KA 01 AB 1234"));
    assert!(!html.contains("KB 02 CD 5678"));
    assert!(!html.contains("<html"), "htmx gets the results only");
    let empty = desk
        .get(app.url("/vehicles?q=zz9"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(empty.contains("No vehicle matches “zz9”"));
    let weird = desk
        .get(app.url("/vehicles?q=%25%27%22&sort=%3Cx%3E&page=-3"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        weird.status(),
        200,
        "odd input is just a search that finds nothing"
    );
}

async fn the_site_switcher_narrows_the_vehicle_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let owner = new_customer(&app, &boss, "Mensah").await;
    for (plate, site) in [("N1", north), ("S1", south)] {
        let body = serde_json::json!({"customer": owner, "make": "Honda", "model": "Civic", "year": 2015, "license_plate": plate, "site": site.0});
        let created: Value = post_vehicle(&app, &boss, body).await.json().await.unwrap();
        assert_eq!(created["site_id"], site.0);
    }
    let all = boss
        .get(app.url("/vehicles"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(all.contains(">N1<") && all.contains(">S1<"));
    let switched = app
        .post_form(
            &boss,
            "/vehicles",
            "/site-switch",
            &[("site_id", &south.0.to_string())],
        )
        .await;
    assert_eq!(switched.status(), 303);
    let narrowed = boss
        .get(app.url("/vehicles"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        narrowed.contains(">S1<") && !narrowed.contains(">N1<"),
        "{narrowed}"
    );
}
