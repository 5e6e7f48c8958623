//! A product as the pages show it: prices formatted, labels for codes, and the cost and margin
//! only for roles that may see them.

use crate::db::products::ProductRow;
use crate::domain::catalogue::{CATEGORIES, UNITS};
use crate::domain::money::{Money, margin_percent};

pub struct ProductView {
    pub row: ProductRow,
    pub category: &'static str,
    pub unit: &'static str,
    pub unit_price: String,
    /// `None` when hidden from the viewer or not recorded.
    pub cost_price: Option<String>,
    pub margin: Option<String>,
}

impl ProductView {
    pub fn new(row: ProductRow, sees_cost: bool) -> Self {
        let unit_price = Money::from_cents(row.unit_price_cents);
        let cost = row.cost_price_cents.map(Money::from_cents);
        let (cost_price, margin) = if sees_cost {
            (
                cost.map(|c| c.to_string()),
                margin_percent(unit_price, cost).map(|m| format!("{m}%")),
            )
        } else {
            (None, None)
        };
        Self {
            category: label(CATEGORIES, &row.category),
            unit: label(UNITS, &row.unit_of_measure),
            unit_price: unit_price.to_string(),
            cost_price,
            margin,
            row,
        }
    }

    pub fn sku(&self) -> &str {
        self.row.sku.as_deref().unwrap_or("")
    }
}

fn label(choices: &[(&'static str, &'static str)], value: &str) -> &'static str {
    choices
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| *l)
        .unwrap_or("Other")
}
