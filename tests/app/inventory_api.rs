use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};
use workshop::db::schema::{audit_log, inventory, inventory_transactions};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::customers_api::{call, client_as};
use crate::helpers::{Backend, PASSWORD, TestApp, new_client, spawn_app};
use crate::on_both_databases;
use crate::products_api::create_product;

on_both_databases!(
    a_manager_stocks_receives_counts_and_adjusts_at_their_site,
    bad_movements_are_refused_with_clear_messages_and_change_nothing,
    a_product_is_stocked_once_per_site,
    a_site_user_never_sees_or_changes_another_sites_stock,
    hq_and_the_front_desk_read_stock_and_cannot_change_it,
    restricted_rows_exist_only_for_managers_and_superusers,
    twenty_parallel_removals_of_one_from_ten_leave_exactly_zero,
    a_row_with_movements_is_kept_and_one_without_is_deleted,
    low_stock_status_and_search_filters_narrow_the_list,
    every_stock_change_is_audited_with_its_user,
);

/// A client signed in as a new user of `role` at `site`.
pub async fn user_at(app: &TestApp, role: Role, site: Option<SiteId>) -> reqwest::Client {
    let email = format!(
        "{}-{}@example.com",
        role.as_str(),
        &workshop::auth::api_tokens::random_token()[..8]
    );
    app.create_user(&email, role, site).await;
    let client = new_client();
    assert_eq!(
        app.sign_in_as(&client, &email, PASSWORD).await.status(),
        303
    );
    client
}

/// Two sites, a product, and a stock row at each site (`A` with 10 on hand).
pub struct Stocked {
    pub a: SiteId,
    pub b: SiteId,
    pub owner: reqwest::Client,
    pub product: i64,
    pub row_a: i64,
    pub row_b: i64,
}

pub async fn stocked(app: &TestApp) -> Stocked {
    let owner = client_as(app, Role::Superuser).await;
    let (a, b) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let product = create_product(
        app,
        &owner,
        json!({"name": "Brake pad", "sku": "BP-1", "unit_price": "20", "cost_price": "9"}),
    )
    .await;
    let product = product["id"].as_i64().unwrap();
    let mut rows = Vec::new();
    for (site, quantity) in [(a, 10), (b, 3)] {
        let body = json!({"product": product, "site_id": site.0, "quantity_on_hand": quantity, "reorder_level": 2});
        let created = call(app, &owner, Method::POST, "/api/v1/inventory/", Some(body)).await;
        assert_eq!(created.status(), 201);
        rows.push(
            created.json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    Stocked {
        a,
        b,
        owner,
        product,
        row_a: rows[0],
        row_b: rows[1],
    }
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Value) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    let response = call(app, client, Method::POST, path, Some(body)).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn movements(app: &TestApp, row: i64) -> i64 {
    app.db
        .read(move |c| {
            Ok(inventory_transactions::table
                .filter(inventory_transactions::inventory_id.eq(row as i32))
                .count()
                .get_result(c)?)
        })
        .await
        .unwrap()
}

async fn a_manager_stocks_receives_counts_and_adjusts_at_their_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let site = app.create_site("North").await;
    let product = create_product(
        &app,
        &owner,
        json!({"name": "Oil filter", "unit_price": "9"}),
    )
    .await;
    let manager = user_at(&app, Role::Manager, Some(site)).await;

    let (status, row) = post(&app, &manager, "/api/v1/inventory/",
        json!({"product": product["id"], "quantity_on_hand": "5", "bin_location": "A-3", "reorder_level": 4, "reorder_quantity": 20})).await;
    assert_eq!(status, 201, "{row}");
    assert_eq!(row["site_id"], site.0, "a manager's row is at their site");
    assert_eq!(row["quantity_on_hand"], 5);
    let id = row["id"].as_i64().unwrap();

    let (status, received) = post(
        &app,
        &manager,
        &format!("/api/v1/inventory/{id}/receive/"),
        json!({"quantity": 10, "unit_cost": "4.50", "supplier_reference": "DN-778"}),
    )
    .await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["quantity_on_hand"], 15);
    assert!(received["last_restocked_at"].is_string());

    let (_, counted) = post(
        &app,
        &manager,
        &format!("/api/v1/inventory/{id}/count/"),
        json!({"counted_quantity": 12}),
    )
    .await;
    assert_eq!(counted["quantity_on_hand"], 12);
    assert!(counted["last_counted_at"].is_string());

    let (_, adjusted) = post(
        &app,
        &manager,
        &format!("/api/v1/inventory/{id}/adjust/"),
        json!({"quantity": -2, "reason": "Damaged box"}),
    )
    .await;
    assert_eq!(adjusted["quantity_on_hand"], 10);
    assert_eq!(adjusted["available_quantity"], 10);

    let (_, history) = get(
        &app,
        &manager,
        &format!("/api/v1/inventory/{id}/transactions/"),
    )
    .await;
    let lines = history["results"].as_array().unwrap();
    let summary: Vec<(&str, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["transaction_type"].as_str().unwrap(),
                l["quantity"].as_i64().unwrap(),
                l["quantity_after"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("adjust", -2, 10),
            ("count", -3, 12),
            ("in", 10, 15),
            ("count", 5, 5)
        ]
    );
    assert_eq!(lines[0]["reason"], "Damaged box");
    assert_eq!(lines[2]["reason"], "Supplier reference DN-778");
    assert_eq!(lines[2]["unit_cost"], "4.50");
    assert_eq!(lines[3]["reason"], "Opening stock");
    assert!(
        lines.iter().all(|l| l["created_by"] == "Test Site manager"),
        "the user is recorded"
    );

    let response = call(
        &app,
        &manager,
        Method::PATCH,
        &format!("/api/v1/inventory/{id}/"),
        Some(json!({"bin_location": "B-1", "quantity_on_hand": 999})),
    )
    .await;
    assert_eq!(response.status(), 200);
    let patched: Value = response.json().await.unwrap();
    assert_eq!(patched["bin_location"], "B-1");
    assert_eq!(
        patched["quantity_on_hand"], 10,
        "quantities move only through movements"
    );
}

async fn bad_movements_are_refused_with_clear_messages_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let row = s.row_a;
    app.db
        .write(move |c| {
            diesel::update(inventory::table.find(row as i32))
                .set(inventory::quantity_reserved.eq(4))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let before = movements(&app, row).await;
    let cases = [
        (
            "receive",
            json!({"quantity": 0}),
            "quantity",
            "Enter how many arrived (more than 0).",
        ),
        (
            "receive",
            json!({"quantity": "ten"}),
            "quantity",
            "Enter a whole number, like 5.",
        ),
        (
            "receive",
            json!({"quantity": 1, "unit_cost": "-1"}),
            "unit_cost",
            "The amount cannot be negative.",
        ),
        ("receive", json!({}), "quantity", "Enter a quantity."),
        (
            "count",
            json!({"quantity": -1}),
            "quantity",
            "The counted quantity cannot be negative.",
        ),
        (
            "count",
            json!({"quantity": 3}),
            "quantity",
            "4 are reserved for jobs, so at least 4 must stay on hand.",
        ),
        (
            "adjust",
            json!({"quantity": 0, "reason": "x"}),
            "quantity",
            "Enter how many to add (like 3) or remove (like -3); not 0.",
        ),
        (
            "adjust",
            json!({"quantity": -1}),
            "reason",
            "This field is required.",
        ),
        (
            "adjust",
            json!({"quantity": -11, "reason": "lost"}),
            "quantity",
            "Only 10 on hand: stock cannot go below zero.",
        ),
        (
            "adjust",
            json!({"quantity": -7, "reason": "lost"}),
            "quantity",
            "4 are reserved for jobs, so at least 4 must stay on hand.",
        ),
        (
            "adjust",
            json!({"quantity": 99_999_999, "reason": "x"}),
            "quantity",
            "That quantity is too large.",
        ),
    ];
    for (action, body, field, message) in cases {
        let (status, errors) = post(
            &app,
            &s.owner,
            &format!("/api/v1/inventory/{row}/{action}/"),
            body.clone(),
        )
        .await;
        assert_eq!(status, 400, "{action} {body}");
        assert_eq!(errors[field][0], message, "{action} {body}");
    }
    let (_, after) = get(&app, &s.owner, &format!("/api/v1/inventory/{row}/")).await;
    assert_eq!(after["quantity_on_hand"], 10);
    assert_eq!(after["available_quantity"], 6);
    assert_eq!(movements(&app, row).await, before, "nothing was recorded");
    let (status, _) = post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": "abc", "site_id": s.a.0, "reorder_level": -1}),
    )
    .await;
    assert_eq!(status, 400);
}

async fn a_product_is_stocked_once_per_site(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let (status, errors) = post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": s.product, "site_id": s.a.0}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        errors["product"][0],
        "Brake pad is already stocked at North. Open that row to change it."
    );
    let (status, errors) = post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": 9999, "site_id": s.a.0}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(errors["product"][0], "Choose a product from the catalogue.");
    let (status, errors) = post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": s.product}),
    )
    .await;
    assert_eq!(status, 400, "a superuser must say where");
    assert_eq!(errors["site"][0], "Choose a site.");
}

async fn a_site_user_never_sees_or_changes_another_sites_stock(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let other = format!("/api/v1/inventory/{}", s.row_b);
    for role in [Role::Manager, Role::Advisor] {
        let client = user_at(&app, role, Some(s.a)).await;
        for path in [format!("{other}/"), format!("{other}/transactions/")] {
            assert_eq!(
                get(&app, &client, &path).await.0,
                404,
                "{role:?} GET {path}"
            );
        }
        let patch = call(
            &app,
            &client,
            Method::PATCH,
            &format!("{other}/"),
            Some(json!({"bin_location": "X"})),
        )
        .await;
        assert_eq!(patch.status(), 404, "{role:?} PATCH");
        let delete = call(&app, &client, Method::DELETE, &format!("{other}/"), None).await;
        assert_eq!(delete.status(), 404, "{role:?} DELETE");
        for action in ["receive", "count", "adjust"] {
            let (status, _) = post(
                &app,
                &client,
                &format!("{other}/{action}/"),
                json!({"quantity": 1, "reason": "x"}),
            )
            .await;
            assert_eq!(status, 404, "{role:?} {action}");
        }
        let (_, list) = get(
            &app,
            &client,
            &format!("/api/v1/inventory/?site_id={}", s.b.0),
        )
        .await;
        assert_eq!(
            list["count"], 1,
            "{role:?} sees only their own site's row whatever they ask"
        );
        assert_eq!(list["results"][0]["id"], s.row_a);
        let (status, _) = post(
            &app,
            &client,
            "/api/v1/inventory/",
            json!({"product": s.product, "site_id": s.b.0}),
        )
        .await;
        assert_eq!(status, 403, "{role:?} creating stock at another site");
        for page in [
            format!("/inventory/{}", s.row_b),
            format!("/inventory/{}/receive", s.row_b),
            format!("/inventory/{}/edit", s.row_b),
        ] {
            let status = client.get(app.url(&page)).send().await.unwrap().status();
            assert_eq!(
                status,
                if role == Role::Advisor && page.ends_with("edit") {
                    403
                } else {
                    404
                },
                "{role:?} {page}"
            );
        }
        let posted = app
            .post_form(
                &client,
                "/inventory",
                &format!("/inventory/{}/adjust", s.row_b),
                &[("quantity", "-1"), ("reason", "x")],
            )
            .await;
        assert_eq!(posted.status(), 404, "{role:?} page adjust");
        let html = client
            .get(app.url("/inventory"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains(&format!("/inventory/{}\"", s.row_b)));
    }
    let (_, row) = get(&app, &s.owner, &format!("{other}/")).await;
    assert_eq!(row["quantity_on_hand"], 3, "unchanged");
    assert_eq!(row["bin_location"], "");
}

async fn hq_and_the_front_desk_read_stock_and_cannot_change_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let hq = user_at(&app, Role::Hq, None).await;
    let desk = user_at(&app, Role::Advisor, Some(s.a)).await;
    let (_, all) = get(&app, &hq, "/api/v1/inventory/").await;
    assert_eq!(all["count"], 2);
    for client in [&hq, &desk] {
        let row = format!("/api/v1/inventory/{}", s.row_a);
        assert_eq!(get(&app, client, &format!("{row}/")).await.0, 200);
        assert_eq!(
            get(&app, client, &format!("{row}/transactions/")).await.0,
            200
        );
        let (status, body) = post(
            &app,
            client,
            &format!("{row}/receive/"),
            json!({"quantity": 5}),
        )
        .await;
        assert_eq!(status, 403);
        assert_eq!(
            body["detail"],
            "Only a site manager or a superuser can change stock."
        );
        assert_eq!(
            post(
                &app,
                client,
                &format!("{row}/count/"),
                json!({"quantity": 5})
            )
            .await
            .0,
            403
        );
        assert_eq!(
            post(
                &app,
                client,
                &format!("{row}/adjust/"),
                json!({"quantity": 1, "reason": "x"})
            )
            .await
            .0,
            403
        );
        assert_eq!(
            post(
                &app,
                client,
                "/api/v1/inventory/",
                json!({"product": s.product, "site_id": s.a.0})
            )
            .await
            .0,
            403
        );
        let patch = call(
            &app,
            client,
            Method::PATCH,
            &format!("{row}/"),
            Some(json!({"bin_location": "X"})),
        )
        .await;
        assert_eq!(patch.status(), 403);
        let delete = call(&app, client, Method::DELETE, &format!("{row}/"), None).await;
        assert_eq!(delete.status(), 403);
        let html = client
            .get(app.url(&format!("/inventory/{}", s.row_a)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("Receive stock"), "no write buttons");
        assert_eq!(
            client
                .get(app.url("/inventory/new"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
    let (_, history) = get(
        &app,
        &desk,
        &format!("/api/v1/inventory/{}/transactions/", s.row_a),
    )
    .await;
    assert!(
        history["results"][0].get("unit_cost").is_none(),
        "no costs for the front desk"
    );
    let mechanic = user_at(&app, Role::Mechanic, Some(s.a)).await;
    assert_eq!(get(&app, &mechanic, "/api/v1/inventory/").await.0, 403);
    assert_eq!(
        get(&app, &mechanic, &format!("/api/v1/inventory/{}/", s.row_a))
            .await
            .0,
        403
    );
    assert_eq!(
        mechanic
            .get(app.url("/inventory"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let (_, row) = get(&app, &s.owner, &format!("/api/v1/inventory/{}/", s.row_a)).await;
    assert_eq!(row["quantity_on_hand"], 10);
}

async fn restricted_rows_exist_only_for_managers_and_superusers(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let manager = user_at(&app, Role::Manager, Some(s.a)).await;
    let path = format!("/api/v1/inventory/{}/", s.row_a);
    let patched = call(
        &app,
        &manager,
        Method::PATCH,
        &path,
        Some(json!({"restricted": true})),
    )
    .await;
    assert_eq!(patched.status(), 200);
    let desk = user_at(&app, Role::Advisor, Some(s.a)).await;
    let hq = user_at(&app, Role::Hq, None).await;
    for client in [&desk, &hq] {
        assert_eq!(get(&app, client, &path).await.0, 404);
        let (_, list) = get(&app, client, "/api/v1/inventory/").await;
        assert!(
            list["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != s.row_a)
        );
        let status = client
            .get(app.url(&format!("/inventory/{}", s.row_a)))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 404);
        let (_, search) = get(
            &app,
            client,
            &format!("/api/v1/products/search/?site_id={}", s.a.0),
        )
        .await;
        assert_eq!(
            search.as_array().map(Vec::len),
            Some(0),
            "not offered in the parts search"
        );
    }
    assert_eq!(get(&app, &manager, &path).await.0, 200);
    assert_eq!(get(&app, &s.owner, &path).await.0, 200);
    let (status, _) = post(
        &app,
        &manager,
        &format!("{path}adjust/"),
        json!({"quantity": -1, "reason": "used in workshop"}),
    )
    .await;
    assert_eq!(status, 200, "managers change restricted rows");
}

async fn twenty_parallel_removals_of_one_from_ten_leave_exactly_zero(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let token = app.csrf_token(&s.owner, "/account").await;
    let url = app.url(&format!("/api/v1/inventory/{}/adjust/", s.row_a));
    let requests = (0..20).map(|i| {
        let request = s
            .owner
            .post(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"quantity": -1, "reason": format!("parallel {i}")}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(requests).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        10,
        "{statuses:?}"
    );
    let (_, row) = get(&app, &s.owner, &format!("/api/v1/inventory/{}/", s.row_a)).await;
    assert_eq!(row["quantity_on_hand"], 0);
    let (_, history) = get(
        &app,
        &s.owner,
        &format!("/api/v1/inventory/{}/transactions/?page_size=100", s.row_a),
    )
    .await;
    let adjusts: Vec<i64> = history["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["transaction_type"] == "adjust")
        .map(|l| l["quantity_after"].as_i64().unwrap())
        .collect();
    assert_eq!(
        adjusts,
        (0..10).collect::<Vec<i64>>(),
        "ten movements, each quantity_after one less"
    );
}

async fn a_row_with_movements_is_kept_and_one_without_is_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let response = call(
        &app,
        &s.owner,
        Method::DELETE,
        &format!("/api/v1/inventory/{}/", s.row_a),
        None,
    )
    .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("has movements"));
    let empty = create_product(&app, &s.owner, json!({"name": "Empty", "unit_price": "1"})).await;
    let (_, row) = post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": empty["id"], "site_id": s.a.0}),
    )
    .await;
    let path = format!("/api/v1/inventory/{}/", row["id"]);
    assert_eq!(
        call(&app, &s.owner, Method::DELETE, &path, None)
            .await
            .status(),
        204
    );
    assert_eq!(get(&app, &s.owner, &path).await.0, 404);
}

async fn low_stock_status_and_search_filters_narrow_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let other = create_product(
        &app,
        &s.owner,
        json!({"name": "Air filter", "sku": "AF-9", "unit_price": "1"}),
    )
    .await;
    post(
        &app,
        &s.owner,
        "/api/v1/inventory/",
        json!({"product": other["id"], "site_id": s.a.0, "bin_location": "Z-9"}),
    )
    .await;
    post(
        &app,
        &s.owner,
        &format!("/api/v1/inventory/{}/adjust/", s.row_b),
        json!({"quantity": -1, "reason": "x"}),
    )
    .await;
    let ids = |v: &Value| -> Vec<i64> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let (_, low) = get(&app, &s.owner, "/api/v1/inventory/low-stock/").await;
    assert_eq!(ids(&low), [s.row_b], "2 on hand, reorder level 2");
    assert_eq!(low["results"][0]["is_low_stock"], true);
    let (_, out) = get(
        &app,
        &s.owner,
        "/api/v1/inventory/?stock_status=out_of_stock",
    )
    .await;
    assert_eq!(out["count"], 1);
    assert_eq!(out["results"][0]["product_sku"], "AF-9");
    let (_, by_bin) = get(&app, &s.owner, "/api/v1/inventory/?search=z-9").await;
    assert_eq!(by_bin["count"], 1);
    let (_, by_site) = get(
        &app,
        &s.owner,
        &format!("/api/v1/inventory/?site_id={}&ordering=qty_desc", s.a.0),
    )
    .await;
    assert_eq!(ids(&by_site)[0], s.row_a);
    let (_, by_product) = get(
        &app,
        &s.owner,
        &format!("/api/v1/inventory/?product={}", s.product),
    )
    .await;
    assert_eq!(by_product["count"], 2);
    for odd in [
        "?site_id=x&status=weird&ordering=%27&page=-3",
        "?low_stock=yes&page_size=abc",
    ] {
        assert_eq!(
            get(&app, &s.owner, &format!("/api/v1/inventory/{odd}"))
                .await
                .0,
            200
        );
    }
    let html = s
        .owner
        .get(app.url("/inventory/low-stock"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("/inventory/{}\"", s.row_b))
            && !html.contains(&format!("/inventory/{}\"", s.row_a))
    );
}

async fn every_stock_change_is_audited_with_its_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let path = format!("/api/v1/inventory/{}/", s.row_a);
    call(
        &app,
        &s.owner,
        Method::PATCH,
        &path,
        Some(json!({"reorder_level": 5})),
    )
    .await;
    post(
        &app,
        &s.owner,
        &format!("{path}receive/"),
        json!({"quantity": 2}),
    )
    .await;
    let row = s.row_a as i32;
    let entries: Vec<(String, String, Option<i32>, Option<i32>)> = app
        .db
        .read(move |c| {
            Ok(audit_log::table
                .filter(audit_log::entity.eq("inventory"))
                .filter(audit_log::entity_id.eq(row))
                .order(audit_log::id)
                .select((
                    audit_log::action,
                    audit_log::changes,
                    audit_log::user_id,
                    audit_log::site_id,
                ))
                .load(c)?)
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, ["create", "update", "update"]);
    let settings: Value = serde_json::from_str(&entries[1].1).unwrap();
    assert_eq!(settings, json!({"reorder_level": [2, 5]}));
    let receipt: Value = serde_json::from_str(&entries[2].1).unwrap();
    assert_eq!(receipt["quantity_on_hand"], json!([10, 12]));
    assert_eq!(receipt["movement"], "in");
    assert!(entries.iter().all(|e| e.2.is_some() && e.3 == Some(s.a.0)));
}
