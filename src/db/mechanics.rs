//! Mechanics belong to one site. Reads take a [`Scope`], so another site's mechanics are not
//! found; job counts for a page of mechanics come from one grouped query.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::prepared::{bind, prepared};
use super::schema::{customers, mechanics, service_requests, sites, users, vehicles};
use super::scope::Scope;
use super::{AnyConnection, DbError, lower, now};

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = mechanics)]
pub struct MechanicRow {
    pub id: i32,
    pub site_id: i32,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A mechanic with their site's name and their jobs counted by state.
#[derive(Serialize, Clone, Debug)]
pub struct MechanicView {
    pub mechanic: MechanicRow,
    pub site_name: String,
    pub open_jobs: i64,
    pub completed_jobs: i64,
}

/// Validated fields of a mechanic; the same set is inserted and updated.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = mechanics, treat_none_as_null = true)]
pub struct MechanicFields {
    pub site_id: i32,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub is_active: bool,
}

#[derive(Clone, Debug, Default)]
pub struct MechanicFilter {
    pub q: String,
    pub site: Option<i32>,
    /// `Some(true)`: active only; `Some(false)`: inactive only.
    pub active: Option<bool>,
}

/// Open and completed job counts of `ids`, in one grouped query.
fn job_counts(conn: &mut AnyConnection, ids: &[i32]) -> Result<HashMap<i32, (i64, i64)>, DbError> {
    let rows: Vec<(Option<i32>, String, i64)> = service_requests::table
        .filter(service_requests::assigned_mechanic_id.eq_any(ids))
        .group_by((
            service_requests::assigned_mechanic_id,
            service_requests::status,
        ))
        .select((
            service_requests::assigned_mechanic_id,
            service_requests::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut counts: HashMap<i32, (i64, i64)> = HashMap::new();
    for (id, status, n) in rows {
        let Some(id) = id else { continue };
        let entry = counts.entry(id).or_default();
        match status.as_str() {
            "Completed" => entry.1 += n,
            "Cancelled" => {}
            _ => entry.0 += n,
        }
    }
    Ok(counts)
}

fn with_counts(
    conn: &mut AnyConnection,
    rows: Vec<(MechanicRow, String)>,
) -> Result<Vec<MechanicView>, DbError> {
    let ids: Vec<i32> = rows.iter().map(|(m, _)| m.id).collect();
    let counts = job_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(mechanic, site_name)| {
            let (open_jobs, completed_jobs) = counts.get(&mechanic.id).copied().unwrap_or_default();
            MechanicView {
                mechanic,
                site_name,
                open_jobs,
                completed_jobs,
            }
        })
        .collect())
}

pub fn list_mechanics(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &MechanicFilter,
    page: PageRequest,
) -> Result<Page<MechanicView>, DbError> {
    let q = filter.q.trim().to_lowercase();
    let filtered = || {
        let mut query = mechanics::table.inner_join(sites::table).into_boxed();
        if let Some(site) = scope.list_site() {
            query = query.filter(mechanics::site_id.eq(site.0));
        }
        if let Some(site) = filter.site {
            query = query.filter(mechanics::site_id.eq(site));
        }
        if let Some(active) = filter.active {
            query = query.filter(mechanics::is_active.eq(active));
        }
        for word in q.split_whitespace() {
            let pattern = format!("%{word}%");
            query = query.filter(
                lower(mechanics::name)
                    .like(pattern.clone())
                    .or(mechanics::phone.like(pattern)),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((
            sites::name.asc(),
            mechanics::name.asc(),
            mechanics::id.asc(),
        ))
        .limit(page.size)
        .offset(page.offset())
        .select((MechanicRow::as_select(), sites::name))
        .load(conn)?;
    Ok(Page::new(page, with_counts(conn, rows)?, total))
}

pub fn find_mechanic(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<MechanicView>, DbError> {
    let mut query = mechanics::table
        .inner_join(sites::table)
        .filter(mechanics::id.eq(id))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(mechanics::site_id.eq(site.0));
    }
    let row = query
        .select((MechanicRow::as_select(), sites::name))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(row) => with_counts(conn, vec![row])?.pop(),
        None => None,
    })
}

/// A job on a mechanic's page.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct MechanicJob {
    pub id: i32,
    pub display_number: String,
    pub status: String,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub license_plate: Option<String>,
    pub created_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

/// The mechanic's open jobs (`completed = false`) or completed ones, newest first, one query.
pub fn jobs_of(
    conn: &mut AnyConnection,
    mechanic: i32,
    completed: bool,
    limit: i64,
) -> Result<Vec<MechanicJob>, DbError> {
    let mut query = service_requests::table
        .inner_join(customers::table)
        .left_join(vehicles::table)
        .filter(service_requests::assigned_mechanic_id.eq(mechanic))
        .into_boxed();
    query = if completed {
        query.filter(service_requests::status.eq("Completed"))
    } else {
        query.filter(service_requests::status.ne_all(["Completed", "Cancelled"]))
    };
    Ok(query
        .order(service_requests::id.desc())
        .limit(limit)
        .select((
            service_requests::id,
            service_requests::display_number,
            service_requests::status,
            customers::first_name,
            customers::last_name,
            vehicles::license_plate.nullable(),
            service_requests::created_at,
            service_requests::completed_at,
        ))
        .load(conn)?)
}

/// Whether jobs or a login refer to the mechanic (then they are kept, and can be deactivated).
pub fn is_referenced(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    let jobs = diesel::select(diesel::dsl::exists(
        service_requests::table.filter(service_requests::assigned_mechanic_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    let login = diesel::select(diesel::dsl::exists(
        users::table.filter(users::mechanic_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    Ok(jobs || login)
}

pub fn insert_mechanic(conn: &mut AnyConnection, f: &MechanicFields) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(mechanics::table)
        .values((
            f,
            mechanics::created_at.eq(at),
            mechanics::updated_at.eq(at),
        ))
        .returning(mechanics::id)
        .get_result(conn)?)
}

pub fn update_mechanic(
    conn: &mut AnyConnection,
    id: i32,
    f: &MechanicFields,
) -> Result<(), DbError> {
    diesel::update(mechanics::table.find(id))
        .set((f, mechanics::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete_mechanic(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(mechanics::table.find(id)).execute(conn)?;
    Ok(())
}

/// A mechanic to choose from.
#[derive(QueryableByName)]
struct Choice {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Mechanics to choose from, by name: a site's (or, with `None`, every site's), the active
/// ones only when `active_only` (assigning a job), all of them for filtering a list. One
/// statement of fixed text, kept prepared: the table is a workshop's staff, so the scan is
/// short, and a boxed query's SQL rebuilt on every page cost more than running it.
pub fn mechanic_choices(
    conn: &mut AnyConnection,
    site: Option<i32>,
    active_only: bool,
) -> Result<Vec<(i32, String)>, DbError> {
    use diesel::sql_types::{Bool, Integer, Nullable};
    let rows: Vec<Choice> = prepared(
        "SELECT id, name FROM mechanics WHERE (? IS NULL OR site_id = ?) AND (is_active OR ?) \
         ORDER BY name, id LIMIT 500",
        (
            bind::<Nullable<Integer>, _>(site),
            bind::<Nullable<Integer>, _>(site),
            bind::<Bool, _>(!active_only),
        ),
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|c| (c.id, c.name)).collect())
}
