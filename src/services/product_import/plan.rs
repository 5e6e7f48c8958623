//! Comparing a read file with the catalogue: which rows create a product, which update one
//! (matched by SKU, ignoring case), which change nothing, and every problem with its row and
//! column. Planning only reads; applying writes the plan in the caller's transaction.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use super::parse::{ParsedFile, derived_name};
use crate::db::audit::Actor;
use crate::db::products::{self, ProductFields, ProductRow};
use crate::db::{AnyConnection, DbError};
use crate::services::products::{ProductInput, insert_audited, product_json, update_audited};

/// What happens to one row.
#[derive(Clone, Debug)]
pub enum Action {
    Create,
    /// `changes`: field, old value, new value.
    Update {
        before: Box<ProductRow>,
        changes: Vec<(String, String, String)>,
    },
}

/// A row that can be applied.
#[derive(Clone, Debug)]
pub struct PlannedRow {
    pub row: usize,
    pub fields: ProductFields,
    pub action: Action,
}

impl PlannedRow {
    pub fn is_create(&self) -> bool {
        matches!(self.action, Action::Create)
    }

    /// "unit_price: 10.00 → 12.00; brand: — → Bosch" for the preview.
    pub fn change_summary(&self) -> String {
        match &self.action {
            Action::Create => String::new(),
            Action::Update { changes, .. } => changes
                .iter()
                .map(|(field, old, new)| format!("{field}: {old} → {new}"))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// A problem with one cell (or the whole row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// The outcome of comparing a file with the catalogue.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub rows: Vec<PlannedRow>,
    pub problems: Vec<Problem>,
}

impl Plan {
    pub fn creates(&self) -> usize {
        self.rows.iter().filter(|r| r.is_create()).count()
    }

    pub fn updates(&self) -> usize {
        self.rows.iter().filter(|r| self::changes(r) > 0).count()
    }

    pub fn unchanged(&self) -> usize {
        self.rows.len() - self.creates() - self.updates()
    }
}

fn changes(row: &PlannedRow) -> usize {
    match &row.action {
        Action::Create => 0,
        Action::Update { changes, .. } => changes.len(),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "—".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fields that would change, as text.
fn differences(before: &ProductRow, fields: &ProductFields) -> Vec<(String, String, String)> {
    let mut after = before.clone();
    after.name = fields.name.clone();
    after.sku = fields.sku.clone();
    after.fmsi_number = fields.fmsi_number.clone();
    after.product_type = fields.product_type.clone();
    after.position = fields.position.clone();
    after.application = fields.application.clone();
    after.description = fields.description.clone();
    after.brand = fields.brand.clone();
    after.part_number = fields.part_number.clone();
    after.category = fields.category.clone();
    after.unit_of_measure = fields.unit_of_measure.clone();
    after.unit_price_cents = fields.unit_price_cents;
    after.cost_price_cents = fields.cost_price_cents;
    after.is_active = fields.is_active;
    crate::db::audit::diff(&product_json(before), &product_json(&after))
        .into_iter()
        .map(|(field, pair)| {
            let old = pair.get(0).map(shown).unwrap_or_default();
            let new = pair.get(1).map(shown).unwrap_or_default();
            (field, old, new)
        })
        .collect()
}

/// Compares every row with the catalogue. Reads only.
pub fn plan(conn: &mut AnyConnection, file: &ParsedFile) -> Result<Plan, DbError> {
    let skus: Vec<String> = file
        .rows
        .iter()
        .filter_map(|r| r.input.sku.clone())
        .filter(|s| !s.trim().is_empty())
        .collect();
    let existing = products::products_by_skus(conn, &skus)?;
    let mut plan = Plan::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for raw in &file.rows {
        let mut input = raw.input.clone();
        if input.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            input.name = derived_name(&input).or(input.name);
        }
        let key = input
            .sku
            .as_deref()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        let before = key.as_ref().and_then(|k| existing.get(k));
        if let Some(row) = before {
            // Matched ignoring case: the catalogue keeps its own spelling of the SKU.
            input.sku = row.sku.clone();
        }
        let validated = match before {
            Some(row) => ProductInput::from_row(row).patched(input).validate(),
            None => input.validate(),
        };
        let fields = match validated {
            Ok(fields) => fields,
            Err(errors) => {
                for (field, messages) in errors {
                    for message in messages {
                        let column = file.header_of(&field);
                        plan.problems.push(Problem {
                            row: raw.row,
                            column,
                            message,
                        });
                    }
                }
                continue;
            }
        };
        if let Some(key) = key {
            if let Some(first) = seen.get(&key) {
                let sku = fields.sku.clone().unwrap_or_default();
                plan.problems.push(Problem {
                    row: raw.row,
                    column: file.header_of("sku"),
                    message: format!(
                        "SKU “{sku}” is also on row {first}; each SKU may appear once."
                    ),
                });
                continue;
            }
            seen.insert(key, raw.row);
        }
        let action = match before {
            Some(row) => Action::Update {
                changes: differences(row, &fields),
                before: Box::new(row.clone()),
            },
            None => Action::Create,
        };
        plan.rows.push(PlannedRow {
            row: raw.row,
            fields,
            action,
        });
    }
    Ok(plan)
}

/// How an applied import ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Plans again inside the caller's write transaction (the catalogue may have changed since the
/// preview) and applies every row, counting them in `progress`. Problems are found before the
/// first write, so returning them leaves nothing written.
/// One audit entry per created or changed product.
pub fn apply(
    conn: &mut AnyConnection,
    actor: Actor,
    file: &ParsedFile,
    progress: &AtomicUsize,
) -> Result<Result<Applied, Vec<Problem>>, DbError> {
    let plan = plan(conn, file)?;
    if !plan.problems.is_empty() {
        return Ok(Err(plan.problems));
    }
    let mut applied = Applied {
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    for row in &plan.rows {
        match &row.action {
            Action::Create => {
                // A SKU taken since the plan above (another instance, on PostgreSQL) trips the
                // unique index: an error, so the whole transaction rolls back.
                insert_audited(conn, actor, &row.fields)?;
                applied.created += 1;
            }
            Action::Update { changes, .. } if changes.is_empty() => applied.unchanged += 1,
            Action::Update { before, .. } => {
                update_audited(conn, actor, before, &row.fields)?;
                applied.updated += 1;
            }
        }
        progress.fetch_add(1, Ordering::Relaxed);
    }
    Ok(Ok(applied))
}
