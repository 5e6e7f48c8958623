//! The lines of a job: parts (product, quantity, the unit price when the line was added) and
//! labour (by the hour or a fixed amount).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::prepared::{bind, prepared};
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
    let id = insert_part_row(conn, job, (product, quantity, unit_price_cents), by)?;
    refresh_line_sums(conn, job)?;
    Ok(id)
}

/// Adds several part lines, each `(product, quantity, unit price)`, to a new job at once.
pub fn insert_parts(
    conn: &mut AnyConnection,
    job: i32,
    lines: &[(i32, i32, i64)],
    by: UserId,
) -> Result<(), DbError> {
    for line in lines {
        insert_part_row(conn, job, *line, by)?;
    }
    refresh_line_sums(conn, job)
}

fn insert_part_row(
    conn: &mut AnyConnection,
    job: i32,
    (product, quantity, unit_price_cents): (i32, i32, i64),
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
    line: &PartRow,
    quantity: i32,
    unit_price_cents: i64,
) -> Result<(), DbError> {
    diesel::update(service_request_parts::table.find(line.id))
        .set((
            service_request_parts::quantity.eq(quantity),
            service_request_parts::unit_price_cents.eq(unit_price_cents),
            service_request_parts::updated_at.eq(now()),
        ))
        .execute(conn)?;
    refresh_line_sums(conn, line.service_request_id)
}

pub fn delete_part(conn: &mut AnyConnection, line: &PartRow) -> Result<(), DbError> {
    diesel::delete(service_request_parts::table.find(line.id)).execute(conn)?;
    refresh_line_sums(conn, line.service_request_id)
}

/// Sets a job's `parts_cents` and `labour_cents` to the sums of its lines, as the lists show
/// an open job's running total (`domain::totals`' arithmetic: a part line is quantity × unit
/// price, exact in cents; a labour line is stored rounded). Every function here that changes a
/// line ends with it, inside the caller's transaction, which holds the job locked
/// (`jobs::lock_job`): two changes to one job never interleave, so the sums never miss a line.
pub fn refresh_line_sums(conn: &mut AnyConnection, job: i32) -> Result<(), DbError> {
    use diesel::sql_types::Integer;
    prepared(
        "UPDATE service_requests SET \
         parts_cents = (SELECT COALESCE(SUM(quantity * unit_price_cents), 0) \
                        FROM service_request_parts WHERE service_request_id = ?), \
         labour_cents = (SELECT COALESCE(SUM(amount_cents), 0) \
                         FROM service_request_labour WHERE service_request_id = ?) \
         WHERE id = ?",
        (
            bind::<Integer, _>(job),
            bind::<Integer, _>(job),
            bind::<Integer, _>(job),
        ),
    )
    .execute(conn)?;
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
    let id = diesel::insert_into(service_request_labour::table)
        .values((
            fields,
            service_request_labour::service_request_id.eq(job),
            service_request_labour::created_at.eq(at),
            service_request_labour::updated_at.eq(at),
        ))
        .returning(service_request_labour::id)
        .get_result(conn)?;
    refresh_line_sums(conn, job)?;
    Ok(id)
}

pub fn update_labour(
    conn: &mut AnyConnection,
    line: &LabourLine,
    fields: &LabourFields,
) -> Result<(), DbError> {
    diesel::update(service_request_labour::table.find(line.id))
        .set((fields, service_request_labour::updated_at.eq(now())))
        .execute(conn)?;
    refresh_line_sums(conn, line.service_request_id)
}

pub fn delete_labour(conn: &mut AnyConnection, line: &LabourLine) -> Result<(), DbError> {
    diesel::delete(service_request_labour::table.find(line.id)).execute(conn)?;
    refresh_line_sums(conn, line.service_request_id)
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
    } else {
        refresh_line_sums(conn, job)?;
    }
    Ok(())
}
