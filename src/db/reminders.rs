//! Vehicles that may be due for a service reminder, read in one query: a superset of the rule
//! in `domain::reminders` (consent, a way to reach the customer, the date interval reached by
//! tomorrow in UTC, or a distance interval), which then decides per vehicle in its site's
//! time zone. Also the counters a sent reminder moves.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Date, Integer, Nullable, Text, Timestamp};

use super::schema::vehicles;
use super::{AnyConnection, DbError};

/// A candidate vehicle with its owner and site.
#[derive(QueryableByName, Clone, Debug)]
pub struct Candidate {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub make: String,
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = Text)]
    pub license_plate: String,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_serviced: Option<NaiveDate>,
    #[diesel(sql_type = Integer)]
    pub service_interval_days: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub service_interval_km: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub odometer_km: Option<i32>,
    #[diesel(sql_type = Nullable<Date>)]
    pub last_reminder_sent: Option<NaiveDate>,
    #[diesel(sql_type = Integer)]
    pub reminders_sent_in_cycle: i32,
    #[diesel(sql_type = Integer)]
    pub site_id: i32,
    #[diesel(sql_type = Integer)]
    pub customer_id: i32,
    #[diesel(sql_type = Text)]
    pub first_name: String,
    #[diesel(sql_type = Text)]
    pub phone: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Text)]
    pub preferred_channel: String,
    #[diesel(sql_type = Text)]
    pub site_name: String,
    #[diesel(sql_type = Text)]
    pub site_phone: String,
    #[diesel(sql_type = Text)]
    pub timezone: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub previous_km: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub previous_at: Option<NaiveDateTime>,
}

const CANDIDATES: &str = "SELECT v.id, v.make, v.model, v.license_plate, v.last_serviced, \
    v.service_interval_days, v.service_interval_km, v.odometer_km, v.last_reminder_sent, \
    v.reminders_sent_in_cycle, v.site_id, c.id AS customer_id, c.first_name, c.phone, c.email, \
    c.preferred_channel, s.name AS site_name, s.phone AS site_phone, s.timezone, \
    CASE WHEN v.service_interval_km IS NULL THEN NULL ELSE (SELECT r.odometer_km FROM service_requests r \
      WHERE r.vehicle_id = v.id AND r.status = 'Completed' AND r.odometer_km IS NOT NULL \
      AND r.completed_at < v.last_serviced ORDER BY r.completed_at DESC LIMIT 1) END AS previous_km, \
    CASE WHEN v.service_interval_km IS NULL THEN NULL ELSE (SELECT r.completed_at FROM service_requests r \
      WHERE r.vehicle_id = v.id AND r.status = 'Completed' AND r.odometer_km IS NOT NULL \
      AND r.completed_at < v.last_serviced ORDER BY r.completed_at DESC LIMIT 1) END AS previous_at \
    FROM vehicles v JOIN customers c ON c.id = v.customer_id JOIN sites s ON s.id = v.site_id \
    WHERE v.last_serviced IS NOT NULL AND c.receive_service_reminders AND NOT c.is_walk_in \
    AND (c.phone <> '' OR c.email IS NOT NULL) \
    AND v.reminders_sent_in_cycle < $1 + CASE WHEN v.last_reminder_sent IS NULL OR v.last_reminder_sent <= v.last_serviced THEN 1000000 ELSE 0 END \
    AND (v.service_interval_km IS NOT NULL OR {due_date} <= $2) \
    ORDER BY v.id";

/// The candidates for `latest`, the latest local date any site has now (tomorrow in UTC).
pub fn candidates(
    conn: &mut AnyConnection,
    max_per_cycle: i32,
    latest: NaiveDate,
) -> Result<Vec<Candidate>, DbError> {
    Ok(match conn {
        AnyConnection::Postgresql(c) => {
            let sql = CANDIDATES.replace("{due_date}", "v.last_serviced + v.service_interval_days");
            diesel::sql_query(sql)
                .bind::<Integer, _>(max_per_cycle)
                .bind::<Date, _>(latest)
                .load(c)?
        }
        AnyConnection::Sqlite(c) => {
            let due = "date(v.last_serviced, '+' || v.service_interval_days || ' days')";
            let sql = CANDIDATES
                .replace("{due_date}", due)
                .replace("$1", "?")
                .replace("$2", "?")
                .replace(
                    "AND r.completed_at < v.last_serviced",
                    "AND date(r.completed_at) < v.last_serviced",
                );
            diesel::sql_query(sql)
                .bind::<Integer, _>(max_per_cycle)
                .bind::<Date, _>(latest)
                .load(c)?
        }
    })
}

/// Records reminders sent `on` a date: `number` is each vehicle's count in its cycle now.
pub fn mark_reminded(
    conn: &mut AnyConnection,
    on: NaiveDate,
    number: i32,
    ids: &[i32],
) -> Result<(), DbError> {
    diesel::update(vehicles::table.filter(vehicles::id.eq_any(ids)))
        .set((
            vehicles::last_reminder_sent.eq(Some(on)),
            vehicles::reminders_sent_in_cycle.eq(number),
        ))
        .execute(conn)?;
    Ok(())
}
