//! Checking an email and password, shared by the sign-in page and `POST /auth/login/`.
//! Both count against one throttle per client address, stored in the database.

use chrono::Duration;

use crate::db::users::{self, UserRow};
use crate::db::{Db, DbError, login_attempts, now};
use crate::domain::email::Email;
use crate::domain::ids::UserId;

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong email, wrong password or inactive account: deliberately indistinguishable.
    #[error("Invalid email or password.")]
    InvalidCredentials,
    #[error("Too many sign-in attempts from your address. Wait a minute and try again.")]
    Throttled,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("password check failed")]
    Internal,
}

/// Verifies credentials for a client address and records the attempt.
pub async fn check_credentials(
    db: &Db,
    ip: String,
    email: &str,
    password: String,
    attempts_per_minute: u32,
) -> Result<UserId, SignInError> {
    let ip_for_count = ip.clone();
    let failures = db
        .read(move |c| {
            login_attempts::failures_since(c, &ip_for_count, now() - Duration::minutes(1))
        })
        .await?;
    if failures >= i64::from(attempts_per_minute) {
        return Err(SignInError::Throttled);
    }
    let user = match Email::parse(email) {
        Ok(email) => db.read(move |c| users::find_by_email(c, &email)).await?,
        Err(_) => None,
    };
    let verified = tokio::task::spawn_blocking(move || verify(user, &password))
        .await
        .map_err(|_| SignInError::Internal)?;
    let succeeded = verified.is_some();
    db.write(move |c| login_attempts::record_attempt(c, &ip, succeeded))
        .await?;
    verified.ok_or(SignInError::InvalidCredentials)
}

fn verify(user: Option<UserRow>, password: &str) -> Option<UserId> {
    match user {
        Some(user) => {
            let matches = super::password::verify_password(password, &user.password_hash);
            (matches && user.is_active).then_some(UserId(user.id))
        }
        None => {
            super::password::verify_against_dummy(password);
            None
        }
    }
}
