//! The outbox table: rows are inserted inside the transaction of the event that causes them and
//! delivered after commit by the worker, which claims a batch before sending so that two
//! instances never send the same row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one
//! writer at a time anyway).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;

use super::schema::{outbox_messages, sms_blasts};
use super::{AnyConnection, DbError};

/// A message to enqueue. `status` is `pending`, or `skipped` with the reason in `last_error`.
/// Serialized by column name for `invoice_number`'s statement.
#[derive(Insertable, Serialize, Clone, Debug)]
#[diesel(table_name = outbox_messages, treat_none_as_null = true)]
pub struct NewMessage {
    pub kind: &'static str,
    pub channel: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: &'static str,
    pub attempts: i32,
    pub max_attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub dedupe_key: String,
    pub customer_id: Option<i32>,
    pub site_id: Option<i32>,
    pub service_request_id: Option<i32>,
    pub invoice_id: Option<i32>,
    pub sms_blast_id: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl NewMessage {
    /// The message with `fill` applied to its subject and bodies.
    pub fn with_text(&self, fill: impl Fn(&str) -> String) -> Self {
        Self {
            subject: fill(&self.subject),
            body_text: fill(&self.body_text),
            body_html: self.body_html.as_deref().map(&fill),
            ..self.clone()
        }
    }
}

/// Inserts messages; a row whose dedupe key exists already is left out. Returns how many were
/// inserted. Rows go in as multi-row INSERTs of at most 500.
pub fn enqueue(conn: &mut AnyConnection, messages: &[NewMessage]) -> Result<usize, DbError> {
    let mut inserted = 0;
    for chunk in messages.chunks(500) {
        inserted += match conn {
            AnyConnection::Postgresql(c) => diesel::insert_into(outbox_messages::table)
                .values(chunk)
                .on_conflict(outbox_messages::dedupe_key)
                .do_nothing()
                .execute(c)?,
            // Diesel builds no multi-row upsert for SQLite, so one statement per row (no round
            // trips in-process). Not `INSERT OR IGNORE`: that also drops, silently, a row that
            // breaks a CHECK or NOT NULL constraint, which must fail as on PostgreSQL.
            AnyConnection::Sqlite(c) => {
                let mut count = 0;
                for message in chunk {
                    count += diesel::insert_into(outbox_messages::table)
                        .values(message)
                        .on_conflict(outbox_messages::dedupe_key)
                        .do_nothing()
                        .execute(c)?;
                }
                count
            }
        };
    }
    Ok(inserted)
}

/// A claimed message, as the worker needs it to send.
#[derive(QueryableByName, Clone, Debug)]
#[diesel(table_name = outbox_messages)]
pub struct Claimed {
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub sms_blast_id: Option<i32>,
}

const CLAIM_SQL: &str = "UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, \
     claimed_by = $1, claimed_until = $2 \
     WHERE id IN (SELECT id FROM outbox_messages WHERE status = 'pending' AND next_attempt_at <= $3 \
     ORDER BY next_attempt_at LIMIT $4 {lock}) \
     RETURNING id, kind, channel, recipient, subject, body_text, body_html, attempts, max_attempts, sms_blast_id";

/// Claims up to `limit` due messages for `instance` until `lease_until`: they become `sending`
/// with one more attempt counted, before anything is sent. Run it in a write transaction.
/// Oldest due first, in the order of the `(status, next_attempt_at)` index alone: a blast's
/// rows share one time, and sorting them by id as well would read them all every round.
pub fn claim_due(
    conn: &mut AnyConnection,
    instance: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Claimed>, DbError> {
    let sql = match conn {
        AnyConnection::Postgresql(_) => CLAIM_SQL.replace("{lock}", "FOR UPDATE SKIP LOCKED"),
        // SQLite numbers `?` placeholders in order, as the binds below are.
        AnyConnection::Sqlite(_) => ["$1", "$2", "$3", "$4"]
            .iter()
            .fold(CLAIM_SQL.replace("{lock}", ""), |sql, p| {
                sql.replace(p, "?")
            }),
    };
    let mut claimed: Vec<Claimed> = on_backend!(conn, |c| diesel::sql_query(&sql)
        .bind::<Text, _>(instance)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?);
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// What became of one delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent {
        provider_id: Option<String>,
    },
    /// Try again at the given time.
    Retry {
        error: String,
        at: NaiveDateTime,
    },
    Failed {
        error: String,
    },
    Skipped {
        reason: String,
    },
}

impl Outcome {
    fn final_status(&self) -> Option<&'static str> {
        match self {
            Outcome::Sent { .. } => Some("sent"),
            Outcome::Failed { .. } => Some("failed"),
            Outcome::Skipped { .. } => Some("skipped"),
            Outcome::Retry { .. } => None,
        }
    }
}

/// Records the outcomes of claimed messages, and keeps each SMS blast's counters in step.
/// Only rows still `sending` change, so a row recorded once is never recorded again.
pub fn record(
    conn: &mut AnyConnection,
    results: &[(Claimed, Outcome)],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    use outbox_messages::dsl as o;
    let plain_sent: Vec<i32> = results
        .iter()
        .filter(|(_, out)| matches!(out, Outcome::Sent { provider_id: None }))
        .map(|(m, _)| m.id)
        .collect();
    for ids in plain_sent.chunks(500) {
        diesel::update(
            o::outbox_messages
                .filter(o::id.eq_any(ids))
                .filter(o::status.eq("sending")),
        )
        .set((
            o::status.eq("sent"),
            o::sent_at.eq(now),
            o::last_error.eq(None::<String>),
            o::claimed_by.eq(None::<String>),
            o::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    }
    for (message, outcome) in results {
        let row = o::outbox_messages
            .filter(o::id.eq(message.id))
            .filter(o::status.eq("sending"));
        let released = (
            o::claimed_by.eq(None::<String>),
            o::claimed_until.eq(None::<NaiveDateTime>),
        );
        match outcome {
            Outcome::Sent { provider_id: None } => continue,
            Outcome::Sent { provider_id } => diesel::update(row)
                .set((
                    o::status.eq("sent"),
                    o::sent_at.eq(now),
                    o::provider_id.eq(provider_id),
                    o::last_error.eq(None::<String>),
                    released,
                ))
                .execute(conn)?,
            Outcome::Retry { error, at } => diesel::update(row)
                .set((
                    o::status.eq("pending"),
                    o::next_attempt_at.eq(at),
                    o::last_error.eq(error),
                    released,
                ))
                .execute(conn)?,
            Outcome::Failed { error } => diesel::update(row)
                .set((o::status.eq("failed"), o::last_error.eq(error), released))
                .execute(conn)?,
            Outcome::Skipped { reason } => diesel::update(row)
                .set((o::status.eq("skipped"), o::last_error.eq(reason), released))
                .execute(conn)?,
        };
    }
    let finished: Vec<(Option<i32>, &'static str)> = results
        .iter()
        .filter_map(|(m, out)| out.final_status().map(|s| (m.sms_blast_id, s)))
        .collect();
    count_blast_outcomes(conn, &finished, now)
}

/// Adds finished messages to their blasts' counters and closes blasts with nothing left.
pub fn count_blast_outcomes(
    conn: &mut AnyConnection,
    finished: &[(Option<i32>, &'static str)],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    use std::collections::BTreeMap;
    let mut per_blast: BTreeMap<i32, [i32; 3]> = BTreeMap::new();
    for (blast, status) in finished {
        let Some(blast) = blast else { continue };
        let counts = per_blast.entry(*blast).or_default();
        match *status {
            "sent" => counts[0] += 1,
            "failed" => counts[1] += 1,
            _ => counts[2] += 1,
        }
    }
    for (blast, [sent, failed, skipped]) in per_blast {
        adjust_blast(conn, blast, sent, failed, skipped, now)?;
    }
    Ok(())
}

/// Changes a blast's counters by the given amounts and sets its status from them.
pub fn adjust_blast(
    conn: &mut AnyConnection,
    blast: i32,
    sent: i32,
    failed: i32,
    skipped: i32,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    use sms_blasts::dsl as b;
    diesel::update(b::sms_blasts.find(blast))
        .set((
            b::sent_count.eq(b::sent_count + sent),
            b::failed_count.eq(b::failed_count + failed),
            b::skipped_count.eq(b::skipped_count + skipped),
        ))
        .execute(conn)?;
    let done = b::sent_count + b::failed_count + b::skipped_count;
    diesel::update(
        b::sms_blasts
            .find(blast)
            .filter(done.ge(b::total_count))
            .filter(b::status.ne("done")),
    )
    .set((b::status.eq("done"), b::finished_at.eq(Some(now))))
    .execute(conn)?;
    diesel::update(
        b::sms_blasts
            .find(blast)
            .filter(done.lt(b::total_count))
            .filter(b::status.eq("done")),
    )
    .set((
        b::status.eq("sending"),
        b::finished_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Claims whose lease ran out belong to an instance that stopped mid-send: the message may or
/// may not have gone out, so it is failed (never sent again by itself) and staff may retry it.
pub fn fail_abandoned(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<usize, DbError> {
    use outbox_messages::dsl as o;
    let abandoned: Vec<(i32, Option<i32>)> = o::outbox_messages
        .filter(o::status.eq("sending"))
        .filter(o::claimed_until.lt(now))
        .select((o::id, o::sms_blast_id))
        .load(conn)?;
    if abandoned.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i32> = abandoned.iter().map(|(id, _)| *id).collect();
    diesel::update(o::outbox_messages.filter(o::id.eq_any(&ids)).filter(o::status.eq("sending")))
        .set((
            o::status.eq("failed"),
            o::last_error.eq("Delivery was interrupted (the app stopped while sending); it is not sent again by itself, since it may have gone out. Retry it if it did not arrive."),
            o::claimed_by.eq(None::<String>),
            o::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    let finished: Vec<(Option<i32>, &'static str)> = abandoned
        .iter()
        .map(|(_, blast)| (*blast, "failed"))
        .collect();
    count_blast_outcomes(conn, &finished, now)?;
    Ok(ids.len())
}

/// Puts a failed message back in the queue with fresh attempts (staff's "Retry"). Returns
/// false when the message is not failed (nothing to retry).
pub fn retry_failed(
    conn: &mut AnyConnection,
    id: i32,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    use outbox_messages::dsl as o;
    // The status condition makes two simultaneous retries count once.
    let blast: Option<Option<i32>> = diesel::update(
        o::outbox_messages
            .filter(o::id.eq(id))
            .filter(o::status.eq("failed")),
    )
    .set((
        o::status.eq("pending"),
        o::attempts.eq(0),
        o::next_attempt_at.eq(now),
    ))
    .returning(o::sms_blast_id)
    .get_result(conn)
    .optional()?;
    match blast {
        None => Ok(false),
        Some(None) => Ok(true),
        Some(Some(blast)) => {
            adjust_blast(conn, blast, 0, -1, 0, now)?;
            Ok(true)
        }
    }
}
