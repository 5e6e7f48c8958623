//! Vehicles belong to a customer and a site. Every read takes a [`Scope`], so a site-bound user
//! never finds another site's vehicles; plates are unique by `plate_key`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::customers::HistoryLine;
use super::paging::{Counting, Page, PageRequest};
use super::schema::{customers, service_requests, sites, vehicles};
use super::scope::Scope;
use super::{AnyConnection, DbError, lower, now};

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = vehicles)]
pub struct VehicleRow {
    pub id: i32,
    pub customer_id: i32,
    pub site_id: i32,
    pub make: String,
    pub model: String,
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
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
}

impl VehicleRow {
    /// "2019 Toyota Corolla".
    pub fn title(&self) -> String {
        format!("{} {} {}", self.year, self.make, self.model)
    }
}

/// A vehicle with its owner's and site's names: one row of the list, the detail page's header.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct VehicleView {
    #[diesel(embed)]
    pub vehicle: VehicleRow,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub site_name: String,
}

impl VehicleView {
    pub fn owner(&self) -> String {
        format!("{} {}", self.customer_first_name, self.customer_last_name)
            .trim()
            .to_owned()
    }
}

/// Validated fields of a vehicle; the same set is inserted and updated (a cleared VIN is NULL).
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = vehicles, treat_none_as_null = true)]
pub struct VehicleFields {
    pub customer_id: i32,
    pub site_id: i32,
    pub make: String,
    pub model: String,
    pub year: i32,
    pub license_plate: String,
    pub plate_key: String,
    pub vin: Option<String>,
    pub odometer_km: Option<i32>,
    pub last_serviced: Option<NaiveDate>,
    pub service_interval_days: i32,
    pub service_interval_km: Option<i32>,
}

/// List order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VehicleSort {
    Newest,
    Plate,
    Make,
    LastServiced,
}

/// What the list is narrowed to, besides the scope.
#[derive(Clone, Debug, Default)]
pub struct VehicleFilter {
    /// Words matched against the start of the plate or VIN, make, model or owner's last name.
    pub q: String,
    pub customer: Option<i32>,
    pub site: Option<i32>,
}

type Joined =
    diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<vehicles::table, customers::table>, sites::table>;

fn joined() -> Joined {
    vehicles::table
        .inner_join(customers::table)
        .inner_join(sites::table)
}

/// Keys are letters and digits only, and digits sort before letters, so every key starting
/// with `prefix` lies in `prefix ..= prefix + "ZZZ…"`: a range an index answers.
fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}{}", "Z".repeat(20)))
}

/// Lower-cased text starting with `word` lies in `word ..= word + U+FFFF`: a range the
/// `lower(make)`, `lower(model)` and name indexes answer, where `LIKE 'word%'` is not.
fn text_range(word: &str) -> (String, String) {
    (word.to_owned(), format!("{word}\u{FFFF}"))
}

/// Matches from which walking the table newest first (or in plate order) and stopping at the
/// page beats collecting and sorting every match: at 300,000 vehicles and one match in 300,
/// the walk reads about 7,500 rows for a page of 25, while counting to 1,000 through the
/// indexes costs less than sorting tens of thousands of matches.
const BROAD_SEARCH: i64 = 1_000;

/// A condition on a vehicle's owner.
type OwnerCondition = Box<
    dyn BoxableExpression<
            vehicles::table,
            <AnyConnection as diesel::Connection>::Backend,
            SqlType = diesel::sql_types::Bool,
        >,
>;

/// The owners whose surname lies in `$low ..= $high`, as a subquery on the name index (an
/// alias: `customers` is joined for the owner's name where the page is read).
macro_rules! owners_named {
    ($low:expr, $high:expr) => {{
        let owners = diesel::alias!(customers as owners);
        let surname = owners.field(customers::last_name);
        owners
            .filter(lower(surname).ge($low.to_owned()))
            .filter(lower(surname).le($high.to_owned()))
            .select(owners.field(customers::id))
    }};
}

/// Owners looked up per word beforehand, on PostgreSQL only: it cannot combine indexes for an
/// OR that holds a subquery, so the search's OR of ranges would read the whole table (200 ms
/// at 300,000 vehicles) where an array of ids keeps every branch on an index (1 ms). SQLite
/// plans the subquery well and caches the statement, which a list of ids would prevent.
/// `None` (use the subquery) also when a word names more owners than is sensible to send.
fn owners_by_word(
    conn: &mut AnyConnection,
    words: &[String],
) -> Result<Option<Vec<Vec<i32>>>, DbError> {
    const MOST: i64 = 5_000;
    if !matches!(conn, AnyConnection::Postgresql(_)) || words.is_empty() {
        return Ok(None);
    }
    let mut all = Vec::with_capacity(words.len());
    for word in words {
        let (low, high) = text_range(word);
        let ids: Vec<i32> = owners_named!(low, high).limit(MOST + 1).load(conn)?;
        if ids.len() as i64 > MOST {
            return Ok(None);
        }
        all.push(ids);
    }
    Ok(Some(all))
}

pub fn list_vehicles(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &VehicleFilter,
    sort: VehicleSort,
    page: PageRequest,
    counting: Counting,
) -> Result<Page<VehicleView>, DbError> {
    let words: Vec<String> = filter.q.split_whitespace().map(str::to_lowercase).collect();
    // Filters, counts and the page's ids read `vehicles` alone (every condition is on its
    // columns or a subquery), so the planner has no join order to get wrong; the names are
    // joined for the page's rows only.
    //
    // `indexed = false` writes the same conditions so that no index can answer them (`|| ''`
    // on each column): the planner then walks the table newest first and stops at the page,
    // which beats collecting and sorting every match when a search is broad ("toy" matching
    // a fifth of all vehicles). Narrow searches keep the index ranges.
    let owner_ids = owners_by_word(conn, &words)?;
    let filtered = |indexed: bool| {
        let mut query = vehicles::table.into_boxed();
        if let Some(site) = scope.list_site() {
            query = query.filter(vehicles::site_id.eq(site.0));
        }
        if let Some(site) = filter.site {
            query = query.filter(vehicles::site_id.eq(site));
        }
        if let Some(customer) = filter.customer {
            query = query.filter(vehicles::customer_id.eq(customer));
        }
        // A plate typed with spaces ("as 1") is split into words; each word may also match
        // as part of the whole plate.
        let (whole_low, whole_high) = prefix_range(&crate::domain::plate::key_of(&filter.q));
        for (n, word) in words.iter().enumerate() {
            let key = crate::domain::plate::key_of(word);
            let (low, high) = prefix_range(&key);
            let (text_low, text_high) = text_range(word);
            // Owners by surname through the name index, then their vehicles by `customer_id`.
            // (The walk of a broad search tests every row: a hashed subquery answers that
            // faster than a long array.)
            let ids = owner_ids
                .as_ref()
                .and_then(|o| o.get(n))
                .filter(|_| indexed);
            let owners: OwnerCondition = match ids {
                Some(ids) => Box::new(vehicles::customer_id.eq_any(ids.clone())),
                None => Box::new(vehicles::customer_id.eq_any(owners_named!(text_low, text_high))),
            };
            macro_rules! matches_word {
                ($plate:expr, $vin:expr, $make:expr, $model:expr) => {
                    ($plate.ge(low.clone()).and($plate.le(high.clone())))
                        .or($plate
                            .ge(whole_low.clone())
                            .and($plate.le(whole_high.clone())))
                        .or($vin.ge(low.clone()).and($vin.le(high.clone())))
                        .or($make.ge(text_low.clone()).and($make.le(text_high.clone())))
                        .or($model
                            .ge(text_low.clone())
                            .and($model.le(text_high.clone())))
                        .or(owners)
                };
            }
            query = if indexed {
                query.filter(matches_word!(
                    vehicles::plate_key,
                    vehicles::vin,
                    lower(vehicles::make),
                    lower(vehicles::model)
                ))
            } else {
                query.filter(matches_word!(
                    vehicles::plate_key.concat(""),
                    vehicles::vin.concat(""),
                    lower(vehicles::make).concat(""),
                    lower(vehicles::model).concat("")
                ))
            };
        }
        query
    };
    // Counting a little further than the pager needs tells a broad search from a narrow one;
    // a narrow search's count has found every match.
    let broad_at = page.count_cap().max(BROAD_SEARCH);
    let searching = !words.is_empty();
    let (total, every_match) = match counting {
        Counting::Exact if !searching => (filtered(true).count().get_result(conn)?, None),
        _ => {
            let limit = if searching {
                broad_at
            } else {
                page.count_cap()
            };
            let ids: Vec<i32> = filtered(true)
                .select(vehicles::id)
                .limit(limit)
                .load(conn)?;
            let counted = ids.len() as i64;
            let total = match counting {
                Counting::Capped => counted.min(page.count_cap()),
                Counting::Exact if counted < limit => counted,
                Counting::Exact => filtered(true).count().get_result(conn)?,
            };
            (total, (searching && counted < limit).then_some(ids))
        }
    };
    let broad = searching && every_match.is_none();
    let filtered = |indexed: bool| match &every_match {
        // A narrow search's page is sorted from the matches found: the planner cannot know
        // how few they are (plans do not depend on bound values) and might walk the whole
        // table in the sort's order looking for them.
        Some(ids) => vehicles::table
            .into_boxed()
            .filter(vehicles::id.eq_any(ids.clone())),
        _ => filtered(indexed && !broad),
    };
    let ordered = match sort {
        VehicleSort::Newest => filtered(true).order(vehicles::id.desc()),
        VehicleSort::Plate => filtered(true).order(vehicles::plate_key.asc()),
        VehicleSort::Make => filtered(true).order((
            vehicles::make.asc(),
            vehicles::model.asc(),
            vehicles::id.asc(),
        )),
        VehicleSort::LastServiced => {
            filtered(true).order((vehicles::last_serviced.desc(), vehicles::id.desc()))
        }
    };
    let ids: Vec<i32> = ordered
        .limit(page.size)
        .offset(page.offset())
        .select(vehicles::id)
        .load(conn)?;
    let mut items: Vec<VehicleView> = joined()
        .filter(vehicles::id.eq_any(&ids))
        .select(view_columns())
        .load(conn)?;
    items.sort_by_key(|v| ids.iter().position(|id| *id == v.vehicle.id));
    Ok(Page::new(page, items, total))
}

type ViewColumns = (
    diesel::dsl::AsSelect<VehicleRow, <AnyConnection as diesel::Connection>::Backend>,
    customers::first_name,
    customers::last_name,
    sites::name,
);

fn view_columns() -> ViewColumns {
    (
        VehicleRow::as_select(),
        customers::first_name,
        customers::last_name,
        sites::name,
    )
}

/// A vehicle the scope may see, with its owner and site; `None` for another site's vehicle.
pub fn find_vehicle(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<VehicleView>, DbError> {
    let mut query = joined().filter(vehicles::id.eq(id)).into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(vehicles::site_id.eq(site.0));
    }
    Ok(query.select(view_columns()).first(conn).optional()?)
}

/// The id of the vehicle holding `plate_key`, if any.
pub fn plate_owner(conn: &mut AnyConnection, plate_key: &str) -> Result<Option<i32>, DbError> {
    Ok(vehicles::table
        .filter(vehicles::plate_key.eq(plate_key))
        .select(vehicles::id)
        .first(conn)
        .optional()?)
}

/// The latest jobs of a vehicle that `scope` may see, in one query.
pub fn history_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    vehicle: i32,
    limit: i64,
) -> Result<Vec<HistoryLine>, DbError> {
    let mut query = service_requests::table
        .inner_join(sites::table)
        .filter(service_requests::vehicle_id.eq(vehicle))
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

pub fn has_history(conn: &mut AnyConnection, vehicle: i32) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        service_requests::table.filter(service_requests::vehicle_id.eq(vehicle)),
    ))
    .get_result(conn)?)
}

pub fn insert_vehicle(conn: &mut AnyConnection, f: &VehicleFields) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(vehicles::table)
        .values((f, vehicles::created_at.eq(at), vehicles::updated_at.eq(at)))
        .returning(vehicles::id)
        .get_result(conn)?)
}

pub fn update_vehicle(conn: &mut AnyConnection, id: i32, f: &VehicleFields) -> Result<(), DbError> {
    diesel::update(vehicles::table.find(id))
        .set((f, vehicles::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete_vehicle(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(vehicles::table.find(id)).execute(conn)?;
    Ok(())
}

/// The vehicle was serviced on `day` (a job completed): its reminder cycle starts again, and
/// the odometer reading taken then, if any, replaces the stored one. One prepared statement
/// (db::prepared), as it runs inside every completion.
pub fn mark_serviced(
    conn: &mut AnyConnection,
    id: i32,
    day: NaiveDate,
    odometer_km: Option<i32>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    use super::prepared::{bind, prepared};
    use diesel::sql_types::{Date, Integer, Nullable, Timestamp};
    prepared(
        "UPDATE vehicles SET last_serviced = ?, reminders_sent_in_cycle = 0, \
         last_reminder_sent = NULL, odometer_km = COALESCE(?, odometer_km), updated_at = ? \
         WHERE id = ?",
        (
            bind::<Date, _>(day),
            bind::<Nullable<Integer>, _>(odometer_km),
            bind::<Timestamp, _>(at),
            bind::<Integer, _>(id),
        ),
    )
    .execute(conn)?;
    Ok(())
}
