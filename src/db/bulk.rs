//! Bulk loading for `workshop demo`: rows go in as multi-row INSERTs of up to [`BATCH_ROWS`]
//! rows. MultiBackend cannot build a batch insert, so each statement is written against the
//! concrete connection of either backend (both support batch inserts, with RETURNING).
//!
//! The row structs set every column (nullable ones with `treat_none_as_null`), because SQLite
//! has no `DEFAULT` keyword in VALUES: a batch with a defaulted column would fall back to one
//! statement per row.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    customers, inventory, inventory_transactions, mechanics, products, sites, users, vehicles,
};
use super::{AnyConnection, DbError};

/// Rows per INSERT statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bind
/// parameters for the widest table here (invoices, 21 columns).
pub const BATCH_ROWS: usize = 1000;

mod history;

pub use history::*;

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = mechanics, treat_none_as_null = true)]
pub struct NewMechanic {
    pub site_id: i32,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A staff user; the password is already hashed.
#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub phone: String,
    pub password_hash: String,
    pub role: String,
    pub site_id: Option<i32>,
    pub mechanic_id: Option<i32>,
    pub is_active: bool,
    pub session_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct NewCustomer {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub preferred_channel: &'static str,
    pub receive_service_reminders: bool,
    pub receive_marketing: bool,
    pub is_walk_in: bool,
    pub notes: &'static str,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = vehicles, treat_none_as_null = true)]
pub struct NewVehicle {
    pub customer_id: i32,
    pub site_id: i32,
    pub make: &'static str,
    pub model: &'static str,
    pub year: i32,
    pub license_plate: String,
    pub plate_key: String,
    pub vin: Option<String>,
    pub odometer_km: Option<i32>,
    pub last_serviced: Option<NaiveDate>,
    pub service_interval_days: i32,
    pub service_interval_km: Option<i32>,
    pub last_reminder_sent: Option<NaiveDate>,
    pub reminders_sent_in_cycle: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub struct NewProduct {
    pub name: String,
    pub sku: Option<String>,
    pub fmsi_number: String,
    pub product_type: &'static str,
    pub position: &'static str,
    pub application: String,
    pub description: String,
    pub brand: &'static str,
    pub part_number: String,
    pub category: &'static str,
    pub unit_of_measure: &'static str,
    pub unit_price_cents: i64,
    pub cost_price_cents: Option<i64>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = inventory, treat_none_as_null = true)]
pub struct NewStock {
    pub product_id: i32,
    pub site_id: i32,
    pub quantity_on_hand: i32,
    pub quantity_reserved: i32,
    pub reorder_level: i32,
    pub reorder_quantity: i32,
    pub bin_location: String,
    pub restricted: bool,
    pub last_counted_at: Option<NaiveDateTime>,
    pub last_restocked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Serialized (without its time, bound once) for `inventory::record_movements`.
#[derive(Insertable, serde::Serialize, Clone, Debug)]
#[diesel(table_name = inventory_transactions, treat_none_as_null = true)]
pub struct NewStockMovement<'a> {
    pub inventory_id: i32,
    pub kind: &'a str,
    pub quantity: i32,
    pub quantity_after: i32,
    pub unit_cost_cents: Option<i64>,
    pub reason: &'a str,
    pub reference_type: &'a str,
    pub reference_id: Option<i32>,
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

/// How many rows the tables a demo fills already hold, in one query; all zero means the
/// database is fresh.
pub fn existing_rows(conn: &mut AnyConnection) -> Result<[(&'static str, i64); 5], DbError> {
    let (u, c, s, v, p) = diesel::select((
        users::table.count().single_value(),
        customers::table.count().single_value(),
        sites::table.count().single_value(),
        vehicles::table.count().single_value(),
        products::table.count().single_value(),
    ))
    .get_result::<(
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    )>(conn)?;
    Ok([
        ("users", u.unwrap_or(0)),
        ("customers", c.unwrap_or(0)),
        ("sites", s.unwrap_or(0)),
        ("vehicles", v.unwrap_or(0)),
        ("products", p.unwrap_or(0)),
    ])
}

/// Inserts mechanics; returns `(id, site_id, name)` of each (RETURNING order is not promised).
pub fn insert_mechanics(
    conn: &mut AnyConnection,
    rows: &[NewMechanic],
) -> Result<Vec<(i32, i32, String)>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (mechanics::id, mechanics::site_id, mechanics::name);
        out.extend(on_backend!(conn, |c| diesel::insert_into(mechanics::table)
            .values(batch)
            .returning(returning)
            .get_results::<(i32, i32, String)>(c)?));
    }
    Ok(out)
}

/// Inserts staff users; returns `(id, role, site_id)` of each.
pub fn insert_staff(
    conn: &mut AnyConnection,
    rows: &[NewStaff],
) -> Result<Vec<(i32, String, Option<i32>)>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (users::id, users::role, users::site_id);
        out.extend(on_backend!(conn, |c| diesel::insert_into(users::table)
            .values(batch)
            .returning(returning)
            .get_results::<(i32, String, Option<i32>)>(c)?));
    }
    Ok(out)
}

/// Inserts customers; returns `(id, created_at)` of each.
pub fn insert_customers(
    conn: &mut AnyConnection,
    rows: &[NewCustomer],
) -> Result<Vec<(i32, NaiveDateTime)>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (customers::id, customers::created_at);
        out.extend(on_backend!(conn, |c| diesel::insert_into(customers::table)
            .values(batch)
            .returning(returning)
            .get_results::<(i32, NaiveDateTime)>(c)?));
    }
    Ok(out)
}

/// What [`insert_vehicles`] returns of each row: what a job needs to know of its vehicle.
#[derive(Clone, Copy, Debug, Queryable)]
pub struct InsertedVehicle {
    pub id: i32,
    pub customer_id: i32,
    pub site_id: i32,
    pub year: i32,
    pub created_at: NaiveDateTime,
    pub odometer_km: Option<i32>,
}

/// Inserts vehicles; returns [`InsertedVehicle`] of each.
pub fn insert_vehicles(
    conn: &mut AnyConnection,
    rows: &[NewVehicle],
) -> Result<Vec<InsertedVehicle>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (
            vehicles::id,
            vehicles::customer_id,
            vehicles::site_id,
            vehicles::year,
            vehicles::created_at,
            vehicles::odometer_km,
        );
        out.extend(on_backend!(conn, |c| diesel::insert_into(vehicles::table)
            .values(batch)
            .returning(returning)
            .get_results::<InsertedVehicle>(c)?));
    }
    Ok(out)
}

/// What [`insert_products`] returns of each row: id, name, SKU, price, cost, active.
pub type InsertedProduct = (i32, String, Option<String>, i64, Option<i64>, bool);

/// Inserts products; returns [`InsertedProduct`] of each.
pub fn insert_products(
    conn: &mut AnyConnection,
    rows: &[NewProduct],
) -> Result<Vec<InsertedProduct>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (
            products::id,
            products::name,
            products::sku,
            products::unit_price_cents,
            products::cost_price_cents,
            products::is_active,
        );
        out.extend(on_backend!(conn, |c| diesel::insert_into(products::table)
            .values(batch)
            .returning(returning)
            .get_results::<InsertedProduct>(c)?));
    }
    Ok(out)
}

/// What [`insert_stock`] returns of each row: id, product, on hand, last restocked.
pub type InsertedStock = (i32, i32, i32, Option<NaiveDateTime>);

/// Inserts stock rows; returns [`InsertedStock`] of each.
pub fn insert_stock(
    conn: &mut AnyConnection,
    rows: &[NewStock],
) -> Result<Vec<InsertedStock>, DbError> {
    let mut out = Vec::with_capacity(rows.len());
    for batch in rows.chunks(BATCH_ROWS) {
        let returning = (
            inventory::id,
            inventory::product_id,
            inventory::quantity_on_hand,
            inventory::last_restocked_at,
        );
        out.extend(on_backend!(conn, |c| diesel::insert_into(inventory::table)
            .values(batch)
            .returning(returning)
            .get_results::<InsertedStock>(c)?));
    }
    Ok(out)
}

/// Inserts stock movements; returns how many.
pub fn insert_stock_movements(
    conn: &mut AnyConnection,
    rows: &[NewStockMovement<'_>],
) -> Result<usize, DbError> {
    let mut inserted = 0;
    for batch in rows.chunks(BATCH_ROWS) {
        inserted += on_backend!(conn, |c| diesel::insert_into(inventory_transactions::table)
            .values(batch)
            .execute(c)?);
    }
    Ok(inserted)
}

/// Before a bulk load into a fresh SQLite database: forgets the planner statistics gathered
/// at start, which describe empty tables (and does nothing to a database that holds data).
/// Statistics saying the full-text indexes' shadow tables hold two rows make every insert into
/// them slower as they grow: 100,000 customers took three and a half minutes instead of three
/// seconds. A connection reads the statistics when it opens, so load on a new one; afterwards
/// [`tidy_after_load`] gathers statistics of the real data.
pub fn forget_empty_statistics(conn: &mut AnyConnection) -> Result<(), DbError> {
    use diesel::connection::SimpleConnection;
    if existing_rows(conn)?.iter().any(|(_, rows)| *rows > 0) {
        return Ok(());
    }
    if let AnyConnection::Sqlite(c) = conn {
        c.batch_execute("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;")?;
    }
    Ok(())
}

/// Sets up the loading connection (SQLite; PostgreSQL needs nothing): a page cache of 64 MB
/// instead of 2 MB holds the index pages that a chunk of rows dirties at random places until
/// its commit, instead of reading them back from the file (about a third off the load).
pub fn tune_for_load(conn: &mut AnyConnection) -> Result<(), DbError> {
    use diesel::connection::SimpleConnection;
    if let AnyConnection::Sqlite(c) = conn {
        c.batch_execute("PRAGMA cache_size = -65536;")?;
    }
    Ok(())
}

/// After a bulk load: SQLite merges the customer search indexes' many small segments into one
/// (a search then reads each trigram's list once, about 40% faster) and gathers the planner
/// statistics that let a vehicle search combine its indexes; PostgreSQL vacuums and
/// gathers the planner statistics now rather than whenever autovacuum comes by.
pub fn tidy_after_load(conn: &mut AnyConnection) -> Result<(), DbError> {
    use diesel::connection::SimpleConnection;
    match conn {
        AnyConnection::Sqlite(c) => c.batch_execute(
            "INSERT INTO customers_search (customers_search) VALUES ('optimize'); \
             INSERT INTO customer_phones_search (customer_phones_search) VALUES ('optimize'); \
             ANALYZE;",
        )?,
        AnyConnection::Postgresql(c) => c.batch_execute("VACUUM ANALYZE")?,
    }
    Ok(())
}
