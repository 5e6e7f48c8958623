//! The arithmetic of a bill (SPEC §2): line totals, discount, tax and total, in integer cents,
//! rounded half away from zero wherever a fraction of a cent appears.
//!
//! Tax applies to parts, labour or both (a site setting). A discount lowers what is taxed in
//! proportion: a 10 % discount on a bill of taxed parts and untaxed labour takes 10 % off each.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// What the site's tax applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxBase {
    Parts,
    Labour,
    Both,
}

impl TaxBase {
    pub fn parse(stored: &str) -> Self {
        match stored {
            "parts" => TaxBase::Parts,
            "labour" => TaxBase::Labour,
            _ => TaxBase::Both,
        }
    }
}

/// A site's tax: a rate in basis points (1600 = 16 %) and what it applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tax {
    pub rate_bp: i32,
    pub base: TaxBase,
}

/// The totals of a bill, all in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Totals {
    pub parts: i64,
    pub labour: i64,
    pub subtotal: i64,
    pub discount: i64,
    pub tax: i64,
    pub total: i64,
}

/// Rounds to whole cents, half away from zero.
pub fn round_cents(value: Decimal) -> i64 {
    value
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// A part line: quantity × unit price (exact in cents).
pub fn part_line(quantity: i32, unit_cents: i64) -> i64 {
    i64::from(quantity).saturating_mul(unit_cents)
}

/// A labour line by the hour: hours (in hundredths) × hourly rate, rounded to the cent.
pub fn labour_line(hours_hundredths: i32, rate_cents: i64) -> i64 {
    round_cents(Decimal::from(hours_hundredths) * Decimal::from(rate_cents) / Decimal::ONE_HUNDRED)
}

/// A percentage (in basis points) of an amount, rounded to the cent.
pub fn percent_of(amount: i64, bp: i32) -> i64 {
    round_cents(Decimal::from(amount) * Decimal::from(bp) / Decimal::from(10_000))
}

/// The totals for these line totals, a discount already known to be within the subtotal, and
/// the site's tax.
pub fn compute(parts: &[i64], labour: &[i64], discount: i64, tax: Tax) -> Totals {
    let parts: i64 = parts.iter().sum();
    let labour: i64 = labour.iter().sum();
    let subtotal = parts + labour;
    let discount = discount.clamp(0, subtotal);
    let taxable = match tax.base {
        TaxBase::Parts => parts,
        TaxBase::Labour => labour,
        TaxBase::Both => subtotal,
    };
    let taxable_after_discount = if subtotal == 0 {
        0
    } else {
        taxable
            - round_cents(
                Decimal::from(discount) * Decimal::from(taxable) / Decimal::from(subtotal),
            )
    };
    let tax = percent_of(taxable_after_discount, tax.rate_bp);
    Totals {
        parts,
        labour,
        subtotal,
        discount,
        tax,
        total: subtotal - discount + tax,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_TAX: Tax = Tax {
        rate_bp: 0,
        base: TaxBase::Both,
    };

    #[test]
    fn totals_are_lines_plus_labour_minus_discount_plus_tax() {
        let tax = Tax {
            rate_bp: 1500,
            base: TaxBase::Both,
        };
        let t = compute(&[2_000, 3_000], &[5_000], 1_000, tax);
        assert_eq!(t.subtotal, 10_000);
        assert_eq!(t.tax, 1_350); // 15 % of 9,000
        assert_eq!(t.total, 10_000 - 1_000 + 1_350);
    }

    #[test]
    fn tax_on_parts_only_takes_its_share_of_the_discount() {
        let tax = Tax {
            rate_bp: 1000,
            base: TaxBase::Parts,
        };
        // Parts 60.00, labour 40.00, discount 10.00 → taxed parts 54.00 → tax 5.40.
        let t = compute(&[6_000], &[4_000], 1_000, tax);
        assert_eq!(t.tax, 540);
        assert_eq!(t.total, 9_540);
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(percent_of(5, 1000), 1); // 0.5 cent → 1
        assert_eq!(percent_of(4, 1000), 0);
        assert_eq!(labour_line(150, 3_333), 5_000); // 1.5 h × 33.33 = 49.995 → 50.00
    }

    #[test]
    fn a_discount_never_exceeds_the_subtotal() {
        let t = compute(&[1_000], &[], 5_000, NO_TAX);
        assert_eq!((t.discount, t.total), (1_000, 0));
    }

    #[test]
    fn an_empty_bill_is_zero() {
        assert_eq!(compute(&[], &[], 0, NO_TAX), Totals::default());
    }
}
