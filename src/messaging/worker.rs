//! The outbox worker inside `serve`: it wakes when a transaction enqueued messages (and polls as
//! a fallback), claims a batch of due rows, sends them with a few in flight at once, and
//! records each outcome. Failures back off exponentially up to the maximum number of attempts.
//! Nothing here runs inside an HTTP request.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use futures_util::StreamExt;
use tokio::sync::watch;

use super::Outbox;
use super::channels::{Channels, Delivery};
use super::config::MessagingSettings;
use crate::db::outbox::{self, Claimed, Outcome};
use crate::db::{Db, DbError};

/// Messages claimed per round trip.
pub const BATCH: i64 = 200;
/// Provider calls in flight at once.
const IN_FLIGHT: usize = 16;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How often abandoned claims are looked for. A lease lasts at least a minute, so looking on
/// every round (many a second when jobs complete fast) found nothing new and cost a query.
const ABANDONED_EVERY: TimeDelta = TimeDelta::seconds(30);
/// After a round that sent something the worker rests this long before the next one. A round
/// is two write transactions; woken by every completion, it ran one round per completion under
/// load, which cost 8 % of SQLite's completions per second and 16 % of PostgreSQL's. Resting,
/// a round carries what many completions queued meanwhile. A quiet outbox is not delayed: the
/// first message after a rest goes at once.
const ROUND_GAP: Duration = Duration::from_millis(50);

/// Delivers the outbox of one database.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    channels: Arc<Channels>,
    settings: MessagingSettings,
    /// Who holds a claim, for the record: a random name per process.
    instance: String,
    /// The clock time from which the next round looks for abandoned claims.
    next_abandoned_check: Arc<std::sync::Mutex<NaiveDateTime>>,
}

impl Worker {
    pub fn new(db: Db, settings: &MessagingSettings) -> anyhow::Result<Self> {
        let token = crate::auth::api_tokens::random_token();
        Ok(Self {
            db,
            channels: Arc::new(Channels::from_settings(settings)?),
            settings: settings.clone(),
            instance: format!("worker-{}", &token[..12]),
            next_abandoned_check: Arc::new(std::sync::Mutex::new(NaiveDateTime::MIN)),
        })
    }

    /// Runs until `stop` turns true. A round in progress is finished first, so a message in
    /// hand is sent and recorded before the worker ends.
    pub async fn run(self, outbox: Outbox, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            let delivered = self.deliver_due(crate::db::now()).await;
            match delivered {
                Ok(n) if n as i64 >= BATCH => continue,
                Ok(0) => {}
                Ok(_) => {
                    // A wake meanwhile is kept (`Notify` stores it) and ends the wait below.
                    tokio::select! {
                        _ = tokio::time::sleep(ROUND_GAP) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(e) => tracing::warn!(error = %e, "outbox round failed; will try again"),
            }
            tokio::select! {
                _ = outbox.woken() => {}
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One round at time `now`: fails abandoned claims (every [`ABANDONED_EVERY`]), claims
    /// due messages, sends them and records the outcomes. Returns how many messages were
    /// handled. Tests call it with a clock of their own.
    pub async fn deliver_due(&self, now: NaiveDateTime) -> Result<usize, DbError> {
        let lease = self.settings.send_timeout * 2 + Duration::from_secs(60);
        let lease_until = now + TimeDelta::from_std(lease).unwrap_or(TimeDelta::hours(1));
        let instance = self.instance.clone();
        let look_for_abandoned = self.abandoned_check_due(now);
        let claimed = self
            .db
            .write(move |c| {
                if look_for_abandoned {
                    outbox::fail_abandoned(c, now)?;
                }
                outbox::claim_due(c, &instance, now, lease_until, BATCH)
            })
            .await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let results: Vec<(Claimed, Outcome)> = futures_util::stream::iter(claimed)
            .map(|message| async move {
                let delivery = self.channels.send(&message).await;
                let outcome = self.outcome(&message, delivery, now);
                (message, outcome)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let handled = results.len();
        self.db
            .write(move |c| outbox::record(c, &results, now))
            .await?;
        Ok(handled)
    }

    /// Whether this round looks for abandoned claims; if so, the next look is due
    /// [`ABANDONED_EVERY`] later.
    fn abandoned_check_due(&self, now: NaiveDateTime) -> bool {
        let mut next = self
            .next_abandoned_check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if now < *next {
            return false;
        }
        *next = now + ABANDONED_EVERY;
        true
    }

    /// Temporary failures wait `retry_base × 2^(attempt − 1)` (at most an hour) until the
    /// attempts run out.
    fn outcome(&self, message: &Claimed, delivery: Delivery, now: NaiveDateTime) -> Outcome {
        match delivery {
            Delivery::Sent(provider_id) => Outcome::Sent { provider_id },
            Delivery::Permanent(error) => Outcome::Failed { error },
            Delivery::Unreachable(reason) => Outcome::Skipped { reason },
            Delivery::Temporary(error) if message.attempts >= message.max_attempts => {
                Outcome::Failed {
                    error: format!("{error} Gave up after {} attempts.", message.attempts),
                }
            }
            Delivery::Temporary(error) => {
                let wait = backoff(self.settings.retry_base, message.attempts);
                let at = now + TimeDelta::from_std(wait).unwrap_or(TimeDelta::hours(1));
                Outcome::Retry { error, at }
            }
        }
    }
}

/// The wait before the next attempt after `attempts` tries.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    base.saturating_mul(1 << exponent).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_each_attempt_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 30), MAX_BACKOFF);
    }
}
