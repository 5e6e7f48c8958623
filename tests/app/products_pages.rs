use serde_json::json;
use workshop::domain::role::Role;

use crate::customers_api::client_as;
use crate::helpers::{Backend, location, spawn_app};
use crate::on_both_databases;
use crate::products_api::{create_product, product_count};

on_both_databases!(
    a_superuser_adds_a_product_through_the_form_and_fixes_a_mistake,
    the_list_searches_filters_sorts_and_answers_htmx_with_the_table_only,
    the_export_has_every_filtered_row_and_is_safe_in_a_spreadsheet,
    others_see_no_write_buttons_and_cannot_open_the_forms,
);

async fn a_superuser_adds_a_product_through_the_form_and_fixes_a_mistake(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    create_product(
        &app,
        &owner,
        json!({"name": "Existing", "sku": "BP-1", "unit_price": "1"}),
    )
    .await;

    let fields = [
        ("name", "Front brake pads"),
        ("sku", "bp-1"),
        ("category", "spare_part"),
        ("unit_of_measure", "set"),
        ("unit_price", "12.345"),
        ("cost_price", "-3"),
        ("brand", "Bosch"),
        ("is_active", "true"),
    ];
    let response = app
        .post_form(&owner, "/products/new", "/products/new", &fields)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Use at most two decimals."));
    assert!(html.contains("The amount cannot be negative."));
    assert!(
        html.contains(r#"value="Front brake pads""#),
        "typed values are kept"
    );
    assert!(html.contains(r#"value="Bosch""#));
    assert_eq!(product_count(&app).await, 1, "nothing was saved");

    let mut fixed = fields.to_vec();
    fixed[4] = ("unit_price", "12.35");
    fixed[5] = ("cost_price", "8");
    let response = app
        .post_form(&owner, "/products/new", "/products/new", &fixed)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("A product with SKU “bp-1” already exists."),
        "SKU compared ignoring case"
    );

    fixed[1] = ("sku", "BP-2");
    let response = app
        .post_form(&owner, "/products/new", "/products/new", &fixed)
        .await;
    assert_eq!(response.status(), 303);
    let page = location(&response);
    let html = owner
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Front brake pads") && html.contains("12.35") && html.contains("54.4%"));

    let edit = format!("{page}/edit");
    let form = owner
        .get(app.url(&edit))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        form.contains(r#"value="12.35""#),
        "the edit form shows the stored price"
    );
    let response = app
        .post_form(
            &owner,
            &edit,
            &edit,
            &[
                ("name", "Front brake pads"),
                ("unit_price", "13"),
                ("category", "spare_part"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let html = owner
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("13.00"));
    assert!(
        html.contains("Inactive"),
        "an unticked box on edit deactivates"
    );
}

async fn the_list_searches_filters_sorts_and_answers_htmx_with_the_table_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    for (name, category, price, app_text) in [
        ("Alpha pad", "spare_part", "30", "Nissan Almera"),
        ("Beta oil", "fluid", "10", ""),
        ("Gamma pad", "spare_part", "20", "Toyota Hilux"),
    ] {
        create_product(&app, &owner, json!({"name": name, "category": category, "unit_price": price, "application": app_text})).await;
    }
    let desk = client_as(&app, Role::Advisor).await;
    let text = |path: &'static str| {
        let (desk, app) = (desk.clone(), &app);
        async move {
            desk.get(app.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let html = text("/products?q=hilux").await;
    assert!(
        html.contains("Gamma pad") && !html.contains("Alpha pad"),
        "search covers the application"
    );
    let html = text("/products?category=fluid").await;
    assert!(html.contains("Beta oil") && !html.contains("Gamma pad"));
    let html = text("/products?sort=-price").await;
    let (a, g) = (
        html.find("Alpha pad").unwrap(),
        html.find("Gamma pad").unwrap(),
    );
    assert!(a < g, "most expensive first");
    assert!(
        html.contains(r#"<option value="-price" selected>"#),
        "the sort is kept"
    );
    let html = text("/products?q=zzz").await;
    assert!(html.contains("No product matches “zzz”"));

    let partial = desk
        .get(app.url("/products?q=pad&sort=price"))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!partial.contains("<html"), "htmx gets the results only");
    assert!(partial.find("Gamma pad").unwrap() < partial.find("Alpha pad").unwrap());

    let paged = desk
        .get(app.url("/products?page_size=2&sort=name"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(paged.contains("Showing 1–2 of 3 products"));
    assert!(
        paged.contains("sort=name") && paged.contains("page=2"),
        "the next link keeps the sort"
    );
}

async fn the_export_has_every_filtered_row_and_is_safe_in_a_spreadsheet(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    for i in 0..30 {
        create_product(
            &app,
            &owner,
            json!({"name": format!("Pad {i:02}"), "unit_price": "5", "cost_price": "2"}),
        )
        .await;
    }
    create_product(
        &app,
        &owner,
        json!({"name": "=HYPERLINK(\"x\")", "category": "other", "unit_price": "1"}),
    )
    .await;

    let response = owner
        .get(app.url("/products/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 32, "a header and every row, not one page");
    assert!(lines[0].starts_with("name,sku,category,unit_of_measure"));
    assert!(lines[0].contains("cost_price"));
    assert!(
        body.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formulas are neutralised"
    );

    let filtered = owner
        .get(app.url("/products/export.csv?category=other"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(filtered.lines().count(), 2);

    let desk = client_as(&app, Role::Advisor).await;
    let body = desk
        .get(app.url("/products/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.lines().next().unwrap().contains("cost_price"));
    assert!(
        body.lines()
            .any(|l| l.starts_with("Pad 00,") && l.ends_with(",5.00,true"))
    );
}

async fn others_see_no_write_buttons_and_cannot_open_the_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let owner = client_as(&app, Role::Superuser).await;
    let product = create_product(&app, &owner, json!({"name": "Pad", "unit_price": "1"})).await;
    let id = product["id"].as_i64().unwrap();
    for role in [Role::Hq, Role::Manager, Role::Advisor, Role::Mechanic] {
        let client = client_as(&app, role).await;
        let list = client.get(app.url("/products")).send().await.unwrap();
        assert_eq!(list.status(), 200, "{role:?} reads the catalogue");
        let html = list.text().await.unwrap();
        assert!(!html.contains("New product") && !html.contains("Import CSV"));
        let detail = client
            .get(app.url(&format!("/products/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!detail.contains("/delete"));
        for path in [
            "/products/new".to_owned(),
            format!("/products/{id}/edit"),
            "/products/import".to_owned(),
        ] {
            assert_eq!(
                client.get(app.url(&path)).send().await.unwrap().status(),
                403,
                "{role:?} {path}"
            );
        }
        let post = app
            .post_form(&client, "/products", &format!("/products/{id}/delete"), &[])
            .await;
        assert_eq!(post.status(), 403);
    }
    assert_eq!(product_count(&app).await, 1);
}
