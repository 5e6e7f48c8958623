use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};
use workshop::db::now;
use workshop::db::schema::{audit_log, inventory, inventory_transactions, products};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::customers_api::{call, client_as};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(
    a_superuser_creates_finds_updates_and_deletes_a_product,
    bad_product_input_gets_field_errors_and_changes_nothing,
    a_sku_is_unique_whatever_its_case_and_spaces,
    only_superusers_change_the_catalogue_and_everyone_reads_it,
    cost_and_margin_are_hidden_from_the_front_desk_and_mechanics,
    a_product_with_stock_history_is_kept_and_one_without_is_deleted,
    the_typeahead_shows_a_sites_stock_and_prefers_the_vehicle,
    every_product_change_is_in_the_audit_log,
    unparseable_product_parameters_never_fail,
);

/// A product created through the API as `client` (a superuser).
pub async fn create_product(app: &TestApp, client: &reqwest::Client, body: Value) -> Value {
    let response = call(app, client, Method::POST, "/api/v1/products/", Some(body)).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// A stock row written straight into the database (the inventory API has its own tests).
pub async fn stock_row(
    app: &TestApp,
    product: i64,
    site: SiteId,
    on_hand: i32,
    reserved: i32,
    restricted: bool,
) -> i32 {
    app.db
        .write(move |c| {
            let at = now();
            Ok(diesel::insert_into(inventory::table)
                .values((
                    inventory::product_id.eq(product as i32),
                    inventory::site_id.eq(site.0),
                    inventory::quantity_on_hand.eq(on_hand),
                    inventory::quantity_reserved.eq(reserved),
                    inventory::restricted.eq(restricted),
                    inventory::created_at.eq(at),
                    inventory::updated_at.eq(at),
                ))
                .returning(inventory::id)
                .get_result(c)?)
        })
        .await
        .unwrap()
}

pub async fn product_count(app: &TestApp) -> i64 {
    app.db
        .read(|c| Ok(products::table.count().get_result(c)?))
        .await
        .unwrap()
}

async fn get_json(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_superuser_creates_finds_updates_and_deletes_a_product(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;

    let product = create_product(&app, &owner, json!({
        "name": "Brake pad set", "sku": "BP-100", "category": "spare_part", "unit_of_measure": "set",
        "brand": "Bosch", "part_number": "0986", "fmsi_number": "D1234", "product_type": "BRAKEPAD",
        "application": "Toyota Corolla, Honda Civic", "position": "FRONT", "unit_price": "45.5", "cost_price": 30
    })).await;
    assert_eq!(product["unit_price"], "45.50");
    assert_eq!(product["cost_price"], "30.00");
    assert_eq!(product["margin_percent"], "51.7");
    assert_eq!(
        product["applications_list"],
        json!(["Toyota Corolla", "Honda Civic"])
    );
    assert_eq!(product["is_active"], true);
    let id = product["id"].as_i64().unwrap();

    for search in [
        "civic", "d1234", "bosch", "0986", "bp-100", "brakepad", "front",
    ] {
        let (_, found) =
            get_json(&app, &owner, &format!("/api/v1/products/?search={search}")).await;
        assert_eq!(found["count"], 1, "search over every text field: {search}");
    }
    let (_, none) = get_json(&app, &owner, "/api/v1/products/?q=civic%20nissan").await;
    assert_eq!(none["count"], 0, "every word must match");

    let patched = call(
        &app,
        &owner,
        Method::PATCH,
        &format!("/api/v1/products/{id}/"),
        Some(json!({"unit_price": "49.99", "is_active": false})),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["unit_price"], "49.99");
    assert_eq!(
        patched["brand"], "Bosch",
        "a partial update keeps the other fields"
    );
    let (_, active) = get_json(&app, &owner, "/api/v1/products/?is_active=true").await;
    assert_eq!(active["count"], 0);

    let deleted = call(
        &app,
        &owner,
        Method::DELETE,
        &format!("/api/v1/products/{id}/"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), 204);
    let (status, _) = get_json(&app, &owner, &format!("/api/v1/products/{id}/")).await;
    assert_eq!(status, 404);
}

async fn bad_product_input_gets_field_errors_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;

    let response = call(&app, &owner, Method::POST, "/api/v1/products/", Some(json!({
        "name": "  ", "unit_price": "-1", "cost_price": "1.005", "category": "tyres", "unit_of_measure": "gallon"
    }))).await;
    assert_eq!(response.status(), 400);
    let errors: Value = response.json().await.unwrap();
    assert_eq!(errors["name"][0], "This field is required.");
    assert_eq!(errors["unit_price"][0], "The amount cannot be negative.");
    assert_eq!(errors["cost_price"][0], "Use at most two decimals.");
    assert!(
        errors["category"][0]
            .as_str()
            .unwrap()
            .starts_with("Choose one of")
    );
    assert!(
        errors["unit_of_measure"][0]
            .as_str()
            .unwrap()
            .starts_with("Choose one of")
    );

    for (price, message) in [
        ("", "Enter an amount, like 12.50."),
        ("12,50 €", "Enter an amount in digits, like 12.50."),
        (
            "99999999",
            "The amount is too large (at most 10,000,000.00).",
        ),
    ] {
        let response = call(
            &app,
            &owner,
            Method::POST,
            "/api/v1/products/",
            Some(json!({"name": "Pad", "unit_price": price})),
        )
        .await;
        assert_eq!(response.status(), 400);
        let errors: Value = response.json().await.unwrap();
        assert_eq!(errors["unit_price"][0], message, "{price}");
    }
    let malformed = owner
        .post(app.url("/api/v1/products/"))
        .header("X-CSRF-Token", app.csrf_token(&owner, "/account").await)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(product_count(&app).await, 0);
}

async fn a_sku_is_unique_whatever_its_case_and_spaces(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    create_product(
        &app,
        &owner,
        json!({"name": "Pad", "sku": "BP-100", "unit_price": "1"}),
    )
    .await;
    let other = create_product(
        &app,
        &owner,
        json!({"name": "Disc", "sku": "DS-1", "unit_price": "1"}),
    )
    .await;

    let duplicate = call(
        &app,
        &owner,
        Method::POST,
        "/api/v1/products/",
        Some(json!({"name": "Pad again", "sku": "  bp-100 ", "unit_price": "2"})),
    )
    .await;
    assert_eq!(duplicate.status(), 400);
    let errors: Value = duplicate.json().await.unwrap();
    assert_eq!(
        errors["sku"][0],
        "A product with SKU “bp-100” already exists."
    );

    let renamed = call(
        &app,
        &owner,
        Method::PATCH,
        &format!("/api/v1/products/{}/", other["id"]),
        Some(json!({"sku": "Bp-100"})),
    )
    .await;
    assert_eq!(renamed.status(), 400);

    let keeps_own = call(
        &app,
        &owner,
        Method::PATCH,
        &format!("/api/v1/products/{}/", other["id"]),
        Some(json!({"sku": "ds-1"})),
    )
    .await;
    assert_eq!(
        keeps_own.status(),
        200,
        "a product may change the case of its own SKU"
    );
    for _ in 0..2 {
        create_product(
            &app,
            &owner,
            json!({"name": "No SKU", "sku": "", "unit_price": "1"}),
        )
        .await;
    }
    assert_eq!(product_count(&app).await, 4, "blank SKUs do not collide");
}

async fn only_superusers_change_the_catalogue_and_everyone_reads_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let product = create_product(&app, &owner, json!({"name": "Pad", "unit_price": "1"})).await;
    let path = format!("/api/v1/products/{}/", product["id"]);
    for role in [Role::Hq, Role::Manager, Role::Advisor, Role::Mechanic] {
        let client = client_as(&app, role).await;
        assert_eq!(
            get_json(&app, &client, &path).await.0,
            200,
            "{role:?} reads"
        );
        assert_eq!(get_json(&app, &client, "/api/v1/products/").await.0, 200);
        let body = json!({"name": "Mine", "unit_price": "1"});
        let create = call(&app, &client, Method::POST, "/api/v1/products/", Some(body)).await;
        assert_eq!(create.status(), 403, "{role:?} creates");
        let patch = call(
            &app,
            &client,
            Method::PATCH,
            &path,
            Some(json!({"unit_price": "0"})),
        )
        .await;
        assert_eq!(patch.status(), 403, "{role:?} changes");
        let delete = call(&app, &client, Method::DELETE, &path, None).await;
        assert_eq!(delete.status(), 403, "{role:?} deletes");
    }
    let anonymous = crate::helpers::new_client();
    assert_eq!(get_json(&app, &anonymous, &path).await.0, 401);
    let (_, unchanged) = get_json(&app, &owner, &path).await;
    assert_eq!(unchanged["unit_price"], "1.00");
}

async fn cost_and_margin_are_hidden_from_the_front_desk_and_mechanics(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let product = create_product(
        &app,
        &owner,
        json!({"name": "Oil filter", "unit_price": "19.99", "cost_price": "7.35"}),
    )
    .await;
    let id = product["id"].as_i64().unwrap();
    for (role, sees) in [
        (Role::Hq, true),
        (Role::Manager, true),
        (Role::Advisor, false),
        (Role::Mechanic, false),
    ] {
        let client = client_as(&app, role).await;
        let (_, detail) = get_json(&app, &client, &format!("/api/v1/products/{id}/")).await;
        let (_, list) = get_json(&app, &client, "/api/v1/products/").await;
        for dto in [&detail, &list["results"][0]] {
            assert_eq!(dto.get("cost_price").is_some(), sees, "{role:?} JSON");
            assert_eq!(dto.get("margin_percent").is_some(), sees, "{role:?} JSON");
        }
        for page in [
            "/products".to_owned(),
            format!("/products/{id}"),
            "/products/export.csv".to_owned(),
        ] {
            let html = client
                .get(app.url(&page))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains("19.99"), "{role:?} sees the price on {page}");
            assert_eq!(html.contains("7.35"), sees, "{role:?} cost on {page}");
        }
    }
}

async fn a_product_with_stock_history_is_kept_and_one_without_is_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let site = app.create_site("North").await;
    let moved = create_product(&app, &owner, json!({"name": "Moved", "unit_price": "1"})).await;
    let stocked = create_product(&app, &owner, json!({"name": "Stocked", "unit_price": "1"})).await;
    let row = stock_row(&app, moved["id"].as_i64().unwrap(), site, 5, 0, false).await;
    stock_row(&app, stocked["id"].as_i64().unwrap(), site, 0, 0, false).await;
    app.db
        .write(move |c| {
            diesel::insert_into(inventory_transactions::table)
                .values((
                    inventory_transactions::inventory_id.eq(row),
                    inventory_transactions::kind.eq("in"),
                    inventory_transactions::quantity.eq(5),
                    inventory_transactions::quantity_after.eq(5),
                    inventory_transactions::created_at.eq(now()),
                ))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();

    let refused = call(
        &app,
        &owner,
        Method::DELETE,
        &format!("/api/v1/products/{}/", moved["id"]),
        None,
    )
    .await;
    assert_eq!(refused.status(), 400);
    let detail: Value = refused.json().await.unwrap();
    assert!(
        detail["detail"]
            .as_str()
            .unwrap()
            .contains("Deactivate it instead")
    );

    let page = app
        .post_form(
            &owner,
            "/products",
            &format!("/products/{}/delete", moved["id"]),
            &[],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&page),
        format!("/products/{}", moved["id"])
    );
    let html = owner
        .get(app.url(&crate::helpers::location(&page)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Deactivate it instead"),
        "the refusal is shown on the page"
    );

    let deleted = call(
        &app,
        &owner,
        Method::DELETE,
        &format!("/api/v1/products/{}/", stocked["id"]),
        None,
    )
    .await;
    assert_eq!(
        deleted.status(),
        204,
        "an empty stock row does not keep a product"
    );
    assert_eq!(product_count(&app).await, 1);
}

async fn the_typeahead_shows_a_sites_stock_and_prefers_the_vehicle(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let (north, south) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let civic = create_product(
        &app,
        &owner,
        json!({"name": "Pad B", "sku": "B", "application": "Honda Civic", "unit_price": "10"}),
    )
    .await;
    let corolla = create_product(
        &app,
        &owner,
        json!({"name": "Pad A", "sku": "A", "application": "Toyota Corolla", "unit_price": "12"}),
    )
    .await;
    let hidden = create_product(
        &app,
        &owner,
        json!({"name": "Pad C", "unit_price": "1", "is_active": false}),
    )
    .await;
    stock_row(&app, civic["id"].as_i64().unwrap(), north, 10, 3, false).await;
    stock_row(&app, hidden["id"].as_i64().unwrap(), north, 1, 0, false).await;
    stock_row(&app, corolla["id"].as_i64().unwrap(), south, 4, 0, false).await;

    let (_, all) = get_json(&app, &owner, "/api/v1/products/search/?q=pad").await;
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Pad A", "Pad B"], "inactive products are left out");
    let (_, fitting) = get_json(
        &app,
        &owner,
        "/api/v1/products/search/?q=pad&vehicle=Honda%20Civic",
    )
    .await;
    assert_eq!(
        fitting[0]["name"], "Pad B",
        "products for the vehicle come first"
    );
    assert_eq!(
        fitting.as_array().unwrap().len(),
        2,
        "the others still follow"
    );

    let desk = client_as(&app, Role::Advisor).await;
    let north_desk = crate::helpers::new_client();
    app.create_user("north-desk@example.com", Role::Advisor, Some(north))
        .await;
    app.sign_in_as(
        &north_desk,
        "north-desk@example.com",
        crate::helpers::PASSWORD,
    )
    .await;
    let (status, at_north) = get_json(
        &app,
        &north_desk,
        &format!("/api/v1/products/search/?site_id={}", north.0),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(at_north.as_array().unwrap().len(), 1);
    assert_eq!(at_north[0]["name"], "Pad B");
    assert_eq!(
        at_north[0]["available_quantity"], 7,
        "on hand minus reserved"
    );
    assert_eq!(at_north[0]["unit_price"], "10.00");
    let (status, _) = get_json(
        &app,
        &north_desk,
        &format!("/api/v1/products/search/?site_id={}", south.0),
    )
    .await;
    assert_eq!(
        status, 404,
        "another site's stock does not exist for a site user"
    );
    let (status, _) = get_json(&app, &desk, "/api/v1/products/search/?site_id=9999").await;
    assert_eq!(status, 404);
    let (status, _) = get_json(&app, &desk, "/api/v1/products/search/?site_id=abc").await;
    assert_eq!(status, 400);
    let (_, limited) = get_json(&app, &owner, "/api/v1/products/search/?limit=1").await;
    assert_eq!(limited.as_array().unwrap().len(), 1);
}

async fn every_product_change_is_in_the_audit_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let product = create_product(&app, &owner, json!({"name": "Pad", "unit_price": "1"})).await;
    let id = product["id"].as_i64().unwrap() as i32;
    let path = format!("/api/v1/products/{id}/");
    call(
        &app,
        &owner,
        Method::PATCH,
        &path,
        Some(json!({"unit_price": "2.50"})),
    )
    .await;
    call(&app, &owner, Method::DELETE, &path, None).await;
    let entries: Vec<(String, String, Option<i32>)> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("product"))
                .filter(audit_log::entity_id.eq(id))
                .order(audit_log::id)
                .select((audit_log::action, audit_log::changes, audit_log::user_id))
                .load(c)?)
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    let update: Value = serde_json::from_str(&entries[1].1).unwrap();
    assert_eq!(update, json!({"unit_price": ["1.00", "2.50"]}));
    assert!(entries.iter().all(|e| e.2.is_some()));
}

async fn unparseable_product_parameters_never_fail(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    create_product(
        &app,
        &owner,
        json!({"name": "100% pure_oil", "unit_price": "1"}),
    )
    .await;
    create_product(
        &app,
        &owner,
        json!({"name": "Other oil", "unit_price": "1"}),
    )
    .await;
    for path in [
        "/api/v1/products/?page=abc&page_size=-1&ordering=%27;drop&is_active=maybe&category=zzz",
        "/api/v1/products/search/?limit=lots&q=%25",
        "/products?page=x&sort=nonsense&active=perhaps&category=%00",
        "/products/export.csv?sort=%27",
        "/products/abc",
    ] {
        let status = owner
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
    let (_, literal) = get_json(&app, &owner, "/api/v1/products/?q=100%25").await;
    assert_eq!(
        literal["count"], 1,
        "% is matched literally, not as a wildcard"
    );
    let (_, underscore) = get_json(&app, &owner, "/api/v1/products/?q=r_o").await;
    assert_eq!(underscore["count"], 0, "_ is matched literally");
}
