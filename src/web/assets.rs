//! Static files are compiled into the binary, so `workshop` runs from any directory and a
//! deployment is one file. Versioned vendor files are cached for a year; our own files are
//! revalidated with an ETag, so a new release shows at once.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The htmx build the templates load; bump together with the file in `static/`.
pub const HTMX_FILE: &str = "htmx-2.0.11.min.js";

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
    immutable: bool,
}

const FILES: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/app.css"),
        immutable: false,
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/app.js"),
        immutable: false,
    },
    Asset {
        name: "jobs.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/jobs.css"),
        immutable: false,
    },
    Asset {
        name: "pos.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/pos.js"),
        immutable: false,
    },
    Asset {
        name: "icons.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/icons.svg"),
        immutable: false,
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
        immutable: false,
    },
    Asset {
        name: "documents.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/documents.css"),
        immutable: false,
    },
    Asset {
        name: "documents.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/documents.js"),
        immutable: false,
    },
    Asset {
        name: HTMX_FILE,
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/htmx-2.0.11.min.js"),
        immutable: true,
    },
];

/// ETags of every file, computed once.
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|f| format!("\"{}\"", &hex::encode(Sha256::digest(f.bytes))[..16]))
        .collect()
});

/// `GET /static/{file}`
pub async fn serve(req: HttpRequest, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let index = FILES
        .iter()
        .position(|f| f.name == file.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(respond(&req, index))
}

/// `GET /favicon.ico`: browsers ask for it whatever the page says.
pub async fn favicon(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let index = FILES
        .iter()
        .position(|f| f.name == "favicon.svg")
        .ok_or(AppError::NotFound)?;
    Ok(respond(&req, index))
}

fn respond(req: &HttpRequest, index: usize) -> HttpResponse {
    let (asset, etag) = (&FILES[index], &ETAGS[index]);
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CONTENT_TYPE, asset.content_type));
    if unchanged {
        response.finish()
    } else {
        response.body(asset.bytes)
    }
}
