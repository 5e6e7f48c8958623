//! The product catalogue, shared by every site (SPEC §1). What a user sees of each site's
//! stock of a product is limited by [`Scope`].

use chrono::NaiveDateTime;
use diesel::dsl::exists;
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::{
    inventory, inventory_transactions, invoice_lines, products, service_request_parts, sites,
};
use super::scope::Scope;
use super::{AnyConnection, DbError, lower, now};
use crate::domain::ids::SiteId;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: i32,
    pub name: String,
    pub sku: Option<String>,
    pub fmsi_number: String,
    pub product_type: String,
    pub position: String,
    pub application: String,
    pub description: String,
    pub brand: String,
    pub part_number: String,
    pub category: String,
    pub unit_of_measure: String,
    pub unit_price_cents: i64,
    pub cost_price_cents: Option<i64>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Validated fields of a product; the same set is inserted and updated (a cleared SKU or cost
/// is written as NULL).
#[derive(Insertable, AsChangeset, Clone, Debug, PartialEq, Eq)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub struct ProductFields {
    pub name: String,
    pub sku: Option<String>,
    pub fmsi_number: String,
    pub product_type: String,
    pub position: String,
    pub application: String,
    pub description: String,
    pub brand: String,
    pub part_number: String,
    pub category: String,
    pub unit_of_measure: String,
    pub unit_price_cents: i64,
    pub cost_price_cents: Option<i64>,
    pub is_active: bool,
}

/// List order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductSort {
    Name,
    NameDesc,
    Sku,
    Price,
    PriceDesc,
    Newest,
}

impl ProductSort {
    /// From `?sort=` (pages) or `?ordering=` (API); anything else is by name.
    pub fn parse(raw: &str) -> Self {
        match raw.trim() {
            "-name" => Self::NameDesc,
            "sku" => Self::Sku,
            "price" | "unit_price" => Self::Price,
            "-price" | "-unit_price" => Self::PriceDesc,
            "newest" | "-created_at" | "-id" => Self::Newest,
            _ => Self::Name,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::NameDesc => "-name",
            Self::Sku => "sku",
            Self::Price => "price",
            Self::PriceDesc => "-price",
            Self::Newest => "newest",
        }
    }
}

/// What a product list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    /// Words that must each appear in some text field.
    pub q: String,
    pub category: Option<String>,
    pub active: Option<bool>,
}

/// `%word%` for LIKE, with LIKE's own wildcards in the word matched literally.
pub fn contains_pattern(word: &str) -> String {
    let mut pattern = String::from("%");
    for c in word.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A product query still being built, on either backend.
type Query = products::BoxedQuery<'static, super::connection::MultiBackend>;

fn filtered(filter: &ProductFilter) -> Query {
    let mut query = products::table.into_boxed();
    if let Some(category) = &filter.category {
        query = query.filter(products::category.eq(category.clone()));
    }
    if let Some(active) = filter.active {
        query = query.filter(products::is_active.eq(active));
    }
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
                .or(lower(products::product_type).like(p.clone()).escape('\\'))
                .or(lower(products::position).like(p.clone()).escape('\\'))
                .or(lower(products::application).like(p.clone()).escape('\\'))
                .or(lower(products::description).like(p.clone()).escape('\\'))
                .or(lower(products::brand).like(p.clone()).escape('\\'))
                .or(lower(products::part_number).like(p).escape('\\')),
        );
    }
    query
}

fn ordered(query: Query, sort: ProductSort) -> Query {
    match sort {
        ProductSort::Name => query.order((products::name.asc(), products::id.asc())),
        ProductSort::NameDesc => query.order((products::name.desc(), products::id.desc())),
        // Both backends put NULL at the same end only when asked to.
        ProductSort::Sku => query.order((
            products::sku.is_null().asc(),
            products::sku.asc(),
            products::id.asc(),
        )),
        ProductSort::Price => query.order((products::unit_price_cents.asc(), products::id.asc())),
        ProductSort::PriceDesc => {
            query.order((products::unit_price_cents.desc(), products::id.desc()))
        }
        ProductSort::Newest => query.order(products::id.desc()),
    }
}

/// A page of products matching `filter`: one count and one page query.
pub fn list_products(
    conn: &mut AnyConnection,
    filter: &ProductFilter,
    sort: ProductSort,
    page: PageRequest,
) -> Result<Page<ProductRow>, DbError> {
    let total = filtered(filter).count().get_result(conn)?;
    let items = ordered(filtered(filter), sort)
        .limit(page.size)
        .offset(page.offset())
        .select(ProductRow::as_select())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// Every product matching `filter`, for the CSV export, in one query.
pub fn all_products(
    conn: &mut AnyConnection,
    filter: &ProductFilter,
    sort: ProductSort,
) -> Result<Vec<ProductRow>, DbError> {
    Ok(ordered(filtered(filter), sort)
        .select(ProductRow::as_select())
        .load(conn)?)
}

pub fn find_product(conn: &mut AnyConnection, id: i32) -> Result<Option<ProductRow>, DbError> {
    Ok(products::table
        .find(id)
        .select(ProductRow::as_select())
        .first(conn)
        .optional()?)
}

/// The product that has `sku` (ignoring case), other than `except`.
pub fn product_with_sku(
    conn: &mut AnyConnection,
    sku: &str,
    except: Option<i32>,
) -> Result<Option<i32>, DbError> {
    let mut query = products::table
        .filter(lower(products::sku.assume_not_null()).eq(sku.trim().to_lowercase()))
        .select(products::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(products::id.ne(id));
    }
    Ok(query.first(conn).optional()?)
}

pub fn insert_product(conn: &mut AnyConnection, f: &ProductFields) -> Result<i32, DbError> {
    let at = now();
    Ok(diesel::insert_into(products::table)
        .values((f, products::created_at.eq(at), products::updated_at.eq(at)))
        .returning(products::id)
        .get_result(conn)?)
}

pub fn update_product(conn: &mut AnyConnection, id: i32, f: &ProductFields) -> Result<(), DbError> {
    diesel::update(products::table.find(id))
        .set((f, products::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Whether the product has stock movements, job lines or invoice lines, which must be kept.
pub fn product_has_history(conn: &mut AnyConnection, id: i32) -> Result<bool, DbError> {
    let moved = diesel::select(exists(
        inventory_transactions::table
            .inner_join(inventory::table)
            .filter(inventory::product_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    let used = diesel::select(exists(
        service_request_parts::table.filter(service_request_parts::product_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    let invoiced = diesel::select(exists(
        invoice_lines::table.filter(invoice_lines::product_id.eq(id)),
    ))
    .get_result::<bool>(conn)?;
    Ok(moved || used || invoiced)
}

/// Deletes the product and its (movement-free) stock rows; returns the removed stock row ids.
pub fn delete_product(conn: &mut AnyConnection, id: i32) -> Result<Vec<(i32, SiteId)>, DbError> {
    let rows: Vec<(i32, i32)> = inventory::table
        .filter(inventory::product_id.eq(id))
        .select((inventory::id, inventory::site_id))
        .load(conn)?;
    diesel::delete(inventory::table.filter(inventory::product_id.eq(id))).execute(conn)?;
    diesel::delete(products::table.find(id)).execute(conn)?;
    Ok(rows.into_iter().map(|(i, s)| (i, SiteId(s))).collect())
}

/// One site's stock of a product, for the product page.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct SiteStock {
    pub inventory_id: i32,
    pub site_id: i32,
    pub site_name: String,
    pub on_hand: i32,
    pub reserved: i32,
    pub reorder_level: i32,
    pub bin_location: String,
}

impl SiteStock {
    pub fn available(&self) -> i32 {
        (self.on_hand - self.reserved).max(0)
    }
}

/// The product's stock at the sites `scope` may see, in one query. Restricted rows are left
/// out for roles that may not see them.
pub fn stock_of(
    conn: &mut AnyConnection,
    scope: &Scope,
    product: i32,
) -> Result<Vec<SiteStock>, DbError> {
    let mut query = inventory::table
        .inner_join(sites::table)
        .filter(inventory::product_id.eq(product))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(inventory::site_id.eq(site.0));
    }
    if !scope.sees_restricted_stock() {
        query = query.filter(inventory::restricted.eq(false));
    }
    Ok(query
        .order(sites::name.asc())
        .select((
            inventory::id,
            inventory::site_id,
            sites::name,
            inventory::quantity_on_hand,
            inventory::quantity_reserved,
            inventory::reorder_level,
            inventory::bin_location,
        ))
        .load(conn)?)
}

/// A typeahead hit.
#[derive(Queryable, Clone, Debug)]
pub struct SearchHit {
    pub product: ProductRow,
    /// On hand − reserved at the asked site (when a site was given).
    pub available: Option<i32>,
}

/// What the typeahead is asked.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub q: String,
    pub site: Option<SiteId>,
    /// "Make Model": products whose application mentions it come first.
    pub vehicle: String,
    pub limit: i64,
}

/// Active products matching `q` by name, SKU and the other text fields; with a site, only
/// those stocked there (rows `scope` may see). Matches for the vehicle come first. One query.
pub fn search_products(
    conn: &mut AnyConnection,
    scope: &Scope,
    request: &SearchRequest,
) -> Result<Vec<SearchHit>, DbError> {
    let filter = ProductFilter {
        q: request.q.clone(),
        category: None,
        active: Some(true),
    };
    let vehicle = request.vehicle.trim().to_lowercase();
    let fits = |query: Query| {
        // Sorting on a boolean keeps one query: fitting products first, then by name.
        if vehicle.is_empty() {
            query.order((products::name.asc(), products::id.asc()))
        } else {
            query.order((
                lower(products::application)
                    .like(contains_pattern(&vehicle))
                    .escape('\\')
                    .desc(),
                products::name.asc(),
                products::id.asc(),
            ))
        }
    };
    let Some(site) = request.site else {
        let rows = fits(filtered(&filter))
            .limit(request.limit)
            .select(ProductRow::as_select())
            .load(conn)?;
        return Ok(rows
            .into_iter()
            .map(|product| SearchHit {
                product,
                available: None,
            })
            .collect());
    };
    // Restricted rows count only for roles that see them (`restricted = false OR restricted =
    // <sees>`), written unboxed because a boxed subquery does not work over both backends.
    let sees = scope.sees_restricted_stock();
    let stocked = inventory::table
        .filter(inventory::site_id.eq(site.0))
        .filter(
            inventory::restricted
                .eq(false)
                .or(inventory::restricted.eq(sees)),
        )
        .select(inventory::product_id);
    let rows: Vec<ProductRow> = fits(filtered(&filter).filter(products::id.eq_any(stocked)))
        .limit(request.limit)
        .select(ProductRow::as_select())
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let quantities: std::collections::HashMap<i32, i32> = inventory::table
        .filter(inventory::site_id.eq(site.0))
        .filter(inventory::product_id.eq_any(ids))
        .select((
            inventory::product_id,
            inventory::quantity_on_hand - inventory::quantity_reserved,
        ))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|product| {
            let available = quantities.get(&product.id).map(|q| (*q).max(0));
            SearchHit { product, available }
        })
        .collect())
}

/// The products whose SKU (ignoring case) is one of `skus`, keyed by lower-cased SKU, in one
/// query per thousand SKUs (bind-parameter limits).
pub fn products_by_skus(
    conn: &mut AnyConnection,
    skus: &[String],
) -> Result<std::collections::HashMap<String, ProductRow>, DbError> {
    let mut found = std::collections::HashMap::new();
    for chunk in skus.chunks(1000) {
        let wanted: Vec<String> = chunk.iter().map(|s| s.trim().to_lowercase()).collect();
        let rows = products::table
            .filter(lower(products::sku.assume_not_null()).eq_any(wanted))
            .select(ProductRow::as_select())
            .load(conn)?;
        for row in rows {
            if let Some(sku) = &row.sku {
                found.insert(sku.to_lowercase(), row);
            }
        }
    }
    Ok(found)
}

/// The products with these ids, in one query (a sale's lines shown again after an error).
pub fn products_by_ids(conn: &mut AnyConnection, ids: &[i32]) -> Result<Vec<ProductRow>, DbError> {
    Ok(products::table
        .filter(products::id.eq_any(ids))
        .select(ProductRow::as_select())
        .load(conn)?)
}
