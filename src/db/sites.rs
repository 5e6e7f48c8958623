//! Sites: the shell's site list, and the site pages' queries. Every read takes a [`Scope`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::{inventory, mechanics, service_requests, sites, users, vehicles};
use super::scope::Scope;
use super::{AnyConnection, DbError, now};
use crate::domain::ids::SiteId;

/// Id and name of every active site, by name, for the site switcher.
pub fn list_site_choices(conn: &mut AnyConnection) -> Result<Vec<(SiteId, String)>, DbError> {
    let rows: Vec<(i32, String)> = sites::table
        .filter(sites::is_active.eq(true))
        .order(sites::name.asc())
        .select((sites::id, sites::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (SiteId(id), name))
        .collect())
}

/// A site as pages and the API show it.
#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: i32,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub timezone: String,
    pub tax_rate_bp: i32,
    pub tax_applies_to: String,
    pub invoice_footer: String,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields a form or API call sets, already validated; the same set is inserted and updated.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = sites)]
pub struct SiteFields {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub timezone: String,
    pub tax_rate_bp: i32,
    pub tax_applies_to: String,
    pub invoice_footer: String,
    pub is_active: bool,
}

/// Sites visible in `scope`, searched by name or address, by name.
pub fn list_sites(
    conn: &mut AnyConnection,
    scope: &Scope,
    q: &str,
    page: PageRequest,
) -> Result<Page<SiteRow>, DbError> {
    let filtered = || {
        let mut query = sites::table.into_boxed();
        if let Some(site) = scope.bound_site() {
            query = query.filter(sites::id.eq(site.0));
        }
        if !q.is_empty() {
            let pattern = format!("%{}%", q.to_lowercase());
            query = query.filter(
                super::lower(sites::name)
                    .like(pattern.clone())
                    .or(super::lower(sites::address).like(pattern)),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((sites::name.asc(), sites::id.asc()))
        .limit(page.size)
        .offset(page.offset())
        .select(SiteRow::as_select())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// One site, if `scope` may see it.
pub fn find_site(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: SiteId,
) -> Result<Option<SiteRow>, DbError> {
    if !scope.can_see(id) {
        return Ok(None);
    }
    Ok(sites::table
        .find(id.0)
        .select(SiteRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether another site already has this name (names are unique ignoring case).
pub fn name_taken(
    conn: &mut AnyConnection,
    name: &str,
    except: Option<SiteId>,
) -> Result<bool, DbError> {
    let mut query = sites::table
        .filter(super::lower(sites::name).eq(name.to_lowercase()))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(sites::id.ne(id.0));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

pub fn insert_site(conn: &mut AnyConnection, f: &SiteFields) -> Result<SiteId, DbError> {
    let at = now();
    let id = diesel::insert_into(sites::table)
        .values((f, sites::created_at.eq(at), sites::updated_at.eq(at)))
        .returning(sites::id)
        .get_result(conn)?;
    Ok(SiteId(id))
}

pub fn update_site(conn: &mut AnyConnection, id: SiteId, f: &SiteFields) -> Result<(), DbError> {
    diesel::update(sites::table.find(id.0))
        .set((f, sites::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Whether anything refers to the site (staff, mechanics, vehicles, stock, jobs), in which case
/// it must be deactivated rather than deleted.
pub fn site_in_use(conn: &mut AnyConnection, id: SiteId) -> Result<bool, DbError> {
    let counts: [i64; 5] = [
        users::table
            .filter(users::site_id.eq(id.0))
            .count()
            .get_result(conn)?,
        mechanics::table
            .filter(mechanics::site_id.eq(id.0))
            .count()
            .get_result(conn)?,
        vehicles::table
            .filter(vehicles::site_id.eq(id.0))
            .count()
            .get_result(conn)?,
        inventory::table
            .filter(inventory::site_id.eq(id.0))
            .count()
            .get_result(conn)?,
        service_requests::table
            .filter(service_requests::site_id.eq(id.0))
            .count()
            .get_result(conn)?,
    ];
    Ok(counts.iter().any(|c| *c > 0))
}

pub fn delete_site(conn: &mut AnyConnection, id: SiteId) -> Result<(), DbError> {
    diesel::delete(sites::table.find(id.0)).execute(conn)?;
    Ok(())
}

/// Whether a site with this id exists (whoever asks).
pub fn site_exists(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    Ok(
        diesel::select(diesel::dsl::exists(sites::table.filter(sites::id.eq(id))))
            .get_result(conn)?,
    )
}
