//! `/api/v1/invoices/`: read invoices, pay them (`PATCH {paid: true, payment_method}` pays the
//! balance; every other field is read-only), their payments, reversal and voiding. Invoices
//! are made by completion only (no POST, no DELETE).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::listing::{Params, date_param, envelope, id_param, page_request, param};
use crate::auth::current_user::CurrentUser;
use crate::db::invoice_list::{self, InvoiceFilter, InvoiceSort};
use crate::db::invoices::{self, InvoiceLine, InvoiceView, PaymentLine};
use crate::db::paging::Counting;
use crate::domain::money::Money;
use crate::error::{AppError, FieldErrors};
use crate::services::notify::Notify;
use crate::services::payments::{self, PaymentInput, require_invoice_reader};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/invoices/", web::get().to(list))
        .route("/invoices/", web::post().to(not_allowed))
        .route("/invoices/{id}/", web::get().to(retrieve))
        .route("/invoices/{id}/", web::patch().to(patch))
        .route("/invoices/{id}/", web::put().to(patch))
        .route("/invoices/{id}/", web::delete().to(not_allowed))
        .route("/invoices/{id}/payments/", web::get().to(payments_list))
        .route("/invoices/{id}/payments/", web::post().to(pay))
        .route("/invoices/{id}/reverse-payment/", web::post().to(reverse))
        .route("/invoices/{id}/void/", web::post().to(void));
}

async fn not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed().json(json!({
        "detail": "Invoices are made by completing a job and are never deleted; void one instead."
    }))
}

fn money(cents: i64) -> Money {
    Money::from_cents(cents)
}

fn payment_dto(p: &PaymentLine) -> Value {
    json!({
        "id": p.id, "amount": money(p.amount_cents.abs()), "is_reversal": p.amount_cents < 0,
        "signed_amount": if p.amount_cents < 0 { format!("-{}", money(-p.amount_cents)) } else { money(p.amount_cents).to_string() },
        "method": p.method, "reference": p.reference, "reason": p.reason,
        "tendered": p.tendered_cents.map(money), "received_by": p.received_by_name,
        "received_at": p.received_at.and_utc(),
    })
}

fn line_dto(l: &InvoiceLine) -> Value {
    json!({"kind": l.kind, "product": l.product_id, "description": l.description, "sku": l.sku,
        "quantity": l.quantity, "unit_price": money(l.unit_price_cents),
        "line_total": money(l.line_total_cents)})
}

/// An invoice with the original's field names and ours beside them (SPEC §6).
pub fn invoice_dto(v: &InvoiceView) -> Value {
    let i = &v.invoice;
    json!({
        "id": i.id, "display_number": i.display_number,
        "service_request": i.service_request_id, "service_request_display": v.job_number,
        "transaction_type": v.transaction_type,
        "customer": i.customer_id, "customer_name": v.customer_name(),
        "vehicle_display": v.vehicle_display(), "site": i.site_id, "site_name": v.site_name,
        "parts_total": money(i.parts_cents), "labour_total": money(i.labour_cents),
        "subtotal": money(i.subtotal_cents), "discount_amount": money(i.discount_cents),
        "tax_amount": money(i.tax_cents), "tax_rate_bp": i.tax_rate_bp,
        "total_cost": money(i.total_cents), "amount_paid": money(i.paid_cents),
        "balance": money(i.balance_cents()), "paid": i.is_paid(), "status": i.status,
        "promotion": i.promotion_id, "promotion_title": v.promotion_title,
        "void_reason": i.void_reason,
        "created_at": i.created_at.and_utc(), "updated_at": i.updated_at.and_utc(),
    })
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<Params>,
) -> Result<HttpResponse, AppError> {
    require_invoice_reader(&user.scope(None))?;
    let status = match param(&params, "paid").to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some("paid".to_owned()),
        "false" | "0" | "no" => Some("owing".to_owned()),
        _ => match param(&params, "status") {
            s @ ("unpaid" | "partially_paid" | "paid" | "void" | "owing") => Some(s.to_owned()),
            _ => None,
        },
    };
    let filter = InvoiceFilter {
        status,
        site: id_param(&params, &["site", "site_id"]),
        customer: id_param(&params, &["customer", "customer_id"]),
        from: date_param(&params, "date_from"),
        to: date_param(&params, "date_to"),
        number: param(&params, "number").to_owned(),
    };
    let sort = InvoiceSort::parse(param(&params, "ordering"));
    let (page, scope) = (page_request(&params), user.scope(None));
    let rows = state
        .db
        .read(move |c| invoice_list::list_invoices(c, &scope, &filter, sort, page, Counting::Exact))
        .await?;
    Ok(HttpResponse::Ok().json(envelope(&req, &rows.map(|v| invoice_dto(&v)))))
}

/// The invoice with its lines, payments and `payment_method` (of the latest payment).
async fn full(state: &AppState, user: &CurrentUser, id: i32) -> Result<Value, AppError> {
    let scope = user.scope(None);
    require_invoice_reader(&scope)?;
    let (view, lines, payments) = state
        .db
        .read(move |c| {
            let Some(view) = invoices::find_invoice(c, &scope, id)? else {
                return Ok(None);
            };
            let lines = invoices::lines_of(c, id)?;
            let payments = invoices::payments_of(c, id)?;
            Ok(Some((view, lines, payments)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let mut dto = invoice_dto(&view);
    dto["lines"] = json!(lines.iter().map(line_dto).collect::<Vec<_>>());
    dto["payments"] = json!(payments.iter().map(payment_dto).collect::<Vec<_>>());
    dto["payment_method"] = json!(
        payments
            .iter()
            .rev()
            .find(|p| p.amount_cents > 0)
            .map(|p| p.method.clone())
    );
    Ok(dto)
}

async fn retrieve(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(full(&state, &user, id.into_inner()).await?))
}

/// `PATCH {paid: true, payment_method}`: pays the balance. Any other field is read-only, and
/// nothing un-pays an invoice.
async fn patch(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<Value>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = body.into_inner();
    let Some(fields) = body.as_object() else {
        return Err(AppError::BadRequest("Send a JSON object.".into()));
    };
    let mut errors = FieldErrors::new();
    for key in fields.keys() {
        if key != "paid" && key != "payment_method" {
            errors.insert(
                key.clone(),
                vec![format!(
                    "{key} is read-only; invoices never change after completion."
                )],
            );
        }
    }
    let paid = fields.get("paid");
    match paid {
        Some(Value::Bool(true)) | None => {}
        Some(Value::Bool(false)) => {
            errors.insert(
                "paid".into(),
                vec![
                    "Nothing un-pays an invoice; a manager can reverse a payment with a reason."
                        .into(),
                ],
            );
        }
        Some(_) => {
            errors.insert("paid".into(), vec!["Must be true or false.".into()]);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if paid.is_none() {
        return Ok(HttpResponse::Ok().json(full(&state, &user, id).await?));
    }
    let method = fields
        .get("payment_method")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let input = PaymentInput {
        payment_method: Some(method.unwrap_or_default()),
        ..PaymentInput::default()
    };
    let notify = Notify::of(&state);
    let scope = user.scope(None);
    match payments::pay_invoice(&state.db, scope, user.actor(), id, input, notify).await {
        Ok(_) => {}
        // Already fully paid: `paid: true` is then simply true.
        Err(crate::services::fields::WriteError::Refused(AppError::BadRequest(m)))
            if m.ends_with("already paid in full.") => {}
        Err(e) => return Err(e.into()),
    }
    Ok(HttpResponse::Ok().json(full(&state, &user, id).await?))
}

async fn payments_list(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let dto = full(&state, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(dto["payments"].clone()))
}

async fn pay(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<PaymentInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let notify = Notify::of(&state);
    let taken = payments::pay_invoice(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        body.into_inner(),
        notify,
    )
    .await?;
    let mut dto = full(&state, &user, id).await?;
    dto["change"] = json!(taken.change_cents.map(money));
    Ok(HttpResponse::build(StatusCode::CREATED).json(dto))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReasonBody {
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    amount: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    reason: Option<String>,
}

async fn reverse(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let (amount, reason) = (
        body.amount.unwrap_or_default(),
        body.reason.unwrap_or_default(),
    );
    payments::reverse_payment(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        amount,
        reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(full(&state, &user, id).await?))
}

async fn void(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = body.into_inner().reason.unwrap_or_default();
    payments::void_invoice(&state.db, user.scope(None), user.actor(), id, reason).await?;
    Ok(HttpResponse::Ok().json(full(&state, &user, id).await?))
}
