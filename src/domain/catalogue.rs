//! The fixed choices of the product catalogue (reference §1.6) and how stock is judged.

/// Product categories: stored value and label.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("spare_part", "Spare part"),
    ("accessory", "Accessory"),
    ("consumable", "Consumable"),
    ("fluid", "Fluid / lubricant"),
    ("other", "Other"),
];

/// Units of measure: stored value and label.
pub const UNITS: &[(&str, &str)] = &[
    ("each", "Each"),
    ("litre", "Litre"),
    ("kg", "Kilogram"),
    ("metre", "Metre"),
    ("box", "Box"),
    ("set", "Set"),
    ("pair", "Pair"),
];

/// The stored value of a category or unit given as its value or its label, in any case
/// ("Spare part", "SPARE_PART", "spare part" → "spare_part").
pub fn choice_value(choices: &[(&'static str, &str)], raw: &str) -> Option<&'static str> {
    let wanted = normalise(raw);
    choices
        .iter()
        .find(|(value, label)| normalise(value) == wanted || normalise(label) == wanted)
        .map(|(value, _)| *value)
}

/// The label of a stored value (the value itself when unknown).
pub fn choice_label<'a>(choices: &[(&str, &'a str)], value: &'a str) -> &'a str {
    choices
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, label)| *label)
        .unwrap_or(value)
}

fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a stock row is fine, running low or empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockStatus {
    InStock,
    Low,
    Out,
}

impl StockStatus {
    /// Out when nothing is on hand; low when a reorder level is set and on hand has reached it.
    pub fn of(on_hand: i32, reorder_level: i32) -> Self {
        if on_hand <= 0 {
            Self::Out
        } else if reorder_level > 0 && on_hand <= reorder_level {
            Self::Low
        } else {
            Self::InStock
        }
    }

    /// The value used in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InStock => "in_stock",
            Self::Low => "low_stock",
            Self::Out => "out_of_stock",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InStock => "In stock",
            Self::Low => "Low",
            Self::Out => "Out",
        }
    }

    /// The badge class of `static/app.css`.
    pub fn badge(self) -> &'static str {
        match self {
            Self::InStock => "badge-success",
            Self::Low => "badge-warning",
            Self::Out => "badge-danger",
        }
    }

    /// From `?stock_status=` (the original's values, plus the short ones).
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_lowercase().as_str() {
            "in_stock" | "in" => Some(Self::InStock),
            "low_stock" | "low" => Some(Self::Low),
            "out_of_stock" | "out" => Some(Self::Out),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_units_are_found_by_value_or_label_in_any_case() {
        assert_eq!(choice_value(CATEGORIES, "Spare part"), Some("spare_part"));
        assert_eq!(choice_value(CATEGORIES, "SPARE_PART"), Some("spare_part"));
        assert_eq!(choice_value(CATEGORIES, "fluid / lubricant"), Some("fluid"));
        assert_eq!(choice_value(UNITS, "Kilogram"), Some("kg"));
        assert_eq!(choice_value(UNITS, "gallon"), None);
        assert_eq!(choice_label(UNITS, "kg"), "Kilogram");
    }

    #[test]
    fn stock_is_out_at_zero_low_at_the_reorder_level_and_fine_above() {
        assert_eq!(StockStatus::of(0, 5), StockStatus::Out);
        assert_eq!(StockStatus::of(5, 5), StockStatus::Low);
        assert_eq!(StockStatus::of(6, 5), StockStatus::InStock);
        assert_eq!(StockStatus::of(1, 0), StockStatus::InStock, "no level set");
    }
}
