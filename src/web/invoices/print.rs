//! The printable documents: the A4 invoice and the 80 mm receipt, standalone pages (no
//! sidebar, no navigation) with their own print stylesheet. Staff open them from the invoice;
//! customers open the same documents through the public link (`share.rs`).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::detail::load;
use super::document::Document;
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::shell::render;

/// The links in a document's toolbar (not printed).
pub struct DocLinks {
    /// Back to the invoice's page, for staff only: a customer's view links nowhere inside.
    pub back: Option<String>,
    /// The other document (receipt ↔ invoice).
    pub other: String,
    pub other_label: &'static str,
}

#[derive(Template)]
#[template(path = "print/invoice.html")]
pub struct InvoicePrint {
    pub doc: Document,
    pub links: DocLinks,
    /// `?print=1`: shown as printed (the toolbar hidden), for a look without a printer.
    pub preview: bool,
}

#[derive(Template)]
#[template(path = "print/receipt.html")]
pub struct ReceiptPrint {
    pub doc: Document,
    pub links: DocLinks,
    pub preview: bool,
}

/// Whether `?print=1` asks for the printed look.
pub fn preview(params: &HashMap<String, String>) -> bool {
    params.get("print").is_some_and(|v| v == "1")
}

/// A document answer: never cached, since it shows what is owed right now.
pub fn document(template: &impl Template) -> Result<HttpResponse, AppError> {
    let mut response = render(actix_web::http::StatusCode::OK, template)?;
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn a4(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (_, doc) = load(&state, &user, id).await?;
    document(&InvoicePrint {
        doc,
        links: DocLinks {
            back: Some(format!("/invoices/{id}")),
            other: format!("/invoices/{id}/receipt"),
            other_label: "Receipt",
        },
        preview: preview(&params),
    })
}

pub async fn receipt(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (_, doc) = load(&state, &user, id).await?;
    document(&ReceiptPrint {
        doc,
        links: DocLinks {
            back: Some(format!("/invoices/{id}")),
            other: format!("/invoices/{id}/print"),
            other_label: "A4 invoice",
        },
        preview: preview(&params),
    })
}
