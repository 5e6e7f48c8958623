//! Message bodies from askama templates in `templates/outbound/`: a text body (SMS, WhatsApp
//! and the email's text part) and an HTML body for email. Subjects are written here.

use askama::Template;

/// A rendered message.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Declares the text and HTML templates of one kind of message over its data type.
macro_rules! templates {
    ($data:ty, $text:ident = $text_path:literal, $html:ident = $html_path:literal) => {
        #[derive(Template)]
        #[template(path = $text_path)]
        struct $text<'a> {
            m: &'a $data,
        }

        #[derive(Template)]
        #[template(path = $html_path)]
        struct $html<'a> {
            m: &'a $data,
        }
    };
}

/// Renders data with its pair of templates under a subject.
macro_rules! render_pair {
    ($data:expr, $text:ident, $html:ident, $subject:expr) => {
        Rendered {
            subject: $subject,
            text: $text { m: $data }
                .render()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            html: $html { m: $data }.render().unwrap_or_default(),
        }
    };
}

pub struct Welcome {
    pub business: String,
    pub first_name: String,
}
templates!(
    Welcome,
    WelcomeText = "outbound/welcome.txt",
    WelcomeHtml = "outbound/welcome.html"
);

pub fn welcome(m: &Welcome) -> Rendered {
    render_pair!(
        m,
        WelcomeText,
        WelcomeHtml,
        format!("Welcome to {}", m.business)
    )
}

pub struct StaffInvite {
    pub business: String,
    pub name: String,
    pub email: String,
    pub link: String,
    pub days: i64,
}
templates!(
    StaffInvite,
    StaffInviteText = "outbound/staff_invite.txt",
    StaffInviteHtml = "outbound/staff_invite.html"
);

pub fn staff_invite(m: &StaffInvite) -> Rendered {
    render_pair!(
        m,
        StaffInviteText,
        StaffInviteHtml,
        format!("Your {} account", m.business)
    )
}

pub struct MechanicAssigned {
    pub business: String,
    pub mechanic_name: String,
    pub number: String,
    pub site: String,
    pub customer_name: String,
    pub vehicle: String,
    pub description: String,
}
templates!(
    MechanicAssigned,
    MechanicText = "outbound/mechanic_assigned.txt",
    MechanicHtml = "outbound/mechanic_assigned.html"
);

pub fn mechanic_assigned(m: &MechanicAssigned) -> Rendered {
    let subject = format!("New job {}: {}", m.number, m.vehicle);
    render_pair!(m, MechanicText, MechanicHtml, subject)
}

pub struct InvoiceIssued {
    pub business: String,
    pub first_name: String,
    pub number: String,
    /// "your Toyota Corolla (GR 1234-24)" or "your parts order".
    pub vehicle_phrase: String,
    /// "Toyota Corolla" or "Sales", for the subject.
    pub vehicle_short: String,
    pub total: String,
    pub link: Option<String>,
}
templates!(
    InvoiceIssued,
    InvoiceText = "outbound/invoice.txt",
    InvoiceHtml = "outbound/invoice.html"
);

pub fn invoice(m: &InvoiceIssued) -> Rendered {
    let subject = format!("Invoice {} - {}", m.number, m.vehicle_short);
    render_pair!(m, InvoiceText, InvoiceHtml, subject)
}

pub struct ReadyForPickup {
    pub business: String,
    pub first_name: String,
    pub vehicle_phrase: String,
    pub vehicle_short: String,
    pub is_vehicle: bool,
    pub site: String,
    pub site_phone: String,
    pub link: Option<String>,
}
templates!(
    ReadyForPickup,
    ReadyText = "outbound/ready_for_pickup.txt",
    ReadyHtml = "outbound/ready_for_pickup.html"
);

pub fn ready_for_pickup(m: &ReadyForPickup) -> Rendered {
    let subject = if m.is_vehicle {
        format!("Your vehicle is ready - {}", m.vehicle_short)
    } else {
        "Your parts order is ready".to_owned()
    };
    render_pair!(m, ReadyText, ReadyHtml, subject)
}

pub struct Receipt {
    pub business: String,
    pub first_name: String,
    pub number: String,
    pub amount: String,
    pub method: String,
    pub link: Option<String>,
}
templates!(
    Receipt,
    ReceiptText = "outbound/receipt.txt",
    ReceiptHtml = "outbound/receipt.html"
);

pub fn receipt(m: &Receipt) -> Rendered {
    let subject = format!("Receipt {} - Payment received", m.number);
    render_pair!(m, ReceiptText, ReceiptHtml, subject)
}

pub struct ServiceReminder {
    pub business: String,
    pub first_name: String,
    pub vehicle: String,
    pub vehicle_short: String,
    pub last_serviced: Option<String>,
    pub site: String,
    pub site_phone: String,
}
templates!(
    ServiceReminder,
    ReminderText = "outbound/service_reminder.txt",
    ReminderHtml = "outbound/service_reminder.html"
);

pub fn service_reminder(m: &ServiceReminder) -> Rendered {
    let subject = format!("Service reminder: {}", m.vehicle_short);
    render_pair!(m, ReminderText, ReminderHtml, subject)
}

pub struct Promotion {
    pub business: String,
    pub first_name: String,
    pub title: String,
    pub description: String,
    pub discount: String,
    pub end_date: String,
}
templates!(
    Promotion,
    PromotionText = "outbound/promotion.txt",
    PromotionHtml = "outbound/promotion.html"
);

pub fn promotion(m: &Promotion) -> Rendered {
    let subject = format!("Special offer: {}", m.title);
    render_pair!(m, PromotionText, PromotionHtml, subject)
}

pub struct Blast {
    pub business: String,
    pub paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "outbound/sms_blast.html")]
struct BlastHtml<'a> {
    m: &'a Blast,
}

/// A blast's text is what staff wrote, `{first_name}` already replaced.
pub fn sms_blast(business: &str, text: &str) -> Rendered {
    let m = Blast {
        business: business.to_owned(),
        paragraphs: text.split("\n\n").map(str::to_owned).collect(),
    };
    Rendered {
        subject: format!("A message from {business}"),
        text: text.to_owned(),
        html: BlastHtml { m: &m }.render().unwrap_or_default(),
    }
}

pub struct LowStockLine {
    pub product: String,
    pub sku: String,
    pub on_hand: i32,
    pub reorder_level: i32,
    pub reorder_quantity: i32,
}

pub struct LowStockSite {
    pub name: String,
    pub lines: Vec<LowStockLine>,
}

pub struct LowStock {
    pub business: String,
    pub recipient_name: String,
    pub sites: Vec<LowStockSite>,
    pub link: String,
}
templates!(
    LowStock,
    LowStockText = "outbound/low_stock.txt",
    LowStockHtml = "outbound/low_stock.html"
);

pub fn low_stock(m: &LowStock) -> Rendered {
    let lines: usize = m.sites.iter().map(|s| s.lines.len()).sum();
    let place = match m.sites.as_slice() {
        [one] => one.name.clone(),
        _ => format!("{} sites", m.sites.len()),
    };
    let subject = format!("[{}] Low stock alert - {place} ({lines} items)", m.business);
    render_pair!(m, LowStockText, LowStockHtml, subject)
}

pub struct TestMessage {
    pub business: String,
    pub channel: String,
}
templates!(
    TestMessage,
    TestText = "outbound/test.txt",
    TestHtml = "outbound/test.html"
);

pub fn test_message(m: &TestMessage) -> Rendered {
    let subject = format!("Test message from {}", m.business);
    render_pair!(m, TestText, TestHtml, subject)
}

/// "Toyota Corolla (GR 1234-24)".
pub fn vehicle_label(make: &str, model: &str, plate: &str) -> String {
    format!("{make} {model} ({plate})")
}

/// "USD 12.50": the currency setting and two decimals.
pub fn money(currency: &str, cents: i64) -> String {
    format!(
        "{currency} {}",
        crate::domain::money::Money::from_cents(cents)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_message_has_a_subject_text_and_html_with_the_link() {
        let rendered = invoice(&InvoiceIssued {
            business: "Kofi's Garage".into(),
            first_name: "Ada".into(),
            number: "INV-2026-00001".into(),
            vehicle_phrase: "your Toyota Corolla (GR 1)".into(),
            vehicle_short: "Toyota Corolla".into(),
            total: money("USD", 12_550),
            link: Some("https://x.test/share/abc".into()),
        });
        assert_eq!(rendered.subject, "Invoice INV-2026-00001 - Toyota Corolla");
        assert!(
            rendered
                .text
                .starts_with("Hi Ada, the work on your Toyota Corolla (GR 1)")
        );
        assert!(rendered.text.contains("USD 125.50"));
        assert!(rendered.text.contains("https://x.test/share/abc"));
        assert!(rendered.html.contains("href=\"https://x.test/share/abc\""));
        assert!(!rendered.html.contains("Kofi's"), "escaped in HTML");
    }

    #[test]
    fn html_bodies_escape_what_staff_typed() {
        let rendered = sms_blast("Garage", "Hi <b>Ada</b>\n\nSecond");
        assert!(!rendered.html.contains("<b>") && rendered.html.contains("Ada"));
        assert_eq!(rendered.text, "Hi <b>Ada</b>\n\nSecond");
    }
}
