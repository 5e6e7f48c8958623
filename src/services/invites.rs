//! Staff invitations: an account created without a password gets a one-time link by email
//! (valid for [`LIFETIME_DAYS`] days) to choose one; the link works once, and a new one
//! cancels the old. Choosing the password goes through the same policy as everywhere else.

use chrono::TimeDelta;
use serde_json::json;

use super::fields::WriteError;
use super::notify::Notify;
use crate::auth::api_tokens::{hash_token, random_token};
use crate::auth::password::hash_password_blocking;
use crate::db::audit::{self, Actor, Entry};
use crate::db::invites::{self, LiveInvite};
use crate::db::staff::StaffRow;
use crate::db::{AnyConnection, Db, DbError, now, users, write_transaction};
use crate::domain::ids::{SiteId, UserId};
use crate::domain::password_policy::{CONFIRM_DIFFERS, check_new_password};
use crate::error::{AppError, FieldErrors};

/// How long an invitation link works.
pub const LIFETIME_DAYS: i64 = 7;

/// Inside the creating (or re-sending) transaction: a fresh link for `user`, cancelling any
/// earlier one, and the email that carries it (queued in the same transaction).
pub fn send_invite(
    c: &mut AnyConnection,
    notify: &Notify,
    actor: Actor,
    user: &StaffRow,
) -> Result<(), DbError> {
    let token = random_token();
    let expires = now() + TimeDelta::days(LIFETIME_DAYS);
    invites::insert_invite(c, UserId(user.id), &hash_token(&token), expires, actor.user)?;
    notify.staff_invited(c, user, &token)
}

/// The invitation behind a link, while it can still be used.
pub async fn find(db: &Db, token: &str) -> Result<Option<LiveInvite>, DbError> {
    let hash = hash_token(token);
    db.read(move |c| invites::find_live(c, &hash, now())).await
}

/// The password chosen through `invite` (as [`find`] gave it): checked like every new
/// password, then set; the link is spent. Refused (404) when another request used the link
/// first.
pub async fn accept(
    db: &Db,
    invite: LiveInvite,
    password: String,
    confirm: String,
) -> Result<LiveInvite, WriteError> {
    let mut errors = FieldErrors::new();
    if let Err(message) = check_new_password(&password, &invite.email, &invite.name) {
        errors.insert("password".into(), vec![message]);
    } else if password != confirm {
        errors.insert("password_confirm".into(), vec![CONFIRM_DIFFERS.into()]);
    }
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    let hash = hash_password_blocking(password)
        .await
        .map_err(|e| WriteError::Refused(AppError::Internal(e)))?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            // Two tabs submitting one link: only the first sets the password.
            if !invites::lock_unused(c, invite.id)? {
                return Ok(Err(AppError::NotFound.into()));
            }
            let user = UserId(invite.user_id);
            users::set_password_hash(c, user, &hash)?;
            invites::cancel_open(c, user, now())?;
            audit_accepted(c, &invite)?;
            Ok(Ok(invite))
        })
    })
    .await?
}

fn audit_accepted(c: &mut AnyConnection, invite: &LiveInvite) -> Result<(), DbError> {
    let mut changes = serde_json::Map::new();
    changes.insert(
        "password".into(),
        json!([null, "chosen from the invitation"]),
    );
    audit::record(
        c,
        Actor {
            user: UserId(invite.user_id),
            via: "session",
        },
        Entry {
            action: "update",
            entity: "user",
            entity_id: invite.user_id,
            repr: &invite.email,
            changes,
            site: invite.site_id.map(SiteId),
        },
    )
}
