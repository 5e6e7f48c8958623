//! The messages that workshop events cause. Each function runs INSIDE the caller's open write
//! transaction, on the connection it is given: it reads what it needs with a constant number
//! of queries and inserts outbox rows (`pending`, or `skipped` with the reason). It never sends
//! anything; the worker delivers after commit, and the caller wakes it with
//! [`super::Outbox::wake`] once its transaction has committed. Rolled back with the
//! transaction, the rows never existed. Dedupe keys make a repeated call a no-op.

use super::address::{self, Reach};
use super::compose::{About, message};
use super::facts::{self, InvoiceFacts};
use super::render::{self, money, vehicle_label};
use crate::config::Settings;
use crate::db::outbox::{NewMessage, enqueue};
use crate::db::{AnyConnection, DbError, now};

fn not_found() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Completion of a service request or sale: "invoice issued" and "ready for pickup" to the
/// customer.
pub fn job_completed(
    conn: &mut AnyConnection,
    settings: &Settings,
    invoice_id: i32,
) -> Result<(), DbError> {
    let inv = facts::invoice(conn, invoice_id)?.ok_or_else(not_found)?;
    enqueue(conn, &job_completed_messages(settings, &inv))?;
    Ok(())
}

/// The messages of [`job_completed`], for the caller to write: completion writes them in the
/// statement that numbers the invoice (`db::invoice_number`).
pub fn job_completed_messages(settings: &Settings, inv: &InvoiceFacts) -> Vec<NewMessage> {
    let link = public_link(settings, inv, false);
    let (phrase, short) = vehicle_phrase(&inv.vehicle);
    let invoice_text = render::invoice(&render::InvoiceIssued {
        business: settings.business_name.clone(),
        first_name: inv.customer.first_name.clone(),
        number: inv.number.clone(),
        vehicle_phrase: phrase.clone(),
        vehicle_short: short.clone(),
        total: money(&settings.currency, inv.total_cents),
        link: link.clone(),
    });
    let ready_text = render::ready_for_pickup(&render::ReadyForPickup {
        business: settings.business_name.clone(),
        first_name: inv.customer.first_name.clone(),
        vehicle_phrase: phrase,
        vehicle_short: short,
        is_vehicle: inv.vehicle.is_some(),
        site: inv.site_name.clone(),
        site_phone: inv.site_phone.clone(),
        link,
    });
    vec![
        customer_message(settings, inv, "invoice", invoice_text),
        customer_message(settings, inv, "ready_for_pickup", ready_text),
    ]
}

/// The payment that made an invoice fully paid: the payment receipt to the customer (once per
/// invoice).
pub fn invoice_paid(
    conn: &mut AnyConnection,
    settings: &Settings,
    invoice_id: i32,
) -> Result<(), DbError> {
    let inv = facts::invoice(conn, invoice_id)?.ok_or_else(not_found)?;
    let method = facts::latest_payment_method(conn, invoice_id)?;
    enqueue(conn, &[receipt_message(settings, &inv, method.as_deref())])?;
    Ok(())
}

/// The receipt of [`invoice_paid`] for a payment by `method`, for the caller to write.
pub fn receipt_message(
    settings: &Settings,
    inv: &InvoiceFacts,
    method: Option<&str>,
) -> NewMessage {
    let text = render::receipt(&render::Receipt {
        business: settings.business_name.clone(),
        first_name: inv.customer.first_name.clone(),
        number: inv.number.clone(),
        amount: money(&settings.currency, inv.total_cents),
        method: method.map(method_label).unwrap_or_default().to_owned(),
        link: public_link(settings, inv, true),
    });
    customer_message(settings, inv, "receipt", text)
}

/// A mechanic set or changed on a service request: a message to that mechanic (customer,
/// vehicle, description). Each call is one new message, so a later reassignment to the same
/// mechanic is announced again.
pub fn mechanic_assigned(
    conn: &mut AnyConnection,
    settings: &Settings,
    service_request_id: i32,
    mechanic_id: i32,
) -> Result<(), DbError> {
    let job = facts::job(conn, service_request_id)?.ok_or_else(not_found)?;
    let (name, phone, email) = facts::mechanic(conn, mechanic_id)?.ok_or_else(not_found)?;
    let sequence = facts::mechanic_messages_of(conn, service_request_id)? + 1;
    let vehicle = match &job.vehicle {
        Some((make, model, plate)) => vehicle_label(make, model, plate),
        None => "parts order (no vehicle)".to_owned(),
    };
    let text = render::mechanic_assigned(&render::MechanicAssigned {
        business: settings.business_name.clone(),
        mechanic_name: name,
        number: job.number.clone(),
        site: job.site_name.clone(),
        customer_name: job.customer.full_name(),
        vehicle,
        description: job.description.clone(),
    });
    let about = About {
        kind: "mechanic_assigned",
        dedupe_key: format!("mechanic_assigned:{service_request_id}:{mechanic_id}:{sequence}"),
        site_id: Some(job.site_id),
        service_request_id: Some(service_request_id),
        ..About::default()
    };
    let reach = address::phone_or_email(&phone, email.as_deref());
    let row = message(&settings.messaging, about, reach, text, now());
    enqueue(conn, &[row])?;
    Ok(())
}

/// A staff account created without a password (or invited again): the email with the link
/// to choose one. Each invitation is its own message.
pub fn staff_invited(
    conn: &mut AnyConnection,
    settings: &Settings,
    user: &crate::db::staff::StaffRow,
    token: &str,
) -> Result<(), DbError> {
    let text = render::staff_invite(&render::StaffInvite {
        business: settings.business_name.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        link: crate::web::paths::invite(&settings.base_url, token),
        days: crate::services::invites::LIFETIME_DAYS,
    });
    let about = About {
        kind: "staff_invite",
        dedupe_key: format!(
            "staff_invite:{}:{}",
            user.id,
            &crate::auth::api_tokens::hash_token(token)[..16]
        ),
        site_id: user.site_id,
        ..About::default()
    };
    let reach = address::phone_or_email("", Some(&user.email));
    let row = message(&settings.messaging, about, reach, text, now());
    enqueue(conn, &[row])?;
    Ok(())
}

/// A new customer: the welcome message.
pub fn customer_created(
    conn: &mut AnyConnection,
    settings: &Settings,
    customer_id: i32,
) -> Result<(), DbError> {
    let (customer, site) = facts::customer(conn, customer_id)?.ok_or_else(not_found)?;
    let text = render::welcome(&render::Welcome {
        business: settings.business_name.clone(),
        first_name: customer.first_name.clone(),
    });
    let about = About {
        kind: "welcome",
        dedupe_key: format!("welcome:{customer_id}"),
        customer_id: Some(customer_id),
        site_id: site,
        ..About::default()
    };
    let reach = address::customer_reach(&customer.contact());
    enqueue(
        conn,
        &[message(&settings.messaging, about, reach, text, now())],
    )?;
    Ok(())
}

fn customer_message(
    settings: &Settings,
    inv: &InvoiceFacts,
    kind: &'static str,
    text: render::Rendered,
) -> NewMessage {
    let about = About {
        kind,
        dedupe_key: format!("{kind}:{}", inv.id),
        customer_id: Some(inv.customer.id),
        site_id: Some(inv.site_id),
        service_request_id: Some(inv.service_request_id),
        invoice_id: Some(inv.id),
        ..About::default()
    };
    let reach: Reach = address::customer_reach(&inv.customer.contact());
    message(&settings.messaging, about, reach, text, now())
}

/// The customer's link to the invoice (or, `receipt`, its receipt), while the link is live.
fn public_link(settings: &Settings, inv: &InvoiceFacts, receipt: bool) -> Option<String> {
    use crate::web::paths;
    match (&inv.public_token, inv.token_revoked_at) {
        (Some(token), None) if !token.is_empty() && receipt => {
            Some(paths::share_receipt(&settings.base_url, token))
        }
        (Some(token), None) if !token.is_empty() => Some(paths::share(&settings.base_url, token)),
        _ => None,
    }
}

/// ("your Toyota Corolla (GR 1)", "Toyota Corolla"), or the parts-order wording for a sale.
fn vehicle_phrase(vehicle: &Option<facts::VehicleFacts>) -> (String, String) {
    match vehicle {
        Some((make, model, plate)) => (
            format!("your {}", vehicle_label(make, model, plate)),
            format!("{make} {model}"),
        ),
        None => ("your parts order".to_owned(), "Sales".to_owned()),
    }
}

/// How a payment method reads in a message.
pub fn method_label(method: &str) -> &'static str {
    match method {
        "cash" => "cash",
        "mobile_money" => "mobile money",
        "card" => "card",
        "bank_transfer" => "bank transfer",
        _ => "",
    }
}
