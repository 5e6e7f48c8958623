//! A workshop ready for jobs and sales: two sites, customers with vehicles, mechanics, stocked
//! products; clients for each role; and htmx-style requests to the job pages.

use chrono::Datelike;
use diesel::prelude::*;
use workshop::db::customers::{CustomerFields, insert_customer};
use workshop::db::jobs::{NewJob, insert_job};
use workshop::db::mechanics::{MechanicFields, insert_mechanic};
use workshop::db::numbers::{Numbered, next_number};
use workshop::db::products::{ProductFields, insert_product};
use workshop::db::schema::{
    inventory, inventory_transactions, invoices, payments, service_requests, users,
};
use workshop::db::vehicles::{VehicleFields, insert_vehicle};
use workshop::db::{job_lines, now};
use workshop::domain::ids::{SiteId, UserId};
use workshop::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, new_client};

/// Two sites; at North a customer with a vehicle, another customer with theirs, two
/// mechanics and two stocked products; at South a vehicle and a mechanic.
pub struct Shop {
    pub north: SiteId,
    pub south: SiteId,
    pub root: UserId,
    pub owner: i32,
    pub vehicle: i32,
    pub other_owner: i32,
    pub other_vehicle: i32,
    pub south_vehicle: i32,
    /// "Brake pad", SKU BP-1, 20.00, 10 on hand at North.
    pub pad: i32,
    /// "Engine oil", SKU OIL-5, 7.50, 3 on hand at North.
    pub oil: i32,
    pub mechanic: i32,
    pub other_mechanic: i32,
    pub south_mechanic: i32,
}

fn customer(first: &str, last: &str, phone: &str) -> CustomerFields {
    CustomerFields {
        first_name: first.into(),
        last_name: last.into(),
        phone: phone.into(),
        email: None,
        preferred_channel: "sms".into(),
        receive_service_reminders: true,
        receive_marketing: false,
        notes: String::new(),
    }
}

fn vehicle(owner: i32, site: SiteId, plate: &str) -> VehicleFields {
    VehicleFields {
        customer_id: owner,
        site_id: site.0,
        make: "Toyota".into(),
        model: "Corolla".into(),
        year: 2018,
        license_plate: plate.into(),
        plate_key: plate.replace([' ', '-'], ""),
        vin: None,
        odometer_km: Some(50_000),
        last_serviced: None,
        service_interval_days: 180,
        service_interval_km: None,
    }
}

fn product(name: &str, sku: &str, cents: i64) -> ProductFields {
    ProductFields {
        name: name.into(),
        sku: Some(sku.into()),
        fmsi_number: String::new(),
        product_type: String::new(),
        position: String::new(),
        application: String::new(),
        description: String::new(),
        brand: "Bosch".into(),
        part_number: String::new(),
        category: "spare_part".into(),
        unit_of_measure: "each".into(),
        unit_price_cents: cents,
        cost_price_cents: Some(cents / 2),
        is_active: true,
    }
}

fn mechanic(site: SiteId, name: &str) -> MechanicFields {
    MechanicFields {
        site_id: site.0,
        name: name.into(),
        phone: String::new(),
        email: None,
        is_active: true,
    }
}

pub async fn shop(app: &TestApp) -> Shop {
    let north = app.create_site("North").await;
    let south = app.create_site("South").await;
    let root = app
        .create_user("root@example.com", Role::Superuser, None)
        .await;
    app.db
        .write(move |c| {
            let owner = insert_customer(c, &customer("Ama", "Owusu", "+15550100001"), root)?;
            let other_owner =
                insert_customer(c, &customer("Kofi", "Mensah", "+15550100002"), root)?;
            let pad = insert_product(c, &product("Brake pad", "BP-1", 2_000))?;
            let oil = insert_product(c, &product("Engine oil", "OIL-5", 750))?;
            for (p, quantity) in [(pad, 10), (oil, 3)] {
                let at = now();
                diesel::insert_into(inventory::table)
                    .values((
                        inventory::product_id.eq(p),
                        inventory::site_id.eq(north.0),
                        inventory::quantity_on_hand.eq(quantity),
                        inventory::created_at.eq(at),
                        inventory::updated_at.eq(at),
                    ))
                    .execute(c)?;
            }
            Ok(Shop {
                north,
                south,
                root,
                owner,
                vehicle: insert_vehicle(c, &vehicle(owner, north, "GR 1001-24"))?,
                other_owner,
                other_vehicle: insert_vehicle(c, &vehicle(other_owner, north, "GR 2002-24"))?,
                south_vehicle: insert_vehicle(c, &vehicle(owner, south, "AS 3003-24"))?,
                pad,
                oil,
                mechanic: insert_mechanic(c, &mechanic(north, "Kwame Boateng"))?,
                other_mechanic: insert_mechanic(c, &mechanic(north, "Yaw Darko"))?,
                south_mechanic: insert_mechanic(c, &mechanic(south, "Efua Sarpong"))?,
            })
        })
        .await
        .unwrap()
}

/// A client signed in as a new user of `role` at `site`.
pub async fn user(app: &TestApp, role: Role, site: Option<SiteId>) -> reqwest::Client {
    crate::helpers::client_at(app, role, site).await
}

/// A client signed in as a mechanic-role user linked to the mechanic record `mechanic`.
pub async fn mechanic_user(app: &TestApp, site: SiteId, mechanic: i32) -> reqwest::Client {
    let email = format!(
        "mech{mechanic}-{}@example.com",
        &workshop::auth::api_tokens::random_token()[..6]
    );
    let id = app.create_user(&email, Role::Mechanic, Some(site)).await;
    app.db
        .write(move |c| {
            diesel::update(users::table.find(id.0))
                .set(users::mechanic_id.eq(mechanic))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let client = new_client();
    assert_eq!(
        app.sign_in_as(&client, &email, PASSWORD).await.status(),
        303
    );
    client
}

/// A service job (Pending) for the shop's customer and vehicle at North, written directly.
pub async fn open_job(app: &TestApp, shop: &Shop, mechanic: Option<i32>) -> i32 {
    let (owner, vehicle, site, by) = (shop.owner, shop.vehicle, shop.north.0, shop.root);
    insert(
        app,
        "service",
        owner,
        Some(vehicle),
        site,
        mechanic,
        by,
        "Pending",
    )
    .await
}

/// A job of `kind` written directly (the services have their own tests).
#[expect(
    clippy::too_many_arguments,
    reason = "a fixture with every column spelled out"
)]
pub async fn insert(
    app: &TestApp,
    kind: &'static str,
    customer: i32,
    vehicle: Option<i32>,
    site: i32,
    mechanic: Option<i32>,
    by: UserId,
    status: &'static str,
) -> i32 {
    app.db
        .write(move |c| {
            let numbered = if kind == "sale" {
                Numbered::Sale
            } else {
                Numbered::Service
            };
            let job = NewJob {
                display_number: next_number(c, numbered, chrono::Utc::now().year())?,
                transaction_type: kind.into(),
                customer_id: customer,
                vehicle_id: vehicle,
                site_id: site,
                service_type_id: None,
                assigned_mechanic_id: mechanic,
                description: "Noise from the front left wheel".into(),
                status: status.into(),
                created_by: Some(by.0),
            };
            insert_job(c, &job)
        })
        .await
        .unwrap()
}

/// A part line written directly.
pub async fn add_line(
    app: &TestApp,
    job: i32,
    product: i32,
    quantity: i32,
    cents: i64,
    by: UserId,
) {
    app.db
        .write(move |c| job_lines::insert_part(c, job, product, quantity, cents, by))
        .await
        .unwrap();
}

/// An htmx POST (the token in the header, as `app.js` sends it): status and body.
pub async fn hx_post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let token = app.csrf_token(client, "/account").await;
    let response = client
        .post(app.url(path))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", token)
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A GET: status and body; `htmx` adds the htmx header.
pub async fn get(app: &TestApp, client: &reqwest::Client, path: &str, htmx: bool) -> (u16, String) {
    let mut request = client.get(app.url(path));
    if htmx {
        request = request.header("HX-Request", "true");
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The text of the element `css` in `html`, if there is one.
pub fn text_of(html: &str, css: &str) -> Option<String> {
    let doc = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
}

/// The text of every element `css` in `html`, in document order.
pub fn all_text_of(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// How many elements match `css` in `html`.
pub fn count_of(html: &str, css: &str) -> usize {
    let doc = scraper::Html::parse_fragment(html);
    let selector = scraper::Selector::parse(css).unwrap();
    doc.select(&selector).count()
}

/// Rows in the tables that money and stock live in: (jobs, invoices, payments, stock
/// movements).
pub async fn money_rows(app: &TestApp) -> (i64, i64, i64, i64) {
    app.db
        .read(|c| {
            Ok((
                service_requests::table.count().get_result(c)?,
                invoices::table.count().get_result(c)?,
                payments::table.count().get_result(c)?,
                inventory_transactions::table.count().get_result(c)?,
            ))
        })
        .await
        .unwrap()
}

/// On hand of `product` at `site`.
pub async fn on_hand(app: &TestApp, product: i32, site: SiteId) -> i32 {
    app.db
        .read(move |c| {
            Ok(inventory::table
                .filter(inventory::product_id.eq(product))
                .filter(inventory::site_id.eq(site.0))
                .select(inventory::quantity_on_hand)
                .first(c)?)
        })
        .await
        .unwrap()
}

/// The status stored for a job.
pub async fn status_of(app: &TestApp, job: i32) -> String {
    app.db
        .read(move |c| {
            Ok(service_requests::table
                .find(job)
                .select(service_requests::status)
                .first(c)?)
        })
        .await
        .unwrap()
}
