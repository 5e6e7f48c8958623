use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, location, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_manager_adds_changes_and_removes_a_mechanic_of_their_site,
    only_managers_and_superusers_change_mechanics,
    a_manager_never_sees_or_moves_another_sites_mechanics,
    job_counts_and_history_show_and_keep_the_mechanic,
    the_mechanic_form_keeps_what_was_typed_and_hides_the_inactive,
);

async fn post_mechanic(app: &TestApp, client: &reqwest::Client, body: Value) -> reqwest::Response {
    call(app, client, Method::POST, "/api/v1/mechanics/", Some(body)).await
}

async fn a_manager_adds_changes_and_removes_a_mechanic_of_their_site(backend: Backend) {
    use diesel::prelude::*;
    use workshop::db::schema::audit_log;
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let manager = client_at(&app, Role::Manager, Some(site)).await;

    let response = post_mechanic(
        &app,
        &manager,
        json!({"name": " Kwame Boateng ", "phone_number": "555 010 4444"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let mechanic: Value = response.json().await.unwrap();
    assert_eq!(mechanic["name"], "Kwame Boateng");
    assert_eq!(mechanic["phone"], "+15550104444");
    assert_eq!(mechanic["site_id"], site.0);
    assert_eq!(mechanic["is_active"], true);
    let id = mechanic["id"].as_i64().unwrap();
    let path = format!("/api/v1/mechanics/{id}/");

    let bad = post_mechanic(
        &app,
        &manager,
        json!({"name": "", "phone": "12", "email": "x@"}),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let errors: Value = bad.json().await.unwrap();
    for field in ["name", "phone", "email"] {
        assert!(errors[field][0].is_string(), "{field}: {errors}");
    }

    let patched = call(
        &app,
        &manager,
        Method::PATCH,
        &path,
        Some(json!({"is_active": false})),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let active: Value = manager
        .get(app.url("/api/v1/mechanics/?is_active=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(active["count"], 0);
    let everyone: Value = manager
        .get(app.url("/api/v1/mechanic/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(everyone["count"], 1, "the original's path lists everyone");

    assert_eq!(
        call(&app, &manager, Method::DELETE, &path, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        manager.get(app.url(&path)).send().await.unwrap().status(),
        404
    );

    let id = id as i32;
    let actions: Vec<String> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("mechanic"))
                .filter(audit_log::entity_id.eq(id))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(c)?)
        })
        .await
        .unwrap();
    assert_eq!(actions, ["create", "update", "delete"]);
}

async fn only_managers_and_superusers_change_mechanics(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let created = post_mechanic(&app, &boss, json!({"name": "Yaw", "site": site.0})).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/mechanics/{id}/");
    let no_site = post_mechanic(&app, &boss, json!({"name": "Yaw"})).await;
    assert_eq!(no_site.status(), 400, "a superuser must say which site");

    for role in [Role::Advisor, Role::Hq] {
        let reader = client_at(&app, role, Some(site)).await;
        assert_eq!(
            reader.get(app.url(&path)).send().await.unwrap().status(),
            200,
            "{role:?} reads"
        );
        assert_eq!(
            reader
                .get(app.url(&format!("/mechanics/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let body = json!({"name": "X", "site": site.0});
        assert_eq!(
            post_mechanic(&app, &reader, body).await.status(),
            403,
            "{role:?} cannot add"
        );
        assert_eq!(
            call(
                &app,
                &reader,
                Method::PATCH,
                &path,
                Some(json!({"name": "X"}))
            )
            .await
            .status(),
            403
        );
        assert_eq!(
            call(&app, &reader, Method::DELETE, &path, None)
                .await
                .status(),
            403
        );
        assert_eq!(
            reader
                .get(app.url("/mechanics/new"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        let page = reader
            .get(app.url("/mechanics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !page.contains("New mechanic"),
            "{role:?} sees no add button"
        );
    }
    let mechanic = client_at(&app, Role::Mechanic, Some(site)).await;
    assert_eq!(
        mechanic.get(app.url(&path)).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        mechanic
            .get(app.url("/mechanics"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn a_manager_never_sees_or_moves_another_sites_mechanics(backend: Backend) {
    let app = spawn_app(backend).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let north_manager = client_at(&app, Role::Manager, Some(north)).await;
    let south_manager = client_at(&app, Role::Manager, Some(south)).await;
    let id = post_mechanic(&app, &north_manager, json!({"name": "Kwame"}))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/mechanics/{id}/");

    assert_eq!(
        south_manager
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    for page in [format!("/mechanics/{id}"), format!("/mechanics/{id}/edit")] {
        assert_eq!(
            south_manager
                .get(app.url(&page))
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "{page}"
        );
    }
    let list: Value = south_manager
        .get(app.url(&format!("/api/v1/mechanics/?site_id={}", north.0)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 0);
    assert_eq!(
        call(
            &app,
            &south_manager,
            Method::PATCH,
            &path,
            Some(json!({"name": "X"}))
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        call(&app, &south_manager, Method::DELETE, &path, None)
            .await
            .status(),
        404
    );
    let deleted = app
        .post_form(
            &south_manager,
            "/mechanics",
            &format!("/mechanics/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(deleted.status(), 404);
    let into_north = post_mechanic(
        &app,
        &south_manager,
        json!({"name": "Spy", "site_id": north.0}),
    )
    .await;
    assert_eq!(into_north.status(), 403);
    let moved = call(
        &app,
        &north_manager,
        Method::PATCH,
        &path,
        Some(json!({"site": south.0})),
    )
    .await;
    assert_eq!(moved.status(), 403);
    let still: Value = north_manager
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (still["name"].as_str(), still["site_id"].as_i64()),
        (Some("Kwame"), Some(i64::from(north.0)))
    );
}

/// A job assigned to `mechanic`, written straight to the database (jobs have no API yet).
async fn job(app: &TestApp, site: SiteId, mechanic: i32, number: &str, status: &str) {
    use diesel::prelude::*;
    use workshop::db::schema::{customers, service_requests, vehicles};
    let (number, status) = (number.to_owned(), status.to_owned());
    app.db
        .write(move |c| {
            let at = workshop::db::now();
            let customer: i32 = diesel::insert_into(customers::table)
                .values((
                    customers::first_name.eq("Ama"),
                    customers::last_name.eq("Mensah"),
                    customers::created_at.eq(at),
                    customers::updated_at.eq(at),
                ))
                .returning(customers::id)
                .get_result(c)?;
            let vehicle: i32 = diesel::insert_into(vehicles::table)
                .values((
                    vehicles::customer_id.eq(customer),
                    vehicles::site_id.eq(site.0),
                    vehicles::make.eq("Honda"),
                    vehicles::model.eq("Fit"),
                    vehicles::year.eq(2015),
                    vehicles::license_plate.eq(number.clone()),
                    vehicles::plate_key.eq(number.replace('-', "")),
                    vehicles::created_at.eq(at),
                    vehicles::updated_at.eq(at),
                ))
                .returning(vehicles::id)
                .get_result(c)?;
            diesel::insert_into(service_requests::table)
                .values((
                    service_requests::vehicle_id.eq(vehicle),
                    service_requests::display_number.eq(number),
                    service_requests::transaction_type.eq("service"),
                    service_requests::customer_id.eq(customer),
                    service_requests::site_id.eq(site.0),
                    service_requests::assigned_mechanic_id.eq(mechanic),
                    service_requests::completed_at.eq((status == "Completed").then_some(at)),
                    service_requests::cancelled_at.eq((status == "Cancelled").then_some(at)),
                    service_requests::status.eq(status),
                    service_requests::created_at.eq(at),
                    service_requests::updated_at.eq(at),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
}

async fn job_counts_and_history_show_and_keep_the_mechanic(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let manager = client_at(&app, Role::Manager, Some(site)).await;
    let id = post_mechanic(&app, &manager, json!({"name": "Kwame"}))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other = post_mechanic(&app, &manager, json!({"name": "Yaw"}))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    job(&app, site, id as i32, "SR-2026-0001", "Pending").await;
    job(&app, site, id as i32, "SR-2026-0002", "In Progress").await;
    job(&app, site, id as i32, "SR-2026-0003", "Completed").await;
    job(&app, site, id as i32, "SR-2026-0004", "Cancelled").await;
    job(&app, site, other as i32, "SR-2026-0005", "Completed").await;

    let list: Value = manager
        .get(app.url("/api/v1/mechanics/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kwame = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap();
    assert_eq!(
        (
            kwame["open_jobs"].as_i64(),
            kwame["completed_jobs"].as_i64()
        ),
        (Some(2), Some(1))
    );
    let page = manager
        .get(app.url(&format!("/mechanics/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for number in ["SR-2026-0001", "SR-2026-0002", "SR-2026-0003"] {
        assert!(page.contains(number), "{number} is on the page");
    }
    assert!(
        !page.contains("SR-2026-0005"),
        "another mechanic's job is not"
    );

    let refused = app
        .post_form(
            &manager,
            &format!("/mechanics/{id}"),
            &format!("/mechanics/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(location(&refused), format!("/mechanics/{id}"));
    let page = manager
        .get(app.url(&format!("/mechanics/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Mark them inactive instead."));
}

async fn the_mechanic_form_keeps_what_was_typed_and_hides_the_inactive(backend: Backend) {
    let app = spawn_app(backend).await;
    let site = app.create_site("North").await;
    let boss = client_at(&app, Role::Superuser, None).await;
    let bad = app
        .post_form(
            &boss,
            "/mechanics/new",
            "/mechanics/new",
            &[("name", "Kwame"), ("phone", "12"), ("is_active", "true")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains(r#"value="Kwame""#) && html.contains(r#"value="12""#));
    assert!(html.contains("Choose a site."));

    let site_id = site.0.to_string();
    let good = app
        .post_form(
            &boss,
            "/mechanics/new",
            "/mechanics/new",
            &[("name", "Kwame"), ("site", &site_id), ("is_active", "true")],
        )
        .await;
    assert_eq!(good.status(), 303);
    let target = location(&good);
    let page = boss
        .get(app.url(&target))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kwame added."));
    assert!(page.contains("Nothing assigned right now."));

    let edit = app
        .post_form(
            &boss,
            &format!("{target}/edit"),
            &format!("{target}/edit"),
            &[("name", "Kwame B."), ("site", &site_id)],
        )
        .await;
    assert_eq!(edit.status(), 303, "an unticked box deactivates");
    let active = boss
        .get(app.url("/mechanics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !active.contains("Kwame B."),
        "the list shows active mechanics by default"
    );
    assert!(active.contains("No mechanics"));
    let all = boss
        .get(app.url("/mechanics?status=all"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(all.contains("Kwame B.") && all.contains("Inactive"));
}
