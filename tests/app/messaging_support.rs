//! Fixtures for the messaging tests: customers, vehicles, completed jobs with invoices and
//! payments written straight into the test database (the jobs issue builds the pages that make
//! them), and a reader for the outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use workshop::config::Settings;
use workshop::db::schema::{
    customers, invoices, mechanics, outbox_messages, payments, service_requests, vehicles,
};
use workshop::db::{AnyConnection, now};
use workshop::domain::ids::SiteId;

use crate::helpers::{TestApp, test_vars};

/// The app's settings with a public address for links.
pub fn settings_of(app: &TestApp) -> Settings {
    settings_with(app, &[])
}

/// The app's settings with overrides (channels, retry timing), for a worker of the test's own.
pub fn settings_with(app: &TestApp, overrides: &[(&str, &str)]) -> Settings {
    let mut all = vec![("WORKSHOP_BASE_URL", "https://shop.test")];
    all.extend_from_slice(overrides);
    Settings::from_vars(&test_vars(&app.database, &all)).unwrap()
}

pub struct NewCustomer<'a> {
    pub first_name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub preferred: &'a str,
    pub reminders: bool,
    pub marketing: bool,
}

impl Default for NewCustomer<'_> {
    fn default() -> Self {
        Self {
            first_name: "Ada",
            phone: "+15550100001",
            email: None,
            preferred: "sms",
            reminders: true,
            marketing: false,
        }
    }
}

pub fn insert_customer(c: &mut AnyConnection, n: &NewCustomer<'_>) -> i32 {
    let at = now();
    diesel::insert_into(customers::table)
        .values((
            customers::first_name.eq(n.first_name),
            customers::last_name.eq("Mensah"),
            customers::phone.eq(n.phone),
            customers::email.eq(n.email),
            customers::preferred_channel.eq(n.preferred),
            customers::receive_service_reminders.eq(n.reminders),
            customers::receive_marketing.eq(n.marketing),
            customers::created_at.eq(at),
            customers::updated_at.eq(at),
        ))
        .returning(customers::id)
        .get_result(c)
        .unwrap()
}

pub async fn customer(app: &TestApp, n: NewCustomer<'static>) -> i32 {
    app.db
        .write(move |c| Ok(insert_customer(c, &n)))
        .await
        .unwrap()
}

pub fn insert_vehicle(c: &mut AnyConnection, customer: i32, site: SiteId, plate: &str) -> i32 {
    let at = now();
    diesel::insert_into(vehicles::table)
        .values((
            vehicles::customer_id.eq(customer),
            vehicles::site_id.eq(site.0),
            vehicles::make.eq("Toyota"),
            vehicles::model.eq("Corolla"),
            vehicles::year.eq(2018),
            vehicles::license_plate.eq(plate),
            vehicles::plate_key.eq(plate.replace([' ', '-'], "").to_uppercase()),
            vehicles::created_at.eq(at),
            vehicles::updated_at.eq(at),
        ))
        .returning(vehicles::id)
        .get_result(c)
        .unwrap()
}

pub async fn vehicle(app: &TestApp, customer: i32, site: SiteId, plate: &'static str) -> i32 {
    app.db
        .write(move |c| Ok(insert_vehicle(c, customer, site, plate)))
        .await
        .unwrap()
}

/// A completed job (a sale when `vehicle` is `None`) and its invoice; returns (job, invoice).
pub async fn completed_job(
    app: &TestApp,
    site: SiteId,
    customer: i32,
    vehicle: Option<i32>,
    total_cents: i64,
    token: Option<&'static str>,
) -> (i32, i32) {
    app.db
        .write(move |c| {
            Ok(insert_completed_job(
                c,
                site,
                customer,
                vehicle,
                total_cents,
                token,
            ))
        })
        .await
        .unwrap()
}

pub fn insert_completed_job(
    c: &mut AnyConnection,
    site: SiteId,
    customer: i32,
    vehicle: Option<i32>,
    total_cents: i64,
    token: Option<&str>,
) -> (i32, i32) {
    let at = now();
    let n: i64 = service_requests::table.count().get_result(c).unwrap();
    let kind = if vehicle.is_some() { "service" } else { "sale" };
    let job: i32 = diesel::insert_into(service_requests::table)
        .values((
            service_requests::display_number.eq(format!("SR-2026-{:04}", n + 1)),
            service_requests::transaction_type.eq(kind),
            service_requests::customer_id.eq(customer),
            service_requests::vehicle_id.eq(vehicle),
            service_requests::site_id.eq(site.0),
            service_requests::description.eq("Brake pads"),
            service_requests::status.eq("Completed"),
            service_requests::created_at.eq(at),
            service_requests::updated_at.eq(at),
            service_requests::completed_at.eq(Some(at)),
        ))
        .returning(service_requests::id)
        .get_result(c)
        .unwrap();
    let invoice: i32 = diesel::insert_into(invoices::table)
        .values((
            invoices::display_number.eq(format!("INV-2026-{:05}", n + 1)),
            invoices::service_request_id.eq(job),
            invoices::site_id.eq(site.0),
            invoices::customer_id.eq(customer),
            invoices::parts_cents.eq(total_cents),
            invoices::labour_cents.eq(0),
            invoices::subtotal_cents.eq(total_cents),
            invoices::discount_cents.eq(0),
            invoices::tax_cents.eq(0),
            invoices::total_cents.eq(total_cents),
            invoices::public_token.eq(token),
            invoices::created_at.eq(at),
            invoices::updated_at.eq(at),
        ))
        .returning(invoices::id)
        .get_result(c)
        .unwrap();
    (job, invoice)
}

pub async fn pay(app: &TestApp, invoice: i32, cents: i64, method: &'static str) {
    app.db
        .write(move |c| {
            let at = now();
            diesel::insert_into(payments::table)
                .values((
                    payments::invoice_id.eq(invoice),
                    payments::amount_cents.eq(cents),
                    payments::method.eq(method),
                    payments::received_at.eq(at),
                    payments::created_at.eq(at),
                ))
                .execute(c)?;
            diesel::update(invoices::table.find(invoice))
                .set((invoices::paid_cents.eq(cents), invoices::status.eq("paid")))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
}

pub async fn mechanic(
    app: &TestApp,
    site: SiteId,
    phone: &'static str,
    email: Option<&'static str>,
) -> i32 {
    app.db
        .write(move |c| {
            let at = now();
            Ok(diesel::insert_into(mechanics::table)
                .values((
                    mechanics::site_id.eq(site.0),
                    mechanics::name.eq("Yaw"),
                    mechanics::phone.eq(phone),
                    mechanics::email.eq(email),
                    mechanics::created_at.eq(at),
                    mechanics::updated_at.eq(at),
                ))
                .returning(mechanics::id)
                .get_result(c)?)
        })
        .await
        .unwrap()
}

/// An outbox row as the tests look at it.
#[derive(Queryable, Debug, Clone)]
pub struct Message {
    #[allow(
        dead_code,
        reason = "selected to keep the row order visible in failure output"
    )]
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub dedupe_key: String,
    pub customer_id: Option<i32>,
    pub invoice_id: Option<i32>,
    pub provider_id: Option<String>,
    pub next_attempt_at: NaiveDateTime,
}

/// Every outbox row, oldest first.
pub async fn messages(app: &TestApp) -> Vec<Message> {
    app.db
        .read(|c| {
            use outbox_messages::dsl as o;
            Ok(o::outbox_messages
                .order(o::id)
                .select((
                    o::id,
                    o::kind,
                    o::channel,
                    o::recipient,
                    o::subject,
                    o::body_text,
                    o::body_html,
                    o::status,
                    o::attempts,
                    o::last_error,
                    o::dedupe_key,
                    o::customer_id,
                    o::invoice_id,
                    o::provider_id,
                    o::next_attempt_at,
                ))
                .load(c)?)
        })
        .await
        .unwrap()
}

/// Waits (up to 10 s) until `done` holds for the outbox.
pub async fn wait_for(app: &TestApp, done: impl Fn(&[Message]) -> bool) -> Vec<Message> {
    for _ in 0..100 {
        let rows = messages(app).await;
        if done(&rows) {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the outbox never got there: {:#?}", messages(app).await);
}
