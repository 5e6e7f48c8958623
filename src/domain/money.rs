//! Money as staff type it ("12.50", "1,250") and as it is stored: integer cents (SPEC §2).

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};

/// The largest amount a price may have: 10 million, far above any part, far below overflow.
pub const MAX_CENTS: i64 = 1_000_000_000;

/// A non-negative amount in minor units (cents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    /// Parses a decimal amount: digits with an optional point and at most two decimals;
    /// thousands separators (",", spaces) are ignored.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect();
        if cleaned.is_empty() {
            return Err("Enter an amount, like 12.50.");
        }
        if !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
        {
            return Err("Enter an amount in digits, like 12.50.");
        }
        let value: Decimal = cleaned
            .parse()
            .map_err(|_| "Enter an amount in digits, like 12.50.")?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err("The amount cannot be negative.");
        }
        if value.normalize().scale() > 2 {
            return Err("Use at most two decimals.");
        }
        let cents = (value * Decimal::ONE_HUNDRED)
            .to_i64()
            .filter(|c| *c <= MAX_CENTS)
            .ok_or("The amount is too large (at most 10,000,000.00).")?;
        Ok(Self(cents.max(0)))
    }

    /// A stored value (cents).
    pub fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl fmt::Display for Money {
    /// Always two decimals: "12.50", "0.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.to_decimal())
    }
}

impl Serialize for Money {
    /// JSON carries money as a decimal string (SPEC §6).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// (unit − cost) / cost × 100, to one decimal, when both are positive (reference §1.6).
pub fn margin_percent(unit: Money, cost: Option<Money>) -> Option<Decimal> {
    let cost = cost?;
    if cost.0 <= 0 || unit.0 <= 0 {
        return None;
    }
    let margin = Decimal::from(unit.0 - cost.0) * Decimal::ONE_HUNDRED / Decimal::from(cost.0);
    Some(margin.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_typed_and_shown_with_two_decimals() {
        for (raw, cents) in [
            ("12.50", 1250),
            ("12.5", 1250),
            ("12", 1200),
            (" 1,250.00 ", 125_000),
            ("0", 0),
            ("0.01", 1),
            ("-0", 0),
        ] {
            assert_eq!(Money::parse(raw).map(Money::cents), Ok(cents), "{raw}");
        }
        assert_eq!(Money::from_cents(1250).to_string(), "12.50");
        assert_eq!(Money::from_cents(7).to_string(), "0.07");
        assert_eq!(Money::from_cents(0).to_string(), "0.00");
    }

    #[test]
    fn negative_over_precise_huge_and_garbage_amounts_are_refused() {
        assert_eq!(Money::parse("-1"), Err("The amount cannot be negative."));
        assert_eq!(Money::parse("1.005"), Err("Use at most two decimals."));
        assert!(Money::parse("10000000.01").is_err());
        assert!(Money::parse("99999999999999999999999").is_err());
        for bad in ["", "abc", "1e5", "12.50 USD", "NaN", "1.2.3"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn margin_is_relative_to_cost_and_only_when_both_prices_are_positive() {
        let m = |u, c: Option<i64>| margin_percent(Money(u), c.map(Money));
        assert_eq!(m(1500, Some(1000)), Some(Decimal::new(500, 1)));
        assert_eq!(m(1000, Some(300)), Some(Decimal::new(2333, 1)));
        assert_eq!(m(1000, None), None);
        assert_eq!(m(1000, Some(0)), None);
        assert_eq!(m(0, Some(100)), None);
    }
}
