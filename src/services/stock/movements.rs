//! Receiving, counting and adjusting: the three movements staff make by hand.

use serde::Deserialize;
use serde_json::json;

use super::{audit_update, missing, require_reader, whole, with_locked_row};
use crate::db::Db;
use crate::db::audit::Actor;
use crate::db::inventory::{self, InventoryRow, Movement, StockLine};
use crate::db::scope::Scope;
use crate::domain::money::Money;
use crate::error::FieldErrors;
use crate::services::fields::{Problems, WriteError};

/// A receipt, count or adjustment as typed or sent.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct MovementInput {
    /// Received (> 0), counted (≥ 0) or adjusted by (signed, not 0).
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "counted_quantity"
    )]
    pub quantity: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub unit_cost: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub supplier_reference: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "notes"
    )]
    pub reason: Option<String>,
}

/// The three hand-made movements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementKind {
    Receive,
    Count,
    Adjust,
}

/// A parsed movement, before it meets the row.
struct Planned {
    kind: MovementKind,
    quantity: i32,
    unit_cost_cents: Option<i64>,
    reason: String,
}

impl MovementInput {
    fn parse(&self, kind: MovementKind) -> Result<Planned, FieldErrors> {
        let mut p = Problems::default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let raw = text(&self.quantity);
        let quantity = whole(&mut p, "quantity", &raw, false).unwrap_or(0);
        let note = p.text(
            "reason",
            &text(&self.reason),
            500,
            kind == MovementKind::Adjust,
        );
        let mut unit_cost_cents = None;
        let mut reason = note.clone();
        match kind {
            MovementKind::Receive => {
                if !raw.trim().is_empty() && quantity <= 0 {
                    p.add("quantity", "Enter how many arrived (more than 0).");
                }
                unit_cost_cents = match text(&self.unit_cost).trim() {
                    "" => None,
                    cost => Money::parse(cost)
                        .map(|m| Some(m.cents()))
                        .unwrap_or_else(|m| {
                            p.add("unit_cost", m);
                            None
                        }),
                };
                let reference = p.text(
                    "supplier_reference",
                    &text(&self.supplier_reference),
                    100,
                    false,
                );
                reason = match (reference.is_empty(), note.is_empty()) {
                    (true, true) => "Stock received".into(),
                    (true, false) => note,
                    (false, true) => format!("Supplier reference {reference}"),
                    (false, false) => format!("Supplier reference {reference}: {note}"),
                };
            }
            MovementKind::Count if quantity < 0 => {
                p.add("quantity", "The counted quantity cannot be negative.")
            }
            MovementKind::Adjust if !raw.trim().is_empty() && quantity == 0 => p.add(
                "quantity",
                "Enter how many to add (like 3) or remove (like -3); not 0.",
            ),
            _ => {}
        }
        let quantity = i32::try_from(quantity).unwrap_or(0);
        p.finish(Planned {
            kind,
            quantity,
            unit_cost_cents,
            reason,
        })
    }
}

/// Records a receipt, count or adjustment on the locked row and returns the row after it.
pub async fn move_stock(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    kind: MovementKind,
    input: MovementInput,
) -> Result<StockLine, WriteError> {
    require_reader(&scope)?;
    let planned = input.parse(kind);
    with_locked_row(db, scope, id, move |c, row| {
        // Parse errors are reported after the row check, so a stranger still gets 404.
        let planned = match planned {
            Ok(planned) => planned,
            Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
        };
        let (delta, kind_name) = match planned.kind {
            MovementKind::Receive => (planned.quantity, "in"),
            MovementKind::Count => (planned.quantity - row.quantity_on_hand, "count"),
            MovementKind::Adjust => (planned.quantity, "adjust"),
        };
        let after = i64::from(row.quantity_on_hand) + i64::from(delta);
        if let Some(message) = refusal(&row, after) {
            return Ok(Err(WriteError::field("quantity", message)));
        }
        let reason = if planned.kind == MovementKind::Count && planned.reason.is_empty() {
            "Stock count".to_owned()
        } else {
            planned.reason.clone()
        };
        let movement = Movement {
            kind: kind_name,
            quantity: delta,
            unit_cost_cents: planned.unit_cost_cents,
            reason: &reason,
            reference_type: "",
            reference_id: None,
            by: actor.user,
        };
        let new_on_hand = inventory::record_movement(c, &row, &movement)?;
        let mut changes = serde_json::Map::new();
        changes.insert(
            "quantity_on_hand".into(),
            json!([row.quantity_on_hand, new_on_hand]),
        );
        changes.insert("movement".into(), json!(kind_name));
        changes.insert("reason".into(), json!(reason));
        audit_update(c, actor, &row, changes)?;
        Ok(Ok(
            inventory::find_stock(c, &scope, id)?.ok_or_else(missing)?
        ))
    })
    .await
}

/// Why on hand may not become `after`.
fn refusal(row: &InventoryRow, after: i64) -> Option<String> {
    if after < 0 {
        Some(format!(
            "Only {} on hand: stock cannot go below zero.",
            row.quantity_on_hand
        ))
    } else if after < i64::from(row.quantity_reserved) {
        Some(format!(
            "{} are reserved for jobs, so at least {} must stay on hand.",
            row.quantity_reserved, row.quantity_reserved
        ))
    } else if after > i64::from(i32::MAX / 2) {
        Some("That would make the quantity on hand too large.".into())
    } else {
        None
    }
}
