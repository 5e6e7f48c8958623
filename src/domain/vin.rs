//! Vehicle identification numbers (ISO 3779): 17 characters without I, O and Q. North-American
//! VINs carry a check digit in position 9; most others do not, so a wrong one only warns.

/// A VIN in upper case, with whether its North-American check digit adds up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vin {
    value: String,
    check_digit_ok: bool,
}

impl Vin {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        if value.chars().count() != 17 {
            return Err("A VIN has exactly 17 characters.");
        }
        if value
            .chars()
            .any(|c| !c.is_ascii_alphanumeric() || matches!(c, 'I' | 'O' | 'Q'))
        {
            return Err("A VIN uses only digits and letters other than I, O and Q.");
        }
        let check_digit_ok = check_digit(&value) == value.as_bytes().get(8).copied();
        Ok(Self {
            value,
            check_digit_ok,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether position 9 matches the North-American check digit.
    pub fn check_digit_ok(&self) -> bool {
        self.check_digit_ok
    }
}

/// The warning shown when the check digit does not add up.
pub const CHECK_DIGIT_WARNING: &str = "The VIN's check digit (9th character) does not add up. That is normal outside North America; otherwise check it for a typo.";

/// The expected 9th character (`b'0'..=b'9'` or `b'X'`) of a VIN of the VIN alphabet.
fn check_digit(vin: &str) -> Option<u8> {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let mut sum = 0;
    for (c, weight) in vin.chars().zip(WEIGHTS) {
        sum += transliterate(c)? * weight;
    }
    Some(match sum % 11 {
        10 => b'X',
        // The remainder is below 10 here, so it is one digit.
        r => b'0' + u8::try_from(r).ok()?,
    })
}

fn transliterate(c: char) -> Option<u32> {
    if let Some(d) = c.to_digit(10) {
        return Some(d);
    }
    let value = match c {
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_north_american_vin_passes_its_check_digit() {
        let vin = Vin::parse("1m8gdm9a_kp042788".replace('_', "X").as_str()).unwrap();
        assert_eq!(vin.as_str(), "1M8GDM9AXKP042788");
        assert!(vin.check_digit_ok());
    }

    #[test]
    fn a_wrong_check_digit_only_warns() {
        let vin = Vin::parse("WVWZZZ1JZXW000001").unwrap();
        assert!(!vin.check_digit_ok());
    }

    #[test]
    fn wrong_length_or_letters_are_refused() {
        assert!(Vin::parse("1M8GDM9AXKP04278").is_err());
        assert!(Vin::parse("1M8GDM9AXKP04278O").is_err());
        assert!(Vin::parse("1M8GDM9AXKP0427Ü8").is_err());
    }
}
