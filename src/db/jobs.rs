//! Service requests and sales ("jobs"): the rows, one job with everything its page shows, and
//! the writes. Every read takes a [`Scope`]: a site-bound user never finds another site's jobs,
//! and a mechanic only the jobs assigned to them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::prepared::{bind, prepared};
use super::schema::{
    customers, invoices, mechanics, service_categories, service_requests, service_types, sites,
    vehicles,
};
use super::scope::Scope;
use super::{AnyConnection, DbError, now};
use crate::domain::job_status::JobStatus;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = service_requests)]
pub struct JobRow {
    pub id: i32,
    pub display_number: String,
    pub transaction_type: String,
    pub customer_id: i32,
    pub vehicle_id: Option<i32>,
    pub site_id: i32,
    pub service_type_id: Option<i32>,
    pub assigned_mechanic_id: Option<i32>,
    pub description: String,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub odometer_km: Option<i32>,
    pub created_by: Option<i32>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    /// The sums of the part and labour lines (`job_lines::refresh_line_sums`).
    pub parts_cents: i64,
    pub labour_cents: i64,
}

impl JobRow {
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Pending)
    }

    pub fn is_sale(&self) -> bool {
        self.transaction_type == "sale"
    }
}

/// A job with the names its pages and JSON show, read in one query.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct JobView {
    #[diesel(embed)]
    pub job: JobRow,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_phone: String,
    pub customer_email: Option<String>,
    pub customer_is_walk_in: bool,
    pub site_name: String,
    pub site_timezone: String,
    pub vehicle_make: Option<String>,
    pub vehicle_model: Option<String>,
    pub vehicle_plate: Option<String>,
    pub vehicle_year: Option<i32>,
    pub mechanic_name: Option<String>,
    pub service_type_name: Option<String>,
    pub service_category_name: Option<String>,
    pub invoice_id: Option<i32>,
    pub invoice_number: Option<String>,
    pub invoice_status: Option<String>,
    pub invoice_total_cents: Option<i64>,
}

impl JobView {
    pub fn customer_name(&self) -> String {
        person_name(&self.customer_first_name, &self.customer_last_name)
    }

    /// "Toyota Corolla (GR 1234-20)", or `None` for a sale.
    pub fn vehicle_display(&self) -> Option<String> {
        vehicle_title(&self.vehicle_make, &self.vehicle_model, &self.vehicle_plate)
    }

    /// "Mechanical — Brake repair", as the original showed it.
    pub fn service_type_display(&self) -> Option<String> {
        service_title(&self.service_category_name, &self.service_type_name)
    }
}

/// "Ama Mensah" (trimmed: either name may be empty).
pub fn person_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// "Toyota Corolla (GR 1234-20)" when the job has a vehicle.
pub fn vehicle_title(
    make: &Option<String>,
    model: &Option<String>,
    plate: &Option<String>,
) -> Option<String> {
    match (make, model, plate) {
        (Some(make), Some(model), Some(plate)) => Some(format!("{make} {model} ({plate})")),
        _ => None,
    }
}

/// "Mechanical — Brake repair" when the job has a service type.
pub fn service_title(category: &Option<String>, kind: &Option<String>) -> Option<String> {
    match (category, kind) {
        (Some(category), Some(kind)) => Some(format!("{category} — {kind}")),
        _ => None,
    }
}

/// Every join is a LEFT JOIN, customers and sites included (their foreign keys guarantee the
/// row, and their columns are read with `assume_not_null`): SQLite never moves the right side
/// of a LEFT JOIN into an outer loop, so a page in date order always walks the jobs' date
/// index and stops after its rows, where with inner joins it may start from the three sites
/// and sort every job.
macro_rules! job_view_query {
    () => {
        service_requests::table
            .left_join(customers::table)
            .left_join(sites::table)
            .left_join(vehicles::table)
            .left_join(mechanics::table)
            // Two plain left joins: a nested `(types JOIN categories)` is materialised with a
            // throw-away index on every query by SQLite.
            .left_join(service_types::table)
            .left_join(
                service_categories::table.on(service_categories::id
                    .nullable()
                    .eq(service_types::category_id.nullable())),
            )
            .left_join(invoices::table)
    };
}

macro_rules! job_view_columns {
    () => {
        (
            $crate::db::jobs::JobRow::as_select(),
            customers::first_name.nullable().assume_not_null(),
            customers::last_name.nullable().assume_not_null(),
            customers::phone.nullable().assume_not_null(),
            customers::email.nullable(),
            customers::is_walk_in.nullable().assume_not_null(),
            sites::name.nullable().assume_not_null(),
            sites::timezone.nullable().assume_not_null(),
            vehicles::make.nullable(),
            vehicles::model.nullable(),
            vehicles::license_plate.nullable(),
            vehicles::year.nullable(),
            mechanics::name.nullable(),
            service_types::name.nullable(),
            service_categories::name.nullable(),
            invoices::id.nullable(),
            invoices::display_number.nullable(),
            invoices::status.nullable(),
            invoices::total_cents.nullable(),
        )
    };
}
pub(crate) use {job_view_columns, job_view_query};

/// The mechanic a mechanic-role user is limited to (0, matching nothing, when their login is
/// linked to no mechanic record); `None` for every other role.
pub fn mechanic_limit(scope: &Scope) -> Option<i32> {
    (scope.role() == crate::domain::role::Role::Mechanic).then(|| scope.own_mechanic().unwrap_or(0))
}

/// A job the scope may see; `None` for another site's (or, for a mechanic, someone else's).
pub fn find_job(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<JobView>, DbError> {
    let mut query = job_view_query!()
        .filter(service_requests::id.eq(id))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(service_requests::site_id.eq(site.0));
    }
    if let Some(mechanic) = mechanic_limit(scope) {
        query = query.filter(service_requests::assigned_mechanic_id.eq(mechanic));
    }
    Ok(query.select(job_view_columns!()).first(conn).optional()?)
}

/// The stored row, locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's
/// `BEGIN IMMEDIATE` already holds the writer lock). Callers check the scope on it.
pub fn lock_job(conn: &mut AnyConnection, id: i32) -> Result<Option<JobRow>, DbError> {
    let query = || service_requests::table.find(id);
    Ok(match conn {
        AnyConnection::Postgresql(c) => query()
            .select(JobRow::as_select())
            .for_update()
            .first(c)
            .optional()?,
        AnyConnection::Sqlite(c) => query().select(JobRow::as_select()).first(c).optional()?,
    })
}

/// Whether `scope` may see this stored row (site, and a mechanic's own jobs).
pub fn visible(scope: &Scope, row: &JobRow) -> bool {
    scope.can_see(crate::domain::ids::SiteId(row.site_id))
        && mechanic_limit(scope).is_none_or(|m| row.assigned_mechanic_id == Some(m))
}

/// The fields a job is created with.
#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = service_requests)]
pub struct NewJob {
    pub display_number: String,
    pub transaction_type: String,
    pub customer_id: i32,
    pub vehicle_id: Option<i32>,
    pub site_id: i32,
    pub service_type_id: Option<i32>,
    pub assigned_mechanic_id: Option<i32>,
    pub description: String,
    pub status: String,
    pub created_by: Option<i32>,
}

pub fn insert_job(conn: &mut AnyConnection, job: &NewJob) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(service_requests::table)
        .values((
            job,
            service_requests::created_at.eq(at),
            service_requests::updated_at.eq(at),
        ))
        .returning(service_requests::id)
        .get_result(conn)?)
}

/// The fields staff change on an open job.
#[derive(AsChangeset, Clone, Debug)]
#[diesel(table_name = service_requests, treat_none_as_null = true)]
pub struct JobChanges {
    pub customer_id: i32,
    pub vehicle_id: Option<i32>,
    pub service_type_id: Option<i32>,
    pub description: String,
}

pub fn update_job(conn: &mut AnyConnection, id: i32, changes: &JobChanges) -> Result<(), DbError> {
    diesel::update(service_requests::table.find(id))
        .set((changes, service_requests::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn set_mechanic(
    conn: &mut AnyConnection,
    id: i32,
    mechanic: Option<i32>,
) -> Result<(), DbError> {
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::assigned_mechanic_id.eq(mechanic),
            service_requests::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_status(conn: &mut AnyConnection, id: i32, status: JobStatus) -> Result<(), DbError> {
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::status.eq(status.as_str()),
            service_requests::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn cancel(conn: &mut AnyConnection, id: i32, reason: &str) -> Result<(), DbError> {
    let at = now();
    diesel::update(service_requests::table.find(id))
        .set((
            service_requests::status.eq(JobStatus::Cancelled.as_str()),
            service_requests::cancel_reason.eq(reason),
            service_requests::cancelled_at.eq(at),
            service_requests::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_completed(
    conn: &mut AnyConnection,
    id: i32,
    odometer_km: Option<i32>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
    // Kept prepared: the table has many indexes, and planning this UPDATE afresh cost more
    // than running it (db::prepared).
    prepared(
        "UPDATE service_requests SET status = ?, odometer_km = ?, completed_at = ?, \
         updated_at = ? WHERE id = ?",
        (
            bind::<Text, _>(JobStatus::Completed.as_str()),
            bind::<Nullable<Integer>, _>(odometer_km),
            bind::<Timestamp, _>(at),
            bind::<Timestamp, _>(at),
            bind::<Integer, _>(id),
        ),
    )
    .execute(conn)?;
    Ok(())
}

/// A draft or open job with nothing on it may be deleted; anything else is history.
pub fn delete_job(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    use super::schema::{service_request_labour, service_request_parts};
    diesel::delete(
        service_request_parts::table.filter(service_request_parts::service_request_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(
        service_request_labour::table.filter(service_request_labour::service_request_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(service_requests::table.find(id)).execute(conn)?;
    Ok(())
}
