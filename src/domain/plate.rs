//! Licence plates. Staff type them every way ("ab 12-cd", "AB12CD"); one vehicle must not be
//! registered twice, so uniqueness is on a key without case, spaces or hyphens.

/// A plate as shown (upper-case, single spaces) and its uniqueness key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plate {
    display: String,
    key: String,
}

/// Longest plate key accepted; real plates are well under this.
const MAX_KEY_CHARS: usize = 15;

impl Plate {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let display = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        if display.is_empty() {
            return Err("Enter the licence plate.");
        }
        if display
            .chars()
            .any(|c| !(c.is_alphanumeric() || c == ' ' || c == '-'))
        {
            return Err("Use only letters, digits, spaces and hyphens.");
        }
        let key = key_of(&display);
        if key.is_empty() {
            return Err("Enter the licence plate.");
        }
        if key.chars().count() > MAX_KEY_CHARS {
            return Err("That is longer than any licence plate.");
        }
        Ok(Self { display, key })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The uniqueness and search key of any typed text: upper-case letters and digits only.
pub fn key_of(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spaces_and_hyphens_do_not_make_a_new_plate() {
        let a = Plate::parse(" ab 12-cd ").unwrap();
        let b = Plate::parse("AB12CD").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.display(), "AB 12-CD");
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(Plate::parse("  ").is_err());
        assert!(Plate::parse("--").is_err());
        assert!(Plate::parse("AB<script>").is_err());
        assert!(Plate::parse("ABCDEFGHIJKLMNOP").is_err());
    }
}
