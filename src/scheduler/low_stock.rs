//! The low-stock digest: once a day, when anything is at or below its reorder level, one email
//! to each manager of a site with low stock (their site) and to each superuser (every site).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::config::Settings;
use crate::db::outbox::enqueue;
use crate::db::schema::{inventory, products, sites, users};
use crate::db::{AnyConnection, Db, DbError};
use crate::messaging::address::{Medium, Reach};
use crate::messaging::compose::{About, message};
use crate::messaging::render::{self, LowStockLine, LowStockSite};

/// A low row: site id and name, product name and SKU, on hand, reorder level and quantity.
type LowRow = (i32, String, String, Option<String>, i32, i32, i32);

fn low_rows(conn: &mut AnyConnection) -> Result<Vec<LowRow>, DbError> {
    Ok(inventory::table
        .inner_join(products::table)
        .inner_join(sites::table)
        .filter(inventory::reorder_level.gt(0))
        .filter(inventory::quantity_on_hand.le(inventory::reorder_level))
        .filter(sites::is_active.eq(true))
        .order((sites::name, products::name))
        .select((
            sites::id,
            sites::name,
            products::name,
            products::sku,
            inventory::quantity_on_hand,
            inventory::reorder_level,
            inventory::reorder_quantity,
        ))
        .load(conn)?)
}

/// A digest's reader: id, name, email and site (none for a superuser).
type Recipient = (i32, String, String, Option<i32>);

/// Active superusers and the active managers of `sites`: id, name, email, site.
fn recipients(conn: &mut AnyConnection, site_ids: &[i32]) -> Result<Vec<Recipient>, DbError> {
    Ok(users::table
        .filter(users::is_active.eq(true))
        .filter(
            users::role.eq("superuser").or(users::role
                .eq("manager")
                .and(users::site_id.eq_any(site_ids))),
        )
        .order(users::id)
        .select((users::id, users::name, users::email, users::site_id))
        .load(conn)?)
}

/// Enqueues today's digests; returns the counts for the run's record.
pub async fn run(db: &Db, settings: &Settings, now: NaiveDateTime) -> Result<Value, DbError> {
    let (rows, people) = db
        .read(|c| {
            let rows = low_rows(c)?;
            let mut site_ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
            site_ids.dedup();
            let people = if rows.is_empty() {
                Vec::new()
            } else {
                recipients(c, &site_ids)?
            };
            Ok((rows, people))
        })
        .await?;
    if rows.is_empty() {
        return Ok(json!({"items": 0, "emails": 0}));
    }
    let mut by_site: BTreeMap<i32, LowStockSite> = BTreeMap::new();
    for (site, site_name, product, sku, on_hand, level, quantity) in &rows {
        let entry = by_site.entry(*site).or_insert_with(|| LowStockSite {
            name: site_name.clone(),
            lines: Vec::new(),
        });
        entry.lines.push(LowStockLine {
            product: product.clone(),
            sku: sku.clone().unwrap_or_default(),
            on_hand: *on_hand,
            reorder_level: *level,
            reorder_quantity: *quantity,
        });
    }
    let link = format!("{}/inventory/low-stock", settings.base_url);
    let day = now.date();
    let messages: Vec<_> = people
        .into_iter()
        .map(|(id, name, email, site)| {
            let sites: Vec<LowStockSite> = by_site
                .iter()
                .filter(|(s, _)| site.is_none_or(|own| own == **s))
                .map(|(_, s)| LowStockSite {
                    name: s.name.clone(),
                    lines: s.lines.iter().map(copy_line).collect(),
                })
                .collect();
            let text = render::low_stock(&render::LowStock {
                business: settings.business_name.clone(),
                recipient_name: name,
                sites,
                link: link.clone(),
            });
            let about = About {
                kind: "low_stock",
                dedupe_key: format!("low_stock:{day}:{id}"),
                site_id: site,
                ..About::default()
            };
            let reach = Reach::To {
                medium: Medium::Email,
                address: email,
            };
            message(&settings.messaging, about, reach, text, now)
        })
        .collect();
    let emails = db.write(move |c| enqueue(c, &messages)).await?;
    Ok(json!({"items": rows.len(), "sites": by_site.len(), "emails": emails}))
}

fn copy_line(line: &LowStockLine) -> LowStockLine {
    LowStockLine {
        product: line.product.clone(),
        sku: line.sku.clone(),
        on_hand: line.on_hand,
        reorder_level: line.reorder_level,
        reorder_quantity: line.reorder_quantity,
    }
}
