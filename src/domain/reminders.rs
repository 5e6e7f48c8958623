//! The service-reminder rule (SPEC §4): a vehicle is due when its last service plus the
//! interval in days has come (in the site's time zone), or, with a distance interval and two
//! odometer readings, when the distance estimated since the last service has reached the
//! interval. A reminder repeats at most every `repeat_days` and `max_per_cycle` times per
//! service cycle; a new service starts a new cycle.

use chrono::NaiveDate;

/// How often reminders may repeat.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub repeat_days: i64,
    pub max_per_cycle: i32,
}

/// What the rule needs to know about a vehicle.
#[derive(Clone, Debug, Default)]
pub struct VehicleFacts {
    pub last_serviced: Option<NaiveDate>,
    pub interval_days: i32,
    pub interval_km: Option<i32>,
    /// The odometer at the last service.
    pub odometer_km: Option<i32>,
    /// An earlier reading: the date and odometer of the service before the last.
    pub previous_reading: Option<(NaiveDate, i32)>,
    pub last_reminder_sent: Option<NaiveDate>,
    pub reminders_sent_in_cycle: i32,
}

/// Why a vehicle is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueBy {
    Date,
    Distance,
}

/// What to do about a vehicle today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send reminder `number` of this cycle.
    Send {
        number: i32,
        by: DueBy,
    },
    NotDue,
    /// A reminder went out less than `repeat_days` ago.
    Resting,
    /// This cycle had its reminders.
    CycleDone,
}

/// Decides for `today` (the site's local date).
pub fn decide(v: &VehicleFacts, policy: Policy, today: NaiveDate) -> Decision {
    let Some(serviced) = v.last_serviced else {
        return Decision::NotDue;
    };
    // A reminder sent on or before the last service belongs to the previous cycle.
    let sent_this_cycle = v.last_reminder_sent.filter(|sent| *sent > serviced);
    let sent = match sent_this_cycle {
        Some(_) => v.reminders_sent_in_cycle.max(0),
        None => 0,
    };
    if sent >= policy.max_per_cycle {
        return Decision::CycleDone;
    }
    if let Some(last) = sent_this_cycle
        && (today - last).num_days() < policy.repeat_days
    {
        return Decision::Resting;
    }
    let by = if serviced + chrono::Days::new(v.interval_days.max(1) as u64) <= today {
        Some(DueBy::Date)
    } else if distance_due(v, serviced, today) {
        Some(DueBy::Distance)
    } else {
        None
    };
    match by {
        Some(by) => Decision::Send {
            number: sent + 1,
            by,
        },
        None => Decision::NotDue,
    }
}

/// Whether the distance driven since the last service, estimated from the rate between the
/// two latest readings, has reached the distance interval.
fn distance_due(v: &VehicleFacts, serviced: NaiveDate, today: NaiveDate) -> bool {
    let (Some(interval), Some(odometer), Some((earlier, earlier_km))) =
        (v.interval_km, v.odometer_km, v.previous_reading)
    else {
        return false;
    };
    let days_between = (serviced - earlier).num_days();
    let km_between = i64::from(odometer) - i64::from(earlier_km);
    if days_between <= 0 || km_between <= 0 {
        return false;
    }
    let days_since = (today - serviced).num_days().max(0);
    km_between * days_since >= i64::from(interval) * days_between
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        repeat_days: 14,
        max_per_cycle: 3,
    };

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn serviced(on: &str) -> VehicleFacts {
        VehicleFacts {
            last_serviced: Some(day(on)),
            interval_days: 180,
            ..Default::default()
        }
    }

    #[test]
    fn due_on_the_day_the_interval_ends_not_the_day_before() {
        let v = serviced("2026-01-01");
        let due = day("2026-06-30");
        assert_eq!(
            decide(&v, POLICY, due),
            Decision::Send {
                number: 1,
                by: DueBy::Date
            }
        );
        assert_eq!(
            decide(&v, POLICY, due.pred_opt().unwrap()),
            Decision::NotDue
        );
    }

    #[test]
    fn repeats_after_fourteen_days_and_three_times_per_cycle() {
        let mut v = serviced("2026-01-01");
        v.last_reminder_sent = Some(day("2026-07-01"));
        v.reminders_sent_in_cycle = 1;
        assert_eq!(
            decide(&v, POLICY, day("2026-07-14")),
            Decision::Resting,
            "13 days"
        );
        assert_eq!(
            decide(&v, POLICY, day("2026-07-15")),
            Decision::Send {
                number: 2,
                by: DueBy::Date
            },
            "14 days"
        );
        v.reminders_sent_in_cycle = 2;
        assert_eq!(
            decide(&v, POLICY, day("2026-07-15")),
            Decision::Send {
                number: 3,
                by: DueBy::Date
            }
        );
        v.reminders_sent_in_cycle = 3;
        assert_eq!(decide(&v, POLICY, day("2026-09-01")), Decision::CycleDone);
    }

    #[test]
    fn a_new_service_starts_a_new_cycle() {
        let mut v = serviced("2026-08-01");
        v.last_reminder_sent = Some(day("2026-07-20"));
        v.reminders_sent_in_cycle = 3;
        assert_eq!(
            decide(&v, POLICY, day("2027-01-28")),
            Decision::Send {
                number: 1,
                by: DueBy::Date
            }
        );
    }

    #[test]
    fn distance_is_estimated_from_the_two_latest_readings() {
        let mut v = serviced("2026-03-01");
        v.interval_km = Some(5000);
        v.odometer_km = Some(60_000);
        v.previous_reading = Some((day("2025-12-01"), 50_000)); // 10,000 km in 90 days
        assert_eq!(
            decide(&v, POLICY, day("2026-04-15")),
            Decision::Send {
                number: 1,
                by: DueBy::Distance
            }
        );
        assert_eq!(
            decide(&v, POLICY, day("2026-04-14")),
            Decision::NotDue,
            "44 days: 4,888 km"
        );
        v.previous_reading = None;
        assert_eq!(
            decide(&v, POLICY, day("2026-04-15")),
            Decision::NotDue,
            "no history, no estimate"
        );
    }

    #[test]
    fn never_serviced_is_never_due() {
        assert_eq!(
            decide(&VehicleFacts::default(), POLICY, day("2030-01-01")),
            Decision::NotDue
        );
    }
}
