//! Staff invitations: one-time links, stored as SHA-256 hashes, that let a person whose account
//! was created without a password choose one. A new invitation cancels the earlier ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{staff_invites, users};
use super::{AnyConnection, DbError, now};
use crate::domain::ids::UserId;

/// The marker stored as the password hash of an account whose owner has not yet chosen a
/// password: it is not a hash, so no password ever matches it.
pub const NO_PASSWORD_YET: &str = "";

/// An invitation that can still be used, with the account it opens.
#[derive(Queryable, Clone, Debug)]
pub struct LiveInvite {
    pub id: i32,
    pub user_id: i32,
    pub email: String,
    pub name: String,
    pub site_id: Option<i32>,
}

/// Stores a new invitation for `user`, cancelling any earlier one still open.
pub fn insert_invite(
    conn: &mut AnyConnection,
    user: UserId,
    token_hash: &str,
    expires_at: NaiveDateTime,
    by: UserId,
) -> Result<(), DbError> {
    let at = now();
    cancel_open(conn, user, at)?;
    diesel::insert_into(staff_invites::table)
        .values((
            staff_invites::user_id.eq(user.0),
            staff_invites::token_hash.eq(token_hash),
            staff_invites::expires_at.eq(expires_at),
            staff_invites::created_by.eq(Some(by.0)),
            staff_invites::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks every open invitation of `user` used (a new one was sent, or a password was set).
pub fn cancel_open(
    conn: &mut AnyConnection,
    user: UserId,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(
        staff_invites::table
            .filter(staff_invites::user_id.eq(user.0))
            .filter(staff_invites::used_at.is_null()),
    )
    .set(staff_invites::used_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// The unused, unexpired invitation with this token hash, for an active account that still
/// has no password.
pub fn find_live(
    conn: &mut AnyConnection,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<LiveInvite>, DbError> {
    Ok(staff_invites::table
        .inner_join(users::table)
        .filter(staff_invites::token_hash.eq(token_hash))
        .filter(staff_invites::used_at.is_null())
        .filter(staff_invites::expires_at.gt(at))
        .filter(users::is_active.eq(true))
        .filter(users::password_hash.eq(NO_PASSWORD_YET))
        .select((
            staff_invites::id,
            staff_invites::user_id,
            users::email,
            users::name,
            users::site_id,
        ))
        .first(conn)
        .optional()?)
}

/// The invitation `id`, locked for its use (PostgreSQL `FOR UPDATE`; SQLite's write
/// transaction already holds the write lock): whether it is still unused.
pub fn lock_unused(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    let query = || {
        staff_invites::table
            .find(id)
            .filter(staff_invites::used_at.is_null())
            .select(staff_invites::id)
    };
    let found: Option<i32> = match conn {
        AnyConnection::Postgresql(c) => query().for_update().first(c).optional()?,
        AnyConnection::Sqlite(c) => query().first(c).optional()?,
    };
    Ok(found.is_some())
}
