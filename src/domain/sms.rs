//! How many SMS segments a text takes: 160 characters in one message (GSM 03.38), 153 per part
//! when split; a character outside that alphabet makes the whole text UCS-2, with 70 and 67.

/// The GSM 03.38 basic alphabet.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each of these counts twice (escape + character).
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// The size of a text as SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments {
    /// Characters as the network counts them (extension characters count twice in GSM).
    pub length: usize,
    pub segments: usize,
    /// Whether the text needs UCS-2 (a character outside the GSM alphabet).
    pub unicode: bool,
}

impl Segments {
    pub fn of(text: &str) -> Self {
        let unicode = text
            .chars()
            .any(|c| !GSM_BASIC.contains(c) && !GSM_EXTENDED.contains(c));
        let length = if unicode {
            text.encode_utf16().count()
        } else {
            text.chars()
                .map(|c| if GSM_EXTENDED.contains(c) { 2 } else { 1 })
                .sum()
        };
        let (single, part) = if unicode { (70, 67) } else { (160, 153) };
        let segments = match length {
            0 => 0,
            n if n <= single => 1,
            n => n.div_ceil(part),
        };
        Self {
            length,
            segments,
            unicode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Segments;

    #[test]
    fn gsm_text_fits_160_then_153_per_part() {
        assert_eq!(Segments::of("").segments, 0);
        assert_eq!(Segments::of(&"a".repeat(160)).segments, 1);
        assert_eq!(Segments::of(&"a".repeat(161)).segments, 2);
        assert_eq!(Segments::of(&"a".repeat(306)).segments, 2);
        assert_eq!(Segments::of(&"a".repeat(307)).segments, 3);
        assert_eq!(
            Segments::of("{}").length,
            4,
            "extension characters count twice"
        );
    }

    #[test]
    fn one_character_outside_gsm_makes_it_unicode() {
        let text = format!("{}✓", "a".repeat(69));
        let s = Segments::of(&text);
        assert!(s.unicode);
        assert_eq!((s.length, s.segments), (70, 1));
        assert_eq!(
            Segments::of(&"é".repeat(71)).segments,
            1,
            "é is in the GSM alphabet"
        );
        assert_eq!(Segments::of(&"ł".repeat(71)).segments, 2);
    }
}
