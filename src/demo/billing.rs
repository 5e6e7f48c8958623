//! Discounts and payments of completed demo jobs; the totals themselves come from
//! [`crate::domain::totals`], as the app computes them at completion. Money is integer cents.

use chrono::{NaiveDateTime, TimeDelta};
use rand::Rng;
use rand::rngs::StdRng;

use super::job_words::VOID_REASONS;
use super::people::pick;
use crate::domain::totals::percent_of;

/// A discount now and then: a percentage or a round amount, never more than half the subtotal.
pub fn discount(rng: &mut StdRng, subtotal: i64) -> i64 {
    if !rng.random_bool(0.12) {
        return 0;
    }
    let amount = if rng.random_bool(0.6) {
        percent_of(subtotal, pick(rng, &[500, 1_000, 1_500]))
    } else {
        pick(rng, &[500, 1_000, 2_000])
    };
    if amount * 2 > subtotal { 0 } else { amount }
}

/// A payment to record.
#[derive(Clone, Debug)]
pub struct Payment {
    pub amount: i64,
    pub method: &'static str,
    pub reference: String,
    pub tendered: Option<i64>,
    pub received_by: Option<i32>,
    pub received_at: NaiveDateTime,
}

/// How an invoice stands: its status, why and when it was voided, its payments.
#[derive(Clone, Debug)]
pub struct Settlement {
    pub status: &'static str,
    pub void: Option<(&'static str, NaiveDateTime)>,
    pub payments: Vec<Payment>,
    pub updated_at: NaiveDateTime,
}

impl Settlement {
    pub fn paid(&self) -> i64 {
        self.payments.iter().map(|p| p.amount).sum()
    }
}

/// When the invoice was issued and who may take its money.
pub struct Issue<'a> {
    pub total: i64,
    pub at: NaiveDateTime,
    pub now: NaiveDateTime,
    pub sale: bool,
    pub desk: &'a [i32],
}

/// Most invoices are paid (a sale at the counter almost always), some in part, some not yet
/// (more of the recent ones), a few voided.
pub fn settle(rng: &mut StdRng, issue: &Issue<'_>) -> Settlement {
    let roll = rng.random_range(0..100);
    if roll < 2 {
        let at = later(rng, issue.at, issue.now, 60 * 24 * 3);
        let reason = pick(rng, VOID_REASONS);
        return Settlement {
            status: "void",
            void: Some((reason, at)),
            payments: Vec::new(),
            updated_at: at,
        };
    }
    let recent = issue.now - issue.at < TimeDelta::days(7);
    let (unpaid, partly) = match (issue.sale, recent) {
        (true, _) => (4, 5),
        (false, true) => (30, 40),
        (false, false) => (9, 15),
    };
    let (status, payments) = match roll {
        _ if issue.total == 0 => ("paid", Vec::new()),
        r if r < unpaid => ("unpaid", Vec::new()),
        r if r < partly && issue.total >= 200 => ("partially_paid", partly_paid(rng, issue)),
        _ => ("paid", paid(rng, issue)),
    };
    let updated_at = payments.last().map_or(issue.at, |p| p.received_at);
    Settlement {
        status,
        void: None,
        payments,
        updated_at,
    }
}

fn paid(rng: &mut StdRng, issue: &Issue<'_>) -> Vec<Payment> {
    let first_at = later(rng, issue.at, issue.now, 30);
    if issue.sale || issue.total < 2_000 || rng.random_bool(0.88) {
        return vec![payment(rng, issue, issue.total, first_at)];
    }
    // A deposit at pickup, the rest within a few weeks.
    let deposit = whole_units(issue.total * rng.random_range(30..=60) / 100);
    let rest_at = later(rng, first_at, issue.now, 60 * 24 * 20);
    vec![
        payment(rng, issue, deposit, first_at),
        payment(rng, issue, issue.total - deposit, rest_at),
    ]
}

fn partly_paid(rng: &mut StdRng, issue: &Issue<'_>) -> Vec<Payment> {
    let share = issue.total * rng.random_range(20..=70) / 100;
    let amount = whole_units(share).clamp(1, issue.total - 1);
    let at = later(rng, issue.at, issue.now, 60 * 24 * 2);
    vec![payment(rng, issue, amount, at)]
}

/// Down to whole currency units when that leaves something.
fn whole_units(cents: i64) -> i64 {
    if cents >= 100 {
        cents / 100 * 100
    } else {
        cents
    }
}

fn payment(rng: &mut StdRng, issue: &Issue<'_>, amount: i64, at: NaiveDateTime) -> Payment {
    let method = match rng.random_range(0..100) {
        0..40 => "cash",
        40..70 => "mobile_money",
        70..92 => "card",
        _ => "bank_transfer",
    };
    let reference = match method {
        "mobile_money" => format!("MM{:010}", rng.random_range(0..10_000_000_000u64)),
        "card" => format!("Card ending {:04}", rng.random_range(0..10_000)),
        "bank_transfer" => format!("TRF-{:06}", rng.random_range(0..1_000_000)),
        _ => String::new(),
    };
    Payment {
        amount,
        method,
        reference,
        tendered: (method == "cash").then(|| tendered(rng, amount)),
        received_by: (!issue.desk.is_empty()).then(|| pick(rng, issue.desk)),
        received_at: at,
    }
}

/// What a customer hands over in cash: the exact amount or the next round note.
fn tendered(rng: &mut StdRng, amount: i64) -> i64 {
    let note = pick(rng, &[0, 500, 1_000, 2_000, 5_000]);
    if note == 0 {
        amount
    } else {
        (amount + note - 1) / note * note
    }
}

/// A moment up to `minutes` after `at`, never after `now`.
fn later(rng: &mut StdRng, at: NaiveDateTime, now: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    // Spread within what is left before `now`, rather than piling the late ones up on it.
    let room = (now - at).num_seconds().max(0);
    at + TimeDelta::seconds(rng.random_range(0..=(minutes * 60).min(room)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settlements_pay_what_their_status_says() {
        use rand::SeedableRng;
        let mut rng = StdRng::seed_from_u64(3);
        let now = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default();
        for n in 0..2_000 {
            let issue = Issue {
                total: 150 + n * 37,
                at: now - TimeDelta::days(n % 400),
                now,
                sale: n % 4 == 0,
                desk: &[1, 2],
            };
            let s = settle(&mut rng, &issue);
            let paid = s.paid();
            match s.status {
                "paid" => assert_eq!(paid, issue.total),
                "partially_paid" => assert!(0 < paid && paid < issue.total),
                _ => assert_eq!(paid, 0),
            }
            for p in &s.payments {
                assert!(p.amount > 0 && p.received_at >= issue.at && p.received_at <= now);
                assert!(p.tendered.is_none_or(|t| t >= p.amount));
                assert_eq!(p.tendered.is_some(), p.method == "cash");
            }
        }
    }

    #[test]
    fn discounts_are_at_most_half_the_subtotal() {
        use rand::SeedableRng;
        let mut rng = StdRng::seed_from_u64(5);
        let given = (0..5_000)
            .map(|n| (n * 13, discount(&mut rng, n * 13)))
            .filter(|(subtotal, d)| {
                assert!(*d >= 0 && d * 2 <= *subtotal);
                *d > 0
            })
            .count();
        assert!((300..1_000).contains(&given), "{given}");
    }
}
