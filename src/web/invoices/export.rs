//! `/invoices/export.csv`: the list's invoices (same filters, same sort, same scope) as CSV,
//! streamed a batch at a time, so 50,000 invoices never sit in memory at once. Money is a
//! decimal string ("1234.50"); a text cell a spreadsheet would run as a formula gets a
//! leading apostrophe (reference §9 item 13).

use std::collections::HashMap;

use actix_session::Session;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use super::list::ListQuery;
use crate::auth::current_user::CurrentUser;
use crate::db::invoice_list::{self, After, InvoiceFilter, InvoiceSort};
use crate::db::invoices::InvoiceView;
use crate::db::scope::Scope;
use crate::db::{Db, DbError};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::dates::local_time;
use crate::web::shell;

/// Rows read and written per batch.
const BATCH: i64 = 500;

const HEADER: [&str; 15] = [
    "invoice",
    "job",
    "type",
    "date",
    "customer",
    "vehicle",
    "site",
    "subtotal",
    "discount",
    "tax",
    "total",
    "paid",
    "balance",
    "status",
    "void_reason",
];

/// A text cell that a spreadsheet would run as a formula, made inert with a leading
/// apostrophe: the same rule as the product export's.
pub use crate::web::products::export::spreadsheet_safe;

fn record(v: &InvoiceView) -> Vec<String> {
    let i = &v.invoice;
    let m = |cents: i64| Money::from_cents(cents).to_string();
    let texts = [
        i.display_number.clone(),
        v.job_number.clone(),
        v.transaction_type.clone(),
        local_time(i.created_at, &v.site_timezone),
        v.customer_name(),
        v.vehicle_display(),
        v.site_name.clone(),
    ];
    let mut row: Vec<String> = texts.iter().map(|t| spreadsheet_safe(t)).collect();
    row.extend([
        m(i.subtotal_cents),
        m(i.discount_cents),
        m(i.tax_cents),
        m(i.total_cents),
        m(i.paid_cents),
        m(i.balance_cents()),
        i.status.clone(),
        spreadsheet_safe(i.void_reason.as_deref().unwrap_or("")),
    ]);
    row
}

fn csv_bytes(rows: &[InvoiceView], header: bool) -> Result<Bytes, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160 + 160));
    if header {
        out.write_record(HEADER)?;
    }
    for row in rows {
        out.write_record(record(row))?;
    }
    out.into_inner()
        .map(Bytes::from)
        .map_err(|e| e.into_error().into())
}

/// Where the export stands between two batches.
struct Cursor {
    db: Db,
    scope: Scope,
    filter: InvoiceFilter,
    sort: InvoiceSort,
    after: Option<After>,
    first: bool,
    done: bool,
}

/// The next batch as CSV, or `None` at the end.
async fn next_chunk(mut cursor: Cursor) -> Option<(Result<Bytes, AppError>, Cursor)> {
    if cursor.done {
        return None;
    }
    let (scope, filter, sort, after) = (
        cursor.scope,
        cursor.filter.clone(),
        cursor.sort,
        cursor.after,
    );
    let batch = cursor
        .db
        .read(move |c| invoice_list::export_batch(c, &scope, &filter, sort, after, BATCH))
        .await;
    let rows = match batch {
        Ok(rows) => rows,
        Err(e) => {
            return Some((
                Err(failed(e)),
                Cursor {
                    done: true,
                    ..cursor
                },
            ));
        }
    };
    cursor.done = (rows.len() as i64) < BATCH;
    cursor.after = rows.last().map(|r| After::row(r, sort));
    let bytes = csv_bytes(&rows, cursor.first)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("CSV export failed: {e}")));
    cursor.first = false;
    Some((bytes, cursor))
}

fn failed(e: DbError) -> AppError {
    tracing::error!(error = %e, "invoice export stopped");
    AppError::Db(e)
}

pub async fn export(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let query = ListQuery::from_params(&params, shell::selected_site(&session));
    let cursor = Cursor {
        db: state.db.clone(),
        scope: user.scope(None),
        filter: query.filter(user.user.role.sees_all_sites()),
        sort: query.sort,
        after: None,
        first: true,
        done: false,
    };
    let stream = futures_util::stream::unfold(cursor, next_chunk);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"invoices.csv\"",
        ))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(stream))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_kept() {
        for bad in ["=1+1", "+44", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"));
        }
        assert_eq!(spreadsheet_safe("Ama Mensah"), "Ama Mensah");
        assert_eq!(spreadsheet_safe(""), "");
    }
}
