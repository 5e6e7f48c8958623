//! Invoices to test with: a site with an address, phone, tax and footer, a product in stock
//! there, a customer with a vehicle, and jobs or counter sales completed into invoices, all
//! through the JSON API as an integration would.

use reqwest::Method;
use serde_json::{Value, json};
use workshop::domain::ids::SiteId;
use workshop::domain::role::Role;

use crate::customers_api::call;
use crate::helpers::{PASSWORD, TestApp, new_client};
use crate::products_api::stock_row;

/// A site ready to invoice, and who set it up.
pub struct Shop {
    pub site: SiteId,
    /// A superuser, signed in.
    pub boss: reqwest::Client,
    pub product: i32,
    pub customer: i32,
    pub vehicle: i32,
}

/// A superuser's client.
async fn superuser(app: &TestApp) -> reqwest::Client {
    let email = format!(
        "boss-{}@example.com",
        workshop::auth::api_tokens::random_token()[..8].to_lowercase()
    );
    app.create_user(&email, Role::Superuser, None).await;
    let client = new_client();
    assert_eq!(
        app.sign_in_as(&client, &email, PASSWORD).await.status(),
        303
    );
    client
}

async fn created(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

fn id_of(body: &Value) -> i32 {
    body["id"].as_i64().unwrap() as i32
}

/// A site named `name` (timezone `tz`, tax `tax_rate` percent on parts and labour), a product
/// "Front brake pads" (BP-…, 45.50) with 1,000 in stock there, and Ama Mensah with a Corolla.
pub async fn open_shop(app: &TestApp, name: &str, tz: &str, tax_rate: &str) -> Shop {
    let boss = superuser(app).await;
    let site = created(
        call(app, &boss, Method::POST, "/api/v1/sites/", Some(json!({
            "name": name, "address": "12 Ring Road\nAccra", "phone": "+233 30 200 1000",
            "timezone": tz, "tax_rate": tax_rate, "tax_applies_to": "both",
            "invoice_footer": "Parts carry the maker's warranty. Electrical parts are not returnable."
        })))
        .await,
    )
    .await;
    let site = SiteId(id_of(&site));
    let suffix = &workshop::auth::api_tokens::random_token()[..6];
    let product = created(
        call(
            app,
            &boss,
            Method::POST,
            "/api/v1/products/",
            Some(json!({
                "name": "Front brake pads", "sku": format!("BP-{suffix}"), "unit_price": "45.50"
            })),
        )
        .await,
    )
    .await;
    let product = id_of(&product);
    stock_row(app, i64::from(product), site, 1000, 0, false).await;
    let customer = created(
        call(app, &boss, Method::POST, "/api/v1/customers/", Some(json!({
            "first_name": "Ama", "last_name": "Mensah", "phone": "5550102030", "email": "ama@example.com"
        })))
        .await,
    )
    .await;
    let customer = id_of(&customer);
    let plate = format!("GR {}", &suffix[..4]).to_uppercase();
    let vehicle = created(
        call(
            app,
            &boss,
            Method::POST,
            "/api/v1/vehicles/",
            Some(json!({
                "customer": customer, "site": site.0, "make": "Toyota", "model": "Corolla",
                "year": 2019, "license_plate": plate
            })),
        )
        .await,
    )
    .await;
    Shop {
        site,
        boss,
        product,
        customer,
        vehicle: id_of(&vehicle),
    }
}

/// A customer of the shop named `first last`, created through the API.
pub async fn add_customer(app: &TestApp, shop: &Shop, first: &str, last: &str) -> i32 {
    let body = json!({"first_name": first, "last_name": last, "phone": "5550107788"});
    id_of(
        &created(
            call(
                app,
                &shop.boss,
                Method::POST,
                "/api/v1/customers/",
                Some(body),
            )
            .await,
        )
        .await,
    )
}

/// A vehicle of `customer` at the shop's site, created through the API.
pub async fn add_vehicle(app: &TestApp, shop: &Shop, customer: i32) -> i32 {
    let plate = format!("AS {}", &workshop::auth::api_tokens::random_token()[..5]).to_uppercase();
    let body = json!({"customer": customer, "site": shop.site.0, "make": "Honda", "model": "Civic",
        "year": 2021, "license_plate": plate});
    id_of(
        &created(
            call(
                app,
                &shop.boss,
                Method::POST,
                "/api/v1/vehicles/",
                Some(body),
            )
            .await,
        )
        .await,
    )
}

async fn post(app: &TestApp, shop: &Shop, path: &str, body: Value) -> Value {
    let response = call(app, &shop.boss, Method::POST, path, Some(body)).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(
        status == 200 || status == 201,
        "POST {path}: {status} {body}"
    );
    body
}

/// Opens a job (or a sale, without a vehicle), adds its part lines and completes it unpaid
/// with `complete` (labour, discount); returns the invoice's id.
async fn complete(
    app: &TestApp,
    shop: &Shop,
    open: Value,
    parts: &[(i32, i32)],
    complete: Value,
) -> i32 {
    let job = id_of(&post(app, shop, "/api/v1/service-requests/", open).await);
    for (product, quantity) in parts {
        let line = json!({"service_request": job, "product": product, "quantity_used": quantity});
        post(app, shop, "/api/v1/product-usage/", line).await;
    }
    let path = format!("/api/v1/service-requests/{job}/complete/");
    let done = post(app, shop, &path, complete).await;
    done["invoice"]["id"].as_i64().unwrap() as i32
}

/// What a job is billed.
pub struct Job<'a> {
    pub customer: i32,
    pub vehicle: i32,
    /// (product, quantity) part lines.
    pub parts: Vec<(i32, i32)>,
    pub labour: &'a str,
    pub discount: &'a str,
}

impl Job<'_> {
    /// Two brake pads and 40.00 of labour for the shop's customer and vehicle.
    pub fn brakes(shop: &Shop) -> Self {
        Job {
            customer: shop.customer,
            vehicle: shop.vehicle,
            parts: vec![(shop.product, 2)],
            labour: "40",
            discount: "",
        }
    }
}

/// A service job opened, given its part lines and completed (unpaid); its invoice id.
pub async fn job_invoice(app: &TestApp, shop: &Shop, job: Job<'_>) -> i32 {
    let open = json!({"customer": job.customer, "vehicle": job.vehicle, "site": shop.site.0,
        "description": "Brakes squeal"});
    let mut done = json!({"labor_cost": job.labour});
    if !job.discount.is_empty() {
        done["discount_amount"] = json!(job.discount);
    }
    complete(app, shop, open, &job.parts, done).await
}

/// A walk-in counter sale of `quantity` of the shop's product, completed unpaid.
pub async fn sale_invoice(app: &TestApp, shop: &Shop, quantity: i32) -> i32 {
    let walk_in = call(
        app,
        &shop.boss,
        Method::GET,
        "/api/v1/customers/walkin/",
        None,
    )
    .await;
    let walk_in: Value = walk_in.json().await.unwrap();
    let open = json!({"customer": walk_in["id"], "site": shop.site.0, "transaction_type": "sale"});
    complete(app, shop, open, &[(shop.product, quantity)], json!({})).await
}

/// Moves an invoice's creation time (to test days and order).
pub async fn set_created_at(app: &TestApp, invoice: i32, at: chrono::NaiveDateTime) {
    use diesel::prelude::*;
    use workshop::db::schema::invoices;
    app.db
        .write(move |c| {
            diesel::update(invoices::table.find(invoice))
                .set(invoices::created_at.eq(at))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
}
