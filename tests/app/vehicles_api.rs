use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    an_advisor_registers_a_vehicle_at_their_own_site,
    plates_are_unique_whatever_the_case_spaces_or_hyphens,
    bad_vehicle_input_gets_field_errors_and_changes_nothing,
    a_wrong_vin_check_digit_only_warns,
    a_site_user_never_sees_or_moves_another_sites_vehicles,
    hq_reads_every_vehicle_and_changes_none,
    vehicles_with_history_are_kept_and_changes_are_audited,
    ten_simultaneous_registrations_of_one_plate_make_one_vehicle,
    the_list_filters_by_plate_prefix_customer_and_site,
    a_broad_search_lists_the_newest_matches_first,
);

/// 1,200 Toyotas and 300 Hondas, alternating in blocks, straight into the database.
async fn many_vehicles(app: &TestApp, site: workshop::domain::ids::SiteId, owner: i64) {
    use diesel::prelude::*;
    use workshop::db::vehicles::{VehicleFields, insert_vehicle};
    app.db
        .write(move |c| {
            for i in 0..1500 {
                let make = if i % 5 == 4 { "Honda" } else { "Toyota" };
                let fields = VehicleFields {
                    customer_id: owner as i32,
                    site_id: site.0,
                    make: make.into(),
                    model: "Any".into(),
                    year: 2019,
                    license_plate: format!("ZZ {i:04}"),
                    plate_key: format!("ZZ{i:04}"),
                    vin: None,
                    odometer_km: None,
                    last_serviced: None,
                    service_interval_days: 180,
                    service_interval_km: None,
                };
                insert_vehicle(c, &fields)?;
            }
            let _ = diesel::sql_query("ANALYZE").execute(c);
            Ok(())
        })
        .await
        .unwrap();
}

async fn a_broad_search_lists_the_newest_matches_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let desk = client_at(&app, Role::Advisor, Some(site)).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    many_vehicles(&app, site, owner).await;
    let list = |path: String| {
        let request = desk.get(app.url(&path));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let broad = list("/api/v1/vehicles/?q=toy&page_size=10&page=2".into()).await;
    assert_eq!(broad["count"], 1200, "the API counts every match");
    let plates: Vec<&str> = broad["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["license_plate"].as_str().unwrap())
        .collect();
    // Newest first, Hondas (every fifth) left out: the second page of ten.
    let expected: Vec<String> = (0..1500)
        .rev()
        .filter(|i| i % 5 != 4)
        .skip(10)
        .take(10)
        .map(|i| format!("ZZ {i:04}"))
        .collect();
    assert_eq!(plates, expected);
    let by_plate = list("/api/v1/vehicles/?q=toy&ordering=plate&page_size=3".into()).await;
    let plates: Vec<&str> = by_plate["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["license_plate"].as_str().unwrap())
        .collect();
    assert_eq!(plates, vec!["ZZ 0000", "ZZ 0001", "ZZ 0002"]);
    let page = desk
        .get(app.url("/vehicles?q=toy"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("ZZ 1498") && !page.contains("ZZ 1499"),
        "the page walks newest first too"
    );
    assert!(
        page.contains("more than"),
        "the pager counts a few pages ahead only"
    );
}

/// A customer created through the API by `client`; returns its id.
pub async fn new_customer(app: &TestApp, client: &reqwest::Client, last_name: &str) -> i64 {
    let body = json!({"first_name": "Ama", "last_name": last_name, "phone": "5550102030"});
    let response = call(app, client, Method::POST, "/api/v1/customers/", Some(body)).await;
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// A vehicle created through the API; returns the response.
pub async fn post_vehicle(
    app: &TestApp,
    client: &reqwest::Client,
    body: Value,
) -> reqwest::Response {
    call(app, client, Method::POST, "/api/v1/vehicles/", Some(body)).await
}

fn corolla(customer: i64, plate: &str) -> Value {
    json!({"customer": customer, "make": "Toyota", "model": "Corolla", "year": 2019, "license_plate": plate})
}

async fn an_advisor_registers_a_vehicle_at_their_own_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let desk = client_at(&app, Role::Advisor, Some(site)).await;
    let owner = new_customer(&app, &desk, "Mensah").await;

    let response = post_vehicle(&app, &desk, corolla(owner, " gr 123-ab ")).await;
    assert_eq!(response.status(), 201);
    let vehicle: Value = response.json().await.unwrap();
    assert_eq!(vehicle["license_plate"], "GR 123-AB");
    assert_eq!(
        vehicle["site_id"], site.0,
        "a site user's vehicles go to their site"
    );
    assert_eq!(vehicle["service_interval_days"], 180);
    assert_eq!(vehicle["customer_name"], "Ama Mensah");
    assert_eq!(vehicle["warnings"], json!([]));
    let id = vehicle["id"].as_i64().unwrap();

    let patch = json!({"odometer_km": "45 000", "service_interval_km": 10000, "last_serviced": "2026-01-15"});
    let patched = call(
        &app,
        &desk,
        Method::PATCH,
        &format!("/api/v1/vehicles/{id}/"),
        Some(patch),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["odometer_km"], 45000);
    assert_eq!(patched["last_serviced"], "2026-01-15");
    assert_eq!(
        patched["make"], "Toyota",
        "a partial update keeps the other fields"
    );

    let original_path = desk
        .get(app.url(&format!("/api/v1/vehicle/{id}/")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        original_path.status(),
        200,
        "the original's path still answers"
    );

    let deleted = call(
        &app,
        &desk,
        Method::DELETE,
        &format!("/api/v1/vehicles/{id}/"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    let gone = desk
        .get(app.url(&format!("/api/v1/vehicles/{id}/")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}

async fn plates_are_unique_whatever_the_case_spaces_or_hyphens(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    assert_eq!(
        post_vehicle(&app, &desk, corolla(owner, "AB12CD"))
            .await
            .status(),
        201
    );

    for same in ["ab 12 cd", "AB-12-CD", " a b 1 2 c d "] {
        let response = post_vehicle(&app, &desk, corolla(owner, same)).await;
        assert_eq!(response.status(), 400, "{same} is the same plate");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["license_plate"][0]
                .as_str()
                .unwrap()
                .contains("already registered"),
            "{body}"
        );
    }
    let other = post_vehicle(&app, &desk, corolla(owner, "AB12CE")).await;
    assert_eq!(other.status(), 201);
    let id = other.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let renamed = call(
        &app,
        &desk,
        Method::PATCH,
        &format!("/api/v1/vehicles/{id}/"),
        Some(json!({"license_plate": "ab-12-cd"})),
    )
    .await;
    assert_eq!(
        renamed.status(),
        400,
        "an edit cannot take another vehicle's plate"
    );
    let same_again = call(
        &app,
        &desk,
        Method::PATCH,
        &format!("/api/v1/vehicles/{id}/"),
        Some(json!({"license_plate": "ab 12 ce"})),
    )
    .await;
    assert_eq!(same_again.status(), 200, "a vehicle keeps its own plate");
}

async fn bad_vehicle_input_gets_field_errors_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let next_year = chrono::Datelike::year(&chrono::Utc::now()) + 1;
    let walk_in: Value = desk
        .get(app.url("/api/v1/customers/walkin/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let cases = [
        (
            json!({"make": "", "model": "X", "year": 2019, "license_plate": "A1", "customer": 999_999}),
            vec!["make", "customer"],
        ),
        (
            json!({"customer": walk_in["id"], "make": "Ford", "model": "Ka", "year": next_year + 1, "license_plate": "A1"}),
            vec!["customer", "year"],
        ),
        (
            json!({"customer": "abc", "make": "Ford", "model": "Ka", "year": "1899", "license_plate": "<b>"}),
            vec!["customer", "year", "license_plate"],
        ),
        (
            json!({"make": "Ford", "model": "Ka", "year": 2000, "license_plate": "A1", "vin": "123", "odometer_km": -5, "service_interval_days": 0, "last_serviced": "2999-01-01"}),
            vec![
                "customer",
                "vin",
                "odometer_km",
                "service_interval_days",
                "last_serviced",
            ],
        ),
        (
            json!({"make": "Ford", "model": "Ka", "year": "twenty", "license_plate": "A1", "vin": "1M8GDM9AXKP04278O"}),
            vec!["customer", "year", "vin"],
        ),
    ];
    for (body, fields) in cases {
        let response = post_vehicle(&app, &desk, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let errors: Value = response.json().await.unwrap();
        for field in fields {
            assert!(
                errors[field][0].is_string(),
                "{field} should be reported for {body}: {errors}"
            );
        }
    }
    let garbage = desk
        .post(app.url("/api/v1/vehicles/"))
        .header("X-CSRF-Token", app.csrf_token(&desk, "/account").await)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let list: Value = desk
        .get(app.url("/api/v1/vehicles/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 0, "nothing was written");
}

async fn a_wrong_vin_check_digit_only_warns(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    let mut body = corolla(owner, "VIN1");
    body["vin"] = json!("wvwzzz1jzxw000001");
    let response = post_vehicle(&app, &desk, body).await;
    assert_eq!(response.status(), 201);
    let vehicle: Value = response.json().await.unwrap();
    assert_eq!(vehicle["vin"], "WVWZZZ1JZXW000001");
    assert!(
        vehicle["warnings"][0]
            .as_str()
            .unwrap()
            .contains("check digit")
    );

    let mut body = corolla(owner, "VIN2");
    body["vin"] = json!("1M8GDM9AXKP042788");
    let vehicle: Value = post_vehicle(&app, &desk, body).await.json().await.unwrap();
    assert_eq!(
        vehicle["warnings"],
        json!([]),
        "a correct check digit does not warn"
    );
}

async fn a_site_user_never_sees_or_moves_another_sites_vehicles(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let north_desk = client_at(&app, Role::Advisor, Some(north)).await;
    let south_manager = client_at(&app, Role::Manager, Some(south)).await;
    let owner = new_customer(&app, &north_desk, "Mensah").await;
    let theirs: Value = post_vehicle(&app, &north_desk, corolla(owner, "NORTH1"))
        .await
        .json()
        .await
        .unwrap();
    let id = theirs["id"].as_i64().unwrap();

    let path = format!("/api/v1/vehicles/{id}/");
    assert_eq!(
        south_manager
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let list: Value = south_manager
        .get(app.url("/api/v1/vehicles/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 0);
    let by_site: Value = south_manager
        .get(app.url(&format!("/api/v1/vehicles/?site_id={}", north.0)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        by_site["count"], 0,
        "asking for another site's vehicles finds none"
    );
    for (method, body) in [
        (Method::PATCH, Some(json!({"make": "Hacked"}))),
        (Method::PUT, Some(json!({"make": "Hacked"}))),
        (Method::DELETE, None),
    ] {
        let response = call(&app, &south_manager, method.clone(), &path, body).await;
        assert_eq!(response.status(), 404, "{method} of another site's vehicle");
    }
    let page = south_manager
        .get(app.url(&format!("/vehicles/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    let edit = south_manager
        .get(app.url(&format!("/vehicles/{id}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 404);

    let mut into_north = corolla(owner, "SOUTH1");
    into_north["site"] = json!(north.0);
    let response = post_vehicle(&app, &south_manager, into_north).await;
    assert_eq!(
        response.status(),
        403,
        "cannot create a vehicle at another site"
    );
    let moved = call(
        &app,
        &north_desk,
        Method::PATCH,
        &path,
        Some(json!({"site_id": south.0})),
    )
    .await;
    assert_eq!(moved.status(), 403, "cannot move a vehicle to another site");

    let unchanged: Value = north_desk
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged["make"], "Toyota");
    assert_eq!(unchanged["site_id"], north.0);
}

async fn hq_reads_every_vehicle_and_changes_none(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let desk = client_at(&app, Role::Advisor, Some(site)).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    let id = post_vehicle(&app, &desk, corolla(owner, "HQ1"))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let hq = client_at(&app, Role::Hq, None).await;
    let path = format!("/api/v1/vehicles/{id}/");

    assert_eq!(hq.get(app.url(&path)).send().await.unwrap().status(), 200);
    let mut body = corolla(owner, "HQ2");
    body["site"] = json!(site.0);
    assert_eq!(post_vehicle(&app, &hq, body).await.status(), 403);
    assert_eq!(
        call(&app, &hq, Method::PATCH, &path, Some(json!({"make": "X"})))
            .await
            .status(),
        403
    );
    assert_eq!(
        call(&app, &hq, Method::DELETE, &path, None).await.status(),
        403
    );
    assert_eq!(
        hq.get(app.url("/vehicles/new"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let mechanic = client_at(&app, Role::Mechanic, Some(site)).await;
    assert_eq!(
        mechanic.get(app.url(&path)).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        mechanic
            .get(app.url("/api/v1/vehicles/"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        mechanic
            .get(app.url("/vehicles"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn vehicles_with_history_are_kept_and_changes_are_audited(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::{audit_log, service_requests};
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let desk = client_at(&app, Role::Manager, Some(site)).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    let id = post_vehicle(&app, &desk, corolla(owner, "HIST1"))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/vehicles/{id}/");
    assert_eq!(
        call(
            &app,
            &desk,
            Method::PATCH,
            &path,
            Some(json!({"model": "Camry"}))
        )
        .await
        .status(),
        200
    );

    let (vehicle, customer, site_id) = (id as i32, owner as i32, site.0);
    app.db
        .write(move |c| {
            let at = workshop::db::now();
            diesel::insert_into(service_requests::table)
                .values((
                    service_requests::display_number.eq("SR-2026-0001"),
                    service_requests::transaction_type.eq("service"),
                    service_requests::customer_id.eq(customer),
                    service_requests::vehicle_id.eq(vehicle),
                    service_requests::site_id.eq(site_id),
                    service_requests::description.eq("Brakes"),
                    service_requests::status.eq("Pending"),
                    service_requests::created_at.eq(at),
                    service_requests::updated_at.eq(at),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let refused = call(&app, &desk, Method::DELETE, &path, None).await;
    assert_eq!(refused.status(), 400);
    let detail: Value = refused.json().await.unwrap();
    assert!(detail["detail"].as_str().unwrap().contains("history"));
    let page = desk
        .get(app.url(&format!("/vehicles/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("SR-2026-0001"),
        "the history shows on the vehicle's page"
    );

    let entries: Vec<(String, String)> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("vehicle"))
                .filter(audit_log::entity_id.eq(vehicle))
                .order(audit_log::id)
                .select((audit_log::action, audit_log::changes))
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, "create");
    assert_eq!(entries[1].0, "update");
    let changes: Value = serde_json::from_str(&entries[1].1).unwrap();
    assert_eq!(changes["model"], json!(["Corolla", "Camry"]), "{changes}");
}

async fn ten_simultaneous_registrations_of_one_plate_make_one_vehicle(backend: Backend) {
    let app = spawn_app(backend).await;
    let desk = client_at(&app, Role::Advisor, None).await;
    let owner = new_customer(&app, &desk, "Mensah").await;
    let token = app.csrf_token(&desk, "/account").await;
    let attempts = (0..10).map(|i| {
        let plate = if i % 2 == 0 { "RACE 1" } else { "race-1" };
        desk.post(app.url("/api/v1/vehicles/"))
            .header("X-CSRF-Token", token.clone())
            .json(&corolla(owner, plate))
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 400),
        "{statuses:?}"
    );
    let list: Value = desk
        .get(app.url("/api/v1/vehicles/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 1);
}

async fn the_list_filters_by_plate_prefix_customer_and_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let boss = client_at(&app, Role::Superuser, None).await;
    let ama = new_customer(&app, &boss, "Mensah").await;
    let kofi = new_customer(&app, &boss, "Owusu").await;
    for (owner, plate, site) in [
        (ama, "GR-1001", north),
        (ama, "GR-2002", south),
        (kofi, "AS 1001", north),
    ] {
        let mut body = corolla(owner, plate);
        body["site"] = json!(site.0);
        assert_eq!(post_vehicle(&app, &boss, body).await.status(), 201);
    }
    let count = |query: &str| {
        let (boss, url) = (boss.clone(), app.url(&format!("/api/v1/vehicles/?{query}")));
        async move {
            let body: Value = boss.get(url).send().await.unwrap().json().await.unwrap();
            body["count"].as_i64().unwrap()
        }
    };
    assert_eq!(count("search=gr1").await, 1, "plate prefix ignores hyphens");
    assert_eq!(count("search=gr").await, 2);
    assert_eq!(count("q=as%201").await, 1);
    assert_eq!(count("q=owusu").await, 1, "owner's surname");
    assert_eq!(count("q=toyota%20gr").await, 2, "words narrow the search");
    assert_eq!(count(&format!("customer_id={ama}")).await, 2);
    assert_eq!(count(&format!("site_id={}", south.0)).await, 1);
    assert_eq!(
        count("site_id=abc&page=x&page_size=-1&ordering=nonsense").await,
        0,
        "a bad filter matches nothing and never fails"
    );
    assert_eq!(count("ordering=-plate").await, 3);
}
