//! The outbox for staff: who reads it, the filters of its list (pages and API alike), retrying
//! a failed message, and the test-send of each channel.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use crate::db::audit::{self, Actor, Entry};
use crate::db::outbox::enqueue;
use crate::db::outbox_list::{CHANNELS, KINDS, MessageFilter, STATUSES, find_message};
use crate::db::scope::Scope;
use crate::db::{now, outbox};
use crate::domain::email::Email;
use crate::domain::phone::Phone;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::messaging::address::{Medium, Reach};
use crate::messaging::compose::{About, message};
use crate::messaging::render;
use crate::state::AppState;

/// Superusers, head office and site managers read the outbox (managers: their site's).
pub fn require_reader(scope: &Scope) -> Result<(), AppError> {
    match scope.role() {
        Role::Superuser | Role::Hq | Role::Manager => Ok(()),
        _ => Err(AppError::forbidden()),
    }
}

/// Superusers and site managers retry failed messages; head office only reads.
pub fn can_retry(scope: &Scope) -> bool {
    matches!(scope.role(), Role::Superuser | Role::Manager)
}

/// The list filters from query parameters; values that are not known match nothing rather
/// than being ignored, except empty ones.
pub fn filter_of(params: &HashMap<String, String>) -> MessageFilter {
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let known = |value: Option<String>, allowed: &[&str]| {
        value.map(|v| {
            if allowed.contains(&v.as_str()) {
                v
            } else {
                "unknown".into()
            }
        })
    };
    let kinds: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
    let id = |k: &str| get(k).map(|v| v.parse().unwrap_or(-1));
    let date = |k: &str| get(k).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    MessageFilter {
        status: known(get("status"), STATUSES),
        channel: known(get("channel"), CHANNELS),
        kind: known(get("kind"), &kinds),
        customer: id("customer_id").or_else(|| id("customer")),
        blast: id("blast"),
        from: date("from").or_else(|| date("date_from")),
        to: date("to").or_else(|| date("date_to")),
    }
}

/// Puts a failed message back in the queue and wakes the worker; 404 outside the scope, 400
/// for a message that did not fail.
pub async fn retry_message(
    state: &AppState,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), AppError> {
    require_reader(&scope)?;
    if !can_retry(&scope) {
        return Err(AppError::forbidden());
    }
    let retried = state
        .db
        .write(move |c| {
            let Some((line, _, _)) = find_message(c, &scope, id)? else {
                return Ok(None);
            };
            if !outbox::retry_failed(c, id, now())? {
                return Ok(Some(false));
            }
            let changes = audit::diff(&json!({"status": "failed"}), &json!({"status": "pending"}));
            let repr = format!("{} to {}", line.kind_label(), line.masked_recipient());
            let entry = Entry {
                action: "update",
                entity: "message",
                entity_id: id,
                repr: &repr,
                changes,
                site: line.site_id.map(crate::domain::ids::SiteId),
            };
            audit::record(c, actor, entry)?;
            Ok(Some(true))
        })
        .await?;
    match retried {
        None => Err(AppError::NotFound),
        Some(false) => Err(AppError::BadRequest(
            "Only a failed message can be retried.".into(),
        )),
        Some(true) => {
            state.outbox.wake();
            Ok(())
        }
    }
}

/// Queues a test message on `channel` (`sms`, `whatsapp` or `email`) to `to`; superusers only.
/// Returns the message id, or a problem with the address.
pub async fn send_test(
    state: &AppState,
    scope: Scope,
    channel: &str,
    to: &str,
) -> Result<i32, Result<String, AppError>> {
    if scope.role() != Role::Superuser {
        return Err(Err(AppError::forbidden()));
    }
    let code = &state.settings.phone_country_code;
    let reach = match channel {
        "sms" | "whatsapp" => match Phone::parse(to, code) {
            Ok(phone) if channel == "sms" => to_medium(Medium::Sms, phone.as_str()),
            Ok(phone) => to_medium(Medium::Whatsapp, &format!("whatsapp:{}", phone.as_str())),
            Err(message) => return Err(Ok(message.to_owned())),
        },
        "email" => match Email::parse(to) {
            Ok(email) => to_medium(Medium::Email, email.as_str()),
            Err(message) => return Err(Ok(message.to_owned())),
        },
        _ => return Err(Err(AppError::NotFound)),
    };
    let settings = state.settings.clone();
    let label = match channel {
        "sms" => "SMS",
        "whatsapp" => "WhatsApp",
        _ => "email",
    };
    let text = render::test_message(&render::TestMessage {
        business: settings.business_name.clone(),
        channel: label.to_owned(),
    });
    let about = About {
        kind: "test",
        dedupe_key: format!("test:{}", crate::auth::api_tokens::random_token()),
        ..About::default()
    };
    let row = message(&settings.messaging, about, reach, text, now());
    let key = row.dedupe_key.clone();
    let id = state
        .db
        .write(move |c| {
            enqueue(c, &[row])?;
            crate::db::outbox_list::id_of(c, &key)
        })
        .await
        .map_err(|e| Err(e.into()))?;
    state.outbox.wake();
    Ok(id)
}

fn to_medium(medium: Medium, address: &str) -> Reach {
    Reach::To {
        medium,
        address: address.to_owned(),
    }
}
