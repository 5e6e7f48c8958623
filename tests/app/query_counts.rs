//! A list costs a constant number of queries, whatever its length (no N+1): every list page and
//! list API is asked for with 3 rows and with 30, and must cost the same.

use workshop::db::customers::{CustomerFields, insert_customer};
use workshop::domain::ids::UserId;
use workshop::domain::role::Role;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

on_both_databases!(list_pages_cost_constant_queries);

/// What a list shows, so the test can add rows to it.
#[derive(Clone, Copy, Debug)]
enum Rows {
    Customers,
    Sites,
    Vehicles,
    Mechanics,
    Staff,
    Products,
    Jobs,
    Sales,
    /// A product with a stock row at the first site (low on every third).
    Stock,
}

/// Every list page and list API route, with the rows it lists. Add each new list here.
const LISTS: &[(&str, Rows)] = &[
    ("/customers?page_size=50", Rows::Customers),
    ("/customers?page_size=50&sort=newest", Rows::Customers),
    ("/customers?page_size=50&q=a", Rows::Customers),
    ("/sites?page_size=50", Rows::Sites),
    ("/api/v1/customers/?page_size=50", Rows::Customers),
    ("/api/v1/sites/?page_size=50", Rows::Sites),
    ("/vehicles?page_size=50", Rows::Vehicles),
    ("/vehicles?page_size=50&q=gr", Rows::Vehicles),
    ("/api/v1/vehicles/?page_size=50", Rows::Vehicles),
    ("/mechanics?page_size=50&status=all", Rows::Mechanics),
    ("/api/v1/mechanics/?page_size=50", Rows::Mechanics),
    ("/staff?page_size=50", Rows::Staff),
    ("/api/v1/users/?page_size=50", Rows::Staff),
    ("/products?page_size=50", Rows::Products),
    ("/api/v1/products/?page_size=50", Rows::Products),
    ("/invoices?page_size=50", Rows::Jobs),
    (
        "/invoices?page_size=50&status=owing&sort=total_high",
        Rows::Jobs,
    ),
    (
        "/invoices?page_size=50&from=2000-01-01&to=2100-12-31",
        Rows::Jobs,
    ),
    ("/api/v1/service-requests/?page_size=50", Rows::Jobs),
    (
        "/api/v1/service-requests/?page_size=50&status=Completed",
        Rows::Jobs,
    ),
    ("/api/v1/invoices/?page_size=50", Rows::Jobs),
    (
        "/api/v1/invoices/?page_size=50&ordering=-total_cost",
        Rows::Jobs,
    ),
    ("/service-requests?page_size=50", Rows::Jobs),
    (
        "/service-requests?page_size=50&status=open&q=SR",
        Rows::Jobs,
    ),
    ("/sales?page_size=50", Rows::Sales),
    ("/inventory?page_size=50", Rows::Stock),
    ("/inventory?page_size=50&status=low&q=pad", Rows::Stock),
    ("/api/v1/inventory/?page_size=50", Rows::Stock),
    ("/api/v1/inventory/low-stock/?page_size=50", Rows::Stock),
];

/// Adds `n` rows of a kind, numbered from `from`.
async fn add_rows(app: &TestApp, kind: Rows, from: usize, n: usize, by: UserId) {
    for i in from..from + n {
        match kind {
            Rows::Sites => {
                app.create_site(&format!("Site {i:03}")).await;
            }
            Rows::Customers => {
                let fields = customer(i);
                app.db
                    .write(move |c| insert_customer(c, &fields, by))
                    .await
                    .unwrap();
            }
            Rows::Vehicles => add_vehicle(app, i, by).await,
            Rows::Mechanics => add_mechanic(app, i).await,
            Rows::Products => {
                add_product(app, i).await;
            }
            Rows::Jobs => add_job(app, i, by, false).await,
            Rows::Sales => add_job(app, i, by, true).await,
            Rows::Stock => add_stock(app, i).await,
            Rows::Staff => {
                app.create_user(&format!("staff{i}@example.com"), Role::Advisor, None)
                    .await;
            }
        }
    }
}

const KINDS: [Rows; 9] = [
    Rows::Sites,
    Rows::Customers,
    Rows::Vehicles,
    Rows::Mechanics,
    Rows::Staff,
    Rows::Products,
    Rows::Jobs,
    Rows::Sales,
    Rows::Stock,
];

/// Marks a job completed and writes its invoice directly (completion has its own tests).
fn complete_with_invoice(
    c: &mut workshop::db::AnyConnection,
    id: i32,
    i: usize,
) -> Result<(), workshop::db::DbError> {
    use diesel::prelude::*;
    use workshop::db::invoices::{InvoiceLine, NewInvoice, insert_invoice};
    use workshop::db::schema::service_requests;
    let (site, owner): (i32, i32) = service_requests::table
        .find(id)
        .select((service_requests::site_id, service_requests::customer_id))
        .first(c)?;
    let at = workshop::db::now();
    workshop::db::jobs::mark_completed(c, id, None, at)?;
    let invoice = NewInvoice {
        display_number: format!("INV-2026-{i:05}"),
        service_request_id: id,
        site_id: site,
        customer_id: owner,
        parts_cents: 2000,
        labour_cents: 2500,
        subtotal_cents: 4500,
        discount_cents: 0,
        tax_cents: 0,
        total_cents: 4500,
        paid_cents: 0,
        tax_rate_bp: 0,
        promotion_id: None,
        status: "unpaid".into(),
        public_token: None,
    };
    let line = InvoiceLine {
        kind: "part".into(),
        product_id: None,
        description: "Brake pad".into(),
        sku: String::new(),
        quantity: 2,
        unit_price_cents: 1000,
        line_total_cents: 2000,
        position: 1,
    };
    insert_invoice(c, &invoice, &[line], at)?;
    Ok(())
}

/// A job (with a vehicle, a mechanic, a part and a labour line) or a sale (with a part line)
/// at the first site, for a new customer; every other job completed with its invoice.
async fn add_job(app: &TestApp, i: usize, by: UserId, sale: bool) {
    use chrono::Datelike;
    use diesel::prelude::*;
    use workshop::db::job_lines::{LabourFields, insert_labour, insert_part};
    use workshop::db::jobs::{NewJob, insert_job};
    use workshop::db::numbers::{Numbered, next_number};
    use workshop::db::schema::{mechanics, products, sites, vehicles};
    app.db
        .write(move |c| {
            let site: i32 = sites::table.select(sites::id).order(sites::id).first(c)?;
            let product: i32 = products::table
                .select(products::id)
                .order(products::id)
                .first(c)?;
            let owner = insert_customer(c, &customer(i + 5000), by)?;
            let (vehicle, mechanic) = if sale {
                (None, None)
            } else {
                let vehicle: i32 = vehicles::table
                    .select(vehicles::id)
                    .order(vehicles::id)
                    .first(c)?;
                let mechanic: i32 = mechanics::table
                    .select(mechanics::id)
                    .order(mechanics::id)
                    .first(c)?;
                (Some(vehicle), Some(mechanic))
            };
            let kind = if sale {
                Numbered::Sale
            } else {
                Numbered::Service
            };
            let job = NewJob {
                display_number: next_number(c, kind, chrono::Utc::now().year())?,
                transaction_type: if sale { "sale" } else { "service" }.into(),
                customer_id: owner,
                vehicle_id: vehicle,
                site_id: site,
                service_type_id: (!sale).then_some(1),
                assigned_mechanic_id: mechanic,
                description: String::new(),
                status: "Pending".into(),
                created_by: Some(by.0),
            };
            let id = insert_job(c, &job)?;
            insert_part(c, id, product, 2, 1000, by)?;
            if !sale {
                let labour = LabourFields {
                    description: "Labour".into(),
                    hours_hundredths: None,
                    hourly_rate_cents: None,
                    amount_cents: 2500,
                };
                insert_labour(c, id, &labour)?;
            }
            if !sale && i.is_multiple_of(2) {
                complete_with_invoice(c, id, i)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

/// A vehicle (with its own owner) at the first site.
async fn add_vehicle(app: &TestApp, i: usize, by: UserId) {
    use diesel::prelude::*;
    use workshop::db::schema::sites;
    use workshop::db::vehicles::{VehicleFields, insert_vehicle};
    app.db
        .write(move |c| {
            let site: i32 = sites::table.select(sites::id).order(sites::id).first(c)?;
            let owner = insert_customer(c, &customer(i + 1000), by)?;
            let vehicle = VehicleFields {
                customer_id: owner,
                site_id: site,
                make: "Toyota".into(),
                model: "Corolla".into(),
                year: 2019,
                license_plate: format!("GR {i:04}"),
                plate_key: format!("GR{i:04}"),
                vin: None,
                odometer_km: Some(1000),
                last_serviced: None,
                service_interval_days: 180,
                service_interval_km: None,
            };
            insert_vehicle(c, &vehicle)
        })
        .await
        .unwrap();
}

async fn add_mechanic(app: &TestApp, i: usize) {
    use diesel::prelude::*;
    use workshop::db::mechanics::{MechanicFields, insert_mechanic};
    use workshop::db::schema::sites;
    app.db
        .write(move |c| {
            let site: i32 = sites::table.select(sites::id).order(sites::id).first(c)?;
            let fields = MechanicFields {
                site_id: site,
                name: format!("Mechanic {i}"),
                phone: String::new(),
                email: None,
                is_active: true,
            };
            insert_mechanic(c, &fields)
        })
        .await
        .unwrap();
}

async fn add_product(app: &TestApp, i: usize) -> i32 {
    use workshop::db::products::{ProductFields, insert_product};
    let fields = ProductFields {
        name: format!("Brake pad {i}"),
        sku: Some(format!("BP-{i:04}")),
        fmsi_number: String::new(),
        product_type: String::new(),
        position: String::new(),
        application: String::new(),
        description: String::new(),
        brand: "Bosch".into(),
        part_number: String::new(),
        category: "spare_part".into(),
        unit_of_measure: "each".into(),
        unit_price_cents: 1000,
        cost_price_cents: Some(600),
        is_active: true,
    };
    app.db
        .write(move |c| insert_product(c, &fields))
        .await
        .unwrap()
}

/// A product stocked at the first site with a few units on hand.
async fn add_stock(app: &TestApp, i: usize) {
    use diesel::prelude::*;
    use workshop::db::inventory::{StockSettings, insert_stock};
    use workshop::db::schema::{inventory, sites};
    use workshop::domain::ids::SiteId;
    let product = add_product(app, i + 7000).await;
    app.db
        .write(move |c| {
            let site: i32 = sites::table.select(sites::id).order(sites::id).first(c)?;
            let settings = StockSettings {
                reorder_level: 5,
                reorder_quantity: 10,
                bin_location: format!("A{i}"),
                restricted: false,
            };
            let id = insert_stock(c, product, SiteId(site), &settings)?;
            let on_hand = if i.is_multiple_of(3) { 2 } else { 20 };
            diesel::update(inventory::table.find(id))
                .set(inventory::quantity_on_hand.eq(on_hand))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
}

fn customer(i: usize) -> CustomerFields {
    CustomerFields {
        first_name: format!("Ada{i}"),
        last_name: "Mensah".into(),
        phone: format!("+1555010{i:04}"),
        email: Some(format!("ada{i}@example.com")),
        preferred_channel: "sms".into(),
        receive_service_reminders: true,
        receive_marketing: false,
        notes: String::new(),
    }
}

async fn list_pages_cost_constant_queries(backend: Backend) {
    let app = spawn_app(backend).await;
    let root = app
        .create_user("root@example.com", Role::Superuser, None)
        .await;
    app.sign_in("root@example.com").await;
    for kind in KINDS {
        add_rows(&app, kind, 0, 3, root).await;
    }
    for (path, _) in LISTS {
        app.queries_for(path).await; // warm up: first use of a connection, the session, …
    }

    let mut few = Vec::new();
    for (path, _) in LISTS {
        few.push(app.queries_for(path).await);
    }
    for kind in KINDS {
        add_rows(&app, kind, 3, 27, root).await;
    }
    let mut many = Vec::new();
    for (path, _) in LISTS {
        many.push(app.queries_for(path).await);
    }

    for (((path, kind), few), many) in LISTS.iter().zip(&few).zip(&many) {
        eprintln!(
            "{backend:?} {path} ({kind:?}): 3 rows {} queries, 30 rows {} queries",
            few.1, many.1
        );
        assert_eq!((few.0, many.0), (200, 200), "{path}");
        assert_eq!(few.1, many.1, "{path} costs more queries with more rows");
        assert!(few.1 > 0, "{path}: the counter counts");
    }
}
