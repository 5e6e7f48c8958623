//! Service requests and sales through the JSON API: opening, the rules that bind a job to its
//! customer, vehicle, site and mechanic, the state machine, and part lines.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{Backend, TestApp, client_at, spawn_app};
use crate::on_both_databases;
use crate::products_api::{create_product, stock_row};

on_both_databases!(
    the_front_desk_opens_a_job_and_a_sale_with_numbers_per_year,
    a_job_is_bound_to_its_customer_vehicle_site_and_mechanic,
    a_sale_carries_no_vehicle_mechanic_service_type_or_labour,
    status_moves_follow_the_state_machine_and_never_reach_completed,
    part_lines_snapshot_the_price_and_respect_what_the_site_has,
    a_site_user_never_sees_or_touches_another_sites_jobs,
    a_mechanic_sees_and_works_only_their_own_jobs,
    hq_reads_jobs_and_changes_nothing,
    cancelled_jobs_are_locked_and_open_ones_can_be_deleted,
    the_service_catalogue_lists_categories_with_their_types,
    job_changes_are_audited_with_the_acting_user,
    unparseable_job_parameters_never_fail,
);

/// Two sites; at `a` an advisor, a customer with a vehicle, a mechanic, and a product priced
/// 20.00 with 10 in stock.
pub struct Shop {
    pub app: TestApp,
    pub a: SiteId,
    pub b: SiteId,
    pub owner: reqwest::Client,
    pub desk: reqwest::Client,
    pub customer: i64,
    pub vehicle: i64,
    pub product: i64,
    pub mechanic: i64,
    pub stock: i32,
}

pub async fn shop(backend: Backend) -> Shop {
    shop_of(spawn_app(backend).await).await
}

/// [`shop`] in an app of the caller's.
pub async fn shop_of(app: TestApp) -> Shop {
    let (a, b) = (
        app.create_site("North").await,
        app.create_site("South").await,
    );
    let owner = client_at(&app, Role::Superuser, None).await;
    let desk = client_at(&app, Role::Advisor, Some(a)).await;
    let customer = post(
        &app,
        &desk,
        "/api/v1/customers/",
        json!({
        "first_name": "Ama", "last_name": "Mensah", "phone": "5550102030"}),
    )
    .await;
    let vehicle = post(
        &app,
        &desk,
        "/api/v1/vehicles/",
        json!({"customer": customer,
        "make": "Toyota", "model": "Corolla", "year": 2019, "license_plate": "GR 1"}),
    )
    .await;
    let product = create_product(
        &app,
        &owner,
        json!({"name": "Brake pad", "sku": "BP-1", "unit_price": "20.00"}),
    )
    .await;
    let product = product["id"].as_i64().unwrap();
    let stock = stock_row(&app, product, a, 10, 0, false).await;
    let mechanic = post(
        &app,
        &owner,
        "/api/v1/mechanics/",
        json!({"name": "Kwame", "phone": "5550100001", "site": a.0}),
    )
    .await;
    Shop {
        app,
        a,
        b,
        owner,
        desk,
        customer,
        vehicle,
        product,
        mechanic,
        stock,
    }
}

/// POSTs and returns the new row's id, failing the test on anything but 201.
pub async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> i64 {
    let response = call(app, client, Method::POST, path, Some(body)).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "POST {path}: {body}");
    body["id"].as_i64().unwrap()
}

/// A call's status and JSON body (`null` when there is none).
pub async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let response = call(app, client, method, path, body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

impl Shop {
    /// A Pending job for the customer's vehicle with `quantity` of the product on it.
    pub async fn job_with_parts(&self, quantity: i64) -> i64 {
        let job = post(
            &self.app,
            &self.desk,
            "/api/v1/service-requests/",
            json!({"customer": self.customer, "vehicle": self.vehicle, "description": "Brakes"}),
        )
        .await;
        if quantity > 0 {
            post(
                &self.app,
                &self.desk,
                "/api/v1/product-usage/",
                json!({"service_request": job, "product": self.product, "quantity_used": quantity}),
            )
            .await;
        }
        job
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, Value) {
        send(&self.app, client, Method::GET, path, None).await
    }

    /// `(parts_total, labor_cost)` of `job` as the list shows it.
    pub async fn listed_sums(&self, job: i64) -> (Value, Value) {
        let (_, list) = self.get(&self.desk, "/api/v1/service-requests/").await;
        let row = list["results"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["id"] == job))
            .cloned()
            .unwrap_or_default();
        (row["parts_total"].clone(), row["labor_cost"].clone())
    }

    pub async fn on_hand(&self) -> i32 {
        let id = self.stock;
        self.app
            .db
            .read(move |c| {
                use workshop::db::schema::inventory;
                Ok(inventory::table
                    .find(id)
                    .select(inventory::quantity_on_hand)
                    .first(c)?)
            })
            .await
            .unwrap()
    }
}

fn year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

async fn the_front_desk_opens_a_job_and_a_sale_with_numbers_per_year(backend: Backend) {
    let s = shop(backend).await;
    let (status, job) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!({
        "customer_id": s.customer, "vehicle_id": s.vehicle, "service_type": 1,
        "description": "Squeaky brakes", "assigned_mechanic": s.mechanic})),
    )
    .await;
    assert_eq!(status, 201, "{job}");
    assert_eq!(job["display_number"], format!("SR-{}-0001", year()));
    assert_eq!(job["transaction_type"], "service");
    assert_eq!(job["status"], "Pending");
    assert_eq!(job["site"], s.a.0, "a site user's jobs open at their site");
    assert_eq!(job["vehicle_display"], "Toyota Corolla (GR 1)");
    assert_eq!(job["service_type_display"], "Mechanical — Brake repair");
    assert_eq!(job["mechanic_name"], "Kwame");
    assert_eq!(job["labor_cost"], "0.00");

    let (status, sale) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service_request/",
        Some(json!({"customer": s.customer})),
    )
    .await;
    assert_eq!(status, 201, "{sale}");
    assert_eq!(sale["display_number"], format!("SALE-{}-0001", year()));
    assert_eq!(sale["transaction_type"], "sale");

    let second = post(
        &s.app,
        &s.desk,
        "/api/v1/service-requests/",
        json!({"customer": s.customer, "vehicle": s.vehicle}),
    )
    .await;
    let (_, second) = s
        .get(&s.desk, &format!("/api/v1/service-requests/{second}/"))
        .await;
    assert_eq!(second["display_number"], format!("SR-{}-0002", year()));

    let (_, list) = s
        .get(&s.desk, "/api/v1/service-requests/?parts_only=true")
        .await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["transaction_type"], "sale");
    let (_, list) = s
        .get(
            &s.desk,
            &format!("/api/v1/service-requests/?mechanic_id={}", s.mechanic),
        )
        .await;
    assert_eq!(list["count"], 1);
}

async fn a_job_is_bound_to_its_customer_vehicle_site_and_mechanic(backend: Backend) {
    let s = shop(backend).await;
    let stranger = post(
        &s.app,
        &s.desk,
        "/api/v1/customers/",
        json!({
        "first_name": "Yaw", "last_name": "Boateng", "phone": "5550102031"}),
    )
    .await;
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!({"customer": stranger, "vehicle": s.vehicle})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["vehicle"][0],
        "This vehicle belongs to another customer."
    );

    let far_mechanic = post(
        &s.app,
        &s.owner,
        "/api/v1/mechanics/",
        json!({"name": "Esi", "phone": "5550100002", "site": s.b.0}),
    )
    .await;
    let (status, body) = send(&s.app, &s.desk, Method::POST, "/api/v1/service-requests/",
        Some(json!({"customer": s.customer, "vehicle": s.vehicle, "assigned_mechanic": far_mechanic}))).await;
    assert_eq!(status, 400);
    assert!(
        body["assigned_mechanic"][0]
            .as_str()
            .unwrap()
            .contains("another site"),
        "{body}"
    );

    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!({"customer": s.customer, "vehicle": s.vehicle, "site": s.b.0})),
    )
    .await;
    assert_eq!(status, 403, "a site user cannot open a job at another site");

    let job = s.job_with_parts(0).await;
    let path = format!("/api/v1/service-requests/{job}/assign-mechanic/");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &path,
        Some(json!({"mechanic_id": far_mechanic})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &path,
        Some(json!({"mechanic_id": s.mechanic})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["assigned_mechanic"], s.mechanic);
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &path,
        Some(json!({"mechanic_id": null})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["assigned_mechanic"], Value::Null);

    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &format!("/api/v1/service-requests/{job}/"),
        Some(json!({"customer": stranger})),
    )
    .await;
    assert_eq!(
        status, 400,
        "changing the customer alone leaves the vehicle with its owner"
    );
    assert_eq!(
        body["vehicle"][0],
        "This vehicle belongs to another customer."
    );
    let count = s.get(&s.desk, "/api/v1/service-requests/").await.1["count"].clone();
    assert_eq!(count, 1, "nothing was written by the refused requests");
}

async fn a_sale_carries_no_vehicle_mechanic_service_type_or_labour(backend: Backend) {
    let s = shop(backend).await;
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!({
        "customer": s.customer, "transaction_type": "sale", "vehicle": s.vehicle,
        "assigned_mechanic": s.mechanic, "service_type": 2, "labor_cost": "10"})),
    )
    .await;
    assert_eq!(status, 400);
    for field in ["vehicle", "assigned_mechanic", "service_type", "labor_cost"] {
        assert!(body[field].is_array(), "{field} refused: {body}");
    }
    let sale = post(
        &s.app,
        &s.desk,
        "/api/v1/service-requests/",
        json!({"customer": s.customer}),
    )
    .await;
    let path = format!("/api/v1/service-requests/{sale}/");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &path,
        Some(json!({"vehicle": s.vehicle})),
    )
    .await;
    assert_eq!(status, 400, "a sale cannot gain a vehicle");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &path,
        Some(json!({"labor_cost": "5"})),
    )
    .await;
    assert_eq!(status, 400, "a sale cannot gain labour");
    let assign = format!("/api/v1/service-requests/{sale}/assign-mechanic/");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &assign,
        Some(json!({"mechanic_id": s.mechanic})),
    )
    .await;
    assert_eq!(status, 400);
    let job = s.job_with_parts(0).await;
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &format!("/api/v1/service-requests/{job}/"),
        Some(json!({"transaction_type": "sale", "vehicle": null})),
    )
    .await;
    assert_eq!(status, 400, "a job never turns into a sale");
}

async fn status_moves_follow_the_state_machine_and_never_reach_completed(backend: Backend) {
    let s = shop(backend).await;
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!({
        "customer": s.customer, "vehicle": s.vehicle, "status": "Completed"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["status"][0].as_str().unwrap().contains("Complete"),
        "{body}"
    );
    let draft = post(
        &s.app,
        &s.desk,
        "/api/v1/service-requests/",
        json!({"customer": s.customer, "vehicle": s.vehicle, "status": "Draft"}),
    )
    .await;
    let path = format!("/api/v1/service-requests/{draft}/");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &path,
        Some(json!({"status": "In Progress"})),
    )
    .await;
    assert_eq!(status, 400, "Draft goes to Pending first");
    for next in ["Pending", "In Progress"] {
        let (status, body) = send(
            &s.app,
            &s.desk,
            Method::PATCH,
            &path,
            Some(json!({"status": next})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], next);
    }
    for refused in ["Pending", "Draft", "Completed", "Cancelled", "Done"] {
        let (status, _) = send(
            &s.app,
            &s.desk,
            Method::PATCH,
            &path,
            Some(json!({"status": refused})),
        )
        .await;
        assert_eq!(status, 400, "In Progress → {refused} is refused");
    }
    let (_, job) = s.get(&s.desk, &path).await;
    assert_eq!(job["status"], "In Progress");
    let no_invoice = s
        .app
        .db
        .read(|c| {
            use workshop::db::schema::invoices;
            Ok(invoices::table.count().get_result::<i64>(c)?)
        })
        .await
        .unwrap();
    assert_eq!(no_invoice, 0);
}

async fn part_lines_snapshot_the_price_and_respect_what_the_site_has(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(0).await;
    let add = |quantity: Value| json!({"service_request": job, "product": s.product, "quantity_used": quantity});
    for bad in [json!(0), json!(-1), json!("two"), json!(11)] {
        let (status, body) = send(
            &s.app,
            &s.desk,
            Method::POST,
            "/api/v1/product-usage/",
            Some(add(bad.clone())),
        )
        .await;
        assert_eq!(status, 400, "quantity {bad}: {body}");
        assert!(body["quantity"].is_array(), "{body}");
    }
    let line = post(&s.app, &s.desk, "/api/v1/product-usage/", add(json!(3))).await;
    // The price changes after the line was added: the line keeps its price.
    let (status, _) = send(
        &s.app,
        &s.owner,
        Method::PATCH,
        &format!("/api/v1/products/{}/", s.product),
        Some(json!({"unit_price": "25.00"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(s.listed_sums(job).await, (json!("60.00"), json!("0.00")));
    let again = post(&s.app, &s.desk, "/api/v1/product-usage/", add(json!(2))).await;
    assert_eq!(again, line, "the same product adds to its line");
    assert_eq!(s.listed_sums(job).await.0, "100.00", "5 × 20.00");
    let (status, lines) = s
        .get(&s.desk, &format!("/api/v1/product-usage/{job}/"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(lines["count"], 1);
    let first = &lines["results"][0];
    assert_eq!(
        (first["quantity_used"].clone(), first["unit_price"].clone()),
        (json!(5), json!("20.00"))
    );
    assert_eq!(first["line_total"], "100.00");
    assert_eq!(first["product_name"], "Brake pad");

    let item = format!("/api/v1/product-usage-item/{line}/");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &item,
        Some(json!({"quantity_used": 12})),
    )
    .await;
    assert_eq!(status, 400, "more than the 10 on hand: {body}");
    assert!(
        body["quantity"][0].as_str().unwrap().contains("Only 10"),
        "{body}"
    );
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &item,
        Some(json!({"quantity_used": 4, "unit_price": "18.50"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["line_total"], "74.00");
    assert_eq!(s.listed_sums(job).await.0, "74.00");
    let labour = json!({"labor_cost": "45.50"});
    let path = format!("/api/v1/service-requests/{job}/");
    let (status, body) = send(&s.app, &s.desk, Method::PATCH, &path, Some(labour)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(s.listed_sums(job).await, (json!("74.00"), json!("45.50")));
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &item,
        Some(json!({"product": s.product + 1000})),
    )
    .await;
    assert_eq!(status, 400, "a line never moves to another product");

    let unstocked = create_product(
        &s.app,
        &s.owner,
        json!({"name": "Wiper", "sku": "W-1", "unit_price": "5"}),
    )
    .await;
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/product-usage/",
        Some(json!({"service_request": job, "product": unstocked["id"], "quantity_used": 1})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["product"][0].as_str().unwrap().contains("not stocked"),
        "{body}"
    );

    let (status, _) = send(&s.app, &s.desk, Method::DELETE, &item, None).await;
    assert_eq!(status, 204);
    assert_eq!(s.listed_sums(job).await, (json!("0.00"), json!("45.50")));
    assert_eq!(
        s.get(&s.desk, &format!("/api/v1/product-usage/{job}/"))
            .await
            .1["count"],
        0
    );
}

async fn a_site_user_never_sees_or_touches_another_sites_jobs(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    let line = s
        .get(&s.desk, &format!("/api/v1/product-usage/{job}/"))
        .await
        .1["results"][0]["id"]
        .clone();
    for role in [Role::Advisor, Role::Manager] {
        let other = client_at(&s.app, role, Some(s.b)).await;
        let (_, list) = s.get(&other, "/api/v1/service-requests/").await;
        assert_eq!(list["count"], 0, "{role:?} at South sees no North jobs");
        let paths = [
            format!("/api/v1/service-requests/{job}/"),
            format!("/api/v1/product-usage/{job}/"),
            format!("/api/v1/product-usage-item/{line}/"),
        ];
        for path in &paths {
            assert_eq!(s.get(&other, path).await.0, 404, "{role:?} GET {path}");
        }
        let writes = [
            (
                Method::PATCH,
                format!("/api/v1/service-requests/{job}/"),
                json!({"description": "x"}),
            ),
            (
                Method::DELETE,
                format!("/api/v1/service-requests/{job}/"),
                Value::Null,
            ),
            (
                Method::POST,
                format!("/api/v1/service-requests/{job}/assign-mechanic/"),
                json!({"mechanic_id": null}),
            ),
            (
                Method::POST,
                format!("/api/v1/service-requests/{job}/complete/"),
                json!({}),
            ),
            (
                Method::POST,
                format!("/api/v1/service-requests/{job}/cancel/"),
                json!({"reason": "x"}),
            ),
            (
                Method::POST,
                "/api/v1/product-usage/".to_owned(),
                json!({"service_request": job, "product": s.product, "quantity_used": 1}),
            ),
            (
                Method::PATCH,
                format!("/api/v1/product-usage-item/{line}/"),
                json!({"quantity_used": 2}),
            ),
            (
                Method::DELETE,
                format!("/api/v1/product-usage-item/{line}/"),
                Value::Null,
            ),
        ];
        for (method, path, body) in writes {
            let body = (!body.is_null()).then_some(body);
            let (status, _) = send(&s.app, &other, method.clone(), &path, body).await;
            assert_eq!(status, 404, "{role:?} {method} {path}");
        }
    }
    let (_, job) = s
        .get(&s.desk, &format!("/api/v1/service-requests/{job}/"))
        .await;
    assert_eq!(
        (job["status"].clone(), job["description"].clone()),
        (json!("Pending"), json!("Brakes"))
    );
    assert_eq!(s.on_hand().await, 10);
}

/// A mechanic-role login linked to the shop's mechanic.
pub async fn mechanic_login(s: &Shop) -> reqwest::Client {
    let email = format!(
        "mech-{}@example.com",
        &workshop::auth::api_tokens::random_token()[..6]
    );
    let user = s.app.create_user(&email, Role::Mechanic, Some(s.a)).await;
    let mechanic = s.mechanic as i32;
    s.app
        .db
        .write(move |c| {
            use workshop::db::schema::users;
            diesel::update(users::table.find(user.0))
                .set(users::mechanic_id.eq(mechanic))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let client = crate::helpers::new_client();
    assert_eq!(
        s.app
            .sign_in_as(&client, &email, crate::helpers::PASSWORD)
            .await
            .status(),
        303
    );
    client
}

async fn a_mechanic_sees_and_works_only_their_own_jobs(backend: Backend) {
    let s = shop(backend).await;
    let mine = s.job_with_parts(0).await;
    let theirs = s.job_with_parts(0).await;
    let assign = format!("/api/v1/service-requests/{mine}/assign-mechanic/");
    send(
        &s.app,
        &s.desk,
        Method::POST,
        &assign,
        Some(json!({"mechanic_id": s.mechanic})),
    )
    .await;
    let mech = mechanic_login(&s).await;
    let (_, list) = s.get(&mech, "/api/v1/service-requests/").await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["results"][0]["id"], mine);
    assert_eq!(
        s.get(&mech, &format!("/api/v1/service-requests/{theirs}/"))
            .await
            .0,
        404
    );

    let path = format!("/api/v1/service-requests/{mine}/");
    let (status, body) = send(
        &s.app,
        &mech,
        Method::PATCH,
        &path,
        Some(json!({"status": "In Progress"})),
    )
    .await;
    assert_eq!(status, 200, "a mechanic starts their job: {body}");
    assert_eq!(body["status"], "In Progress");
    let (status, _) = send(
        &s.app,
        &mech,
        Method::PATCH,
        &path,
        Some(json!({"description": "x"})),
    )
    .await;
    assert_eq!(status, 403, "other changes are the front desk's");
    let path = format!("/api/v1/service-requests/{theirs}/");
    let (status, _) = send(
        &s.app,
        &mech,
        Method::PATCH,
        &path,
        Some(json!({"status": "In Progress"})),
    )
    .await;
    assert_eq!(status, 404, "not their job");
    let (status, _) = send(
        &s.app,
        &mech,
        Method::POST,
        "/api/v1/product-usage/",
        Some(json!({"service_request": mine, "product": s.product, "quantity_used": 2})),
    )
    .await;
    assert_eq!(status, 201, "a mechanic adds parts to their job");
    let (status, _) = send(&s.app, &mech, Method::POST, "/api/v1/product-usage/",
        Some(json!({"service_request": mine, "product": s.product, "quantity_used": 1, "unit_price": "1.00"}))).await;
    assert_eq!(status, 400, "a mechanic sets no prices");
    let (status, _) = send(
        &s.app,
        &mech,
        Method::POST,
        "/api/v1/product-usage/",
        Some(json!({"service_request": theirs, "product": s.product, "quantity_used": 1})),
    )
    .await;
    assert_eq!(status, 404);
    for path in [
        format!("/api/v1/service-requests/{mine}/complete/"),
        format!("/api/v1/service-requests/{mine}/cancel/"),
    ] {
        let (status, _) = send(
            &s.app,
            &mech,
            Method::POST,
            &path,
            Some(json!({"reason": "x"})),
        )
        .await;
        assert_eq!(status, 403, "{path}");
    }
    assert_eq!(s.get(&mech, "/api/v1/invoices/").await.0, 403);
}

async fn hq_reads_jobs_and_changes_nothing(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    let hq = client_at(&s.app, Role::Hq, None).await;
    assert_eq!(s.get(&hq, "/api/v1/service-requests/").await.1["count"], 1);
    assert_eq!(
        s.get(&hq, &format!("/api/v1/service-requests/{job}/"))
            .await
            .0,
        200
    );
    let writes = [
        (
            Method::POST,
            "/api/v1/service-requests/".to_owned(),
            json!({"customer": s.customer, "vehicle": s.vehicle, "site": s.a.0}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/service-requests/{job}/"),
            json!({"description": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/service-requests/{job}/complete/"),
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/product-usage/".to_owned(),
            json!({"service_request": job, "product": s.product, "quantity_used": 1}),
        ),
    ];
    for (method, path, body) in writes {
        let (status, _) = send(&s.app, &hq, method.clone(), &path, Some(body)).await;
        assert_eq!(status, 403, "HQ {method} {path}");
    }
}

async fn cancelled_jobs_are_locked_and_open_ones_can_be_deleted(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(2).await;
    let cancel = format!("/api/v1/service-requests/{job}/cancel/");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &cancel,
        Some(json!({"reason": " "})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["reason"].is_array());
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &cancel,
        Some(json!({"reason": "Customer changed their mind"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "Cancelled");
    assert_eq!(body["cancel_reason"], "Customer changed their mind");
    let (status, body) = send(
        &s.app,
        &s.desk,
        Method::POST,
        &format!("/api/v1/service-requests/{job}/complete/"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().starts_with("Cancelled"),
        "{body}"
    );
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/product-usage/",
        Some(json!({"service_request": job, "product": s.product, "quantity_used": 1})),
    )
    .await;
    assert_eq!(status, 400, "a cancelled job takes no lines");
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::DELETE,
        &format!("/api/v1/service-requests/{job}/"),
        None,
    )
    .await;
    assert_eq!(status, 400, "a cancelled job is history");
    assert_eq!(s.on_hand().await, 10, "cancelling moves no stock");

    let open = s.job_with_parts(1).await;
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::DELETE,
        &format!("/api/v1/service-requests/{open}/"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        s.get(&s.desk, &format!("/api/v1/service-requests/{open}/"))
            .await
            .0,
        404
    );
}

async fn the_service_catalogue_lists_categories_with_their_types(backend: Backend) {
    let s = shop(backend).await;
    let (status, body) = s.get(&s.desk, "/api/v1/service-categories/").await;
    assert_eq!(status, 200);
    let categories = body.as_array().unwrap();
    assert_eq!(categories.len(), 5);
    assert_eq!(categories[0]["name"], "Mechanical");
    assert_eq!(categories[0]["service_types"][0]["name"], "Brake repair");
    assert_eq!(categories[4]["service_types"].as_array().unwrap().len(), 6);
}

async fn job_changes_are_audited_with_the_acting_user(backend: Backend) {
    let s = shop(backend).await;
    let job = s.job_with_parts(1).await;
    send(
        &s.app,
        &s.desk,
        Method::PATCH,
        &format!("/api/v1/service-requests/{job}/"),
        Some(json!({"description": "Brakes and pads", "assigned_mechanic": s.mechanic})),
    )
    .await;
    let rows: Vec<(String, String, String, Option<i32>)> = s
        .app
        .db
        .read(|c| {
            use workshop::db::schema::audit_log;
            Ok(audit_log::table
                .filter(audit_log::entity.like("service_request%"))
                .order(audit_log::id.asc())
                .select((
                    audit_log::action,
                    audit_log::entity,
                    audit_log::changes,
                    audit_log::user_id,
                ))
                .load(c)?)
        })
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    assert_eq!(
        actions,
        vec![
            ("create", "service_request"),
            ("create", "service_request_part"),
            ("update", "service_request")
        ]
    );
    let update: Value = serde_json::from_str(&rows[2].2).unwrap();
    assert_eq!(update["description"], json!(["Brakes", "Brakes and pads"]));
    assert_eq!(update["assigned_mechanic_id"], json!([null, s.mechanic]));
    assert!(
        rows.iter().all(|r| r.3.is_some()),
        "every entry names its user"
    );
}

async fn unparseable_job_parameters_never_fail(backend: Backend) {
    let s = shop(backend).await;
    s.job_with_parts(1).await;
    for query in [
        "status=Nope",
        "customer_id=abc",
        "mechanic_id=",
        "page=-3",
        "page_size=x",
        "date_from=yesterday",
        "parts_only=maybe",
        "site_id=1e9",
    ] {
        let (status, body) = s
            .get(&s.desk, &format!("/api/v1/service-requests/?{query}"))
            .await;
        assert_eq!(status, 200, "{query}: {body}");
    }
    assert_eq!(
        s.get(&s.desk, "/api/v1/service-requests/?status=Nope")
            .await
            .1["count"],
        0
    );
    for query in [
        "paid=perhaps",
        "ordering=-nothing",
        "date_to=31/12/2026",
        "site_id=abc",
    ] {
        let (status, _) = s.get(&s.desk, &format!("/api/v1/invoices/?{query}")).await;
        assert_eq!(status, 200, "{query}");
    }
    let (status, _) = send(
        &s.app,
        &s.desk,
        Method::POST,
        "/api/v1/service-requests/",
        Some(json!([1, 2])),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(s.get(&s.desk, "/api/v1/service-requests/abc/").await.0, 404);
}
