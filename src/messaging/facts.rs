//! What the event messages need to know, each read with one query inside the caller's
//! transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::address::Contact;
use crate::db::schema::{
    customers, invoices, mechanics, outbox_messages, payments, service_requests, sites, users,
    vehicles,
};
use crate::db::{AnyConnection, DbError};

/// The contact columns of a customer.
#[derive(Queryable, Clone, Debug)]
pub struct CustomerFacts {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub preferred_channel: String,
    pub is_walk_in: bool,
}

impl CustomerFacts {
    pub fn contact(&self) -> Contact<'_> {
        Contact {
            phone: &self.phone,
            email: self.email.as_deref(),
            preferred_channel: &self.preferred_channel,
            is_walk_in: self.is_walk_in,
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

type CustomerColumns = (
    customers::id,
    customers::first_name,
    customers::last_name,
    customers::phone,
    customers::email,
    customers::preferred_channel,
    customers::is_walk_in,
);

const CUSTOMER: CustomerColumns = (
    customers::id,
    customers::first_name,
    customers::last_name,
    customers::phone,
    customers::email,
    customers::preferred_channel,
    customers::is_walk_in,
);

/// Make, model and plate.
pub type VehicleFacts = (String, String, String);

/// An invoice with its job, customer, site and vehicle.
#[derive(Queryable, Clone, Debug)]
pub struct InvoiceFacts {
    pub id: i32,
    pub number: String,
    pub total_cents: i64,
    pub public_token: Option<String>,
    pub token_revoked_at: Option<NaiveDateTime>,
    pub site_id: i32,
    pub service_request_id: i32,
    pub customer: CustomerFacts,
    pub site_name: String,
    pub site_phone: String,
    pub vehicle: Option<VehicleFacts>,
}

pub fn invoice(conn: &mut AnyConnection, id: i32) -> Result<Option<InvoiceFacts>, DbError> {
    Ok(invoices::table
        .inner_join(customers::table)
        .inner_join(sites::table)
        // Flat joins, never `(service_requests JOIN vehicles)`: PostgreSQL sessions keep the
        // written join order (db::connection), and a nested join would be built whole first.
        .inner_join(service_requests::table)
        .left_join(vehicles::table.on(vehicles::id.nullable().eq(service_requests::vehicle_id)))
        .filter(invoices::id.eq(id))
        .select((
            invoices::id,
            invoices::display_number,
            invoices::total_cents,
            invoices::public_token,
            invoices::public_token_revoked_at,
            invoices::site_id,
            invoices::service_request_id,
            CUSTOMER,
            sites::name,
            sites::phone,
            (vehicles::make, vehicles::model, vehicles::license_plate).nullable(),
        ))
        .first(conn)
        .optional()?)
}

/// The method of an invoice's latest payment ("cash", …), if any.
pub fn latest_payment_method(
    conn: &mut AnyConnection,
    invoice: i32,
) -> Result<Option<String>, DbError> {
    Ok(payments::table
        .filter(payments::invoice_id.eq(invoice))
        .filter(payments::amount_cents.gt(0))
        .order(payments::id.desc())
        .select(payments::method)
        .first(conn)
        .optional()?)
}

/// A service request with its customer, site and vehicle.
#[derive(Queryable, Clone, Debug)]
pub struct JobFacts {
    pub id: i32,
    pub number: String,
    pub description: String,
    pub site_id: i32,
    pub customer: CustomerFacts,
    pub site_name: String,
    pub vehicle: Option<VehicleFacts>,
}

pub fn job(conn: &mut AnyConnection, id: i32) -> Result<Option<JobFacts>, DbError> {
    Ok(service_requests::table
        .inner_join(customers::table)
        .inner_join(sites::table)
        .left_join(vehicles::table)
        .filter(service_requests::id.eq(id))
        .select((
            service_requests::id,
            service_requests::display_number,
            service_requests::description,
            service_requests::site_id,
            CUSTOMER,
            sites::name,
            (vehicles::make, vehicles::model, vehicles::license_plate).nullable(),
        ))
        .first(conn)
        .optional()?)
}

/// Name, phone and email of a mechanic.
pub fn mechanic(
    conn: &mut AnyConnection,
    id: i32,
) -> Result<Option<(String, String, Option<String>)>, DbError> {
    Ok(mechanics::table
        .find(id)
        .select((mechanics::name, mechanics::phone, mechanics::email))
        .first(conn)
        .optional()?)
}

/// How many mechanic messages a job has had, to number the next one.
pub fn mechanic_messages_of(conn: &mut AnyConnection, job: i32) -> Result<i64, DbError> {
    Ok(outbox_messages::table
        .filter(outbox_messages::service_request_id.eq(job))
        .filter(outbox_messages::kind.eq("mechanic_assigned"))
        .count()
        .get_result(conn)?)
}

/// A customer and the site of the user who created them.
pub fn customer(
    conn: &mut AnyConnection,
    id: i32,
) -> Result<Option<(CustomerFacts, Option<i32>)>, DbError> {
    Ok(customers::table
        .left_join(users::table)
        .filter(customers::id.eq(id))
        .select((CUSTOMER, users::site_id.nullable()))
        .first::<(CustomerFacts, Option<i32>)>(conn)
        .optional()?)
}
