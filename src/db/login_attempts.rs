//! Sign-in attempts per client address, kept in the database so that several app instances
//! share one limit (the original kept it per worker process, multiplying the limit).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::login_attempts;
use super::{AnyConnection, DbError, now};

/// Failed attempts from `ip` since `since`.
pub fn failures_since(
    conn: &mut AnyConnection,
    ip: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Records an attempt and forgets this address's attempts older than a day.
pub fn record_attempt(conn: &mut AnyConnection, ip: &str, succeeded: bool) -> Result<(), DbError> {
    let at = now();
    diesel::delete(login_attempts::table)
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::attempted_at.lt(at - Duration::days(1)))
        .execute(conn)?;
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::ip.eq(ip),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::attempted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
