//! Staff accounts: creation with a first password, changes of role, site and mechanic link,
//! deactivation, password resets and "sign out everywhere", all audited. Superusers manage
//! everyone; a site manager manages the managers, advisors and mechanics of their own site.

use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked, site_for_write};
use super::invites::send_invite;
use super::notify::Notify;
use crate::auth::password::hash_password_blocking;
use crate::db::audit::{self, Actor, Entry};
use crate::db::invites::NO_PASSWORD_YET;
use crate::db::mechanics::{self, MechanicFields};
use crate::db::scope::Scope;
use crate::db::staff::{self, StaffFields, StaffRow, StaffView};
use crate::db::{AnyConnection, Db, DbError, users, write_transaction};
use crate::domain::email::Email;
use crate::domain::ids::{SiteId, UserId};
use crate::domain::password_policy::check_new_password;
use crate::domain::phone::Phone;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};

/// An account as typed or sent; all optional so partial updates parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct StaffInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub email: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub name: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub role: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "site_id")]
    pub site: Option<String>,
    #[serde(
        deserialize_with = "super::fields::lenient_text",
        alias = "mechanic_id"
    )]
    pub mechanic: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub is_active: Option<String>,
    /// Only on creation; later changes go through a password reset.
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub password: Option<String>,
    /// Only on creation: no password; the person gets an email link to choose their own.
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub invite: Option<String>,
}

impl StaffInput {
    pub fn from_row(row: &StaffRow) -> Self {
        Self {
            email: Some(row.email.clone()),
            name: Some(row.name.clone()),
            phone: Some(row.phone.clone()),
            role: Some(row.role.clone()),
            site: row.site_id.map(|s| s.to_string()),
            mechanic: row.mechanic_id.map(|m| m.to_string()),
            is_active: Some(row.is_active.to_string()),
            password: None,
            invite: None,
        }
    }

    pub fn patched(self, patch: StaffInput) -> Self {
        Self {
            email: patch.email.or(self.email),
            name: patch.name.or(self.name),
            phone: patch.phone.or(self.phone),
            role: patch.role.or(self.role),
            site: patch.site.or(self.site),
            mechanic: patch.mechanic.or(self.mechanic),
            is_active: patch.is_active.or(self.is_active),
            password: None,
            invite: None,
        }
    }
}

/// 403 unless a superuser or a site manager.
pub fn require_staff_admin(scope: &Scope) -> Result<(), AppError> {
    scope.require_write()?;
    if matches!(scope.role(), Role::Superuser | Role::Manager) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a site manager or a superuser can manage staff.".into(),
        ))
    }
}

/// The roles `scope` may give: a manager never creates superusers or head office.
pub fn assignable_roles(scope: &Scope) -> &'static [Role] {
    if scope.role() == Role::Superuser {
        &[
            Role::Superuser,
            Role::Hq,
            Role::Manager,
            Role::Advisor,
            Role::Mechanic,
        ]
    } else {
        &[Role::Manager, Role::Advisor, Role::Mechanic]
    }
}

pub fn staff_json(row: &StaffRow) -> Value {
    json!({"email": row.email, "name": row.name, "phone": row.phone, "role": row.role,
        "site_id": row.site_id, "mechanic_id": row.mechanic_id, "is_active": row.is_active})
}

/// Checks the fields that need no database.
fn validate_shape(
    scope: &Scope,
    input: &StaffInput,
    country_code: &str,
    p: &mut Problems,
) -> Result<(StaffFields, Role), AppError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let email = match Email::parse(&text(&input.email)) {
        Ok(email) => email.as_str().to_owned(),
        Err(message) => {
            p.add("email", message);
            String::new()
        }
    };
    let name = p.text("name", &text(&input.name), 100, true);
    let phone = match text(&input.phone).trim() {
        "" => String::new(),
        raw => Phone::parse(raw, country_code)
            .map(|phone| phone.as_str().to_owned())
            .unwrap_or_else(|message| {
                p.add("phone", message);
                String::new()
            }),
    };
    let role =
        Role::parse(text(&input.role).trim()).filter(|r| assignable_roles(scope).contains(r));
    if role.is_none() {
        p.add("role", "Choose one of the roles offered.");
    }
    let role = role.unwrap_or(Role::Advisor);
    let site = if role.sees_all_sites() {
        None
    } else {
        Some(site_for_write(scope, input.site.as_deref(), p)?.0)
    };
    let fields = StaffFields {
        email,
        name,
        phone,
        role: role.as_str().to_owned(),
        site_id: site,
        mechanic_id: None,
        is_active: input.is_active.as_deref().is_none_or(|v| checked(Some(v))),
    };
    Ok((fields, role))
}

/// The mechanic record a mechanic-role account is linked to: the one chosen (of the same site,
/// not linked to someone else), or a new one with the account's name.
fn link_mechanic(
    c: &mut AnyConnection,
    scope: &Scope,
    fields: &StaffFields,
    chosen: Option<&str>,
    editing: Option<i32>,
    p: &mut Problems,
) -> Result<Option<i32>, DbError> {
    let Some(site) = fields.site_id else {
        return Ok(None);
    };
    match chosen.map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => {
            let found = match raw.parse::<i32>() {
                Ok(id) => mechanics::find_mechanic(c, scope, id)?,
                Err(_) => None,
            };
            match found {
                Some(m) if m.mechanic.site_id != site => {
                    p.add("mechanic", "Choose a mechanic of the same site.");
                    Ok(None)
                }
                Some(m)
                    if staff::mechanic_owner(c, m.mechanic.id)?
                        .is_some_and(|u| Some(u) != editing) =>
                {
                    p.add("mechanic", "This mechanic already has a login.");
                    Ok(None)
                }
                Some(m) => Ok(Some(m.mechanic.id)),
                None => {
                    p.add("mechanic", "This mechanic does not exist.");
                    Ok(None)
                }
            }
        }
        None if !p.is_empty() => Ok(None),
        None => {
            let new = MechanicFields {
                site_id: site,
                name: fields.name.clone(),
                phone: fields.phone.clone(),
                email: Some(fields.email.clone()),
                is_active: true,
            };
            Ok(Some(mechanics::insert_mechanic(c, &new)?))
        }
    }
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Validates and writes inside the caller's transaction; `before` is the account being edited.
fn save(
    c: &mut AnyConnection,
    scope: Scope,
    actor: Actor,
    before: Option<&StaffRow>,
    input: StaffInput,
    country_code: &str,
    password_hash: Option<&str>,
) -> Result<Result<StaffView, WriteError>, DbError> {
    let mut p = Problems::default();
    let (mut fields, role) = match validate_shape(&scope, &input, country_code, &mut p) {
        Ok(shape) => shape,
        Err(e) => return Ok(Err(e.into())),
    };
    let editing = before.map(|b| b.id);
    if staff::email_owner(c, &fields.email)?.is_some_and(|id| Some(id) != editing) {
        p.add("email", "Another account already uses this email.");
    }
    if let Some(site) = fields.site_id
        && !crate::db::sites::site_exists(c, site)?
    {
        p.add("site", "This site does not exist.");
    }
    if let Some(b) = before.filter(|b| b.id == actor.user.0) {
        if !fields.is_active {
            p.add("is_active", "You cannot deactivate your own account.");
        }
        if fields.role != b.role {
            p.add("role", "You cannot change your own role.");
        }
    }
    if role == Role::Mechanic {
        fields.mechanic_id = link_mechanic(
            c,
            &scope,
            &fields,
            input.mechanic.as_deref(),
            editing,
            &mut p,
        )?;
    }
    let fields = match p.finish(fields) {
        Ok(fields) => fields,
        Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
    };
    let id = match (before, password_hash) {
        (Some(row), _) => {
            staff::update_staff(c, row.id, &fields)?;
            // A deactivated account or a new role takes effect at once, on every device.
            if !fields.is_active || fields.role != row.role || fields.site_id != row.site_id {
                users::end_all_sessions(c, UserId(row.id))?;
            }
            row.id
        }
        (None, Some(hash)) => staff::insert_staff(c, &fields, hash)?,
        (None, None) => return Err(missing()),
    };
    let after = staff::find_staff(c, &scope, id)?.ok_or_else(missing)?;
    let (action, changes) = match before {
        Some(row) => (
            "update",
            audit::diff(&staff_json(row), &staff_json(&after.user)),
        ),
        None => ("create", audit::snapshot(&staff_json(&after.user))),
    };
    if !changes.is_empty() {
        let entry = Entry {
            action,
            entity: "user",
            entity_id: id,
            repr: &after.user.email,
            changes,
            site: after.user.site_id.map(SiteId),
        };
        audit::record(c, actor, entry)?;
    }
    Ok(Ok(after))
}

fn password_error(message: String) -> WriteError {
    let mut errors = FieldErrors::new();
    errors.insert("password".into(), vec![message]);
    WriteError::Invalid(errors)
}

/// Checks and hashes a new password (slow on purpose, so outside any transaction).
async fn new_password_hash(input: &StaffInput) -> Result<String, WriteError> {
    let password = input.password.clone().unwrap_or_default();
    if password.is_empty() {
        return Err(password_error(
            "Type a first password, or send an invitation by email instead.".into(),
        ));
    }
    let email = input.email.clone().unwrap_or_default();
    let name = input.name.clone().unwrap_or_default();
    check_new_password(&password, &email, &name).map_err(password_error)?;
    hash_password_blocking(password)
        .await
        .map_err(|e| WriteError::Refused(AppError::Internal(e)))
}

/// Creates an account with a first password, or (`invite`) without one: the person then gets
/// an email link to choose their own, queued in the same transaction.
pub async fn create_staff(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: StaffInput,
    country_code: &str,
    notify: Notify,
) -> Result<StaffView, WriteError> {
    require_staff_admin(&scope)?;
    let invite = checked(input.invite.as_deref());
    let hash = if invite {
        NO_PASSWORD_YET.to_owned()
    } else {
        new_password_hash(&input).await?
    };
    let code = country_code.to_owned();
    let waker = notify.clone();
    let result = db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let saved = save(c, scope, actor, None, input, &code, Some(&hash))?;
                if let (Ok(view), true) = (&saved, invite) {
                    send_invite(c, &notify, actor, &view.user)?;
                }
                Ok(saved)
            })
        })
        .await;
    waker.wake(result?)
}

/// A new invitation link for an account that has not chosen its password yet (the earlier
/// link stops working).
pub async fn resend_invite(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    notify: Notify,
) -> Result<StaffView, WriteError> {
    require_staff_admin(&scope)?;
    let waker = notify.clone();
    let result = db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let view = match manageable(c, &scope, id)? {
                    Ok(view) => view,
                    Err(e) => return Ok(Err(e.into())),
                };
                if !view.awaiting_password || !view.user.is_active {
                    let why = "This account already has a password (or is deactivated): set a new password instead.";
                    return Ok(Err(WriteError::field("invite", why)));
                }
                send_invite(c, &notify, actor, &view.user)?;
                record_event(c, actor, &view, "invitation sent again")?;
                Ok(Ok(view))
            })
        })
        .await;
    waker.wake(result?)
}

pub async fn update_staff(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: StaffInput,
    country_code: &str,
) -> Result<StaffView, WriteError> {
    require_staff_admin(&scope)?;
    let code = country_code.to_owned();
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let before = match manageable(c, &scope, id)? {
                Ok(view) => view,
                Err(e) => return Ok(Err(e.into())),
            };
            let input = StaffInput::from_row(&before.user).patched(patch);
            save(c, scope, actor, Some(&before.user), input, &code, None)
        })
    })
    .await?
}

/// The account `id` if `scope` may manage it: 404 when out of scope, 403 for a role above.
fn manageable(
    c: &mut AnyConnection,
    scope: &Scope,
    id: i32,
) -> Result<Result<StaffView, AppError>, DbError> {
    let Some(view) = staff::find_staff(c, scope, id)? else {
        return Ok(Err(AppError::NotFound));
    };
    if !assignable_roles(scope)
        .iter()
        .any(|r| r.as_str() == view.user.role)
    {
        return Ok(Err(AppError::forbidden()));
    }
    Ok(Ok(view))
}

/// Sets a new password chosen by the admin; the user is signed out everywhere.
pub async fn reset_password(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    password: String,
) -> Result<StaffView, WriteError> {
    require_staff_admin(&scope)?;
    let view = db.read(move |c| manageable(c, &scope, id)).await??;
    check_new_password(&password, &view.user.email, &view.user.name).map_err(password_error)?;
    let hash = hash_password_blocking(password)
        .await
        .map_err(|e| WriteError::Refused(AppError::Internal(e)))?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            users::set_password_hash(c, UserId(id), &hash)?;
            record_event(c, actor, &view, "password reset")?;
            Ok(view)
        })
    })
    .await
    .map_err(WriteError::from)
}

/// Ends every session and API token of the account.
pub async fn sign_out_everywhere(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<StaffView, WriteError> {
    require_staff_admin(&scope)?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let view = match manageable(c, &scope, id)? {
                Ok(view) => view,
                Err(e) => return Ok(Err(e.into())),
            };
            users::end_all_sessions(c, UserId(id))?;
            record_event(c, actor, &view, "signed out everywhere")?;
            Ok(Ok(view))
        })
    })
    .await?
}

/// Audits an action on an account that changes no listed field.
fn record_event(
    c: &mut AnyConnection,
    actor: Actor,
    view: &StaffView,
    what: &str,
) -> Result<(), DbError> {
    let mut changes = serde_json::Map::new();
    changes.insert("sessions".into(), json!([null, what]));
    let entry = Entry {
        action: "update",
        entity: "user",
        entity_id: view.user.id,
        repr: &view.user.email,
        changes,
        site: view.user.site_id.map(SiteId),
    };
    audit::record(c, actor, entry)
}
