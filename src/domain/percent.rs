//! Percentages as staff type them ("15", "7.5 %") stored as basis points (1500, 750).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A percentage between 0 and 100 with at most two decimals, in basis points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasisPoints(i32);

impl BasisPoints {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let cleaned = raw.trim().trim_end_matches('%').trim();
        if cleaned.is_empty() {
            return Ok(Self(0));
        }
        let value: Decimal = cleaned
            .parse()
            .map_err(|_| "Enter a number, like 15 or 7.5.")?;
        if value.is_sign_negative() || value > Decimal::ONE_HUNDRED {
            return Err("Enter a percentage between 0 and 100.");
        }
        if value.normalize().scale() > 2 {
            return Err("Use at most two decimals.");
        }
        (value * Decimal::ONE_HUNDRED)
            .to_i32()
            .map(Self)
            .ok_or("Enter a percentage between 0 and 100.")
    }

    pub fn from_stored(bp: i32) -> Self {
        Self(bp)
    }

    pub fn value(self) -> i32 {
        self.0
    }

    /// "15", "7.5", "0.25": how the percentage is shown and typed back.
    pub fn display(self) -> String {
        (Decimal::from(self.0) / Decimal::ONE_HUNDRED)
            .normalize()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::BasisPoints;

    #[test]
    fn percentages_round_trip_through_basis_points() {
        assert_eq!(BasisPoints::parse("15").map(|b| b.0), Ok(1500));
        assert_eq!(BasisPoints::parse(" 7.5 % ").map(|b| b.0), Ok(750));
        assert_eq!(BasisPoints::parse("").map(|b| b.0), Ok(0));
        assert_eq!(BasisPoints::from_stored(750).display(), "7.5");
        assert_eq!(BasisPoints::from_stored(1500).display(), "15");
    }

    #[test]
    fn out_of_range_and_over_precise_rates_are_refused() {
        for bad in ["-1", "100.01", "abc", "1.234"] {
            assert!(BasisPoints::parse(bad).is_err(), "{bad}");
        }
    }
}
