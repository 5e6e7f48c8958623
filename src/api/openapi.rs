//! The OpenAPI 3 document at `/api/openapi.json` and a readable reference at `/api/docs/`,
//! both built from one table of operations (no CDN, works offline). Add each new route here;
//! a test calls every documented list route to keep the table honest.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::{Map, Value, json};

use crate::error::AppError;
use crate::web::shell::page;

/// One documented operation.
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Query parameters (lists) — all optional strings.
    pub query: &'static [&'static str],
    /// Whether it takes a JSON body.
    pub body: bool,
}

const LIST: &[&str] = &["page", "page_size"];

macro_rules! op {
    ($m:literal, $p:literal, $t:literal, $s:literal) => {
        Op {
            method: $m,
            path: $p,
            tag: $t,
            summary: $s,
            query: &[],
            body: false,
        }
    };
    ($m:literal, $p:literal, $t:literal, $s:literal, body) => {
        Op {
            method: $m,
            path: $p,
            tag: $t,
            summary: $s,
            query: &[],
            body: true,
        }
    };
    ($m:literal, $p:literal, $t:literal, $s:literal, query $q:expr) => {
        Op {
            method: $m,
            path: $p,
            tag: $t,
            summary: $s,
            query: $q,
            body: false,
        }
    };
}

#[rustfmt::skip]
pub const OPS: &[Op] = &[
    op!("post", "/auth/login/", "auth", "Exchange email and password for an access and a refresh token", body),
    op!("post", "/auth/refresh/", "auth", "Rotate a refresh token into a new pair (reuse revokes the family)", body),
    op!("post", "/auth/logout/", "auth", "Revoke a refresh token's family", body),
    op!("get", "/health/", "health", "Liveness and database check (503 when the database is down)"),
    op!("get", "/api/v1/me/", "me", "The signed-in user: role, site, permissions"),
    op!("get", "/api/v1/sites/", "sites", "List sites (site users: their own)", query &["search", "page", "page_size"]),
    op!("post", "/api/v1/sites/", "sites", "Create a site (superuser)", body),
    op!("get", "/api/v1/sites/{id}/", "sites", "A site"),
    op!("patch", "/api/v1/sites/{id}/", "sites", "Change a site (superuser; a manager their own)", body),
    op!("delete", "/api/v1/sites/{id}/", "sites", "Delete a site without history (superuser)"),
    op!("get", "/api/v1/customers/", "customers", "List customers", query &["search", "q", "ordering", "page", "page_size"]),
    op!("post", "/api/v1/customers/", "customers", "Create a customer", body),
    op!("get", "/api/v1/customers/walkin/", "customers", "The shared walk-in customer (created on first use)"),
    op!("get", "/api/v1/customers/{id}/", "customers", "A customer"),
    op!("patch", "/api/v1/customers/{id}/", "customers", "Change a customer", body),
    op!("delete", "/api/v1/customers/{id}/", "customers", "Delete a customer without history"),
    op!("get", "/api/v1/vehicles/", "vehicles", "List vehicles of the user's scope", query &["search", "q", "customer_id", "site_id", "ordering", "page", "page_size"]),
    op!("post", "/api/v1/vehicles/", "vehicles", "Register a vehicle (answer carries `warnings`)", body),
    op!("get", "/api/v1/vehicles/{id}/", "vehicles", "A vehicle"),
    op!("patch", "/api/v1/vehicles/{id}/", "vehicles", "Change a vehicle", body),
    op!("delete", "/api/v1/vehicles/{id}/", "vehicles", "Delete a vehicle without service history"),
    op!("get", "/api/v1/mechanics/", "mechanics", "List mechanics with open and completed job counts", query &["search", "site_id", "is_active", "page", "page_size"]),
    op!("post", "/api/v1/mechanics/", "mechanics", "Add a mechanic (superuser, manager)", body),
    op!("get", "/api/v1/mechanics/{id}/", "mechanics", "A mechanic"),
    op!("patch", "/api/v1/mechanics/{id}/", "mechanics", "Change a mechanic", body),
    op!("delete", "/api/v1/mechanics/{id}/", "mechanics", "Delete a mechanic without jobs or login"),
    op!("get", "/api/v1/users/", "users", "List staff accounts (superuser; manager: their site)", query &["search", "role", "is_active", "page", "page_size"]),
    op!("post", "/api/v1/users/", "users", "Create an account with a first password", body),
    op!("get", "/api/v1/users/{id}/", "users", "An account"),
    op!("patch", "/api/v1/users/{id}/", "users", "Change role, site, mechanic link or deactivate", body),
    op!("post", "/api/v1/users/{id}/reset-password/", "users", "Set a new password; ends the user's sessions", body),
    op!("post", "/api/v1/users/{id}/sign-out-everywhere/", "users", "End every session and token of the account"),
    op!("get", "/api/v1/products/", "products", "List the catalogue", query &["search", "q", "category", "is_active", "ordering", "page", "page_size"]),
    op!("post", "/api/v1/products/", "products", "Create a product (superuser)", body),
    op!("get", "/api/v1/products/search/", "products", "Typeahead: products, with availability at a site", query &["q", "site_id", "vehicle", "limit"]),
    op!("get", "/api/v1/products/{id}/", "products", "A product (cost and margin for management only)"),
    op!("patch", "/api/v1/products/{id}/", "products", "Change a product (superuser)", body),
    op!("delete", "/api/v1/products/{id}/", "products", "Delete a product without history (superuser)"),
    op!("get", "/api/v1/inventory/", "inventory", "Stock per site: on hand, reserved, available", query &["search", "site_id", "category", "stock_status", "ordering", "page", "page_size"]),
    op!("post", "/api/v1/inventory/", "inventory", "Stock a product at a site (manager, superuser)", body),
    op!("get", "/api/v1/inventory/low-stock/", "inventory", "Rows at or below their reorder level", query &["site_id", "page", "page_size"]),
    op!("get", "/api/v1/inventory/{id}/", "inventory", "A stock row"),
    op!("patch", "/api/v1/inventory/{id}/", "inventory", "Change reorder level, quantity, bin, restricted", body),
    op!("delete", "/api/v1/inventory/{id}/", "inventory", "Delete a stock row without movements"),
    op!("post", "/api/v1/inventory/{id}/receive/", "inventory", "Receive stock: quantity, unit cost, supplier reference", body),
    op!("post", "/api/v1/inventory/{id}/count/", "inventory", "Record a count; the difference is a movement", body),
    op!("post", "/api/v1/inventory/{id}/adjust/", "inventory", "Adjust by a signed quantity with a reason", body),
    op!("get", "/api/v1/inventory/{id}/transactions/", "inventory", "The row's movements, newest first"),
    op!("get", "/api/v1/service-requests/", "service requests", "List jobs and sales (newest first)", query &["status", "customer_id", "vehicle_id", "mechanic_id", "site_id", "parts_only", "transaction_type", "date_from", "date_to", "number", "page", "page_size"]),
    op!("post", "/api/v1/service-requests/", "service requests", "Open a job (with a vehicle) or a sale (without); never Completed", body),
    op!("get", "/api/v1/service-requests/{id}/", "service requests", "A job with its part and labour lines and running totals"),
    op!("patch", "/api/v1/service-requests/{id}/", "service requests", "Change an open job; status only by allowed moves; `labor_cost` replaces labour", body),
    op!("delete", "/api/v1/service-requests/{id}/", "service requests", "Delete an open job (completed and cancelled ones stay)"),
    op!("post", "/api/v1/service-requests/{id}/assign-mechanic/", "service requests", "Set or clear the mechanic (`mechanic_id`, of the job's site)", body),
    op!("post", "/api/v1/service-requests/{id}/complete/", "service requests", "Complete: stock, invoice, optional payment, messages — one transaction", body),
    op!("post", "/api/v1/service-requests/{id}/cancel/", "service requests", "Cancel an open job with a `reason`", body),
    op!("get", "/api/v1/service-categories/", "service requests", "Service categories with their types, in display order"),
    op!("post", "/api/v1/product-usage/", "service requests", "Add a part line: `service_request`, `product`, `quantity_used`", body),
    op!("get", "/api/v1/product-usage/{id}/", "service requests", "The part lines of service request {id}, with names and prices"),
    op!("get", "/api/v1/product-usage-item/{id}/", "service requests", "One part line"),
    op!("patch", "/api/v1/product-usage-item/{id}/", "service requests", "Change a line's quantity (and, front desk, unit price)", body),
    op!("delete", "/api/v1/product-usage-item/{id}/", "service requests", "Remove a part line of an open job"),
    op!("get", "/api/v1/invoices/", "invoices", "List invoices", query &["paid", "status", "date_from", "date_to", "site_id", "customer_id", "number", "ordering", "page", "page_size"]),
    op!("get", "/api/v1/invoices/{id}/", "invoices", "An invoice with frozen lines, payments, balance"),
    op!("patch", "/api/v1/invoices/{id}/", "invoices", "`{paid: true, payment_method}` pays the balance; other fields are read-only", body),
    op!("get", "/api/v1/invoices/{id}/payments/", "invoices", "The invoice's payments and reversals"),
    op!("post", "/api/v1/invoices/{id}/payments/", "invoices", "Record a payment (amount defaults to the balance; cash `tendered` gives change)", body),
    op!("post", "/api/v1/invoices/{id}/reverse-payment/", "invoices", "Reverse part of a payment with a reason (manager, superuser)", body),
    op!("post", "/api/v1/invoices/{id}/void/", "invoices", "Void with a reason (superuser); the number and record stay", body),
    op!("get", "/api/v1/messages/", "messages", "The outbox: every message with kind, channel, masked recipient, status, attempts", query &["status", "kind", "channel", "customer_id", "from", "to", "page", "page_size"]),
    op!("get", "/api/v1/messages/{id}/", "messages", "A message with its text"),
    op!("post", "/api/v1/messages/{id}/retry/", "messages", "Queue a failed message again (superuser, manager)"),
    op!("get", "/api/v1/promotions/", "promotions", "List promotions, latest start first (superuser, head office)", query &["page", "page_size"]),
    op!("post", "/api/v1/promotions/", "promotions", "Create a promotion: title, dates, discount_percent or discount_amount", body),
    op!("get", "/api/v1/promotions/active/", "promotions", "Promotions running today (anyone signed in)", query &["page", "page_size"]),
    op!("get", "/api/v1/promotions/{id}/", "promotions", "A promotion"),
    op!("patch", "/api/v1/promotions/{id}/", "promotions", "Change a promotion", body),
    op!("delete", "/api/v1/promotions/{id}/", "promotions", "Delete a promotion no invoice used"),
    op!("get", "/api/v1/promotions/{id}/sms-blast-preview/", "promotions", "Recipients, segments and sample text of a blast", query &["audience", "site_id", "message"]),
    op!("post", "/api/v1/promotions/{id}/sms-blast/", "promotions", "Send an SMS blast through the outbox: message, audience (marketing, site, reachable), site_id", body),
    op!("get", "/api/v1/promotions/sms-history/", "promotions", "SMS blasts, newest first, with sent, failed and skipped counts", query &["page", "page_size"]),
    op!("post", "/api/v1/notifications/promotions/trigger/", "promotions", "Run the promotions job now: {\"enqueued\": n}"),
];

fn operation(op: &Op) -> Value {
    let mut params: Vec<Value> = op
        .query
        .iter()
        .map(|name| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}}))
        .collect();
    if op.path.contains("{id}") {
        params.push(
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}),
        );
    }
    let ok = if op.query.iter().any(|q| LIST.contains(q)) {
        json!({"description": "A page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}})
    } else {
        json!({"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}})
    };
    let mut responses = Map::new();
    let success = match op.method {
        "delete" => "204",
        "post" if !op.path.contains('{') && op.path.starts_with("/api/") => "201",
        _ => "200",
    };
    responses.insert(success.into(), ok);
    for (code, why) in [
        ("400", "Invalid input: {field: [message]} or {detail}"),
        ("401", "Not signed in"),
        ("403", "Not allowed for this role"),
        ("404", "Not found, or another site's"),
    ] {
        responses.insert(code.into(), json!({"description": why, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}));
    }
    let mut value = json!({"tags": [op.tag], "summary": op.summary, "parameters": params, "responses": responses});
    if op.body {
        value["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
    }
    if !op.path.starts_with("/auth/") && op.path != "/health/" {
        value["security"] = json!([{"bearer": []}, {"session": []}]);
    }
    value
}

/// The whole document.
pub fn document() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for op in OPS {
        let entry = paths.entry(op.path).or_insert_with(|| json!({}));
        entry[op.method] = operation(op);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Workshop API", "version": env!("CARGO_PKG_VERSION"),
            "description": "Money is a decimal string (\"150.00\"). Lists are {count, next, previous, results} with ?page and ?page_size (max 500). Unknown or unparseable query parameters never fail."},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Access token from POST /auth/login/"},
                "session": {"type": "apiKey", "in": "cookie", "name": "id", "description": "The browser session; unsafe methods also need the X-CSRF-Token header"}
            },
            "schemas": {
                "Page": {"type": "object", "properties": {"count": {"type": "integer"}, "next": {"type": "string", "nullable": true}, "previous": {"type": "string", "nullable": true}, "results": {"type": "array", "items": {"type": "object"}}}},
                "Error": {"type": "object", "additionalProperties": true, "properties": {"detail": {"type": "string"}}}
            }
        }
    })
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

#[derive(Template)]
#[template(path = "api/docs.html")]
struct DocsPage {
    ops: &'static [Op],
}

pub async fn docs() -> Result<HttpResponse, AppError> {
    page(&DocsPage { ops: OPS })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .route("/api/docs/", web::get().to(docs));
}
