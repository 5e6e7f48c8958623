//! Customers: validation, creation, changes and deletion with the audit trail. Customers are
//! shared by all sites; HQ and mechanics do not change them.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked};
use crate::db::audit::{self, Actor, Entry};
use crate::db::customers::{self, CustomerFields, CustomerRow};
use crate::db::scope::Scope;
use crate::db::{Db, DbError, write_transaction};
use crate::domain::email::Email;
use crate::domain::phone::Phone;
use crate::error::{AppError, FieldErrors};

/// A customer as typed or sent; all optional so partial updates parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CustomerInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub first_name: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub last_name: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub phone_number: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub email: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub preferred_channel: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub receive_service_reminders: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub receive_marketing: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub notes: Option<String>,
}

impl CustomerInput {
    pub fn from_row(row: &CustomerRow) -> Self {
        Self {
            first_name: Some(row.first_name.clone()),
            last_name: Some(row.last_name.clone()),
            phone: Some(row.phone.clone()),
            phone_number: None,
            email: row.email.clone(),
            preferred_channel: Some(row.preferred_channel.clone()),
            receive_service_reminders: Some(row.receive_service_reminders.to_string()),
            receive_marketing: Some(row.receive_marketing.to_string()),
            notes: Some(row.notes.clone()),
        }
    }

    pub fn patched(self, patch: CustomerInput) -> Self {
        Self {
            first_name: patch.first_name.or(self.first_name),
            last_name: patch.last_name.or(self.last_name),
            phone: patch.phone.or(patch.phone_number).or(self.phone),
            phone_number: None,
            email: patch.email.or(self.email),
            preferred_channel: patch.preferred_channel.or(self.preferred_channel),
            receive_service_reminders: patch
                .receive_service_reminders
                .or(self.receive_service_reminders),
            receive_marketing: patch.receive_marketing.or(self.receive_marketing),
            notes: patch.notes.or(self.notes),
        }
    }

    /// For a new customer from a form: unticked boxes are absent, and reminders default on.
    pub fn validate(&self, country_code: &str) -> Result<CustomerFields, FieldErrors> {
        let mut p = Problems::default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let first_name = p.text("first_name", &text(&self.first_name), 50, true);
        let last_name = p.text("last_name", &text(&self.last_name), 50, true);
        let raw_phone = self
            .phone
            .clone()
            .or(self.phone_number.clone())
            .unwrap_or_default();
        let phone = match Phone::parse(&raw_phone, country_code) {
            Ok(phone) => phone.as_str().to_owned(),
            Err(message) => {
                p.add("phone", message);
                String::new()
            }
        };
        let email = match text(&self.email).trim() {
            "" => None,
            raw => match Email::parse(raw) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(message) => {
                    p.add("email", message);
                    None
                }
            },
        };
        let preferred_channel = p.choice(
            "preferred_channel",
            &text(&self.preferred_channel),
            &["sms", "whatsapp", "email"],
            "sms",
        );
        if preferred_channel == "email" && email.is_none() {
            p.add(
                "preferred_channel",
                "Add an email address to reach this customer by email.",
            );
        }
        let receive_service_reminders = self
            .receive_service_reminders
            .as_deref()
            .map(|v| checked(Some(v)))
            .unwrap_or(false);
        let receive_marketing = self
            .receive_marketing
            .as_deref()
            .map(|v| checked(Some(v)))
            .unwrap_or(false);
        let notes = p.text("notes", &text(&self.notes), 2000, false);
        p.finish(CustomerFields {
            first_name,
            last_name,
            phone,
            email,
            preferred_channel,
            receive_service_reminders,
            receive_marketing,
            notes,
        })
    }
}

pub fn customer_json(row: &CustomerRow) -> Value {
    json!({
        "first_name": row.first_name, "last_name": row.last_name, "phone": row.phone, "email": row.email,
        "preferred_channel": row.preferred_channel, "receive_service_reminders": row.receive_service_reminders,
        "receive_marketing": row.receive_marketing, "notes": row.notes,
    })
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Creates a customer and, in the same transaction, their welcome message (sent after commit).
pub async fn create_customer(
    state: &crate::state::AppState,
    scope: Scope,
    actor: Actor,
    input: CustomerInput,
) -> Result<CustomerRow, WriteError> {
    scope.require_write()?;
    let fields = input
        .validate(&state.settings.phone_country_code)
        .map_err(WriteError::Invalid)?;
    let settings = state.settings.clone();
    let row = state
        .db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let id = customers::insert_customer(c, &fields, actor.user)?;
                let row = customers::find_customer(c, id)?.ok_or_else(missing)?;
                let entry = Entry {
                    action: "create",
                    entity: "customer",
                    entity_id: id,
                    repr: &row.full_name(),
                    changes: audit::snapshot(&customer_json(&row)),
                    site: scope.bound_site(),
                };
                audit::record(c, actor, entry)?;
                crate::messaging::events::customer_created(c, &settings, id)?;
                Ok(row)
            })
        })
        .await?;
    state.outbox.wake();
    Ok(row)
}

pub async fn update_customer(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: CustomerInput,
    country_code: &str,
) -> Result<CustomerRow, WriteError> {
    scope.require_write()?;
    let country_code = country_code.to_owned();
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(before) = customers::find_customer(c, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            if before.is_walk_in {
                return Ok(Err(AppError::BadRequest(
                    "The walk-in customer cannot be edited.".into(),
                )
                .into()));
            }
            let fields = match CustomerInput::from_row(&before)
                .patched(patch)
                .validate(&country_code)
            {
                Ok(fields) => fields,
                Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
            };
            customers::update_customer(c, id, &fields)?;
            let after = customers::find_customer(c, id)?.ok_or_else(missing)?;
            let changes = audit::diff(&customer_json(&before), &customer_json(&after));
            if !changes.is_empty() {
                audit::record(
                    c,
                    actor,
                    Entry {
                        action: "update",
                        entity: "customer",
                        entity_id: id,
                        repr: &after.full_name(),
                        changes,
                        site: scope.bound_site(),
                    },
                )?;
            }
            Ok(Ok(after))
        })
    })
    .await?
}

/// Deletes a customer without history. A customer with vehicles or jobs keeps their record;
/// a site-bound user is refused outright when that history is at another site.
pub async fn delete_customer(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), WriteError> {
    scope.require_write()?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(row) = customers::find_customer(c, id)? else { return Ok(Err(AppError::NotFound.into())) };
            if row.is_walk_in {
                return Ok(Err(AppError::BadRequest("The walk-in customer cannot be deleted.".into()).into()));
            }
            let history = customers::sites_with_history(c, id)?;
            if history.iter().any(|site| !scope.can_see(*site)) {
                let message = "This customer has vehicles or jobs at another site, so only head office can remove them.";
                return Ok(Err(AppError::Forbidden(message.into()).into()));
            }
            if !history.is_empty() {
                let message = "This customer has vehicles or service history, which must be kept. Remove their vehicles first if they were added by mistake.";
                return Ok(Err(AppError::BadRequest(message.into()).into()));
            }
            customers::delete_customer(c, id)?;
            audit::record(c, actor, Entry { action: "delete", entity: "customer", entity_id: id, repr: &row.full_name(), changes: audit::snapshot(&customer_json(&row)), site: scope.bound_site() })?;
            Ok(Ok(()))
        })
    })
    .await?
}
