//! Bulk loading of job history for `workshop demo`: service requests and their lines,
//! invoices with frozen lines, payments, display-number sequences, and the vehicles' service
//! state that completed jobs leave behind.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::BATCH_ROWS;
use crate::db::schema::{
    customers, display_number_sequences, invoice_lines, invoices, payments, service_request_labour,
    service_request_parts, service_requests,
};
use crate::db::{AnyConnection, DbError};

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = service_requests, treat_none_as_null = true)]
pub struct NewServiceRequest {
    pub display_number: String,
    pub transaction_type: &'static str,
    pub customer_id: i32,
    pub vehicle_id: Option<i32>,
    pub site_id: i32,
    pub service_type_id: Option<i32>,
    pub assigned_mechanic_id: Option<i32>,
    pub description: &'static str,
    pub status: &'static str,
    pub cancel_reason: Option<&'static str>,
    pub odometer_km: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    /// The sums of the lines inserted with it (`job_lines::refresh_line_sums`).
    pub parts_cents: i64,
    pub labour_cents: i64,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = service_request_parts, treat_none_as_null = true)]
pub struct NewPartLine {
    pub service_request_id: i32,
    pub product_id: i32,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = service_request_labour, treat_none_as_null = true)]
pub struct NewLabourLine {
    pub service_request_id: i32,
    pub description: &'static str,
    pub hours_hundredths: Option<i32>,
    pub hourly_rate_cents: Option<i64>,
    pub amount_cents: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = invoices, treat_none_as_null = true)]
pub struct NewInvoice {
    pub display_number: String,
    pub service_request_id: i32,
    pub site_id: i32,
    pub customer_id: i32,
    pub parts_cents: i64,
    pub labour_cents: i64,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub tax_rate_bp: i32,
    pub promotion_id: Option<i32>,
    pub status: &'static str,
    pub void_reason: Option<&'static str>,
    pub voided_at: Option<NaiveDateTime>,
    pub voided_by: Option<i32>,
    pub public_token: Option<String>,
    pub public_token_revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = invoice_lines, treat_none_as_null = true)]
pub struct NewInvoiceLine {
    pub invoice_id: i32,
    pub kind: &'static str,
    pub product_id: Option<i32>,
    pub description: String,
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
    pub position: i32,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = payments, treat_none_as_null = true)]
pub struct NewPayment {
    pub invoice_id: i32,
    pub amount_cents: i64,
    pub method: &'static str,
    pub reference: String,
    pub reason: &'static str,
    pub tendered_cents: Option<i64>,
    pub received_by: Option<i32>,
    pub received_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = display_number_sequences)]
pub struct NewSequence {
    pub prefix: &'static str,
    pub year: i32,
    pub last_value: i32,
}

/// A vehicle's state after its latest completed job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceState {
    pub vehicle_id: i32,
    pub last_serviced: NaiveDate,
    pub odometer_km: Option<i32>,
}

/// Inserts service requests; returns `(id, display_number)` of each (RETURNING order is not
/// promised, the display number is unique).
pub fn insert_service_requests(
    conn: &mut AnyConnection,
    rows: &[NewServiceRequest],
) -> Result<Vec<(i32, String)>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (service_requests::id, service_requests::display_number);
        out.extend(on_backend!(conn, |c| diesel::insert_into(
            service_requests::table
        )
        .values(batch)
        .returning(returning)
        .get_results::<(i32, String)>(c)?));
    }
    Ok(out)
}

/// Inserts invoices; returns `(id, service_request_id)` of each.
pub fn insert_invoices(
    conn: &mut AnyConnection,
    rows: &[NewInvoice],
) -> Result<Vec<(i32, i32)>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (invoices::id, invoices::service_request_id);
        out.extend(on_backend!(conn, |c| diesel::insert_into(invoices::table)
            .values(batch)
            .returning(returning)
            .get_results::<(i32, i32)>(c)?));
    }
    Ok(out)
}

/// Inserts rows that nothing needs the ids of; returns how many.
macro_rules! insert_all {
    ($name:ident, $row:ty, $table:path) => {
        pub fn $name(conn: &mut AnyConnection, rows: &[$row]) -> Result<usize, DbError> {
            let mut inserted = 0;
            for batch in rows.chunks(BATCH_ROWS) {
                inserted += on_backend!(conn, |c| diesel::insert_into($table)
                    .values(batch)
                    .execute(c)?);
            }
            Ok(inserted)
        }
    };
}

insert_all!(insert_part_lines, NewPartLine, service_request_parts::table);
insert_all!(
    insert_labour_lines,
    NewLabourLine,
    service_request_labour::table
);
insert_all!(insert_invoice_lines, NewInvoiceLine, invoice_lines::table);
insert_all!(insert_payments, NewPayment, payments::table);
insert_all!(
    insert_sequences,
    NewSequence,
    display_number_sequences::table
);

/// Sets each vehicle's last service date and odometer (when the job read one) in one UPDATE
/// per batch. The values are integers and dates this program made, never user input, so they
/// are written into the statement: diesel cannot bind a VALUES list of varying length.
pub fn set_service_states(
    conn: &mut AnyConnection,
    states: &[ServiceState],
) -> Result<usize, DbError> {
    use diesel::connection::SimpleConnection;
    let day = match conn {
        AnyConnection::Postgresql(_) => "CAST(t.day AS DATE)",
        AnyConnection::Sqlite(_) => "t.day",
    };
    for batch in states.chunks(BATCH_ROWS) {
        let values: Vec<String> = batch
            .iter()
            .map(|s| {
                let km = s
                    .odometer_km
                    .map_or_else(|| "CAST(NULL AS INTEGER)".to_owned(), |km| km.to_string());
                format!(
                    "({}, '{}', {km})",
                    s.vehicle_id,
                    s.last_serviced.format("%Y-%m-%d")
                )
            })
            .collect();
        conn.batch_execute(&format!(
            "WITH t (id, day, km) AS (VALUES {}) \
             UPDATE vehicles SET last_serviced = {day}, \
                 odometer_km = COALESCE(t.km, vehicles.odometer_km), \
                 last_reminder_sent = NULL, reminders_sent_in_cycle = 0 \
             FROM t WHERE vehicles.id = t.id",
            values.join(", ")
        ))?;
    }
    Ok(states.len())
}

/// Dates a customer's registration back (the walk-in, made now, serves sales from before).
pub fn backdate_customer(
    conn: &mut AnyConnection,
    id: i32,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(customers::table.find(id))
        .set((customers::created_at.eq(at), customers::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}
