//! The public link (SPEC §4): `/share/{token}` shows the A4 invoice and `/share/{token}/receipt`
//! the receipt, to anyone holding a live token, without signing in. Nothing else is exposed:
//! no ids, no links into the staff pages, and a revoked or unknown token gets the same
//! friendly 404, which says nothing about whether the invoice exists. Answers are never
//! cached, never indexed and never send the token on as a referrer.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};
use askama::Template;

use super::document::{Branding, Document};
use super::print::{DocLinks, InvoicePrint, ReceiptPrint, preview};
use crate::db::invoices;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::shell::render;

#[derive(Template)]
#[template(path = "print/missing.html")]
struct Missing {
    business_name: String,
}

/// The longest token looked up; ours are shorter, anything longer is not one.
const MAX_TOKEN: usize = 128;

/// The privacy headers every answer under `/share/` carries.
fn private(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn find(state: &AppState, token: String) -> Result<Option<Document>, AppError> {
    let token = token.trim().to_owned();
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Ok(None);
    }
    let found = state
        .db
        .read(move |c| {
            let Some(view) = invoices::find_by_token(c, &token)? else {
                return Ok(None);
            };
            let lines = invoices::lines_of(c, view.invoice.id)?;
            let payments = invoices::payments_of(c, view.invoice.id)?;
            Ok(Some((view, lines, payments)))
        })
        .await?;
    Ok(found.map(|(view, lines, payments)| {
        Document::build(&view, &lines, &payments, Branding::of(&state.settings))
    }))
}

fn missing(state: &AppState) -> Result<HttpResponse, AppError> {
    let page = Missing {
        business_name: state.settings.business_name.clone(),
    };
    Ok(private(render(StatusCode::NOT_FOUND, &page)?))
}

pub async fn a4(
    state: web::Data<AppState>,
    token: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(doc) = find(&state, token.clone()).await? else {
        return missing(&state);
    };
    let links = DocLinks {
        back: None,
        other: format!("/share/{token}/receipt"),
        other_label: "Receipt",
    };
    let page = InvoicePrint {
        doc,
        links,
        preview: preview(&params),
    };
    Ok(private(render(StatusCode::OK, &page)?))
}

pub async fn receipt(
    state: web::Data<AppState>,
    token: web::Path<String>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let Some(doc) = find(&state, token.clone()).await? else {
        return missing(&state);
    };
    let links = DocLinks {
        back: None,
        other: format!("/share/{token}"),
        other_label: "A4 invoice",
    };
    let page = ReceiptPrint {
        doc,
        links,
        preview: preview(&params),
    };
    Ok(private(render(StatusCode::OK, &page)?))
}

/// `GET /logo`: the business logo (`WORKSHOP_LOGO_PATH`), public since customers' documents
/// show it. An SVG may hold script, so it is served under a policy that runs none.
pub async fn logo(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let logo = state.settings.logo.as_ref().ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, logo.content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(logo.bytes.to_vec()))
}
