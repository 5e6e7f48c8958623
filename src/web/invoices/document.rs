//! An invoice as people read it, on its page, on paper and behind its public link: every
//! amount and date already formatted (money in the business's currency, times in the site's
//! timezone), so the templates only place text. Built from the frozen lines and the stored
//! totals, never from today's prices (reference §9 items 21, 22): tax is a line of the bill
//! and part of its total.

use rust_decimal::Decimal;

use crate::config::Settings;
use crate::db::invoices::{InvoiceLine, InvoiceView, PaymentLine};
use crate::services::payments::method_label;
use crate::web::dates::{local_date, local_time};

/// What the business prints on every document.
pub struct Branding {
    pub business_name: String,
    pub tax_id: Option<String>,
    pub has_logo: bool,
    pub currency: String,
}

impl Branding {
    pub fn of(settings: &Settings) -> Self {
        Self {
            business_name: settings.business_name.clone(),
            tax_id: settings.tax_id.clone(),
            has_logo: settings.logo.is_some(),
            currency: settings.currency.clone(),
        }
    }
}

/// A line of the bill.
pub struct LineRow {
    pub description: String,
    /// SKU or part number; empty for labour.
    pub sku: String,
    pub quantity: i32,
    pub unit_price: String,
    pub amount: String,
    pub is_labour: bool,
}

/// A payment or a reversal.
pub struct PaymentRow {
    pub when: String,
    pub method: &'static str,
    pub reference: String,
    pub amount: String,
    pub tendered: Option<String>,
    pub change: Option<String>,
    pub by: String,
    pub reason: String,
    pub is_reversal: bool,
}

/// A labelled amount of the totals block.
pub struct TotalRow {
    pub label: String,
    pub amount: String,
}

pub struct Document {
    pub number: String,
    pub job_number: String,
    pub is_sale: bool,
    pub date: String,
    pub date_time: String,
    /// `unpaid`, `partially_paid`, `paid` or `void`.
    pub status: String,
    pub void_reason: Option<String>,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: Option<String>,
    pub is_walk_in: bool,
    pub vehicle: Option<String>,
    pub site_name: String,
    pub site_address: String,
    pub site_phone: String,
    pub footer: String,
    pub brand: Branding,
    pub lines: Vec<LineRow>,
    pub subtotal: String,
    pub discount: Option<TotalRow>,
    pub tax: Option<TotalRow>,
    pub total: String,
    pub paid: String,
    pub balance: String,
    pub balance_cents: i64,
    pub paid_cents: i64,
    pub payments: Vec<PaymentRow>,
}

/// "1,234.50" (and "-12.00"): whole units grouped by thousands, always two decimals.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::with_capacity(units.len() + units.len() / 3);
    for (i, digit) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// A rate in basis points as a percentage: 1600 → "16%", 750 → "7.5%".
pub fn percent(bp: i32) -> String {
    format!("{}%", Decimal::new(i64::from(bp), 2).normalize())
}

/// What staff call a stored status.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "paid" => "Paid",
        "partially_paid" => "Partially paid",
        "unpaid" => "Unpaid",
        "void" => "Void",
        _ => "Unknown",
    }
}

/// The badge colour of a status.
pub fn status_badge(status: &str) -> &'static str {
    match status {
        "paid" => "badge-success",
        "partially_paid" => "badge-warning",
        "unpaid" => "badge-danger",
        _ => "badge-neutral",
    }
}

/// The job or sale page of an invoice's job.
pub fn job_path(view: &InvoiceView) -> String {
    let is_sale = view.transaction_type == "sale";
    crate::web::jobs::job_path(is_sale, view.invoice.service_request_id)
}

fn line_row(line: &InvoiceLine) -> LineRow {
    LineRow {
        description: line.description.clone(),
        sku: line.sku.clone(),
        quantity: line.quantity,
        unit_price: money(line.unit_price_cents),
        amount: money(line.line_total_cents),
        is_labour: line.kind == "labour",
    }
}

fn payment_row(p: &PaymentLine, timezone: &str) -> PaymentRow {
    PaymentRow {
        when: local_time(p.received_at, timezone),
        method: method_label(&p.method),
        reference: p.reference.clone(),
        amount: money(p.amount_cents),
        tendered: p.tendered_cents.map(money),
        change: p.change_cents().map(money),
        by: p.received_by_name.clone().unwrap_or_default(),
        reason: p.reason.clone(),
        is_reversal: p.amount_cents < 0,
    }
}

impl Document {
    pub fn build(
        view: &InvoiceView,
        lines: &[InvoiceLine],
        payments: &[PaymentLine],
        brand: Branding,
    ) -> Self {
        let i = &view.invoice;
        let tz = view.site_timezone.as_str();
        let discount = (i.discount_cents > 0).then(|| TotalRow {
            label: match &view.promotion_title {
                Some(title) => format!("Discount ({title})"),
                None => "Discount".into(),
            },
            amount: money(-i.discount_cents),
        });
        let tax = (i.tax_rate_bp > 0 || i.tax_cents > 0).then(|| TotalRow {
            label: format!("Tax {}", percent(i.tax_rate_bp)),
            amount: money(i.tax_cents),
        });
        Self {
            number: i.display_number.clone(),
            job_number: view.job_number.clone(),
            is_sale: view.transaction_type == "sale",
            date: local_date(i.created_at, tz),
            date_time: local_time(i.created_at, tz),
            status: i.status.clone(),
            void_reason: i.void_reason.clone(),
            customer_name: view.customer_name(),
            customer_phone: view.customer_phone.clone(),
            customer_email: view.customer_email.clone(),
            is_walk_in: view.customer_is_walk_in,
            vehicle: (view.transaction_type != "sale" && view.vehicle_plate.is_some())
                .then(|| view.vehicle_display()),
            site_name: view.site_name.clone(),
            site_address: view.site_address.clone(),
            site_phone: view.site_phone.clone(),
            footer: view.site_footer.clone(),
            brand,
            lines: lines.iter().map(line_row).collect(),
            subtotal: money(i.subtotal_cents),
            discount,
            tax,
            total: money(i.total_cents),
            paid: money(i.paid_cents),
            balance: money(i.balance_cents()),
            balance_cents: i.balance_cents(),
            paid_cents: i.paid_cents,
            payments: payments.iter().map(|p| payment_row(p, tz)).collect(),
        }
    }

    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }

    pub fn status_badge(&self) -> &'static str {
        status_badge(&self.status)
    }

    /// The word stamped on paper: PAID, BALANCE DUE or VOID.
    pub fn stamp(&self) -> &'static str {
        match self.status.as_str() {
            "paid" => "PAID",
            "void" => "VOID",
            _ => "BALANCE DUE",
        }
    }

    /// The stamp's colour class.
    pub fn stamp_class(&self) -> &'static str {
        match self.status.as_str() {
            "paid" => "stamp-paid",
            "void" => "stamp-void",
            _ => "stamp-due",
        }
    }

    pub fn is_void(&self) -> bool {
        self.status == "void"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands_with_two_decimals() {
        assert_eq!(money(0), "0.00");
        assert_eq!(money(7), "0.07");
        assert_eq!(money(123_456), "1,234.56");
        assert_eq!(money(100_000_000), "1,000,000.00");
        assert_eq!(money(-1250), "-12.50");
        assert_eq!(money(99_999), "999.99");
    }

    #[test]
    fn rates_drop_trailing_zeros() {
        assert_eq!(percent(1600), "16%");
        assert_eq!(percent(750), "7.5%");
        assert_eq!(percent(1625), "16.25%");
        assert_eq!(percent(0), "0%");
    }
}
