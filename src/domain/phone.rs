//! Phone numbers are stored in E.164 (`+15551234567`) so messages reach them and duplicates are
//! visible. Local numbers get the configured default country code.

/// A phone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Normalises what staff type: spaces, dashes, dots and brackets are ignored; `00` is an
    /// international prefix; a leading `0` is a trunk prefix replaced by the country code.
    pub fn parse(raw: &str, default_country_code: &str) -> Result<Self, &'static str> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("Enter a phone number.");
        }
        let compact: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '/'))
            .collect();
        let (international, digits) = match compact.strip_prefix('+') {
            Some(rest) => (true, rest.to_owned()),
            None => match compact.strip_prefix("00") {
                Some(rest) => (true, rest.to_owned()),
                None => (false, compact),
            },
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("Use digits only, optionally starting with +.");
        }
        let full = if international {
            digits
        } else if let Some(national) = digits.strip_prefix('0') {
            format!("{default_country_code}{national}")
        } else if digits.len() > 10 && digits.starts_with(default_country_code) {
            digits
        } else {
            format!("{default_country_code}{digits}")
        };
        if !(8..=15).contains(&full.len()) || full.starts_with('0') {
            return Err("This does not look like a complete phone number.");
        }
        if full.chars().all(|c| c == '0')
            || full
                .trim_start_matches(default_country_code)
                .chars()
                .all(|c| c == '0')
        {
            return Err("This does not look like a real phone number.");
        }
        Ok(Self(format!("+{full}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Phone;

    fn parse(raw: &str) -> Result<String, &'static str> {
        Phone::parse(raw, "233").map(|p| p.0)
    }

    #[test]
    fn local_and_international_forms_become_e164() {
        assert_eq!(parse("024 412 3456"), Ok("+233244123456".into()));
        assert_eq!(parse("+233 24-412-3456"), Ok("+233244123456".into()));
        assert_eq!(parse("00233244123456"), Ok("+233244123456".into()));
        assert_eq!(parse("233244123456"), Ok("+233244123456".into()));
        assert_eq!(parse("(0)24.412.3456"), Ok("+233244123456".into()));
        assert_eq!(parse("+1 (555) 123-4567"), Ok("+15551234567".into()));
    }

    #[test]
    fn nonsense_and_placeholders_are_refused() {
        for bad in [
            "",
            "abc",
            "12",
            "0000000000",
            "+0123456789",
            "+1234567890123456",
            "024 412 3456 ext 2",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
