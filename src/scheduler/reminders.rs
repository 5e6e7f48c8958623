//! The service-reminder job: the candidates come from one query, the rule of
//! `domain::reminders` decides per vehicle on its site's local date, and each batch of due
//! vehicles gets its messages and its counters in one transaction (so a reminder is recorded
//! exactly when its message is).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::config::Settings;
use crate::db::outbox::{NewMessage, enqueue};
use crate::db::reminders::{self, Candidate};
use crate::db::{Db, DbError};
use crate::domain::reminders::{Decision, Policy, VehicleFacts, decide};
use crate::messaging::address::{Contact, Reach, customer_reach};
use crate::messaging::compose::{About, message};
use crate::messaging::render::{self, vehicle_label};

const BATCH: usize = 1000;

/// Runs the reminders for `now`; returns the counts for the run's record.
pub async fn run(db: &Db, settings: &Settings, now: NaiveDateTime) -> Result<Value, DbError> {
    let m = &settings.messaging;
    let policy = Policy {
        repeat_days: m.reminder_repeat_days,
        max_per_cycle: m.reminder_max_per_cycle,
    };
    let latest = now.date() + Days::new(1);
    let max = policy.max_per_cycle;
    let candidates = db
        .read(move |c| reminders::candidates(c, max, latest))
        .await?;
    let checked = candidates.len();
    let due: Vec<(Candidate, i32, NaiveDate)> = candidates
        .into_iter()
        .filter_map(|c| {
            let today = local_date(&c.timezone, now);
            match decide(&facts(&c), policy, today) {
                Decision::Send { number, .. } => Some((c, number, today)),
                _ => None,
            }
        })
        .collect();
    let (mut enqueued, mut skipped) = (0, 0);
    for batch in due.chunks(BATCH) {
        let mut rows: Vec<NewMessage> = Vec::with_capacity(batch.len());
        let mut marks: BTreeMap<(NaiveDate, i32), Vec<i32>> = BTreeMap::new();
        for (candidate, number, today) in batch {
            let row = reminder(settings, candidate, *number, now);
            if row.status == "skipped" {
                skipped += 1;
            } else {
                marks
                    .entry((*today, *number))
                    .or_default()
                    .push(candidate.id);
            }
            rows.push(row);
        }
        enqueued += db
            .write(move |c| {
                let inserted = enqueue(c, &rows)?;
                for ((on, number), ids) in &marks {
                    reminders::mark_reminded(c, *on, *number, ids)?;
                }
                Ok(inserted)
            })
            .await?;
    }
    Ok(json!({"checked": checked, "due": due.len(), "enqueued": enqueued, "skipped": skipped}))
}

/// The date at the site's clock.
fn local_date(timezone: &str, now: NaiveDateTime) -> NaiveDate {
    let zone: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    now.and_utc().with_timezone(&zone).date_naive()
}

fn facts(c: &Candidate) -> VehicleFacts {
    VehicleFacts {
        last_serviced: c.last_serviced,
        interval_days: c.service_interval_days,
        interval_km: c.service_interval_km,
        odometer_km: c.odometer_km,
        previous_reading: c.previous_at.map(|at| at.date()).zip(c.previous_km),
        last_reminder_sent: c.last_reminder_sent,
        reminders_sent_in_cycle: c.reminders_sent_in_cycle,
    }
}

fn reminder(settings: &Settings, c: &Candidate, number: i32, now: NaiveDateTime) -> NewMessage {
    let text = render::service_reminder(&render::ServiceReminder {
        business: settings.business_name.clone(),
        first_name: c.first_name.clone(),
        vehicle: vehicle_label(&c.make, &c.model, &c.license_plate),
        vehicle_short: format!("{} {}", c.make, c.model),
        last_serviced: c.last_serviced.map(|d| d.format("%-d %b %Y").to_string()),
        site: c.site_name.clone(),
        site_phone: c.site_phone.clone(),
    });
    let serviced = c.last_serviced.map(|d| d.to_string()).unwrap_or_default();
    let about = About {
        kind: "service_reminder",
        dedupe_key: format!("service_reminder:{}:{serviced}:{number}", c.id),
        customer_id: Some(c.customer_id),
        site_id: Some(c.site_id),
        ..About::default()
    };
    let contact = Contact {
        phone: &c.phone,
        email: c.email.as_deref(),
        preferred_channel: &c.preferred_channel,
        is_walk_in: false,
    };
    let reach: Reach = customer_reach(&contact);
    message(&settings.messaging, about, reach, text, now)
}
