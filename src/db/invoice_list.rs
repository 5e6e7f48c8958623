//! The list of invoices: every filter is on `invoices`' own columns (its site, status and
//! created_at indexes); the count reads `invoices` alone, the page joins the names. The from/to days
//! are each site's local days (SPEC §2: time is shown in the site's timezone, so a filter on
//! "today" must match what the list shows as today).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::fixed_sql::FixedCondition;
use super::invoices::{InvoiceView, invoice_names_query, invoice_view_columns, invoice_view_query};
use super::paging::{Counting, Page, PageRequest, capped_total};
use super::schema::{customers, invoices, promotions, service_requests, sites, vehicles};
use super::scope::Scope;
use super::{AnyConnection, DbError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InvoiceSort {
    #[default]
    Newest,
    Oldest,
    TotalHigh,
    TotalLow,
}

impl InvoiceSort {
    /// From the page's `sort` or the original API's `ordering`.
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "oldest" | "created_at" | "id" => InvoiceSort::Oldest,
            "total_high" | "-total_cost" | "-total" => InvoiceSort::TotalHigh,
            "total_low" | "total_cost" | "total" => InvoiceSort::TotalLow,
            _ => InvoiceSort::Newest,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            InvoiceSort::Newest => "newest",
            InvoiceSort::Oldest => "oldest",
            InvoiceSort::TotalHigh => "total_high",
            InvoiceSort::TotalLow => "total_low",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct InvoiceFilter {
    /// `unpaid`, `partially_paid`, `paid`, `void`, or `owing` (unpaid or partially paid).
    pub status: Option<String>,
    pub site: Option<i32>,
    pub customer: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub number: String,
}

type Backend = <AnyConnection as diesel::Connection>::Backend;

/// A condition on invoices' own columns, for a query over `QS`: `invoices` alone (counts,
/// exports) or joined with the names (the page).
type Condition<QS> = Box<dyn BoxableExpression<QS, Backend, SqlType = Bool>>;

/// A condition on `invoices` alone.
type InvoiceCondition = Condition<invoices::table>;

/// The UTC instant a local day starts in `zone` (a day that starts inside a DST gap starts
/// at the first local time that exists).
fn day_start(day: NaiveDate, zone: chrono_tz::Tz) -> NaiveDateTime {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    (0..=3)
        .find_map(|hour| {
            let local = midnight.checked_add_signed(chrono::TimeDelta::hours(hour))?;
            zone.from_local_datetime(&local).earliest()
        })
        .map(|t| t.naive_utc())
        .unwrap_or(midnight)
}

/// The created_at window of the filter's days for the sites of one timezone.
#[derive(Clone, Debug)]
struct DayWindow {
    /// `None`: every site shares this timezone.
    sites: Option<Vec<i32>>,
    start: Option<NaiveDateTime>,
    end: Option<NaiveDateTime>,
}

/// The windows of `filter.from ..= filter.to`, one per timezone in use: one query, and only
/// when a day is given.
fn day_windows(
    conn: &mut AnyConnection,
    filter: &InvoiceFilter,
) -> Result<Vec<DayWindow>, DbError> {
    if filter.from.is_none() && filter.to.is_none() {
        return Ok(Vec::new());
    }
    let zones: Vec<(i32, String)> = sites::table
        .select((sites::id, sites::timezone))
        .order(sites::id)
        .load(conn)?;
    let mut groups: Vec<(String, Vec<i32>)> = Vec::new();
    for (site, zone) in zones {
        match groups.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, ids)) => ids.push(site),
            None => groups.push((zone, vec![site])),
        }
    }
    let single = groups.len() <= 1;
    if groups.is_empty() {
        groups.push(("UTC".into(), Vec::new()));
    }
    Ok(groups
        .into_iter()
        .map(|(zone, ids)| {
            let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
            DayWindow {
                sites: (!single).then_some(ids),
                start: filter.from.map(|d| day_start(d, zone)),
                end: filter
                    .to
                    .and_then(|d| d.succ_opt())
                    .map(|d| day_start(d, zone)),
            }
        })
        .collect())
}

fn window_condition<QS: 'static>(window: &DayWindow) -> Option<Condition<QS>>
where
    invoices::site_id: SelectableExpression<QS>,
    invoices::created_at: SelectableExpression<QS>,
{
    let mut parts: Vec<Condition<QS>> = Vec::new();
    if let Some(ids) = &window.sites {
        parts.push(Box::new(invoices::site_id.eq_any(ids.clone())));
    }
    if let Some(start) = window.start {
        parts.push(Box::new(invoices::created_at.ge(start)));
    }
    if let Some(end) = window.end {
        parts.push(Box::new(invoices::created_at.lt(end)));
    }
    parts.into_iter().reduce(|a, b| Box::new(a.and(b)))
}

/// Invoices still owed, written out as in the `invoices_owing_…` partial indexes (migration
/// `000007`), for the reasons of `job_list::OPEN`.
const OWING: FixedCondition =
    FixedCondition::new("(invoices.status || '') IN ('unpaid', 'partially_paid')");

/// `$source` (a query over `invoices`, alone or joined) boxed and narrowed to what `$scope`
/// may see and `$filter` asks for, within the day windows `$windows`. Every condition is on
/// `invoices`' own columns.
macro_rules! filtered {
    ($source:expr, $scope:expr, $filter:expr, $windows:expr) => {{
        let (scope, filter, windows): (&Scope, &InvoiceFilter, &[DayWindow]) =
            ($scope, $filter, $windows);
        let mut query = $source.into_boxed();
        if let Some(site) = scope.list_site() {
            query = query.filter(invoices::site_id.eq(site.0));
        }
        if let Some(site) = filter.site {
            query = query.filter(invoices::site_id.eq(site));
        }
        match filter.status.as_deref() {
            Some("owing") => query = query.filter(OWING),
            Some(status) => query = query.filter(invoices::status.eq(status.to_owned())),
            None => {}
        }
        if let Some(customer) = filter.customer {
            query = query.filter(invoices::customer_id.eq(customer));
        }
        let any = windows
            .iter()
            .filter_map(window_condition)
            .reduce(|a, b| Box::new(a.or(b)));
        if let Some(any) = any {
            query = query.filter(any);
        }
        let number = filter.number.trim().to_uppercase();
        if !number.is_empty() {
            let high = format!("{number}\u{FFFF}");
            query = query.filter(
                invoices::display_number
                    .ge(number)
                    .and(invoices::display_number.le(high)),
            );
        }
        query
    }};
}

/// `$query` in `$sort` order (the id breaks ties, so pages never overlap).
macro_rules! ordered {
    ($query:expr, $sort:expr) => {{
        let query = $query;
        match $sort {
            InvoiceSort::Newest => query.order((invoices::created_at.desc(), invoices::id.desc())),
            InvoiceSort::Oldest => query.order((invoices::created_at.asc(), invoices::id.asc())),
            InvoiceSort::TotalHigh => {
                query.order((invoices::total_cents.desc(), invoices::id.desc()))
            }
            InvoiceSort::TotalLow => query.order((invoices::total_cents.asc(), invoices::id.asc())),
        }
    }};
}

/// The rows of `ids`, names joined, in the order of `ids`.
fn views_of(conn: &mut AnyConnection, ids: &[i32]) -> Result<Vec<InvoiceView>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut items: Vec<InvoiceView> = invoice_view_query!()
        .filter(invoices::id.eq_any(ids))
        .select(invoice_view_columns!())
        .load(conn)?;
    items.sort_by_key(|v| ids.iter().position(|id| *id == v.invoice.id));
    Ok(items)
}

/// An invoice as the list page shows it: what a row needs and nothing more (a page reads 25 of
/// them joined with four tables, and every column costs; `InvoiceView` has 37).
#[derive(Queryable, Debug)]
pub struct InvoiceListRow {
    pub id: i32,
    pub display_number: String,
    pub service_request_id: i32,
    pub customer_id: i32,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub status: String,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    pub job_number: String,
    pub transaction_type: String,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub site_name: String,
    pub site_timezone: String,
    pub vehicle_make: Option<String>,
    pub vehicle_model: Option<String>,
    pub vehicle_plate: Option<String>,
}

impl InvoiceListRow {
    pub fn customer_name(&self) -> String {
        super::jobs::person_name(&self.customer_first_name, &self.customer_last_name)
    }

    pub fn vehicle_display(&self) -> String {
        super::invoices::vehicle_column(
            &self.vehicle_make,
            &self.vehicle_model,
            &self.vehicle_plate,
        )
    }

    pub fn balance_cents(&self) -> i64 {
        super::invoices::balance_cents(&self.status, self.total_cents, self.paid_cents)
    }

    pub fn is_sale(&self) -> bool {
        self.transaction_type == "sale"
    }
}

/// The capped or exact total of the invoices `filter` selects.
fn count_invoices(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &InvoiceFilter,
    (windows, sort): (&[DayWindow], InvoiceSort),
    page: PageRequest,
    counting: Counting,
) -> Result<i64, DbError> {
    Ok(match counting {
        Counting::Exact => filtered!(invoices::table, scope, filter, windows)
            .count()
            .get_result(conn)?,
        Counting::Capped => capped_total!(
            conn,
            page.count_cap(),
            rows: ordered!(filtered!(invoices::table, scope, filter, windows), sort),
            all: filtered!(invoices::table, scope, filter, windows),
            invoices::id
        ),
    })
}

/// One page of invoices as the list page shows them ([`InvoiceListRow`]): the same count
/// and order as [`list_invoices`], fewer columns.
pub fn list_invoice_rows(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &InvoiceFilter,
    sort: InvoiceSort,
    page: PageRequest,
) -> Result<Page<InvoiceListRow>, DbError> {
    let windows = day_windows(conn, filter)?;
    let total = count_invoices(
        conn,
        scope,
        filter,
        (&windows, sort),
        page,
        Counting::Capped,
    )?;
    let items = ordered!(
        filtered!(invoice_names_query!(), scope, filter, &windows),
        sort
    )
    .limit(page.size)
    .offset(page.offset())
    .select((
        invoices::id,
        invoices::display_number,
        invoices::service_request_id,
        invoices::customer_id,
        invoices::total_cents,
        invoices::paid_cents,
        invoices::status,
        invoices::created_at,
        service_requests::display_number
            .nullable()
            .assume_not_null(),
        service_requests::transaction_type
            .nullable()
            .assume_not_null(),
        customers::first_name.nullable().assume_not_null(),
        customers::last_name.nullable().assume_not_null(),
        sites::name.nullable().assume_not_null(),
        sites::timezone.nullable().assume_not_null(),
        vehicles::make.nullable(),
        vehicles::model.nullable(),
        vehicles::license_plate.nullable(),
    ))
    .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// One page of invoices with their names: the capped count, then the page joined with its
/// names in `sort` order; each statement has the same text for every page of a filter, so a
/// connection prepares it once.
pub fn list_invoices(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &InvoiceFilter,
    sort: InvoiceSort,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<InvoiceView>, DbError> {
    let windows = day_windows(conn, filter)?;
    let total = count_invoices(conn, scope, filter, (&windows, sort), page, counting)?;
    let items = ordered!(
        filtered!(invoice_view_query!(), scope, filter, &windows),
        sort
    )
    .limit(page.size)
    .offset(page.offset())
    .select(invoice_view_columns!())
    .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// Where the previous batch of an export ended: the sort key and id of its last row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    Created(NaiveDateTime, i32),
    Total(i64, i32),
}

impl After {
    /// The cursor after `row` in `sort` order.
    pub fn row(row: &InvoiceView, sort: InvoiceSort) -> Self {
        let i = &row.invoice;
        match sort {
            InvoiceSort::Newest | InvoiceSort::Oldest => After::Created(i.created_at, i.id),
            InvoiceSort::TotalHigh | InvoiceSort::TotalLow => After::Total(i.total_cents, i.id),
        }
    }
}

fn after_condition(after: After, sort: InvoiceSort) -> InvoiceCondition {
    use invoices::{created_at, id, total_cents};
    let descending = matches!(sort, InvoiceSort::Newest | InvoiceSort::TotalHigh);
    match (after, descending) {
        (After::Created(at, last), true) => {
            Box::new(created_at.lt(at).or(created_at.eq(at).and(id.lt(last))))
        }
        (After::Created(at, last), false) => {
            Box::new(created_at.gt(at).or(created_at.eq(at).and(id.gt(last))))
        }
        (After::Total(t, last), true) => {
            Box::new(total_cents.lt(t).or(total_cents.eq(t).and(id.lt(last))))
        }
        (After::Total(t, last), false) => {
            Box::new(total_cents.gt(t).or(total_cents.eq(t).and(id.gt(last))))
        }
    }
}

/// One batch of the whole filtered list, in `sort` order, after `after` (keyset paging, so
/// an export of 50,000 invoices reads them a batch at a time, each batch as cheap as the
/// first). Two queries per batch, plus one for the day windows when days are given.
pub fn export_batch(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &InvoiceFilter,
    sort: InvoiceSort,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<InvoiceView>, DbError> {
    let windows = day_windows(conn, filter)?;
    let mut query = ordered!(filtered!(invoices::table, scope, filter, &windows), sort);
    if let Some(after) = after {
        query = query.filter(after_condition(after, sort));
    }
    let ids: Vec<i32> = query.limit(limit).select(invoices::id).load(conn)?;
    views_of(conn, &ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_day_starts_at_local_midnight_in_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
        let start = day_start(day, chrono_tz::America::New_York);
        assert_eq!(start.to_string(), "2026-01-15 05:00:00");
        let start = day_start(day, chrono_tz::Africa::Nairobi);
        assert_eq!(start.to_string(), "2026-01-14 21:00:00");
        assert_eq!(
            day_start(day, chrono_tz::UTC).to_string(),
            "2026-01-15 00:00:00"
        );
    }

    #[test]
    fn a_day_that_starts_in_a_dst_gap_starts_at_the_first_real_hour() {
        // Santiago skipped from 00:00 to 01:00 on 2026-09-06.
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap_or_default();
        let start = day_start(day, chrono_tz::America::Santiago);
        assert_eq!(start.to_string(), "2026-09-06 04:00:00");
    }
}
