//! Creating, changing and deleting sites, with validation and the audit trail. Only superusers
//! create and delete; a manager may edit their own site.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked};
use crate::db::audit::{self, Actor, Entry};
use crate::db::scope::Scope;
use crate::db::sites::{self, SiteFields, SiteRow};
use crate::db::{Db, write_transaction};
use crate::domain::ids::SiteId;
use crate::domain::percent::BasisPoints;
use crate::domain::role::Role;
use crate::error::AppError;

/// A site as typed in a form or sent as JSON; every field optional so that both a full form and
/// a partial update parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct SiteInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "location")]
    pub address: Option<String>,
    #[serde(
        deserialize_with = "super::fields::lenient_text",
        alias = "contact_number"
    )]
    pub phone: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub timezone: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub tax_rate: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub tax_applies_to: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub invoice_footer: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub is_active: Option<String>,
}

impl SiteInput {
    /// The values of an existing site, for an edit form or a partial update.
    pub fn from_row(row: &SiteRow) -> Self {
        Self {
            name: Some(row.name.clone()),
            address: Some(row.address.clone()),
            phone: Some(row.phone.clone()),
            timezone: Some(row.timezone.clone()),
            tax_rate: Some(BasisPoints::from_stored(row.tax_rate_bp).display()),
            tax_applies_to: Some(row.tax_applies_to.clone()),
            invoice_footer: Some(row.invoice_footer.clone()),
            is_active: Some(row.is_active.to_string()),
        }
    }

    /// `self` with the fields `patch` carries replaced.
    pub fn patched(self, patch: SiteInput) -> Self {
        Self {
            name: patch.name.or(self.name),
            address: patch.address.or(self.address),
            phone: patch.phone.or(self.phone),
            timezone: patch.timezone.or(self.timezone),
            tax_rate: patch.tax_rate.or(self.tax_rate),
            tax_applies_to: patch.tax_applies_to.or(self.tax_applies_to),
            invoice_footer: patch.invoice_footer.or(self.invoice_footer),
            is_active: patch.is_active.or(self.is_active),
        }
    }

    fn validate(&self) -> Result<SiteFields, crate::error::FieldErrors> {
        let mut p = Problems::default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let name = p.text("name", &text(&self.name), 100, true);
        let address = p.text("address", &text(&self.address), 200, false);
        let phone = p.text("phone", &text(&self.phone), 30, false);
        let timezone = text(&self.timezone).trim().to_owned();
        let timezone = if timezone.is_empty() {
            "UTC".to_owned()
        } else {
            timezone
        };
        if timezone.parse::<chrono_tz::Tz>().is_err() {
            p.add(
                "timezone",
                "Choose a time zone from the list, like Africa/Accra or Europe/London.",
            );
        }
        let tax_rate_bp = BasisPoints::parse(&text(&self.tax_rate))
            .map(BasisPoints::value)
            .unwrap_or_else(|m| {
                p.add("tax_rate", m);
                0
            });
        let tax_applies_to = p.choice(
            "tax_applies_to",
            &text(&self.tax_applies_to),
            &["parts", "labour", "both"],
            "both",
        );
        let invoice_footer = p.text("invoice_footer", &text(&self.invoice_footer), 500, false);
        let is_active = self
            .is_active
            .as_deref()
            .map(|v| checked(Some(v)))
            .unwrap_or(true);
        p.finish(SiteFields {
            name,
            address,
            phone,
            timezone,
            tax_rate_bp,
            tax_applies_to,
            invoice_footer,
            is_active,
        })
    }
}

/// JSON for the audit trail and the API.
pub fn site_json(row: &SiteRow) -> Value {
    json!({
        "name": row.name, "address": row.address, "phone": row.phone, "timezone": row.timezone,
        "tax_rate": BasisPoints::from_stored(row.tax_rate_bp).display(), "tax_applies_to": row.tax_applies_to,
        "invoice_footer": row.invoice_footer, "is_active": row.is_active,
    })
}

fn taken() -> crate::error::FieldErrors {
    let mut errors = crate::error::FieldErrors::new();
    errors.insert(
        "name".into(),
        vec!["A site with this name already exists.".into()],
    );
    errors
}

/// Creates a site (superuser only).
pub async fn create_site(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: SiteInput,
) -> Result<SiteRow, WriteError> {
    if scope.role() != Role::Superuser {
        return Err(AppError::forbidden().into());
    }
    let fields = input.validate().map_err(WriteError::Invalid)?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            if sites::name_taken(c, &fields.name, None)? {
                return Ok(Err(WriteError::Invalid(taken())));
            }
            let id = sites::insert_site(c, &fields)?;
            let row = sites::find_site(c, &scope, id)?
                .ok_or(crate::db::DbError::Query(diesel::result::Error::NotFound))?;
            let entry = Entry {
                action: "create",
                entity: "site",
                entity_id: id.0,
                repr: &row.name,
                changes: audit::snapshot(&site_json(&row)),
                site: Some(id),
            };
            audit::record(c, actor, entry)?;
            Ok(Ok(row))
        })
    })
    .await?
}

/// Changes a site: superusers any, a manager their own.
pub async fn update_site(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: SiteId,
    patch: SiteInput,
) -> Result<SiteRow, WriteError> {
    let allowed = scope.role() == Role::Superuser
        || (scope.role() == Role::Manager && scope.bound_site() == Some(id));
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(before) = sites::find_site(c, &scope, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            if !allowed {
                return Ok(Err(AppError::forbidden().into()));
            }
            let fields = match SiteInput::from_row(&before).patched(patch).validate() {
                Ok(fields) => fields,
                Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
            };
            if sites::name_taken(c, &fields.name, Some(id))? {
                return Ok(Err(WriteError::Invalid(taken())));
            }
            sites::update_site(c, id, &fields)?;
            let after = sites::find_site(c, &scope, id)?
                .ok_or(crate::db::DbError::Query(diesel::result::Error::NotFound))?;
            let changes = audit::diff(&site_json(&before), &site_json(&after));
            if !changes.is_empty() {
                audit::record(
                    c,
                    actor,
                    Entry {
                        action: "update",
                        entity: "site",
                        entity_id: id.0,
                        repr: &after.name,
                        changes,
                        site: Some(id),
                    },
                )?;
            }
            Ok(Ok(after))
        })
    })
    .await?
}

/// Deletes a site nobody refers to (superuser only); otherwise says to deactivate it.
pub async fn delete_site(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: SiteId,
) -> Result<(), WriteError> {
    db.writing(move |conn| {
            write_transaction(conn, |c| {
                let Some(row) = sites::find_site(c, &scope, id)? else { return Ok(Err(AppError::NotFound.into())) };
                if scope.role() != Role::Superuser {
                    return Ok(Err(AppError::forbidden().into()));
                }
                if sites::site_in_use(c, id)? {
                    let message = "This site has staff, mechanics, vehicles, stock or jobs, so it cannot be deleted. Deactivate it instead.";
                    return Ok(Err(AppError::BadRequest(message.into()).into()));
                }
                sites::delete_site(c, id)?;
                audit::record(c, actor, Entry { action: "delete", entity: "site", entity_id: id.0, repr: &row.name, changes: audit::snapshot(&site_json(&row)), site: None })?;
                Ok(Ok(()))
            })
        })
        .await?
}
