//! The daily jobs (SPEC §4): low-stock digest, promotions, service reminders. In `serve` they
//! run on tokio-cron-scheduler at the times the settings give (UTC); each occurrence is claimed
//! in `job_runs` first, so with several instances on one database exactly one runs it. "Run
//! now" (jobs page) and `workshop run-job` claim a run of their own, at the current instant.

pub mod low_stock;
pub mod promotions;
pub mod reminders;

use chrono::NaiveDateTime;
use serde_json::{Value, json};
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::config::Settings;
use crate::db::{Db, DbError, job_runs, now};
use crate::messaging::Outbox;
use crate::messaging::config::parse_cron;

/// The jobs, by the names the command line and the jobs page use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobName {
    LowStock,
    Promotions,
    ServiceReminders,
}

impl JobName {
    pub const ALL: [JobName; 3] = [Self::LowStock, Self::Promotions, Self::ServiceReminders];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LowStock => "low-stock",
            Self::Promotions => "promotions",
            Self::ServiceReminders => "service-reminders",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LowStock => "Low-stock digest",
            Self::Promotions => "Promotions",
            Self::ServiceReminders => "Service reminders",
        }
    }

    /// What the job does, for the jobs page.
    pub fn summary(self) -> &'static str {
        match self {
            Self::LowStock => {
                "Emails each site's managers and the superusers what is at or below its reorder level, when anything is."
            }
            Self::Promotions => {
                "Sends each running promotion once to every customer who agreed to marketing."
            }
            Self::ServiceReminders => {
                "Reminds customers whose vehicle is due for a service, at most every 14 days and 3 times per service."
            }
        }
    }

    /// The cron expression of this job in `settings`, `None` when switched off.
    pub fn schedule(self, settings: &Settings) -> Option<String> {
        let s = &settings.messaging.schedules;
        match self {
            Self::LowStock => s.low_stock.clone(),
            Self::Promotions => s.promotions.clone(),
            Self::ServiceReminders => s.service_reminders.clone(),
        }
    }
}

/// How a claimed run went.
#[derive(Debug)]
pub enum RunOutcome {
    Done(Value),
    Failed(String),
    /// Another instance had claimed this occurrence.
    NotMine,
}

/// Runs `job` at `now` without a claim: what the scheduled run, "run now" and the tests share.
pub async fn execute(
    db: &Db,
    settings: &Settings,
    job: JobName,
    now: NaiveDateTime,
) -> Result<Value, DbError> {
    match job {
        JobName::LowStock => low_stock::run(db, settings, now).await,
        JobName::Promotions => promotions::run(db, settings, now)
            .await
            .map(|n| json!({"enqueued": n})),
        JobName::ServiceReminders => reminders::run(db, settings, now).await,
    }
}

/// Claims the occurrence of `job` scheduled for `at`, runs it, records the outcome and wakes
/// the outbox worker.
pub async fn run_claimed(
    db: &Db,
    settings: &Settings,
    outbox: Option<&Outbox>,
    job: JobName,
    at: NaiveDateTime,
    instance: &str,
) -> Result<RunOutcome, DbError> {
    let instance = instance.to_owned();
    let name = job.as_str();
    let claimed = db
        .write(move |c| job_runs::claim(c, name, at, now(), &instance))
        .await?;
    let Some(run) = claimed else {
        return Ok(RunOutcome::NotMine);
    };
    let result = execute(db, settings, job, now()).await;
    let (counts, error) = match &result {
        Ok(counts) => (counts.clone(), None),
        Err(e) => (json!({}), Some(e.to_string())),
    };
    let stored_error = error.clone();
    db.write(move |c| job_runs::finish(c, run, now(), &counts, stored_error.as_deref()))
        .await?;
    if let Some(outbox) = outbox {
        outbox.wake();
    }
    match result {
        Ok(counts) => {
            tracing::info!(job = name, %counts, "scheduled job finished");
            Ok(RunOutcome::Done(counts))
        }
        Err(_) => {
            let error = error.unwrap_or_default();
            tracing::warn!(job = name, error = %error, "scheduled job failed");
            Ok(RunOutcome::Failed(error))
        }
    }
}

/// The occurrence of `cron` that a tick at `now` belongs to: the latest one not after it.
pub fn occurrence(cron: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    use chrono::Timelike;
    let parsed = parse_cron(cron).ok()?;
    // Occurrences fall on whole seconds; a tick comes a little after its occurrence.
    let now = now.with_nanosecond(0).unwrap_or(now);
    parsed
        .find_previous_occurrence(&now.and_utc(), true)
        .ok()
        .map(|t| t.naive_utc())
}

/// The next occurrence of `cron` after `now`.
pub fn next_occurrence(cron: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    let parsed = parse_cron(cron).ok()?;
    parsed
        .find_next_occurrence(&now.and_utc(), false)
        .ok()
        .map(|t| t.naive_utc())
}

/// Starts the scheduler of `serve` with every job that has a schedule.
pub async fn start(db: Db, settings: Settings, outbox: Outbox) -> anyhow::Result<JobScheduler> {
    let scheduler = JobScheduler::new().await?;
    let token = crate::auth::api_tokens::random_token();
    let instance = format!("scheduler-{}", &token[..12]);
    for job in JobName::ALL {
        let Some(cron) = job.schedule(&settings) else {
            continue;
        };
        let (db, settings, outbox, instance) = (
            db.clone(),
            settings.clone(),
            outbox.clone(),
            instance.clone(),
        );
        let expr = cron.clone();
        let entry = Job::new_async(cron.as_str(), move |_, _| {
            let (db, settings, outbox, instance, expr) = (
                db.clone(),
                settings.clone(),
                outbox.clone(),
                instance.clone(),
                expr.clone(),
            );
            Box::pin(async move {
                let Some(at) = occurrence(&expr, now()) else {
                    return;
                };
                let ran = run_claimed(&db, &settings, Some(&outbox), job, at, &instance).await;
                if let Err(e) = ran {
                    tracing::warn!(job = job.as_str(), error = %e, "could not run a scheduled job");
                }
            })
        })?;
        scheduler.add(entry).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

/// "daily at 08:00 UTC", "cron … (UTC)" or "off".
pub fn describe_schedule(schedule: &Option<String>) -> String {
    match schedule {
        None => "off".into(),
        Some(cron) => match cron.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["0", minute, hour, "*", "*", "*"]
                if minute.parse::<u32>().is_ok() && hour.parse::<u32>().is_ok() =>
            {
                format!("daily at {hour:0>2}:{minute:0>2} UTC")
            }
            _ => format!("cron {cron} (UTC)"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_tick_belongs_to_the_occurrence_before_it() {
        let at =
            |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap_or_default();
        let daily = "0 0 8 * * *";
        assert_eq!(
            occurrence(daily, at("2026-03-01 08:00:00.731")),
            Some(at("2026-03-01 08:00:00.0"))
        );
        assert_eq!(
            occurrence(daily, at("2026-03-01 07:59:59.0")),
            Some(at("2026-02-28 08:00:00.0"))
        );
        assert_eq!(
            occurrence("*/1 * * * * *", at("2026-03-01 10:00:03.9")),
            Some(at("2026-03-01 10:00:03.0"))
        );
        assert_eq!(describe_schedule(&Some(daily.into())), "daily at 08:00 UTC");
    }
}
