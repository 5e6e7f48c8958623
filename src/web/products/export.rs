//! `/products/export.csv`: every product the list's filters select, in the import's column
//! names, so an export can be edited and imported back. Cost only for management.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};

use super::list::ListQuery;
use crate::auth::current_user::CurrentUser;
use crate::db::products::{self, ProductRow};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::state::AppState;

/// A text cell a spreadsheet would run as a formula gets a leading apostrophe (the import
/// takes it off again).
pub fn spreadsheet_safe(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn csv_bytes(rows: &[ProductRow], sees_cost: bool) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 200 + 200));
    let mut header = vec![
        "name",
        "sku",
        "category",
        "unit_of_measure",
        "brand",
        "part_number",
        "fmsi_number",
        "product_type",
        "application",
        "position",
        "description",
        "unit_price",
    ];
    if sees_cost {
        header.push("cost_price");
    }
    header.push("is_active");
    out.write_record(&header)?;
    for r in rows {
        let mut record: Vec<String> = [
            &r.name,
            r.sku.as_deref().unwrap_or(""),
            &r.category,
            &r.unit_of_measure,
            &r.brand,
            &r.part_number,
            &r.fmsi_number,
            &r.product_type,
            &r.application,
            &r.position,
            &r.description,
        ]
        .iter()
        .map(|t| spreadsheet_safe(t))
        .collect();
        record.push(Money::from_cents(r.unit_price_cents).to_string());
        if sees_cost {
            let cost = r.cost_price_cents.map(|c| Money::from_cents(c).to_string());
            record.push(cost.unwrap_or_default());
        }
        record.push(r.is_active.to_string());
        out.write_record(&record)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

pub async fn export(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let query = ListQuery::from_params(&params);
    let (filter, sort) = (query.filter(), query.sort);
    let sees_cost = user.user.role.sees_cost_prices();
    // Loading and writing happen on the blocking pool; one query whatever the size.
    let body = state
        .db
        .read(move |c| {
            let rows = products::all_products(c, &filter, sort)?;
            Ok(csv_bytes(&rows, sees_cost))
        })
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"products.csv\"",
        ))
        .body(body))
}
