use serde_json::{Value, json};
use workshop::domain::role::Role;

use crate::helpers::{Backend, location, spawn_app};
use crate::inventory_api::{stocked, user_at};
use crate::on_both_databases;
use crate::products_api::create_product;

on_both_databases!(
    a_manager_stocks_a_product_and_moves_stock_through_the_forms,
    the_list_follows_the_site_switcher_and_filters_in_the_url,
);

async fn a_manager_stocks_a_product_and_moves_stock_through_the_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let product = create_product(
        &app,
        &s.owner,
        json!({"name": "Spark plug", "sku": "SP-4", "unit_price": "3"}),
    )
    .await;
    let manager = user_at(&app, Role::Manager, Some(s.a)).await;

    let chooser = manager
        .get(app.url("/inventory/new?q=spark"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        chooser.contains(&format!("/inventory/new?product={}", product["id"])),
        "the product can be chosen"
    );
    let form = manager
        .get(app.url(&format!("/inventory/new?product={}", product["id"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Spark plug") && form.contains("North"),
        "the manager's site is fixed"
    );

    let id = product["id"].to_string();
    let bad = [
        ("product", id.as_str()),
        ("quantity_on_hand", "-4"),
        ("bin_location", "C-2"),
        ("reorder_level", "x"),
    ];
    let response = app
        .post_form(&manager, "/inventory/new", "/inventory/new", &bad)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The quantity cannot be negative.")
            && html.contains("Enter a whole number, like 5.")
    );
    assert!(html.contains(r#"value="C-2""#), "typed values are kept");

    let good = [
        ("product", id.as_str()),
        ("quantity_on_hand", "4"),
        ("bin_location", "C-2"),
        ("reorder_level", "2"),
    ];
    let response = app
        .post_form(&manager, "/inventory/new", "/inventory/new", &good)
        .await;
    assert_eq!(response.status(), 303);
    let row = location(&response);

    let response = app
        .post_form(
            &manager,
            &row,
            &format!("{row}/receive"),
            &[
                ("quantity", "6"),
                ("unit_cost", "1.20"),
                ("supplier_reference", "INV-55"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = app
        .post_form(
            &manager,
            &row,
            &format!("{row}/adjust"),
            &[("quantity", "-11"), ("reason", "broken")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Only 10 on hand: stock cannot go below zero."));
    assert!(html.contains(r#"value="-11""#) && html.contains(r#"value="broken""#));
    let response = app
        .post_form(
            &manager,
            &row,
            &format!("{row}/adjust"),
            &[("quantity", "-1"), ("reason", "broken")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let response = app
        .post_form(
            &manager,
            &row,
            &format!("{row}/count"),
            &[("quantity", "8")],
        )
        .await;
    assert_eq!(response.status(), 303);

    let detail = manager
        .get(app.url(&row))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("data-on-hand>8<"), "{detail}");
    for text in [
        "Received",
        "Adjusted",
        "Counted",
        "Supplier reference INV-55",
        "broken",
        "Opening stock",
        "1.20",
        "Test Site manager",
    ] {
        assert!(detail.contains(text), "history shows {text}");
    }
    let edit = format!("{row}/edit");
    let response = app
        .post_form(
            &manager,
            &edit,
            &edit,
            &[
                ("reorder_level", "3"),
                ("reorder_quantity", "12"),
                ("bin_location", "D-1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let detail = manager
        .get(app.url(&row))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("order 12") && detail.contains("D-1"));
    assert_eq!(
        manager
            .get(app.url(&format!("{row}/transfer")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn the_list_follows_the_site_switcher_and_filters_in_the_url(backend: Backend) {
    let app = spawn_app(backend).await;
    let s = stocked(&app).await;
    let row = |id: i64| format!("/inventory/{id}\"");
    let both = s
        .owner
        .get(app.url("/inventory"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(both.contains(&row(s.row_a)) && both.contains(&row(s.row_b)));

    let switched = app
        .post_form(
            &s.owner,
            "/inventory",
            "/site-switch",
            &[("site_id", &s.b.0.to_string()), ("return_to", "/inventory")],
        )
        .await;
    assert_eq!(switched.status(), 303);
    let south = s
        .owner
        .get(app.url("/inventory"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        south.contains(&row(s.row_b)) && !south.contains(&row(s.row_a)),
        "the switcher's site is the default"
    );
    let all = s
        .owner
        .get(app.url("/inventory?site="))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        all.contains(&row(s.row_a)),
        "choosing all sites overrides it"
    );

    let partial = s
        .owner
        .get(app.url(&format!("/inventory?site={}&q=bp-1&status=in_stock", s.a.0)))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!partial.contains("<html") && partial.contains(&row(s.row_a)));
    let none = s
        .owner
        .get(app.url("/inventory?status=out_of_stock"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("No stock matches these filters"));
    let page: Value = s
        .owner
        .get(app.url("/api/v1/inventory/?page_size=1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(page["next"].as_str().unwrap().contains("page=2"));
}
