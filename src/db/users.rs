//! Staff users: sign-in lookups, the first superuser, and session invalidation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, sites, users};
use super::{AnyConnection, DbError, now};
use crate::domain::email::Email;
use crate::domain::ids::{SiteId, UserId};
use crate::domain::role::Role;

/// The columns of a user that authentication and the shell need.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub site_id: Option<i32>,
    pub is_active: bool,
    pub session_version: i32,
    pub last_login_at: Option<NaiveDateTime>,
    pub mechanic_id: Option<i32>,
}

/// A signed-in user as every request sees them.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub site: Option<(SiteId, String)>,
    pub session_version: i32,
    /// The mechanic record of a mechanic-role login.
    pub mechanic_id: Option<i32>,
}

/// A user to insert; the password is already hashed.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub site_id: Option<SiteId>,
}

/// How many users exist at all (zero means first run).
pub fn count_users(conn: &mut AnyConnection) -> Result<i64, DbError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Finds a user by email, whatever the letter case typed.
pub fn find_by_email(conn: &mut AnyConnection, email: &Email) -> Result<Option<UserRow>, DbError> {
    Ok(users::table
        .filter(users::email.eq(email.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Loads an active user with their site's name, in one query.
pub fn find_active(conn: &mut AnyConnection, id: UserId) -> Result<Option<AuthUser>, DbError> {
    let row = users::table
        .left_join(sites::table)
        .filter(users::id.eq(id.0))
        .filter(users::is_active.eq(true))
        .select((UserRow::as_select(), sites::name.nullable()))
        .first::<(UserRow, Option<String>)>(conn)
        .optional()?;
    Ok(row.and_then(|(user, site_name)| to_auth_user(user, site_name)))
}

/// The active user behind a live access token (by its hash), with their site's name: the
/// whole of an API request's authentication in one query.
pub fn find_by_access_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<AuthUser>, DbError> {
    let row = users::table
        .left_join(sites::table)
        .inner_join(api_tokens::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::kind.eq(super::tokens::TokenKind::Access.as_str()))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now()))
        .filter(users::is_active.eq(true))
        .select((UserRow::as_select(), sites::name.nullable()))
        .first::<(UserRow, Option<String>)>(conn)
        .optional()?;
    Ok(row.and_then(|(user, site_name)| to_auth_user(user, site_name)))
}

fn to_auth_user(user: UserRow, site_name: Option<String>) -> Option<AuthUser> {
    let role = Role::parse(&user.role)?;
    let site = user
        .site_id
        .zip(site_name)
        .map(|(id, name)| (SiteId(id), name));
    Some(AuthUser {
        id: UserId(user.id),
        email: user.email,
        name: user.name,
        role,
        site,
        session_version: user.session_version,
        mechanic_id: user.mechanic_id,
    })
}

/// Inserts a user and returns the new id.
pub fn insert_user(conn: &mut AnyConnection, new: &NewUser<'_>) -> Result<UserId, DbError> {
    let at = now();
    let id = diesel::insert_into(users::table)
        .values((
            users::email.eq(new.email.as_str()),
            users::name.eq(new.name),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role.as_str()),
            users::site_id.eq(new.site_id.map(|s| s.0)),
            users::is_active.eq(true),
            users::session_version.eq(1),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    Ok(UserId(id))
}

/// Notes a successful sign-in.
pub fn record_sign_in(conn: &mut AnyConnection, id: UserId) -> Result<(), DbError> {
    diesel::update(users::table.find(id.0))
        .set(users::last_login_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Replaces the password hash, ending every other session of the user.
pub fn set_password_hash(conn: &mut AnyConnection, id: UserId, hash: &str) -> Result<i32, DbError> {
    diesel::update(users::table.find(id.0))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now())))
        .execute(conn)?;
    end_all_sessions(conn, id)
}

/// "Sign out everywhere": bumping the version invalidates every session cookie of the user on
/// its next request, and their API tokens are revoked. Returns the new version.
pub fn end_all_sessions(conn: &mut AnyConnection, id: UserId) -> Result<i32, DbError> {
    let version = diesel::update(users::table.find(id.0))
        .set(users::session_version.eq(users::session_version + 1))
        .returning(users::session_version)
        .get_result(conn)?;
    super::tokens::revoke_all_for_user(conn, id)?;
    Ok(version)
}

/// Looks up a user's password hash for a re-authentication check.
pub fn password_hash_of(conn: &mut AnyConnection, id: UserId) -> Result<Option<String>, DbError> {
    Ok(users::table
        .find(id.0)
        .select(users::password_hash)
        .first(conn)
        .optional()?)
}
