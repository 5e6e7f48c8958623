//! Mechanics: validation, creation, changes and deletion with the audit trail. Superusers and
//! managers (at their own site) change them; everyone else at most reads.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked, site_for_write};
use crate::db::audit::{self, Actor, Entry};
use crate::db::mechanics::{self, MechanicFields, MechanicRow, MechanicView};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db, DbError, write_transaction};
use crate::domain::email::Email;
use crate::domain::ids::SiteId;
use crate::domain::phone::Phone;
use crate::domain::role::Role;
use crate::error::AppError;

/// A mechanic as typed or sent; all optional so partial updates parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct MechanicInput {
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "site_id")]
    pub site: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub name: Option<String>,
    #[serde(
        deserialize_with = "super::fields::lenient_text",
        alias = "phone_number"
    )]
    pub phone: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub email: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub is_active: Option<String>,
}

impl MechanicInput {
    pub fn from_row(row: &MechanicRow) -> Self {
        Self {
            site: Some(row.site_id.to_string()),
            name: Some(row.name.clone()),
            phone: Some(row.phone.clone()),
            email: row.email.clone(),
            is_active: Some(row.is_active.to_string()),
        }
    }

    pub fn patched(self, patch: MechanicInput) -> Self {
        Self {
            site: patch.site.or(self.site),
            name: patch.name.or(self.name),
            phone: patch.phone.or(self.phone),
            email: patch.email.or(self.email),
            is_active: patch.is_active.or(self.is_active),
        }
    }

    fn validate(&self, site: SiteId, country_code: &str, p: &mut Problems) -> MechanicFields {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let name = p.text("name", &text(&self.name), 100, true);
        // A mechanic's phone is optional: they are reached through the workshop.
        let phone = match text(&self.phone).trim() {
            "" => String::new(),
            raw => match Phone::parse(raw, country_code) {
                Ok(phone) => phone.as_str().to_owned(),
                Err(message) => {
                    p.add("phone", message);
                    String::new()
                }
            },
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
        MechanicFields {
            site_id: site.0,
            name,
            phone,
            email,
            is_active: self.is_active.as_deref().is_none_or(|v| checked(Some(v))),
        }
    }
}

/// 403 unless a superuser or a site manager: mechanics are staff records.
pub fn require_manager(scope: &Scope) -> Result<(), AppError> {
    scope.require_write()?;
    if matches!(scope.role(), Role::Superuser | Role::Manager) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a site manager or a superuser can change mechanics.".into(),
        ))
    }
}

pub fn mechanic_json(row: &MechanicRow) -> Value {
    json!({"site_id": row.site_id, "name": row.name, "phone": row.phone, "email": row.email, "is_active": row.is_active})
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

fn save(
    c: &mut AnyConnection,
    scope: Scope,
    actor: Actor,
    before: Option<&MechanicRow>,
    input: MechanicInput,
    country_code: &str,
) -> Result<Result<MechanicView, WriteError>, DbError> {
    let mut p = Problems::default();
    let site = match site_for_write(&scope, input.site.as_deref(), &mut p) {
        Ok(site) => site,
        Err(e) => return Ok(Err(e.into())),
    };
    let fields = input.validate(site, country_code, &mut p);
    if fields.site_id > 0 && !crate::db::sites::site_exists(c, fields.site_id)? {
        p.add("site", "This site does not exist.");
    }
    let fields = match p.finish(fields) {
        Ok(fields) => fields,
        Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
    };
    let id = match before {
        Some(row) => {
            mechanics::update_mechanic(c, row.id, &fields)?;
            row.id
        }
        None => mechanics::insert_mechanic(c, &fields)?,
    };
    let after = mechanics::find_mechanic(c, &scope, id)?.ok_or_else(missing)?;
    let (action, changes) = match before {
        Some(row) => (
            "update",
            audit::diff(&mechanic_json(row), &mechanic_json(&after.mechanic)),
        ),
        None => ("create", audit::snapshot(&mechanic_json(&after.mechanic))),
    };
    if !changes.is_empty() {
        let entry = Entry {
            action,
            entity: "mechanic",
            entity_id: id,
            repr: &after.mechanic.name,
            changes,
            site: Some(SiteId(after.mechanic.site_id)),
        };
        audit::record(c, actor, entry)?;
    }
    Ok(Ok(after))
}

pub async fn create_mechanic(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: MechanicInput,
    country_code: &str,
) -> Result<MechanicView, WriteError> {
    require_manager(&scope)?;
    let code = country_code.to_owned();
    db.writing(move |conn| write_transaction(conn, |c| save(c, scope, actor, None, input, &code)))
        .await?
}

pub async fn update_mechanic(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: MechanicInput,
    country_code: &str,
) -> Result<MechanicView, WriteError> {
    require_manager(&scope)?;
    let code = country_code.to_owned();
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(before) = mechanics::find_mechanic(c, &scope, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            let input = MechanicInput::from_row(&before.mechanic).patched(patch);
            save(c, scope, actor, Some(&before.mechanic), input, &code)
        })
    })
    .await?
}

/// Deletes a mechanic entered by mistake. One with jobs or a login is kept: deactivate them.
pub async fn delete_mechanic(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), WriteError> {
    require_manager(&scope)?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(view) = mechanics::find_mechanic(c, &scope, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            if mechanics::is_referenced(c, id)? {
                let message = "This mechanic has jobs or a login, which must be kept. Mark them inactive instead.";
                return Ok(Err(AppError::BadRequest(message.into()).into()));
            }
            mechanics::delete_mechanic(c, id)?;
            let entry = Entry {
                action: "delete",
                entity: "mechanic",
                entity_id: id,
                repr: &view.mechanic.name,
                changes: audit::snapshot(&mechanic_json(&view.mechanic)),
                site: Some(SiteId(view.mechanic.site_id)),
            };
            audit::record(c, actor, entry)?;
            Ok(Ok(()))
        })
    })
    .await?
}
