//! Sites, staff, mechanics and customers, made up from [`super::words`].

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::words::{
    CITIES, CUSTOMER_NOTES, FIRST_NAMES, LAST_NAMES, SITE_NAMES, SITE_ZONES, STREETS,
};
use crate::db::bulk::{NewCustomer, NewMechanic};
use crate::db::sites::SiteFields;
use crate::domain::phone::Phone;

/// The domain every made-up address uses: reserved for examples, so no mail is ever delivered.
const MAIL_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// A made-up phone number in E.164, parsed exactly as a typed one would be. With country code
/// 1 the numbers are in area code 555, which is not in service, so none can reach anybody; the
/// rest of the number is random, so searching by phone digits behaves as on real data.
pub fn phone(rng: &mut StdRng, country_code: &str) -> String {
    let national = if country_code == "1" {
        format!(
            "(555) {}-{:04}",
            rng.random_range(200..1000),
            rng.random_range(0..10_000)
        )
    } else {
        format!(
            "0{}{:08}",
            rng.random_range(2..=9),
            rng.random_range(0..100_000_000)
        )
    };
    // Made-up national numbers always parse; an odd country code falls back to the raw form.
    Phone::parse(&national, country_code)
        .map(|p| p.as_str().to_owned())
        .unwrap_or(national)
}

/// `count` sites with names, addresses, phones, time zones and tax rates.
pub fn sites(rng: &mut StdRng, count: usize, country_code: &str) -> Vec<SiteFields> {
    (0..count)
        .map(|i| {
            let base = SITE_NAMES[i % SITE_NAMES.len()];
            let name = match i / SITE_NAMES.len() {
                0 => base.to_owned(),
                round => format!("{base} {}", round + 1),
            };
            let (timezone, tax_rate_bp) = SITE_ZONES[i % SITE_ZONES.len()];
            SiteFields {
                address: format!(
                    "{} {}, {}",
                    rng.random_range(2..=980),
                    pick(rng, STREETS),
                    pick(rng, CITIES)
                ),
                phone: phone(rng, country_code),
                timezone: timezone.to_owned(),
                tax_rate_bp,
                tax_applies_to: if i % 3 == 2 { "parts" } else { "both" }.to_owned(),
                invoice_footer: format!(
                    "Thank you for choosing {name}. Workmanship guaranteed for 12 months or 20,000 km."
                ),
                is_active: true,
                name,
            }
        })
        .collect()
}

/// A person's full name.
pub fn person_name(rng: &mut StdRng) -> String {
    format!("{} {}", pick(rng, FIRST_NAMES), surname(rng))
}

/// `per_site` mechanics at each site.
pub fn mechanics(
    rng: &mut StdRng,
    site_ids: &[i32],
    per_site: usize,
    country_code: &str,
    at: NaiveDateTime,
) -> Vec<NewMechanic> {
    let mut rows = Vec::with_capacity(site_ids.len() * per_site);
    for &site_id in site_ids {
        for _ in 0..per_site {
            rows.push(NewMechanic {
                site_id,
                name: person_name(rng),
                phone: phone(rng, country_code),
                email: None,
                is_active: true,
                created_at: at,
                updated_at: at,
            });
        }
    }
    rows
}

/// Customers number `first..first + count` of `total`, created evenly over the past three
/// years in that order, so ids and creation times agree.
pub struct CustomerBatch<'a> {
    pub first: usize,
    pub count: usize,
    pub total: usize,
    pub now: NaiveDateTime,
    pub country_code: &'a str,
    /// Front-desk users, one of whom registered each customer.
    pub registrars: &'a [i32],
}

pub fn customers(rng: &mut StdRng, batch: &CustomerBatch<'_>) -> Vec<NewCustomer> {
    let span = TimeDelta::days(3 * 365).num_seconds();
    let step = (span / batch.total.max(1) as i64).max(1);
    let start = batch.now - TimeDelta::seconds(span);
    (batch.first..batch.first + batch.count)
        .map(|i| {
            let created_at =
                start + TimeDelta::seconds(i as i64 * step + rng.random_range(0..step));
            customer(rng, batch, created_at)
        })
        .collect()
}

fn customer(rng: &mut StdRng, batch: &CustomerBatch<'_>, at: NaiveDateTime) -> NewCustomer {
    let first_name = pick(rng, FIRST_NAMES).to_owned();
    let last_name = surname(rng).to_owned();
    let email = rng.random_bool(0.6).then(|| {
        format!(
            "{}.{}{}@{}",
            mail_part(&first_name),
            mail_part(&last_name),
            rng.random_range(1..1000),
            pick(rng, MAIL_DOMAINS)
        )
    });
    let preferred_channel = match rng.random_range(0..100) {
        0..15 if email.is_some() => "email",
        15..40 => "whatsapp",
        _ => "sms",
    };
    NewCustomer {
        phone: phone(rng, batch.country_code),
        email,
        preferred_channel,
        receive_service_reminders: rng.random_bool(0.9),
        receive_marketing: rng.random_bool(0.35),
        is_walk_in: false,
        notes: if rng.random_bool(0.05) {
            pick(rng, CUSTOMER_NOTES)
        } else {
            ""
        },
        created_by: batch.registrars.choose(rng).copied(),
        created_at: at,
        updated_at: at,
        first_name,
        last_name,
    }
}

/// A surname, the commonest most often (the index is skewed towards the start of the list).
fn surname(rng: &mut StdRng) -> &'static str {
    let skewed = rng.random::<f64>().powf(1.3);
    LAST_NAMES[((skewed * LAST_NAMES.len() as f64) as usize).min(LAST_NAMES.len() - 1)]
}

/// The letters of a name as they appear in an email address.
fn mail_part(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

pub fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}
