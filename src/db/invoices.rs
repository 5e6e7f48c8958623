//! Invoices, their frozen lines and their payments. Amounts never change after creation; only
//! payments (and voiding) move `paid_cents` and `status`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    customers, invoice_lines, invoices, payments, promotions, service_requests, sites, users,
    vehicles,
};
use super::scope::Scope;
use super::{AnyConnection, DbError, now};
use crate::domain::ids::UserId;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: i32,
    pub display_number: String,
    pub service_request_id: i32,
    pub site_id: i32,
    pub customer_id: i32,
    pub parts_cents: i64,
    pub labour_cents: i64,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    pub paid_cents: i64,
    pub tax_rate_bp: i32,
    pub promotion_id: Option<i32>,
    pub status: String,
    pub void_reason: Option<String>,
    pub voided_at: Option<NaiveDateTime>,
    pub public_token: Option<String>,
    pub public_token_revoked_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
}

impl InvoiceRow {
    /// What is still owed (never negative).
    pub fn balance_cents(&self) -> i64 {
        balance_cents(&self.status, self.total_cents, self.paid_cents)
    }

    pub fn is_paid(&self) -> bool {
        self.status == "paid"
    }

    /// The token of a live public link.
    pub fn live_token(&self) -> Option<&str> {
        match self.public_token_revoked_at {
            None => self.public_token.as_deref(),
            Some(_) => None,
        }
    }
}

/// What is still owed of an invoice in `status` (never negative; nothing once void).
pub fn balance_cents(status: &str, total_cents: i64, paid_cents: i64) -> i64 {
    if status == "void" {
        0
    } else {
        (total_cents - paid_cents).max(0)
    }
}

/// The status that follows from what has been paid.
pub fn status_for(total_cents: i64, paid_cents: i64) -> &'static str {
    if paid_cents >= total_cents {
        "paid"
    } else if paid_cents > 0 {
        "partially_paid"
    } else {
        "unpaid"
    }
}

/// An invoice with everything its pages, prints and JSON show, read in one query.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct InvoiceView {
    #[diesel(embed)]
    pub invoice: InvoiceRow,
    pub job_number: String,
    pub transaction_type: String,
    pub customer_first_name: String,
    pub customer_last_name: String,
    pub customer_phone: String,
    pub customer_email: Option<String>,
    pub customer_is_walk_in: bool,
    pub site_name: String,
    pub site_address: String,
    pub site_phone: String,
    pub site_timezone: String,
    pub site_footer: String,
    pub vehicle_make: Option<String>,
    pub vehicle_model: Option<String>,
    pub vehicle_plate: Option<String>,
    pub promotion_title: Option<String>,
}

impl InvoiceView {
    pub fn customer_name(&self) -> String {
        super::jobs::person_name(&self.customer_first_name, &self.customer_last_name)
    }

    pub fn vehicle_display(&self) -> String {
        vehicle_column(&self.vehicle_make, &self.vehicle_model, &self.vehicle_plate)
    }
}

/// An invoice's vehicle column: "Make Model (PLATE)", or "Sales" for a counter sale, as the
/// original showed it.
pub fn vehicle_column(
    make: &Option<String>,
    model: &Option<String>,
    plate: &Option<String>,
) -> String {
    super::jobs::vehicle_title(make, model, plate).unwrap_or_else(|| "Sales".into())
}

/// Flat LEFT JOINs throughout, as in `job_view_query!`: the rows exist (foreign keys), and
/// SQLite then always drives a page from the invoices' own index in the list's order (a
/// nested `(jobs JOIN vehicles)` would be materialised whole first).
macro_rules! invoice_names_query {
    () => {
        invoices::table
            .left_join(service_requests::table)
            .left_join(vehicles::table.on(vehicles::id.nullable().eq(service_requests::vehicle_id)))
            .left_join(customers::table)
            .left_join(sites::table)
    };
}

/// The names, and the promotion the invoice applied (the list shows no promotion and reads
/// `invoice_names_query!` alone).
macro_rules! invoice_view_query {
    () => {
        invoice_names_query!().left_join(promotions::table)
    };
}

macro_rules! invoice_view_columns {
    () => {
        (
            $crate::db::invoices::InvoiceRow::as_select(),
            service_requests::display_number
                .nullable()
                .assume_not_null(),
            service_requests::transaction_type
                .nullable()
                .assume_not_null(),
            customers::first_name.nullable().assume_not_null(),
            customers::last_name.nullable().assume_not_null(),
            customers::phone.nullable().assume_not_null(),
            customers::email.nullable(),
            customers::is_walk_in.nullable().assume_not_null(),
            sites::name.nullable().assume_not_null(),
            sites::address.nullable().assume_not_null(),
            sites::phone.nullable().assume_not_null(),
            sites::timezone.nullable().assume_not_null(),
            sites::invoice_footer.nullable().assume_not_null(),
            vehicles::make.nullable(),
            vehicles::model.nullable(),
            vehicles::license_plate.nullable(),
            promotions::title.nullable(),
        )
    };
}
pub(crate) use {invoice_names_query, invoice_view_columns, invoice_view_query};

/// An invoice the scope may see.
pub fn find_invoice(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Option<InvoiceView>, DbError> {
    let mut query = invoice_view_query!()
        .filter(invoices::id.eq(id))
        .into_boxed();
    if let Some(site) = scope.bound_site() {
        query = query.filter(invoices::site_id.eq(site.0));
    }
    Ok(query
        .select(invoice_view_columns!())
        .first(conn)
        .optional()?)
}

/// The invoice behind a live public link (no scope: the token is the permission).
pub fn find_by_token(
    conn: &mut AnyConnection,
    token: &str,
) -> Result<Option<InvoiceView>, DbError> {
    Ok(invoice_view_query!()
        .filter(invoices::public_token.eq(token))
        .filter(invoices::public_token_revoked_at.is_null())
        .select(invoice_view_columns!())
        .first(conn)
        .optional()?)
}

/// The invoice of a completed job, if any.
pub fn invoice_of_job(conn: &mut AnyConnection, job: i32) -> Result<Option<InvoiceRow>, DbError> {
    Ok(invoices::table
        .filter(invoices::service_request_id.eq(job))
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()?)
}

/// The stored row, locked until the transaction ends.
pub fn lock_invoice(conn: &mut AnyConnection, id: i32) -> Result<Option<InvoiceRow>, DbError> {
    let query = || invoices::table.find(id);
    Ok(match conn {
        AnyConnection::Postgresql(c) => query()
            .select(InvoiceRow::as_select())
            .for_update()
            .first(c)
            .optional()?,
        AnyConnection::Sqlite(c) => query()
            .select(InvoiceRow::as_select())
            .first(c)
            .optional()?,
    })
}

/// Gives a just-inserted invoice its display number (see `invoice_number::number_invoice`).
pub fn set_display_number(conn: &mut AnyConnection, id: i32, number: &str) -> Result<(), DbError> {
    diesel::update(invoices::table.find(id))
        .set(invoices::display_number.eq(number))
        .execute(conn)?;
    Ok(())
}

/// Every column is written, `None` as NULL, so the insert's text never changes and Diesel
/// keeps it prepared (it writes `DEFAULT` for a skipped column otherwise).
#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = invoices, treat_none_as_null = true)]
pub struct NewInvoice {
    pub display_number: String,
    pub service_request_id: i32,
    pub site_id: i32,
    pub customer_id: i32,
    pub parts_cents: i64,
    pub labour_cents: i64,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
    /// A payment taken at completion is in it from the start (no update after).
    pub paid_cents: i64,
    pub tax_rate_bp: i32,
    pub promotion_id: Option<i32>,
    pub status: String,
    pub public_token: Option<String>,
}

impl NewInvoice {
    /// The row as [`insert_invoice`] wrote it with `id` at `at`: what a completion works on
    /// without reading back the invoice it has just written (and so holds locked).
    pub fn written(&self, id: i32, at: NaiveDateTime) -> InvoiceRow {
        InvoiceRow {
            id,
            display_number: self.display_number.clone(),
            service_request_id: self.service_request_id,
            site_id: self.site_id,
            customer_id: self.customer_id,
            parts_cents: self.parts_cents,
            labour_cents: self.labour_cents,
            subtotal_cents: self.subtotal_cents,
            discount_cents: self.discount_cents,
            tax_cents: self.tax_cents,
            total_cents: self.total_cents,
            paid_cents: self.paid_cents,
            tax_rate_bp: self.tax_rate_bp,
            promotion_id: self.promotion_id,
            status: self.status.clone(),
            void_reason: None,
            voided_at: None,
            public_token: self.public_token.clone(),
            public_token_revoked_at: None,
            created_at: at,
            updated_at: at,
        }
    }
}

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = invoice_lines)]
pub struct InvoiceLine {
    pub kind: String,
    pub product_id: Option<i32>,
    pub description: String,
    pub sku: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
    pub position: i32,
}

pub fn insert_invoice(
    conn: &mut AnyConnection,
    invoice: &NewInvoice,
    lines: &[InvoiceLine],
    at: NaiveDateTime,
) -> Result<i32, DbError> {
    let id: i32 = diesel::insert_into(invoices::table)
        .values((
            invoice,
            invoices::created_at.eq(at),
            invoices::updated_at.eq(at),
        ))
        .returning(invoices::id)
        .get_result(conn)?;
    if !lines.is_empty() {
        insert_lines(conn, id, lines)?;
    }
    Ok(id)
}

/// An invoice's lines in one statement of fixed text on either database, so it stays prepared
/// (`db::prepared`): the rows travel as one JSON array. Diesel's multi-row insert is planned
/// afresh on every call on PostgreSQL, and on SQLite is a statement per row in a savepoint.
fn insert_lines(
    conn: &mut AnyConnection,
    invoice: i32,
    lines: &[InvoiceLine],
) -> Result<(), DbError> {
    use super::prepared::{bind, execute_on_either, json_rows};
    use diesel::sql_types::{Integer, Text};
    let binds = (
        bind::<Integer, _>(invoice),
        bind::<Text, _>(json_rows(lines)?),
    );
    execute_on_either(conn, INSERT_LINES_POSTGRES, INSERT_LINES_SQLITE, binds)?;
    Ok(())
}

const INSERT_LINES_POSTGRES: &str = "INSERT INTO invoice_lines (invoice_id, kind, product_id, \
     description, sku, quantity, unit_price_cents, line_total_cents, position) \
     SELECT ?, r.kind, r.product_id, r.description, r.sku, r.quantity, r.unit_price_cents, \
       r.line_total_cents, r.position \
     FROM jsonb_to_recordset(CAST(? AS jsonb)) AS r(kind text, product_id integer, \
       description text, sku text, quantity integer, unit_price_cents bigint, \
       line_total_cents bigint, position integer)";

/// `json_each` gives the array's elements in order; `->>` answers a JSON number as an
/// integer and `null` as NULL.
const INSERT_LINES_SQLITE: &str = "INSERT INTO invoice_lines (invoice_id, kind, product_id, \
     description, sku, quantity, unit_price_cents, line_total_cents, position) \
     SELECT ?, value ->> 'kind', value ->> 'product_id', value ->> 'description', \
       value ->> 'sku', value ->> 'quantity', value ->> 'unit_price_cents', \
       value ->> 'line_total_cents', value ->> 'position' \
     FROM json_each(?)";

pub fn lines_of(conn: &mut AnyConnection, invoice: i32) -> Result<Vec<InvoiceLine>, DbError> {
    Ok(invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(invoice))
        .order(invoice_lines::position.asc())
        .select(InvoiceLine::as_select())
        .load(conn)?)
}

/// A payment with the name of who took it.
#[derive(Queryable, Serialize, Clone, Debug)]
pub struct PaymentLine {
    pub id: i32,
    pub invoice_id: i32,
    pub amount_cents: i64,
    pub method: String,
    pub reference: String,
    pub reason: String,
    pub tendered_cents: Option<i64>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub received_at: NaiveDateTime,
    pub received_by_name: Option<String>,
}

impl PaymentLine {
    /// The cash handed back: what was tendered beyond the amount (a reversal has none).
    pub fn change_cents(&self) -> Option<i64> {
        self.tendered_cents
            .filter(|_| self.amount_cents > 0)
            .map(|t| t - self.amount_cents)
    }
}

pub fn payments_of(conn: &mut AnyConnection, invoice: i32) -> Result<Vec<PaymentLine>, DbError> {
    Ok(payments::table
        .left_join(users::table)
        .filter(payments::invoice_id.eq(invoice))
        .order(payments::id.asc())
        .select((
            payments::id,
            payments::invoice_id,
            payments::amount_cents,
            payments::method,
            payments::reference,
            payments::reason,
            payments::tendered_cents,
            payments::received_at,
            users::name.nullable(),
        ))
        .load(conn)?)
}

/// A payment (or, negative, a reversal) to record.
pub struct NewPayment<'a> {
    pub amount_cents: i64,
    pub method: &'a str,
    pub reference: &'a str,
    pub reason: &'a str,
    pub tendered_cents: Option<i64>,
    pub by: UserId,
}

/// Records the payment and the invoice's new paid amount and status, on a locked invoice.
pub fn record_payment(
    conn: &mut AnyConnection,
    invoice: &InvoiceRow,
    payment: &NewPayment<'_>,
) -> Result<i32, DbError> {
    let at = now();
    let id = insert_payment(conn, invoice.id, payment, at)?;
    let paid = invoice.paid_cents + payment.amount_cents;
    // A void invoice stays void: money handed back on it (a reversal) must not revive it.
    let status = if invoice.status == "void" {
        "void"
    } else {
        status_for(invoice.total_cents, paid)
    };
    diesel::update(invoices::table.find(invoice.id))
        .set((
            invoices::paid_cents.eq(paid),
            invoices::status.eq(status),
            invoices::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The payment's row alone: for an invoice written with this payment already in its paid
/// amount and status (a payment taken at completion), or by [`record_payment`].
pub fn insert_payment(
    conn: &mut AnyConnection,
    invoice_id: i32,
    payment: &NewPayment<'_>,
    at: NaiveDateTime,
) -> Result<i32, DbError> {
    Ok(diesel::insert_into(payments::table)
        .values((
            payments::invoice_id.eq(invoice_id),
            payments::amount_cents.eq(payment.amount_cents),
            payments::method.eq(payment.method),
            payments::reference.eq(payment.reference),
            payments::reason.eq(payment.reason),
            payments::tendered_cents.eq(payment.tendered_cents),
            payments::received_by.eq(payment.by.0),
            payments::received_at.eq(at),
            payments::created_at.eq(at),
        ))
        .returning(payments::id)
        .get_result(conn)?)
}

pub fn void_invoice(
    conn: &mut AnyConnection,
    id: i32,
    reason: &str,
    by: UserId,
) -> Result<(), DbError> {
    let at = now();
    diesel::update(invoices::table.find(id))
        .set((
            invoices::status.eq("void"),
            invoices::void_reason.eq(reason),
            invoices::voided_at.eq(at),
            invoices::voided_by.eq(by.0),
            invoices::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A new public link (replacing a revoked one) or revoking the current one.
pub fn set_public_token(
    conn: &mut AnyConnection,
    id: i32,
    token: Option<&str>,
) -> Result<(), DbError> {
    let at = now();
    let target = invoices::table.find(id);
    match token {
        Some(token) => diesel::update(target)
            .set((
                invoices::public_token.eq(token),
                invoices::public_token_revoked_at.eq(None::<NaiveDateTime>),
                invoices::updated_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                invoices::public_token_revoked_at.eq(at),
                invoices::updated_at.eq(at),
            ))
            .execute(conn)?,
    };
    Ok(())
}
