//! The product catalogue: validation, creation, changes and deletion with the audit trail.
//! Only superusers change the catalogue; everyone signed in reads it.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked};
use crate::db::audit::{self, Actor, Entry};
use crate::db::products::{self, ProductFields, ProductRow};
use crate::db::scope::Scope;
use crate::db::{Db, DbError, write_transaction};
use crate::domain::catalogue::{CATEGORIES, UNITS, choice_value};
use crate::domain::money::Money;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};

/// A product as typed or sent; all optional so partial updates parse. The aliases are the
/// original API's and the CSV import's names.
#[derive(Deserialize, Default, Debug, Clone, PartialEq, Eq)]
#[serde(default)]
pub struct ProductInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub sku: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub category: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "unit")]
    pub unit_of_measure: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub brand: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub part_number: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "fmsi")]
    pub fmsi_number: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub product_type: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub application: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub position: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub unit_price: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub cost_price: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "active")]
    pub is_active: Option<String>,
}

impl ProductInput {
    /// The values of an existing product, for an edit form or a partial update.
    pub fn from_row(row: &ProductRow) -> Self {
        Self {
            name: Some(row.name.clone()),
            sku: Some(row.sku.clone().unwrap_or_default()),
            category: Some(row.category.clone()),
            unit_of_measure: Some(row.unit_of_measure.clone()),
            brand: Some(row.brand.clone()),
            part_number: Some(row.part_number.clone()),
            fmsi_number: Some(row.fmsi_number.clone()),
            product_type: Some(row.product_type.clone()),
            application: Some(row.application.clone()),
            position: Some(row.position.clone()),
            description: Some(row.description.clone()),
            unit_price: Some(Money::from_cents(row.unit_price_cents).to_string()),
            cost_price: Some(
                row.cost_price_cents
                    .map(|c| Money::from_cents(c).to_string())
                    .unwrap_or_default(),
            ),
            is_active: Some(row.is_active.to_string()),
        }
    }

    /// `self` with the fields `patch` carries replaced.
    pub fn patched(self, patch: ProductInput) -> Self {
        Self {
            name: patch.name.or(self.name),
            sku: patch.sku.or(self.sku),
            category: patch.category.or(self.category),
            unit_of_measure: patch.unit_of_measure.or(self.unit_of_measure),
            brand: patch.brand.or(self.brand),
            part_number: patch.part_number.or(self.part_number),
            fmsi_number: patch.fmsi_number.or(self.fmsi_number),
            product_type: patch.product_type.or(self.product_type),
            application: patch.application.or(self.application),
            position: patch.position.or(self.position),
            description: patch.description.or(self.description),
            unit_price: patch.unit_price.or(self.unit_price),
            cost_price: patch.cost_price.or(self.cost_price),
            is_active: patch.is_active.or(self.is_active),
        }
    }

    /// The fields to store, or every problem found. An absent `is_active` means active.
    pub fn validate(&self) -> Result<ProductFields, FieldErrors> {
        let mut p = Problems::default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let name = p.text("name", &text(&self.name), 200, true);
        let sku = p.text("sku", &text(&self.sku), 80, false);
        let category = choose(&mut p, "category", &text(&self.category), CATEGORIES);
        let unit_of_measure = choose(
            &mut p,
            "unit_of_measure",
            &text(&self.unit_of_measure),
            UNITS,
        );
        let unit_price_cents = match Money::parse(&text(&self.unit_price)) {
            Ok(m) => m.cents(),
            Err(message) => {
                p.add("unit_price", message);
                0
            }
        };
        let cost_price_cents = match text(&self.cost_price).trim() {
            "" => None,
            raw => match Money::parse(raw) {
                Ok(m) => Some(m.cents()),
                Err(message) => {
                    p.add("cost_price", message);
                    None
                }
            },
        };
        let fields = ProductFields {
            name,
            sku: (!sku.is_empty()).then_some(sku),
            fmsi_number: p.text("fmsi_number", &text(&self.fmsi_number), 80, false),
            product_type: p.text("product_type", &text(&self.product_type), 80, false),
            position: p.text("position", &text(&self.position), 20, false),
            application: p.text("application", &text(&self.application), 2000, false),
            description: p.text("description", &text(&self.description), 2000, false),
            brand: p.text("brand", &text(&self.brand), 100, false),
            part_number: p.text("part_number", &text(&self.part_number), 100, false),
            category,
            unit_of_measure,
            unit_price_cents,
            cost_price_cents,
            is_active: self.is_active.as_deref().is_none_or(|v| checked(Some(v))),
        };
        p.finish(fields)
    }
}

/// A category or unit by value or label; empty means the first (the default).
fn choose(p: &mut Problems, field: &str, raw: &str, choices: &[(&'static str, &str)]) -> String {
    if raw.trim().is_empty() {
        return choices
            .first()
            .map(|(v, _)| (*v).to_owned())
            .unwrap_or_default();
    }
    match choice_value(choices, raw) {
        Some(value) => value.to_owned(),
        None => {
            let labels: Vec<&str> = choices.iter().map(|(_, label)| *label).collect();
            p.add(field, format!("Choose one of: {}.", labels.join(", ")));
            choices
                .first()
                .map(|(v, _)| (*v).to_owned())
                .unwrap_or_default()
        }
    }
}

/// The message for a SKU that another product already has.
pub fn sku_taken_message(sku: &str) -> String {
    format!("A product with SKU “{sku}” already exists.")
}

fn sku_taken(sku: &str) -> WriteError {
    let mut errors = FieldErrors::new();
    errors.insert("sku".into(), vec![sku_taken_message(sku)]);
    WriteError::Invalid(errors)
}

/// Whether the database refused a duplicate (the unique SKU index, under a concurrent write).
pub fn is_unique_violation(e: &DbError) -> bool {
    matches!(
        e,
        DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// The product for the audit trail (prices as decimal strings).
pub fn product_json(row: &ProductRow) -> Value {
    json!({
        "name": row.name, "sku": row.sku, "category": row.category, "unit_of_measure": row.unit_of_measure,
        "brand": row.brand, "part_number": row.part_number, "fmsi_number": row.fmsi_number,
        "product_type": row.product_type, "application": row.application, "position": row.position,
        "description": row.description, "unit_price": Money::from_cents(row.unit_price_cents),
        "cost_price": row.cost_price_cents.map(Money::from_cents), "is_active": row.is_active,
    })
}

fn require_superuser(scope: &Scope) -> Result<(), AppError> {
    if scope.role() == Role::Superuser {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a superuser can change the product catalogue.".into(),
        ))
    }
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Inserts a product and its audit entry on an open write transaction.
pub fn insert_audited(
    c: &mut crate::db::AnyConnection,
    actor: Actor,
    fields: &ProductFields,
) -> Result<ProductRow, DbError> {
    let id = products::insert_product(c, fields)?;
    let row = products::find_product(c, id)?.ok_or_else(missing)?;
    let entry = Entry {
        action: "create",
        entity: "product",
        entity_id: id,
        repr: &row.name,
        changes: audit::snapshot(&product_json(&row)),
        site: None,
    };
    audit::record(c, actor, entry)?;
    Ok(row)
}

/// Updates a product and records what changed, on an open write transaction.
pub fn update_audited(
    c: &mut crate::db::AnyConnection,
    actor: Actor,
    before: &ProductRow,
    fields: &ProductFields,
) -> Result<ProductRow, DbError> {
    products::update_product(c, before.id, fields)?;
    let after = products::find_product(c, before.id)?.ok_or_else(missing)?;
    let changes = audit::diff(&product_json(before), &product_json(&after));
    if !changes.is_empty() {
        let entry = Entry {
            action: "update",
            entity: "product",
            entity_id: before.id,
            repr: &after.name,
            changes,
            site: None,
        };
        audit::record(c, actor, entry)?;
    }
    Ok(after)
}

/// Runs a catalogue write, turning the unique-SKU index's refusal into the field error.
async fn catalogue_write<T, F>(db: &Db, sku: Option<String>, f: F) -> Result<T, WriteError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::AnyConnection) -> Result<Result<T, WriteError>, DbError>
        + Send
        + 'static,
{
    match db.writing(move |conn| write_transaction(conn, f)).await {
        Ok(result) => result,
        Err(e) if is_unique_violation(&e) => Err(sku_taken(sku.as_deref().unwrap_or(""))),
        Err(e) => Err(e.into()),
    }
}

pub async fn create_product(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: ProductInput,
) -> Result<ProductRow, WriteError> {
    require_superuser(&scope)?;
    let fields = input.validate().map_err(WriteError::Invalid)?;
    catalogue_write(db, fields.sku.clone(), move |c| {
        if let Some(sku) = &fields.sku
            && products::product_with_sku(c, sku, None)?.is_some()
        {
            return Ok(Err(sku_taken(sku)));
        }
        Ok(Ok(insert_audited(c, actor, &fields)?))
    })
    .await
}

pub async fn update_product(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: ProductInput,
) -> Result<ProductRow, WriteError> {
    require_superuser(&scope)?;
    let sku = patch.sku.clone();
    catalogue_write(db, sku, move |c| {
        let Some(before) = products::find_product(c, id)? else {
            return Ok(Err(AppError::NotFound.into()));
        };
        let fields = match ProductInput::from_row(&before).patched(patch).validate() {
            Ok(fields) => fields,
            Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
        };
        if let Some(sku) = &fields.sku
            && products::product_with_sku(c, sku, Some(id))?.is_some()
        {
            return Ok(Err(sku_taken(sku)));
        }
        Ok(Ok(update_audited(c, actor, &before, &fields)?))
    })
    .await
}

/// Deletes a product without history (its empty stock rows go with it); a product that moved
/// stock or was sold is kept, and the answer suggests deactivating it.
pub async fn delete_product(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), WriteError> {
    require_superuser(&scope)?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(row) = products::find_product(c, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            if products::product_has_history(c, id)? {
                let message = "This product has stock movements or was used on jobs and invoices, which must be kept, so it cannot be deleted. Deactivate it instead: it then no longer shows up when adding parts.";
                return Ok(Err(AppError::BadRequest(message.into()).into()));
            }
            for (inventory_id, site) in products::delete_product(c, id)? {
                let changes = audit::snapshot(&json!({"product": row.name, "site_id": site.0}));
                let entry = Entry { action: "delete", entity: "inventory", entity_id: inventory_id, repr: &row.name, changes, site: Some(site) };
                audit::record(c, actor, entry)?;
            }
            let entry = Entry { action: "delete", entity: "product", entity_id: id, repr: &row.name, changes: audit::snapshot(&product_json(&row)), site: None };
            audit::record(c, actor, entry)?;
            Ok(Ok(()))
        })
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, &str)]) -> ProductInput {
        let map: serde_json::Map<String, Value> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect();
        serde_json::from_value(Value::Object(map)).unwrap_or_default()
    }

    #[test]
    fn a_product_needs_a_name_and_a_sane_price() {
        let errors = input(&[("unit_price", "-1"), ("cost_price", "1.234")])
            .validate()
            .err()
            .unwrap_or_default();
        assert_eq!(errors["name"], ["This field is required."]);
        assert_eq!(errors["unit_price"], ["The amount cannot be negative."]);
        assert_eq!(errors["cost_price"], ["Use at most two decimals."]);
    }

    #[test]
    fn labels_and_aliases_are_accepted_and_blank_sku_is_none() {
        let fields = input(&[
            ("name", " Brake pad "),
            ("sku", "  "),
            ("category", "Fluid / lubricant"),
            ("unit", "Litre"),
            ("unit_price", "12.5"),
        ])
        .validate();
        let fields = fields.ok();
        assert_eq!(fields.as_ref().map(|f| f.name.as_str()), Some("Brake pad"));
        assert_eq!(fields.as_ref().and_then(|f| f.sku.clone()), None);
        assert_eq!(fields.as_ref().map(|f| f.category.as_str()), Some("fluid"));
        assert_eq!(
            fields.as_ref().map(|f| f.unit_of_measure.as_str()),
            Some("litre")
        );
        assert_eq!(
            fields.map(|f| (f.unit_price_cents, f.is_active)),
            Some((1250, true))
        );
    }
}
