//! Issuing and rotating API tokens (SPEC §6): opaque random strings, stored hashed; access
//! tokens live 30 minutes, refresh tokens a day; each refresh rotates the pair.

use chrono::Duration;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::tokens::{self, TokenKind};
use crate::db::users::{self, AuthUser};
use crate::db::{Db, DbError, now};
use crate::domain::ids::UserId;

const ACCESS_LIFETIME_MINUTES: i64 = 30;
const REFRESH_LIFETIME_HOURS: i64 = 24;

/// The pair handed to an API client.
#[derive(Serialize, Debug)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Why a refresh was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("Token is invalid or expired.")]
    Invalid,
    /// A revoked token came back: someone kept a copy, so its whole family is revoked.
    #[error("Token has already been used; sign in again.")]
    Reused,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A new random token, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The form in which a token is stored and looked up.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a new pair in a new family.
pub async fn issue_pair(db: &Db, user: UserId) -> Result<TokenPair, DbError> {
    db.write(move |c| insert_pair(c, user, &random_token()))
        .await
}

fn insert_pair(
    conn: &mut crate::db::AnyConnection,
    user: UserId,
    family: &str,
) -> Result<TokenPair, DbError> {
    let pair = TokenPair {
        access: random_token(),
        refresh: random_token(),
    };
    let at = now();
    tokens::insert_token(
        conn,
        user,
        family,
        TokenKind::Access,
        &hash_token(&pair.access),
        at + Duration::minutes(ACCESS_LIFETIME_MINUTES),
    )?;
    tokens::insert_token(
        conn,
        user,
        family,
        TokenKind::Refresh,
        &hash_token(&pair.refresh),
        at + Duration::hours(REFRESH_LIFETIME_HOURS),
    )?;
    Ok(pair)
}

/// Exchanges a refresh token for a new pair in the same family, revoking the old one.
pub async fn refresh_pair(db: &Db, refresh: String) -> Result<TokenPair, RefreshError> {
    let hash = hash_token(&refresh);
    db.write(move |c| {
        let Some(stored) = tokens::find_refresh_for_update(c, &hash)? else {
            return Ok(Err(RefreshError::Invalid));
        };
        if stored.revoked_at.is_some() {
            tokens::revoke_family(c, &stored.family)?;
            return Ok(Err(RefreshError::Reused));
        }
        if stored.expires_at <= now() {
            return Ok(Err(RefreshError::Invalid));
        }
        tokens::revoke_token(c, stored.id)?;
        insert_pair(c, UserId(stored.user_id), &stored.family).map(Ok)
    })
    .await?
}

/// Revokes the family of a refresh token (API sign-out). Unknown tokens are ignored.
pub async fn revoke_by_refresh(db: &Db, refresh: String) -> Result<(), DbError> {
    let hash = hash_token(&refresh);
    db.write(move |c| {
        if let Some(stored) = tokens::find_refresh_for_update(c, &hash)? {
            tokens::revoke_family(c, &stored.family)?;
        }
        Ok(())
    })
    .await
}

/// The signed-in user behind an access token, if it is live and their account active.
pub async fn user_of_access_token(db: &Db, token: &str) -> Result<Option<AuthUser>, DbError> {
    let hash = hash_token(token);
    db.read(move |c| users::find_by_access_token(c, &hash))
        .await
}
