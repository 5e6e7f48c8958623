//! Stock per site: creating a stock row, its settings, and the three movements staff make by
//! hand — receiving, counting and adjusting. Each movement is one transaction on the locked
//! row, writes a movement line with the user, reason and quantity after it, and an audit
//! entry; on hand never goes below zero or below what is reserved.
//!
//! Who may do what (SPEC §1): managers at their own site and superusers change stock; the
//! front desk and head office read it; mechanics have no stock pages. Restricted rows exist
//! only for managers and superusers.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked};

mod movements;
use crate::db::audit::{self, Actor, Entry};
use crate::db::inventory::{self, InventoryRow, Movement, StockLine, StockSettings};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db, DbError, products, sites, write_transaction};
use crate::domain::ids::SiteId;
use crate::domain::role::Role;
use crate::error::AppError;
pub use movements::{MovementInput, MovementKind, move_stock};

/// The largest quantity typed in one go.
const MAX_QUANTITY: i64 = 1_000_000;

/// 403 for mechanics, who work from their jobs and have no stock pages.
pub fn require_reader(scope: &Scope) -> Result<(), AppError> {
    if scope.role() == Role::Mechanic {
        Err(AppError::forbidden())
    } else {
        Ok(())
    }
}

fn require_stock_role(scope: &Scope) -> Result<(), AppError> {
    if matches!(scope.role(), Role::Superuser | Role::Manager) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a site manager or a superuser can change stock.".into(),
        ))
    }
}

/// Whether the row exists for this user (its site, and restricted rows for managers only).
pub fn visible(scope: &Scope, row: &InventoryRow) -> bool {
    scope.can_see(SiteId(row.site_id)) && (!row.restricted || scope.sees_restricted_stock())
}

/// A stock row as typed or sent; all optional so partial updates parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct StockInput {
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "product_id")]
    pub product: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "site_id")]
    pub site: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub quantity_on_hand: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub reorder_level: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub reorder_quantity: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub bin_location: Option<String>,
    #[serde(
        deserialize_with = "super::fields::lenient_text",
        alias = "restricted_edit"
    )]
    pub restricted: Option<String>,
}

impl StockInput {
    pub fn from_row(row: &InventoryRow) -> Self {
        Self {
            product: Some(row.product_id.to_string()),
            site: Some(row.site_id.to_string()),
            quantity_on_hand: None,
            reorder_level: Some(row.reorder_level.to_string()),
            reorder_quantity: Some(row.reorder_quantity.to_string()),
            bin_location: Some(row.bin_location.clone()),
            restricted: Some(row.restricted.to_string()),
        }
    }

    fn patched(self, patch: StockInput) -> Self {
        Self {
            product: self.product,
            site: self.site,
            quantity_on_hand: None,
            reorder_level: patch.reorder_level.or(self.reorder_level),
            reorder_quantity: patch.reorder_quantity.or(self.reorder_quantity),
            bin_location: patch.bin_location.or(self.bin_location),
            restricted: patch.restricted.or(self.restricted),
        }
    }

    fn settings(&self, p: &mut Problems) -> StockSettings {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        StockSettings {
            reorder_level: count(p, "reorder_level", &text(&self.reorder_level), true),
            reorder_quantity: count(p, "reorder_quantity", &text(&self.reorder_quantity), true),
            bin_location: p.text("bin_location", &text(&self.bin_location), 80, false),
            restricted: checked(self.restricted.as_deref()),
        }
    }
}

/// A whole number typed in a form: blank is 0 when `blank_is_zero`, else required.
fn whole(p: &mut Problems, field: &str, raw: &str, blank_is_zero: bool) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        if blank_is_zero {
            return Some(0);
        }
        p.add(field, "Enter a quantity.");
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if n.abs() <= MAX_QUANTITY => Some(n),
        Ok(_) => {
            p.add(field, "That quantity is too large.");
            None
        }
        Err(_) => {
            p.add(field, "Enter a whole number, like 5.");
            None
        }
    }
}

/// A non-negative whole number (levels, quantities on hand).
fn count(p: &mut Problems, field: &str, raw: &str, blank_is_zero: bool) -> i32 {
    match whole(p, field, raw, blank_is_zero) {
        Some(n) if n < 0 => {
            p.add(field, "The quantity cannot be negative.");
            0
        }
        Some(n) => i32::try_from(n).unwrap_or(0),
        None => 0,
    }
}

/// The stock row for the audit trail and the API.
pub fn stock_json(row: &InventoryRow) -> Value {
    json!({
        "product_id": row.product_id, "site_id": row.site_id, "quantity_on_hand": row.quantity_on_hand,
        "quantity_reserved": row.quantity_reserved, "reorder_level": row.reorder_level,
        "reorder_quantity": row.reorder_quantity, "bin_location": row.bin_location, "restricted": row.restricted,
    })
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Creates the stock row of a product at a site (one per pair), with an opening count when a
/// quantity is given.
pub async fn create_stock(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: StockInput,
) -> Result<StockLine, WriteError> {
    require_stock_role(&scope)?;
    let mut p = Problems::default();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let site = match (
        text(&input.site).trim().parse::<i32>().ok(),
        scope.bound_site(),
    ) {
        (Some(id), _) => Some(SiteId(id)),
        (None, Some(own)) => Some(own),
        (None, None) => {
            p.add("site", "Choose a site.");
            None
        }
    };
    let product = text(&input.product).trim().parse::<i32>().ok();
    if product.is_none() {
        p.add("product", "Choose a product from the catalogue.");
    }
    let opening = count(
        &mut p,
        "quantity_on_hand",
        &text(&input.quantity_on_hand),
        true,
    );
    let settings = input.settings(&mut p);
    let (site, product) = match p.finish((site, product)) {
        Ok((Some(site), Some(product))) => (site, product),
        Ok(_) => {
            return Err(WriteError::field(
                "product",
                "Choose a product from the catalogue.",
            ));
        }
        Err(errors) => return Err(WriteError::Invalid(errors)),
    };
    scope.require_stock_write(site)?;
    let result = db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                insert_stock(c, scope, actor, product, site, opening, &settings)
            })
        })
        .await;
    match result {
        Ok(outcome) => outcome,
        Err(e) if super::products::is_unique_violation(&e) => Err(WriteError::field(
            "product",
            "This product is already stocked at that site.",
        )),
        Err(e) => Err(e.into()),
    }
}

fn insert_stock(
    c: &mut AnyConnection,
    scope: Scope,
    actor: Actor,
    product: i32,
    site: SiteId,
    opening: i32,
    settings: &StockSettings,
) -> Result<Result<StockLine, WriteError>, DbError> {
    let Some(product_row) = products::find_product(c, product)? else {
        return Ok(Err(WriteError::field(
            "product",
            "Choose a product from the catalogue.",
        )));
    };
    let Some(site_row) = sites::find_site(c, &scope, site)? else {
        return Ok(Err(WriteError::field("site", "Choose a site.")));
    };
    if inventory::stock_at(c, product, site)?.is_some() {
        let message = format!(
            "{} is already stocked at {}. Open that row to change it.",
            product_row.name, site_row.name
        );
        return Ok(Err(WriteError::field("product", message)));
    }
    let id = inventory::insert_stock(c, product, site, settings)?;
    let row = inventory::lock_stock(c, id)?.ok_or_else(missing)?;
    if opening > 0 {
        let movement = Movement {
            kind: "count",
            quantity: opening,
            unit_cost_cents: None,
            reason: "Opening stock",
            reference_type: "",
            reference_id: None,
            by: actor.user,
        };
        inventory::record_movement(c, &row, &movement)?;
    }
    let row = inventory::lock_stock(c, id)?.ok_or_else(missing)?;
    let entry = Entry {
        action: "create",
        entity: "inventory",
        entity_id: id,
        repr: &format!("{} at {}", product_row.name, site_row.name),
        changes: audit::snapshot(&stock_json(&row)),
        site: Some(site),
    };
    audit::record(c, actor, entry)?;
    Ok(Ok(
        inventory::find_stock(c, &scope, id)?.ok_or_else(missing)?
    ))
}

/// Runs `change` on the locked row `id`: 404 when the row does not exist for the user, 403
/// when they may not change stock there.
async fn with_locked_row<T, F>(db: &Db, scope: Scope, id: i32, change: F) -> Result<T, WriteError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, InventoryRow) -> Result<Result<T, WriteError>, DbError>
        + Send
        + 'static,
{
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let row = match inventory::lock_stock(c, id)? {
                Some(row) if visible(&scope, &row) => row,
                _ => return Ok(Err(AppError::NotFound.into())),
            };
            if let Err(e) = scope.require_stock_write(SiteId(row.site_id)) {
                return Ok(Err(e.into()));
            }
            change(c, row)
        })
    })
    .await?
}

fn audit_update(
    c: &mut AnyConnection,
    actor: Actor,
    row: &InventoryRow,
    changes: serde_json::Map<String, Value>,
) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    let entry = Entry {
        action: "update",
        entity: "inventory",
        entity_id: row.id,
        repr: &format!("stock row {}", row.id),
        changes,
        site: Some(SiteId(row.site_id)),
    };
    audit::record(c, actor, entry)
}

/// Changes reorder level and quantity, bin and the restricted flag.
pub async fn update_stock(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: StockInput,
) -> Result<StockLine, WriteError> {
    require_reader(&scope)?;
    with_locked_row(db, scope, id, move |c, before| {
        let mut p = Problems::default();
        let settings = StockInput::from_row(&before)
            .patched(patch)
            .settings(&mut p);
        if let Err(errors) = p.finish(()) {
            return Ok(Err(WriteError::Invalid(errors)));
        }
        inventory::update_settings(c, id, &settings)?;
        let after = inventory::lock_stock(c, id)?.ok_or_else(missing)?;
        audit_update(
            c,
            actor,
            &after,
            audit::diff(&stock_json(&before), &stock_json(&after)),
        )?;
        Ok(Ok(
            inventory::find_stock(c, &scope, id)?.ok_or_else(missing)?
        ))
    })
    .await
}

/// Deletes a stock row that never moved; one with movements keeps its history.
pub async fn delete_stock(db: &Db, scope: Scope, actor: Actor, id: i32) -> Result<(), WriteError> {
    require_reader(&scope)?;
    with_locked_row(db, scope, id, move |c, row| {
        if inventory::has_movements(c, id)? {
            let message = "This stock row has movements, which must be kept, so it cannot be deleted. Set its reorder level to 0 if the site no longer stocks the product.";
            return Ok(Err(AppError::BadRequest(message.into()).into()));
        }
        inventory::delete_stock(c, id)?;
        let entry = Entry { action: "delete", entity: "inventory", entity_id: id, repr: &format!("stock row {id}"), changes: audit::snapshot(&stock_json(&row)), site: Some(SiteId(row.site_id)) };
        audit::record(c, actor, entry)?;
        Ok(Ok(()))
    })
    .await
}
