//! The lines of a job: parts (product, quantity, the unit price when the line was added) and
//! labour (by the hour or a fixed amount).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{inventory, products, service_request_labour, service_request_parts};
use super::{AnyConnection, DbError, now};
use crate::domain::ids::{SiteId, UserId};
use crate::domain::totals::part_line;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = service_request_parts)]
pub struct PartRow {
    pub id: i32,
    pub service_request_id: i32,
    pub product_id: i32,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// A part line with its product and what the job's site has of it.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct PartLine {
    #[diesel(embed)]
    pub line: PartRow,
    pub product_name: String,
    pub sku: Option<String>,
    pub part_number: String,
    pub unit_of_measure: String,
    /// On hand − reserved at the job's site; `None` when the site holds no stock row.
    pub on_hand: Option<i32>,
    pub reserved: Option<i32>,
}

impl PartLine {
    pub fn total_cents(&self) -> i64 {
        part_line(self.line.quantity, self.line.unit_price_cents)
    }

    pub fn available(&self) -> Option<i32> {
        self.on_hand.zip(self.reserved).map(|(h, r)| h - r)
    }
}

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = service_request_labour)]
pub struct LabourLine {
    pub id: i32,
    pub service_request_id: i32,
    pub description: String,
    pub hours_hundredths: Option<i32>,
    pub hourly_rate_cents: Option<i64>,
    pub amount_cents: i64,
    pub created_at: NaiveDateTime,
}

/// The part lines of a job in the order they were added, with stock at `site`: one query.
pub fn parts_of(
    conn: &mut AnyConnection,
    job: i32,
    site: SiteId,
) -> Result<Vec<PartLine>, DbError> {
    Ok(service_request_parts::table
        .inner_join(products::table)
        .left_join(
            inventory::table.on(inventory::product_id
                .eq(service_request_parts::product_id)
                .and(inventory::site_id.eq(site.0))),
        )
        .filter(service_request_parts::service_request_id.eq(job))
        .order(service_request_parts::id.asc())
        .select((
            PartRow::as_select(),
            products::name,
            products::sku,
            products::part_number,
            products::unit_of_measure,
            inventory::quantity_on_hand.nullable(),
            inventory::quantity_reserved.nullable(),
        ))
        .load(conn)?)
}

pub fn labour_of(conn: &mut AnyConnection, job: i32) -> Result<Vec<LabourLine>, DbError> {
    Ok(service_request_labour::table
        .filter(service_request_labour::service_request_id.eq(job))
        .order(service_request_labour::id.asc())
        .select(LabourLine::as_select())
        .load(conn)?)
}

/// Parts and labour totals (before discount and tax) of many jobs: two queries (none for no
/// jobs).
pub fn sums_of(
    conn: &mut AnyConnection,
    jobs: &[i32],
) -> Result<HashMap<i32, (i64, i64)>, DbError> {
    let mut sums: HashMap<i32, (i64, i64)> = HashMap::new();
    if jobs.is_empty() {
        return Ok(sums);
    }
    let parts: Vec<(i32, i32, i64)> = service_request_parts::table
        .filter(service_request_parts::service_request_id.eq_any(jobs))
        .select((
            service_request_parts::service_request_id,
            service_request_parts::quantity,
            service_request_parts::unit_price_cents,
        ))
        .load(conn)?;
    for (job, quantity, unit) in parts {
        sums.entry(job).or_default().0 += part_line(quantity, unit);
    }
    let labour: Vec<(i32, i64)> = service_request_labour::table
        .filter(service_request_labour::service_request_id.eq_any(jobs))
        .select((
            service_request_labour::service_request_id,
            service_request_labour::amount_cents,
        ))
        .load(conn)?;
    for (job, amount) in labour {
        sums.entry(job).or_default().1 += amount;
    }
    Ok(sums)
}

pub fn find_part(conn: &mut AnyConnection, id: i32) -> Result<Option<PartRow>, DbError> {
    Ok(service_request_parts::table
        .find(id)
        .select(PartRow::as_select())
        .first(conn)
        .optional()?)
}

/// The existing line of `product` on `job`, if any: adding the same product again adds to it.
pub fn part_of_product(
    conn: &mut AnyConnection,
    job: i32,
    product: i32,
) -> Result<Option<PartRow>, DbError> {
    Ok(service_request_parts::table
        .filter(service_request_parts::service_request_id.eq(job))
        .filter(service_request_parts::product_id.eq(product))
        .select(PartRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_part(
    conn: &mut AnyConnection,
    job: i32,
    product: i32,
    quantity: i32,
    unit_price_cents: i64,
    by: UserId,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(service_request_parts::table)
        .values((
            service_request_parts::service_request_id.eq(job),
            service_request_parts::product_id.eq(product),
            service_request_parts::quantity.eq(quantity),
            service_request_parts::unit_price_cents.eq(unit_price_cents),
            service_request_parts::created_by.eq(by.0),
            service_request_parts::created_at.eq(at),
            service_request_parts::updated_at.eq(at),
        ))
        .returning(service_request_parts::id)
        .get_result(conn)?)
}

pub fn update_part(
    conn: &mut AnyConnection,
    id: i32,
    quantity: i32,
    unit_price_cents: i64,
) -> Result<(), DbError> {
    diesel::update(service_request_parts::table.find(id))
        .set((
            service_request_parts::quantity.eq(quantity),
            service_request_parts::unit_price_cents.eq(unit_price_cents),
            service_request_parts::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_part(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(service_request_parts::table.find(id)).execute(conn)?;
    Ok(())
}

/// A labour line to store; `amount_cents` is already computed and rounded.
#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = service_request_labour, treat_none_as_null = true)]
pub struct LabourFields {
    pub description: String,
    pub hours_hundredths: Option<i32>,
    pub hourly_rate_cents: Option<i64>,
    pub amount_cents: i64,
}

pub fn find_labour(conn: &mut AnyConnection, id: i32) -> Result<Option<LabourLine>, DbError> {
    Ok(service_request_labour::table
        .find(id)
        .select(LabourLine::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_labour(
    conn: &mut AnyConnection,
    job: i32,
    fields: &LabourFields,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(service_request_labour::table)
        .values((
            fields,
            service_request_labour::service_request_id.eq(job),
            service_request_labour::created_at.eq(at),
            service_request_labour::updated_at.eq(at),
        ))
        .returning(service_request_labour::id)
        .get_result(conn)?)
}

pub fn update_labour(
    conn: &mut AnyConnection,
    id: i32,
    fields: &LabourFields,
) -> Result<(), DbError> {
    diesel::update(service_request_labour::table.find(id))
        .set((fields, service_request_labour::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn delete_labour(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(service_request_labour::table.find(id)).execute(conn)?;
    Ok(())
}

/// The API's `labor_cost`: all labour lines replaced by one "Labour" line (none for zero).
pub fn replace_labour(
    conn: &mut AnyConnection,
    job: i32,
    amount_cents: i64,
) -> Result<(), DbError> {
    diesel::delete(
        service_request_labour::table.filter(service_request_labour::service_request_id.eq(job)),
    )
    .execute(conn)?;
    if amount_cents > 0 {
        let fields = LabourFields {
            description: "Labour".into(),
            hours_hundredths: None,
            hourly_rate_cents: None,
            amount_cents,
        };
        insert_labour(conn, job, &fields)?;
    }
    Ok(())
}
