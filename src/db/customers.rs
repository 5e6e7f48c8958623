//! Customers are shared by every site (SPEC §1); what a site-bound user sees of their vehicles
//! and history is limited by [`Scope`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{customers, service_requests, sites, vehicles};
use super::scope::Scope;
use super::{AnyConnection, DbError, now};
use crate::domain::ids::{SiteId, UserId};

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub preferred_channel: String,
    pub receive_service_reminders: bool,
    pub receive_marketing: bool,
    pub is_walk_in: bool,
    pub notes: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CustomerRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// Validated fields of a customer; the same set is inserted and updated. A cleared email is
/// written as NULL, not skipped.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct CustomerFields {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub preferred_channel: String,
    pub receive_service_reminders: bool,
    pub receive_marketing: bool,
    pub notes: String,
}

/// List order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerSort {
    Name,
    Newest,
}

pub use super::customer_list::list_customers;

pub fn find_customer(conn: &mut AnyConnection, id: i32) -> Result<Option<CustomerRow>, DbError> {
    Ok(customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?)
}

/// A vehicle line on the customer page.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct CustomerVehicle {
    pub id: i32,
    pub make: String,
    pub model: String,
    pub year: i32,
    pub license_plate: String,
    pub site_name: String,
}

/// The customer's vehicles that `scope` may see, in one query.
pub fn vehicles_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    customer: i32,
) -> Result<Vec<CustomerVehicle>, DbError> {
    let mut query = vehicles::table
        .inner_join(sites::table)
        .filter(vehicles::customer_id.eq(customer))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(vehicles::site_id.eq(site.0));
    }
    Ok(query
        .order(vehicles::id.desc())
        .select((
            vehicles::id,
            vehicles::make,
            vehicles::model,
            vehicles::year,
            vehicles::license_plate,
            sites::name,
        ))
        .load(conn)?)
}

/// A line of service history.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct HistoryLine {
    pub id: i32,
    pub display_number: String,
    pub status: String,
    pub transaction_type: String,
    pub site_name: String,
    pub created_at: NaiveDateTime,
}

/// The latest jobs and sales of a customer that `scope` may see, in one query.
pub fn history_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    customer: i32,
    limit: i64,
) -> Result<Vec<HistoryLine>, DbError> {
    let mut query = service_requests::table
        .inner_join(sites::table)
        .filter(service_requests::customer_id.eq(customer))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(service_requests::site_id.eq(site.0));
    }
    Ok(query
        .order(service_requests::id.desc())
        .limit(limit)
        .select((
            service_requests::id,
            service_requests::display_number,
            service_requests::status,
            service_requests::transaction_type,
            sites::name,
            service_requests::created_at,
        ))
        .load(conn)?)
}

/// Where the customer has history: vehicles or jobs, per site.
pub fn sites_with_history(conn: &mut AnyConnection, customer: i32) -> Result<Vec<SiteId>, DbError> {
    let mut ids: Vec<i32> = vehicles::table
        .filter(vehicles::customer_id.eq(customer))
        .select(vehicles::site_id)
        .distinct()
        .load(conn)?;
    let jobs: Vec<i32> = service_requests::table
        .filter(service_requests::customer_id.eq(customer))
        .select(service_requests::site_id)
        .distinct()
        .load(conn)?;
    ids.extend(jobs);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().map(SiteId).collect())
}

pub fn insert_customer(
    conn: &mut AnyConnection,
    f: &CustomerFields,
    by: UserId,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(customers::table)
        .values((
            f,
            customers::created_by.eq(by.0),
            customers::created_at.eq(at),
            customers::updated_at.eq(at),
        ))
        .returning(customers::id)
        .get_result(conn)?)
}

pub fn update_customer(
    conn: &mut AnyConnection,
    id: i32,
    f: &CustomerFields,
) -> Result<(), DbError> {
    diesel::update(customers::table.find(id))
        .set((f, customers::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete_customer(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(customers::table.find(id)).execute(conn)?;
    Ok(())
}

/// The shared walk-in customer, created on first use. Never messaged: no phone, no consent.
/// Two first uses at once are safe: the partial unique index lets one insert win and the other
/// does nothing, and both read the same row.
pub fn walk_in(conn: &mut AnyConnection) -> Result<CustomerRow, DbError> {
    let existing = customers::table
        .filter(customers::is_walk_in.eq(true))
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(row) = existing {
        return Ok(row);
    }
    let at = now();
    let values = (
        customers::first_name.eq("Walk-in"),
        customers::last_name.eq("Customer"),
        customers::phone.eq(""),
        customers::receive_service_reminders.eq(false),
        customers::receive_marketing.eq(false),
        customers::is_walk_in.eq(true),
        customers::created_at.eq(at),
        customers::updated_at.eq(at),
    );
    // Upserts are backend-specific SQL in diesel, so the insert is written per backend.
    match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(customers::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::insert_into(customers::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(customers::table
        .filter(customers::is_walk_in.eq(true))
        .select(CustomerRow::as_select())
        .first(conn)?)
}
