//! Staff accounts as the Staff pages and `users/` API see them. A site manager's scope is their
//! site, so users of other sites, superusers and HQ (who have no site) are not found.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::{mechanics, sites, users};
use super::scope::Scope;
use super::{AnyConnection, DbError, lower, now};

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = users)]
pub struct StaffRow {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub site_id: Option<i32>,
    pub mechanic_id: Option<i32>,
    pub is_active: bool,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A staff account with its site's and linked mechanic's names.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct StaffView {
    #[diesel(embed)]
    pub user: StaffRow,
    pub site_name: Option<String>,
    pub mechanic_name: Option<String>,
    /// Invited, and no password chosen yet: nobody can sign in to the account.
    pub awaiting_password: bool,
}

/// Validated fields of an account (not the password); inserted and updated alike.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct StaffFields {
    pub email: String,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub site_id: Option<i32>,
    pub mechanic_id: Option<i32>,
    pub is_active: bool,
}

#[derive(Clone, Debug, Default)]
pub struct StaffFilter {
    pub q: String,
    pub role: Option<String>,
    pub active: Option<bool>,
}

type ViewColumns = (
    diesel::dsl::AsSelect<StaffRow, <AnyConnection as diesel::Connection>::Backend>,
    diesel::dsl::Nullable<sites::name>,
    diesel::dsl::Nullable<mechanics::name>,
    diesel::dsl::Eq<users::password_hash, &'static str>,
);

fn view_columns() -> ViewColumns {
    (
        StaffRow::as_select(),
        sites::name.nullable(),
        mechanics::name.nullable(),
        users::password_hash.eq(super::invites::NO_PASSWORD_YET),
    )
}

pub fn list_staff(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &StaffFilter,
    page: PageRequest,
) -> Result<Page<StaffView>, DbError> {
    let q = filter.q.trim().to_lowercase();
    let filtered = || {
        let mut query = users::table
            .left_join(sites::table)
            .left_join(mechanics::table)
            .into_boxed();
        if let Some(site) = scope.list_site() {
            query = query.filter(users::site_id.eq(site.0));
        }
        if let Some(role) = &filter.role {
            query = query.filter(users::role.eq(role.clone()));
        }
        if let Some(active) = filter.active {
            query = query.filter(users::is_active.eq(active));
        }
        for word in q.split_whitespace() {
            let pattern = format!("%{word}%");
            query = query.filter(
                lower(users::name)
                    .like(pattern.clone())
                    .or(users::email.like(pattern)),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((users::is_active.desc(), users::name.asc(), users::id.asc()))
        .limit(page.size)
        .offset(page.offset())
        .select(view_columns())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

pub fn find_staff(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<StaffView>, DbError> {
    let mut query = users::table
        .left_join(sites::table)
        .left_join(mechanics::table)
        .filter(users::id.eq(id))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(users::site_id.eq(site.0));
    }
    Ok(query.select(view_columns()).first(conn).optional()?)
}

/// The id of the account using `email` (stored lower-cased), if any.
pub fn email_owner(conn: &mut AnyConnection, email: &str) -> Result<Option<i32>, DbError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(conn)
        .optional()?)
}

/// The account linked to a mechanic, if any.
pub fn mechanic_owner(conn: &mut AnyConnection, mechanic: i32) -> Result<Option<i32>, DbError> {
    Ok(users::table
        .filter(users::mechanic_id.eq(mechanic))
        .select(users::id)
        .first(conn)
        .optional()?)
}

pub fn insert_staff(
    conn: &mut AnyConnection,
    f: &StaffFields,
    password_hash: &str,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(users::table)
        .values((
            f,
            users::password_hash.eq(password_hash),
            users::session_version.eq(1),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?)
}

pub fn update_staff(conn: &mut AnyConnection, id: i32, f: &StaffFields) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set((f, users::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}
