//! Times as a site's staff read them: "27 Nov 2026" and "27 Nov 2026 14:05" in the site's
//! time zone. Written out by hand rather than through chrono's `format`, which interprets its
//! format string for every value: a list page shows 25 of these and a CSV export thousands.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};
use chrono_tz::Tz;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `at` (UTC) in the zone named `timezone`; an unknown name reads as UTC.
fn at_site(at: NaiveDateTime, timezone: &str) -> DateTime<Tz> {
    let zone: Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    at.and_utc().with_timezone(&zone)
}

/// A UTC time's day at the site: "27 Nov 2026".
pub fn local_date(at: NaiveDateTime, timezone: &str) -> String {
    day(&at_site(at, timezone))
}

/// A UTC time at the site, to the minute: "27 Nov 2026 14:05".
pub fn local_time(at: NaiveDateTime, timezone: &str) -> String {
    let local = at_site(at, timezone);
    format!("{} {:02}:{:02}", day(&local), local.hour(), local.minute())
}

fn day(local: &DateTime<Tz>) -> String {
    let month = MONTHS[local.month0() as usize];
    format!("{} {month} {}", local.day(), local.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_chrono_formats_it_in_every_month_and_zone() {
        let zones = [
            "UTC",
            "Africa/Nairobi",
            "America/New_York",
            "Asia/Kolkata",
            "Nowhere/Else",
        ];
        for month in 1..=12 {
            for (day, hour) in [(1, 0), (9, 7), (28, 23)] {
                let at = chrono::NaiveDate::from_ymd_opt(2026, month, day)
                    .and_then(|d| d.and_hms_opt(hour, 5, 59))
                    .expect("a real time");
                for zone in zones {
                    let local = at_site(at, zone);
                    assert_eq!(local_date(at, zone), local.format("%-d %b %Y").to_string());
                    let minute = local.format("%-d %b %Y %H:%M").to_string();
                    assert_eq!(local_time(at, zone), minute);
                }
            }
        }
    }

    #[test]
    fn names_the_day_at_the_site_not_in_utc() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
            .and_then(|d| d.and_hms_opt(22, 30, 0))
            .expect("a real time");
        assert_eq!(local_date(at, "Africa/Nairobi"), "1 Jan 2027");
        assert_eq!(local_time(at, "Africa/Nairobi"), "1 Jan 2027 01:30");
        assert_eq!(local_time(at, "UTC"), "31 Dec 2026 22:30");
    }
}
