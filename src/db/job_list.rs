//! The list of service requests and sales. Filters, the count and the page's ids read
//! `service_requests` alone, on its (site, status/type, created_at) indexes; the names are
//! joined for the page's rows only, and the running totals of open jobs come from two grouped
//! queries: five queries whatever the page size.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::jobs::{JobView, job_view_columns, job_view_query, mechanic_limit};
use super::paging::{Counting, Page, PageRequest};
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

pub fn list_jobs(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &JobFilter,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<JobView>, DbError> {
    let filtered = || {
        let mut query = service_requests::table.into_boxed();
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
            query =
                query.filter(service_requests::status.eq_any(["Draft", "Pending", "In Progress"]));
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
    };
    let total = match counting {
        Counting::Exact => filtered().count().get_result(conn)?,
        Counting::Capped => {
            let ids: Vec<i32> = filtered()
                .select(service_requests::id)
                .limit(page.count_cap())
                .load(conn)?;
            ids.len() as i64
        }
    };
    let ids: Vec<i32> = filtered()
        .order((
            service_requests::created_at.desc(),
            service_requests::id.desc(),
        ))
        .limit(page.size)
        .offset(page.offset())
        .select(service_requests::id)
        .load(conn)?;
    let mut items: Vec<JobView> = if ids.is_empty() {
        Vec::new()
    } else {
        job_view_query!()
            .filter(service_requests::id.eq_any(&ids))
            .select(job_view_columns!())
            .load(conn)?
    };
    items.sort_by_key(|v| ids.iter().position(|id| *id == v.job.id));
    Ok(Page {
        items,
        total,
        page: page.page,
        size: page.size,
    })
}
