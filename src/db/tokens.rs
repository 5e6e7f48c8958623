//! API tokens: opaque random strings stored only as SHA-256 hashes. A refresh token belongs to a
//! family; using a revoked refresh token again revokes the whole family (theft detection).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_tokens;
use super::{AnyConnection, DbError, now};
use crate::domain::ids::UserId;

/// Access or refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// A stored refresh token.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = api_tokens)]
pub struct StoredToken {
    pub id: i32,
    pub user_id: i32,
    pub family: String,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a token hash.
pub fn insert_token(
    conn: &mut AnyConnection,
    user: UserId,
    family: &str,
    kind: TokenKind,
    hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user.0),
            api_tokens::family.eq(family),
            api_tokens::kind.eq(kind.as_str()),
            api_tokens::token_hash.eq(hash),
            api_tokens::expires_at.eq(expires_at),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Finds a refresh token by hash (revoked or not) and locks it on PostgreSQL, so two refreshes
/// racing on one token cannot both succeed.
pub fn find_refresh_for_update(
    conn: &mut AnyConnection,
    hash: &str,
) -> Result<Option<StoredToken>, DbError> {
    let found = match conn {
        AnyConnection::Postgresql(pg) => api_tokens::table
            .filter(api_tokens::token_hash.eq(hash))
            .filter(api_tokens::kind.eq(TokenKind::Refresh.as_str()))
            .select(StoredToken::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        // SQLite: the surrounding IMMEDIATE transaction already serialises writers.
        AnyConnection::Sqlite(_) => api_tokens::table
            .filter(api_tokens::token_hash.eq(hash))
            .filter(api_tokens::kind.eq(TokenKind::Refresh.as_str()))
            .select(StoredToken::as_select())
            .first(conn)
            .optional()?,
    };
    Ok(found)
}

/// Revokes one token.
pub fn revoke_token(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::revoked_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Revokes every live token of a family.
pub fn revoke_family(conn: &mut AnyConnection, family: &str) -> Result<usize, DbError> {
    Ok(diesel::update(api_tokens::table)
        .filter(api_tokens::family.eq(family))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(now()))
        .execute(conn)?)
}

/// Revokes every live token of a user.
pub fn revoke_all_for_user(conn: &mut AnyConnection, user: UserId) -> Result<usize, DbError> {
    Ok(diesel::update(api_tokens::table)
        .filter(api_tokens::user_id.eq(user.0))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(now()))
        .execute(conn)?)
}
