//! The list envelope of the original API: `{count, next, previous, results}`, with absolute
//! links that keep the other query parameters.

use std::collections::HashMap;

use actix_web::HttpRequest;
use serde::Serialize;
use serde_json::{Value, json};

use crate::db::paging::{Page, PageRequest};

/// Query parameters as given; unknown ones are ignored and bad values fall back to defaults.
pub type Params = HashMap<String, String>;

/// The page request of `?page=&page_size=`.
pub fn page_request(params: &Params) -> PageRequest {
    PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    )
}

/// The trimmed value of a parameter, or "".
pub fn param<'a>(params: &'a Params, name: &str) -> &'a str {
    params.get(name).map(|v| v.trim()).unwrap_or("")
}

/// An id filter; anything unparseable matches nothing rather than everything.
pub fn id_param(params: &Params, names: &[&str]) -> Option<i32> {
    let raw = names
        .iter()
        .map(|n| param(params, n))
        .find(|v| !v.is_empty())?;
    Some(raw.parse().unwrap_or(-1))
}

/// A `YYYY-MM-DD` day; anything else is no filter.
pub fn date_param(params: &Params, name: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(param(params, name), "%Y-%m-%d").ok()
}

/// Wraps a page of DTOs in the envelope.
pub fn envelope<T: Serialize>(req: &HttpRequest, page: &Page<T>) -> Value {
    let link = |target: i64| {
        let info = req.connection_info();
        let mut pairs: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "page")
                .collect();
        pairs.push(("page".into(), target.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}://{}{}?{query}", info.scheme(), info.host(), req.path())
    };
    json!({
        "count": page.total,
        "next": page.has_next().then(|| link(page.page + 1)),
        "previous": page.has_previous().then(|| link(page.page - 1)),
        "results": page.items,
    })
}

/// The answer to a create or update: the row as JSON with `status`, or the error (field errors
/// become the 400 `{"field": ["message"]}`).
pub fn written<T>(
    result: Result<T, crate::services::fields::WriteError>,
    status: actix_web::http::StatusCode,
    dto: fn(&T) -> Value,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    let row = result?;
    Ok(actix_web::HttpResponse::build(status).json(dto(&row)))
}
