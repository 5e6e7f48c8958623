//! The list of service requests and sales, newest first. Every filter has an index that
//! hands its rows over in date order (migration `000007`), so the capped count reads at most
//! ten pages of index entries and the page joins its names for 25 rows, with the running
//! totals of open jobs kept on the job itself (`job_lines::refresh_line_sums`): a constant
//! number of queries whatever the page size.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::fixed_sql::FixedCondition;
use super::jobs::{
    JobView, job_view_columns, job_view_query, mechanic_limit, person_name, service_title,
    vehicle_title,
};
use super::paging::{Counting, Page, PageRequest, capped_total};
use super::schema::{
    customers, invoices, mechanics, service_categories, service_requests, service_types, sites,
    vehicles,
};
use super::scope::Scope;
use super::{AnyConnection, DbError};
use crate::domain::job_status::JobStatus;

/// Service jobs, counter sales, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Any,
    Service,
    Sale,
}

/// What the list is narrowed to, besides the scope.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
    pub kind: Kind,
    pub status: Option<JobStatus>,
    /// Open = Draft, Pending or In Progress.
    pub open_only: bool,
    pub site: Option<i32>,
    pub mechanic: Option<i32>,
    pub customer: Option<i32>,
    pub vehicle: Option<i32>,
    /// Created on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub to: Option<NaiveDate>,
    /// A display number or its start ("SR-2026-00").
    pub number: String,
}

fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// Open jobs, written out as in the `…_open_…` partial indexes (migration `000007`) so the
/// planner can use them (a bound value never proves a partial index's condition); `|| ''`
/// keeps the status indexes from answering it instead, by collecting every open job and
/// sorting them for a page of 25.
const OPEN: FixedCondition =
    FixedCondition::new("(service_requests.status || '') IN ('Draft', 'Pending', 'In Progress')");

/// `$source` (a query over `service_requests`, alone or joined) boxed and narrowed to what
/// `$scope` may see and `$filter` asks for. Every condition is on `service_requests`, so the
/// count (the table alone) and the page (joined with the names) share it.
macro_rules! filtered {
    ($source:expr, $scope:expr, $filter:expr) => {{
        let (scope, filter): (&Scope, &JobFilter) = ($scope, $filter);
        let mut query = $source.into_boxed();
        if let Some(site) = scope.list_site() {
            query = query.filter(service_requests::site_id.eq(site.0));
        }
        if let Some(mechanic) = mechanic_limit(scope) {
            query = query.filter(service_requests::assigned_mechanic_id.eq(mechanic));
        }
        if let Some(site) = filter.site {
            query = query.filter(service_requests::site_id.eq(site));
        }
        match filter.kind {
            Kind::Any => {}
            Kind::Service => query = query.filter(service_requests::transaction_type.eq("service")),
            Kind::Sale => query = query.filter(service_requests::transaction_type.eq("sale")),
        }
        if let Some(status) = filter.status {
            query = query.filter(service_requests::status.eq(status.as_str()));
        } else if filter.open_only {
            query = query.filter(OPEN);
        }
        if let Some(mechanic) = filter.mechanic {
            query = query.filter(service_requests::assigned_mechanic_id.eq(mechanic));
        }
        if let Some(customer) = filter.customer {
            query = query.filter(service_requests::customer_id.eq(customer));
        }
        if let Some(vehicle) = filter.vehicle {
            query = query.filter(service_requests::vehicle_id.eq(vehicle));
        }
        if let Some(from) = filter.from {
            query = query.filter(service_requests::created_at.ge(day_start(from)));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            query = query.filter(service_requests::created_at.lt(day_start(to)));
        }
        let number = filter.number.trim().to_uppercase();
        if !number.is_empty() {
            let high = format!("{number}\u{FFFF}");
            query = query.filter(
                service_requests::display_number
                    .ge(number)
                    .and(service_requests::display_number.le(high)),
            );
        }
        query
    }};
}

/// `$query` newest first (the id breaks ties, so pages never overlap).
macro_rules! newest_first {
    ($query:expr) => {
        $query.order((
            service_requests::created_at.desc(),
            service_requests::id.desc(),
        ))
    };
}

/// A job as a list shows it: what a row needs, and nothing more (a page reads 25 of them
/// joined with seven tables, and every column costs).
#[derive(Queryable, Debug)]
pub struct JobListRow {
    pub id: i32,
    pub display_number: String,
    pub transaction_type: String,
    pub customer_id: i32,
    pub status: String,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_is_walk_in: bool,
    pub site_name: String,
    pub site_timezone: String,
    pub vehicle_make: Option<String>,
    pub vehicle_model: Option<String>,
    pub vehicle_plate: Option<String>,
    pub mechanic_name: Option<String>,
    pub service_type_name: Option<String>,
    pub service_category_name: Option<String>,
    pub invoice_total_cents: Option<i64>,
    /// Parts and labour so far (the running total while the job has no invoice).
    pub lines_cents: i64,
}

impl JobListRow {
    pub fn is_sale(&self) -> bool {
        self.transaction_type == "sale"
    }

    pub fn customer_name(&self) -> String {
        person_name(&self.customer_first_name, &self.customer_last_name)
    }

    pub fn vehicle_display(&self) -> Option<String> {
        vehicle_title(&self.vehicle_make, &self.vehicle_model, &self.vehicle_plate)
    }

    pub fn service_type_display(&self) -> Option<String> {
        service_title(&self.service_category_name, &self.service_type_name)
    }
}

/// The total of the rows `filter` selects, as `counting` asks.
fn count_jobs(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &JobFilter,
    page: PageRequest,
    counting: Counting,
) -> Result<i64, DbError> {
    Ok(match counting {
        Counting::Exact => filtered!(service_requests::table, scope, filter)
            .count()
            .get_result(conn)?,
        Counting::Capped => capped_total!(
            conn,
            page.count_cap(),
            rows: newest_first!(filtered!(service_requests::table, scope, filter)),
            all: filtered!(service_requests::table, scope, filter),
            service_requests::id
        ),
    })
}

/// One page of jobs, newest first, as the list pages show them: two statements (the capped
/// count, then the page joined with its names and running totals in date order), each with
/// the same text for every page of a filter, so a connection prepares them once.
pub fn list_job_rows(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &JobFilter,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<JobListRow>, DbError> {
    let total = count_jobs(conn, scope, filter, page, counting)?;
    let items = newest_first!(filtered!(job_view_query!(), scope, filter))
        .limit(page.size)
        .offset(page.offset())
        .select((
            service_requests::id,
            service_requests::display_number,
            service_requests::transaction_type,
            service_requests::customer_id,
            service_requests::status,
            service_requests::created_at,
            customers::first_name.nullable().assume_not_null(),
            customers::last_name.nullable().assume_not_null(),
            customers::is_walk_in.nullable().assume_not_null(),
            sites::name.nullable().assume_not_null(),
            sites::timezone.nullable().assume_not_null(),
            vehicles::make.nullable(),
            vehicles::model.nullable(),
            vehicles::license_plate.nullable(),
            mechanics::name.nullable(),
            service_types::name.nullable(),
            service_categories::name.nullable(),
            invoices::total_cents.nullable(),
            service_requests::parts_cents + service_requests::labour_cents,
        ))
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// One page of jobs, newest first, each with everything the JSON API shows.
pub fn list_jobs(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &JobFilter,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<JobView>, DbError> {
    let total = count_jobs(conn, scope, filter, page, counting)?;
    let items = newest_first!(filtered!(job_view_query!(), scope, filter))
        .limit(page.size)
        .offset(page.offset())
        .select(job_view_columns!())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}
