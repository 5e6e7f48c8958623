//! Stock per (product, site) and its movement log. Every read takes a [`Scope`]: a row of
//! another site, or a restricted row for a role that may not see those, is not found (404).
//! Changes lock the row first (`FOR UPDATE` on PostgreSQL; SQLite's write transaction is
//! `BEGIN IMMEDIATE` already).

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::bulk::NewStockMovement;
use super::connection::MultiBackend;
use super::paging::{Page, PageRequest};
use super::products::contains_pattern;
use super::schema::{inventory, inventory_transactions, products, sites, users};
use super::scope::Scope;
use super::{AnyConnection, DbError, lower, now};
use crate::domain::catalogue::StockStatus;
use crate::domain::ids::{SiteId, UserId};

/// The stored columns of a stock row.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = inventory)]
pub struct InventoryRow {
    pub id: i32,
    pub product_id: i32,
    pub site_id: i32,
    pub quantity_on_hand: i32,
    pub quantity_reserved: i32,
    pub reorder_level: i32,
    pub reorder_quantity: i32,
    pub bin_location: String,
    pub restricted: bool,
    pub last_counted_at: Option<NaiveDateTime>,
    pub last_restocked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl InventoryRow {
    /// On hand minus reserved: what a job may take.
    pub fn available(&self) -> i32 {
        self.quantity_on_hand - self.quantity_reserved
    }
}

/// The product columns a stock line shows.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = products)]
pub struct StockProduct {
    pub name: String,
    pub sku: Option<String>,
    pub category: String,
    pub unit_of_measure: String,
    pub fmsi_number: String,
    pub brand: String,
    pub part_number: String,
    pub is_active: bool,
}

/// A stock row with its product and site, as lists and pages show it.
#[derive(Queryable, Clone, Debug)]
pub struct StockLine {
    pub row: InventoryRow,
    pub product: StockProduct,
    pub site_name: String,
    pub site_timezone: String,
}

impl StockLine {
    pub fn available(&self) -> i32 {
        (self.row.quantity_on_hand - self.row.quantity_reserved).max(0)
    }

    pub fn status(&self) -> StockStatus {
        StockStatus::of(self.row.quantity_on_hand, self.row.reorder_level)
    }

    pub fn is_low(&self) -> bool {
        self.row.reorder_level > 0 && self.row.quantity_on_hand <= self.row.reorder_level
    }
}

/// Settings of a stock row that are set directly (quantities move only through movements).
#[derive(Insertable, AsChangeset, Clone, Debug, PartialEq, Eq)]
#[diesel(table_name = inventory)]
pub struct StockSettings {
    pub reorder_level: i32,
    pub reorder_quantity: i32,
    pub bin_location: String,
    pub restricted: bool,
}

/// List order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockSort {
    Product,
    ProductDesc,
    QuantityAsc,
    QuantityDesc,
    Bin,
    Site,
}

impl StockSort {
    /// From `?sort=`/`?ordering=`, accepting the original's names.
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "-product" => Self::ProductDesc,
            "qty_asc" | "available_asc" | "quantity" => Self::QuantityAsc,
            "qty_desc" | "available_desc" | "-quantity" => Self::QuantityDesc,
            "bin" => Self::Bin,
            "site" | "site_product" => Self::Site,
            _ => Self::Product,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::ProductDesc => "-product",
            Self::QuantityAsc => "qty_asc",
            Self::QuantityDesc => "qty_desc",
            Self::Bin => "bin",
            Self::Site => "site",
        }
    }
}

/// What a stock list is narrowed to (besides the scope).
#[derive(Clone, Debug, Default)]
pub struct StockFilter {
    pub site: Option<SiteId>,
    pub product: Option<i32>,
    pub category: Option<String>,
    pub status: Option<StockStatus>,
    /// Words matched against product name, SKU, FMSI, part number, brand and bin.
    pub q: String,
}

type Lines = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<inventory::table, products::table>, sites::table>,
    MultiBackend,
>;

fn scoped(scope: &Scope, filter: &StockFilter) -> Lines {
    let mut query = inventory::table
        .inner_join(products::table)
        .inner_join(sites::table)
        .into_boxed();
    if let Some(site) = scope.bound_site().or(filter.site) {
        query = query.filter(inventory::site_id.eq(site.0));
    }
    if !scope.sees_restricted_stock() {
        query = query.filter(inventory::restricted.eq(false));
    }
    if let Some(product) = filter.product {
        query = query.filter(inventory::product_id.eq(product));
    }
    if let Some(category) = &filter.category {
        query = query.filter(products::category.eq(category.clone()));
    }
    query = match filter.status {
        Some(StockStatus::Out) => query.filter(inventory::quantity_on_hand.le(0)),
        Some(StockStatus::Low) => query
            .filter(inventory::reorder_level.gt(0))
            .filter(inventory::quantity_on_hand.le(inventory::reorder_level)),
        Some(StockStatus::InStock) => query.filter(inventory::quantity_on_hand.gt(0)),
        None => query,
    };
    for word in filter.q.split_whitespace() {
        let p = contains_pattern(word);
        query = query.filter(
            lower(products::name)
                .like(p.clone())
                .escape('\\')
                .or(lower(products::sku.assume_not_null())
                    .like(p.clone())
                    .escape('\\'))
                .or(lower(products::fmsi_number).like(p.clone()).escape('\\'))
                .or(lower(products::part_number).like(p.clone()).escape('\\'))
                .or(lower(products::brand).like(p.clone()).escape('\\'))
                .or(lower(inventory::bin_location).like(p).escape('\\')),
        );
    }
    query
}

fn ordered(query: Lines, sort: StockSort) -> Lines {
    match sort {
        StockSort::Product => query.order((products::name.asc(), sites::name.asc(), inventory::id)),
        StockSort::ProductDesc => {
            query.order((products::name.desc(), sites::name.asc(), inventory::id))
        }
        StockSort::QuantityAsc => query.order((
            inventory::quantity_on_hand.asc(),
            products::name.asc(),
            inventory::id,
        )),
        StockSort::QuantityDesc => query.order((
            inventory::quantity_on_hand.desc(),
            products::name.asc(),
            inventory::id,
        )),
        StockSort::Bin => query.order((
            inventory::bin_location.asc(),
            products::name.asc(),
            inventory::id,
        )),
        StockSort::Site => query.order((sites::name.asc(), products::name.asc(), inventory::id)),
    }
}

/// A page of stock lines: one count and one joined page query.
pub fn list_stock(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &StockFilter,
    sort: StockSort,
    page: PageRequest,
) -> Result<Page<StockLine>, DbError> {
    let total = scoped(scope, filter).count().get_result(conn)?;
    let items = ordered(scoped(scope, filter), sort)
        .limit(page.size)
        .offset(page.offset())
        .select((
            InventoryRow::as_select(),
            StockProduct::as_select(),
            sites::name,
            sites::timezone,
        ))
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// The stock line `id` if `scope` may see it.
pub fn find_stock(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<StockLine>, DbError> {
    Ok(scoped(scope, &StockFilter::default())
        .filter(inventory::id.eq(id))
        .select((
            InventoryRow::as_select(),
            StockProduct::as_select(),
            sites::name,
            sites::timezone,
        ))
        .first(conn)
        .optional()?)
}

/// The stored row, locked until the transaction ends (PostgreSQL `FOR UPDATE`; on SQLite the
/// `BEGIN IMMEDIATE` write transaction already holds the database's write lock).
pub fn lock_stock(conn: &mut AnyConnection, id: i32) -> Result<Option<InventoryRow>, DbError> {
    let query = || inventory::table.find(id);
    Ok(match conn {
        AnyConnection::Postgresql(c) => query()
            .select(InventoryRow::as_select())
            .for_update()
            .first(c)
            .optional()?,
        AnyConnection::Sqlite(c) => query()
            .select(InventoryRow::as_select())
            .first(c)
            .optional()?,
    })
}

/// The stock row of `product` at `site`, if any.
pub fn stock_at(
    conn: &mut AnyConnection,
    product: i32,
    site: SiteId,
) -> Result<Option<i32>, DbError> {
    Ok(inventory::table
        .filter(inventory::product_id.eq(product))
        .filter(inventory::site_id.eq(site.0))
        .select(inventory::id)
        .first(conn)
        .optional()?)
}

/// The stock row of `product` at `site`, locked like [`lock_stock`], in one query.
pub fn lock_stock_at(
    conn: &mut AnyConnection,
    product: i32,
    site: SiteId,
) -> Result<Option<InventoryRow>, DbError> {
    Ok(lock_stock_of(conn, site, &[product])?.pop())
}

/// The stock rows of `products` at `site` (those that exist), locked like [`lock_stock`] in
/// one statement. PostgreSQL locks them in product order, the order every caller's rows are
/// taken in, so two transactions never wait on each other crosswise.
pub fn lock_stock_of(
    conn: &mut AnyConnection,
    site: SiteId,
    products: &[i32],
) -> Result<Vec<InventoryRow>, DbError> {
    let query = || {
        inventory::table
            .filter(inventory::site_id.eq(site.0))
            .filter(inventory::product_id.eq_any(products.to_vec()))
            .order(inventory::product_id.asc())
    };
    Ok(match conn {
        AnyConnection::Postgresql(c) => query()
            .select(InventoryRow::as_select())
            .for_update()
            .load(c)?,
        AnyConnection::Sqlite(c) => query().select(InventoryRow::as_select()).load(c)?,
    })
}

pub fn insert_stock(
    conn: &mut AnyConnection,
    product: i32,
    site: SiteId,
    settings: &StockSettings,
) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(inventory::table)
        .values((
            settings,
            inventory::product_id.eq(product),
            inventory::site_id.eq(site.0),
            inventory::created_at.eq(at),
            inventory::updated_at.eq(at),
        ))
        .returning(inventory::id)
        .get_result(conn)?)
}

pub fn update_settings(
    conn: &mut AnyConnection,
    id: i32,
    settings: &StockSettings,
) -> Result<(), DbError> {
    diesel::update(inventory::table.find(id))
        .set((settings, inventory::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn has_movements(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    Ok(diesel::select(exists(
        inventory_transactions::table.filter(inventory_transactions::inventory_id.eq(id)),
    ))
    .get_result(conn)?)
}

pub fn delete_stock(conn: &mut AnyConnection, id: i32) -> Result<(), DbError> {
    diesel::delete(inventory::table.find(id)).execute(conn)?;
    Ok(())
}

/// One movement to record.
pub struct Movement<'a> {
    pub kind: &'static str,
    pub quantity: i32,
    pub unit_cost_cents: Option<i64>,
    pub reason: &'a str,
    pub reference_type: &'a str,
    /// The row the movement belongs to (the service request of a completion).
    pub reference_id: Option<i32>,
    pub by: UserId,
}

/// Sets the new on-hand quantity and writes the movement with the quantity after it; a
/// receipt stamps `last_restocked_at`, a count `last_counted_at`. Returns the new quantity.
pub fn record_movement(
    conn: &mut AnyConnection,
    row: &InventoryRow,
    movement: &Movement<'_>,
) -> Result<i32, DbError> {
    record_movements(conn, &[(row, movement)])
        .map(|after| after.first().copied().unwrap_or(row.quantity_on_hand))
}

/// [`record_movement`] for several rows (a completion's parts), their history rows written in
/// one statement. Returns each row's new quantity, in order.
pub fn record_movements(
    conn: &mut AnyConnection,
    moves: &[(&InventoryRow, &Movement<'_>)],
) -> Result<Vec<i32>, DbError> {
    let at = now();
    let mut history = Vec::with_capacity(moves.len());
    for (row, movement) in moves {
        let after = row.quantity_on_hand + movement.quantity;
        history.push(NewStockMovement {
            inventory_id: row.id,
            kind: movement.kind,
            quantity: movement.quantity,
            quantity_after: after,
            unit_cost_cents: movement.unit_cost_cents,
            reason: movement.reason,
            reference_type: movement.reference_type,
            reference_id: movement.reference_id,
            created_by: Some(movement.by.0),
            created_at: at,
        });
    }
    let after = history.iter().map(|h| h.quantity_after).collect();
    set_on_hand(conn, &history, at)?;
    if !history.is_empty() {
        insert_history(conn, &history, at)?;
    }
    Ok(after)
}

/// The movements' history rows in one statement of fixed text on either database, so it stays
/// prepared (`db::prepared`): the rows travel as one JSON array, their shared time as one
/// value. Diesel's multi-row insert is planned afresh on every call on PostgreSQL, and on
/// SQLite is a statement per row in a savepoint.
fn insert_history(
    conn: &mut AnyConnection,
    rows: &[NewStockMovement<'_>],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    use super::prepared::{bind, execute_on_either, json_rows};
    use diesel::sql_types::{Text, Timestamp};
    let binds = (bind::<Timestamp, _>(at), bind::<Text, _>(json_rows(rows)?));
    execute_on_either(conn, INSERT_HISTORY_POSTGRES, INSERT_HISTORY_SQLITE, binds)?;
    Ok(())
}

const INSERT_HISTORY_POSTGRES: &str = "INSERT INTO inventory_transactions (inventory_id, kind, \
     quantity, quantity_after, unit_cost_cents, reason, reference_type, reference_id, \
     created_by, created_at) \
     SELECT r.inventory_id, r.kind, r.quantity, r.quantity_after, r.unit_cost_cents, r.reason, \
       r.reference_type, r.reference_id, r.created_by, t.at \
     FROM (SELECT CAST(? AS timestamp) AS at) AS t, \
       jsonb_to_recordset(CAST(? AS jsonb)) AS r(inventory_id integer, kind text, \
       quantity integer, quantity_after integer, unit_cost_cents bigint, reason text, \
       reference_type text, reference_id integer, created_by integer)";

/// `json_each` gives the array's elements in order; `->>` answers a JSON number as an
/// integer and `null` as NULL. The time's `?` comes first in the text, as it is bound.
const INSERT_HISTORY_SQLITE: &str = "INSERT INTO inventory_transactions (inventory_id, kind, \
     quantity, quantity_after, unit_cost_cents, reason, reference_type, reference_id, \
     created_by, created_at) \
     SELECT value ->> 'inventory_id', value ->> 'kind', value ->> 'quantity', \
       value ->> 'quantity_after', value ->> 'unit_cost_cents', value ->> 'reason', \
       value ->> 'reference_type', value ->> 'reference_id', value ->> 'created_by', t.at \
     FROM (SELECT ? AS at) AS t, json_each(?)";

/// Sets each moved row's new on-hand quantity, stamping a receipt's `last_restocked_at` and a
/// count's `last_counted_at`: one statement on PostgreSQL (a round trip per part, on the
/// completion's critical path, otherwise), one per row on SQLite.
fn set_on_hand(
    conn: &mut AnyConnection,
    moves: &[NewStockMovement<'_>],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    use super::prepared::{bind, prepared};
    use diesel::sql_types::{Array, Integer, Text, Timestamp};
    if let AnyConnection::Postgresql(c) = conn {
        if moves.is_empty() {
            return Ok(());
        }
        let ids: Vec<i32> = moves.iter().map(|m| m.inventory_id).collect();
        let after: Vec<i32> = moves.iter().map(|m| m.quantity_after).collect();
        let kinds: Vec<&str> = moves.iter().map(|m| m.kind).collect();
        prepared(
            SET_ON_HAND_POSTGRES,
            (
                bind::<Timestamp, _>(at),
                bind::<Array<Integer>, _>(&ids),
                bind::<Array<Integer>, _>(after),
                bind::<Array<Text>, _>(kinds),
                bind::<Array<Integer>, _>(&ids),
            ),
        )
        .execute(c)?;
        return Ok(());
    }
    for m in moves {
        let target = inventory::table.find(m.inventory_id);
        let on_hand = (
            inventory::quantity_on_hand.eq(m.quantity_after),
            inventory::updated_at.eq(at),
        );
        match m.kind {
            "in" => diesel::update(target)
                .set((on_hand, inventory::last_restocked_at.eq(at)))
                .execute(conn)?,
            "count" => diesel::update(target)
                .set((on_hand, inventory::last_counted_at.eq(at)))
                .execute(conn)?,
            _ => diesel::update(target).set(on_hand).execute(conn)?,
        };
    }
    Ok(())
}

/// Kept prepared (db::prepared); the time is bound once, in the `at` row, and used three times.
/// The `= ANY` repeats the ids for the generic plan, which cannot see how many rows `unnest`
/// gives and would otherwise read the whole table.
const SET_ON_HAND_POSTGRES: &str = "UPDATE inventory AS i SET quantity_on_hand = m.after, \
     updated_at = t.at, \
     last_restocked_at = CASE WHEN m.kind = 'in' THEN t.at ELSE i.last_restocked_at END, \
     last_counted_at = CASE WHEN m.kind = 'count' THEN t.at ELSE i.last_counted_at END \
     FROM (SELECT ? AS at) AS t, unnest(?, ?, ?) AS m(id, after, kind) \
     WHERE i.id = m.id AND i.id = ANY(?)";

/// A line of a row's movement history.
#[derive(Queryable, Clone, Debug)]
pub struct MovementLine {
    pub id: i32,
    pub kind: String,
    pub quantity: i32,
    pub quantity_after: i32,
    pub unit_cost_cents: Option<i64>,
    pub reason: String,
    pub reference_type: String,
    pub reference_id: Option<i32>,
    pub user_name: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A page of the row's movements, newest first: one count and one joined query.
pub fn movements_of(
    conn: &mut AnyConnection,
    id: i32,
    page: PageRequest,
) -> Result<Page<MovementLine>, DbError> {
    let total = inventory_transactions::table
        .filter(inventory_transactions::inventory_id.eq(id))
        .count()
        .get_result(conn)?;
    let items = inventory_transactions::table
        .left_join(users::table)
        .filter(inventory_transactions::inventory_id.eq(id))
        .order(inventory_transactions::id.desc())
        .limit(page.size)
        .offset(page.offset())
        .select((
            inventory_transactions::id,
            inventory_transactions::kind,
            inventory_transactions::quantity,
            inventory_transactions::quantity_after,
            inventory_transactions::unit_cost_cents,
            inventory_transactions::reason,
            inventory_transactions::reference_type,
            inventory_transactions::reference_id,
            users::name.nullable(),
            inventory_transactions::created_at,
        ))
        .load(conn)?;
    Ok(Page::new(page, items, total))
}
