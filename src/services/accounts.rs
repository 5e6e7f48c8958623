//! Creating superusers, from the first-run page or `workshop createsuperuser`.

use crate::auth::password::hash_password_blocking;
use crate::db::users::{self, AuthUser, NewUser};
use crate::db::{Db, DbError, write_transaction};
use crate::domain::email::Email;
use crate::domain::password_policy::{CONFIRM_DIFFERS, check_new_password};
use crate::domain::role::Role;
use crate::error::FieldErrors;

/// What the form or the shell supplied.
pub struct NewSuperuser {
    pub email: String,
    pub name: String,
    pub password: String,
    /// The second entry of the password, when the user typed it twice.
    pub password_confirm: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SuperuserError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The first-run page was used after a user already exists.
    #[error("a user already exists")]
    AlreadySetUp,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<DbError> for SuperuserError {
    fn from(e: DbError) -> Self {
        Self::Failed(e.into())
    }
}

/// Validates and creates a superuser. With `only_if_first`, refuses when any user exists (the
/// check runs inside the write transaction, so two setup forms racing create one user).
pub async fn create_superuser(
    db: &Db,
    new: NewSuperuser,
    only_if_first: bool,
) -> Result<AuthUser, SuperuserError> {
    let email = validate(&new)?;
    let hash = hash_password_blocking(new.password).await?;
    let name = new.name.trim().to_owned();
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            if only_if_first && users::count_users(c)? > 0 {
                return Ok(Err(SuperuserError::AlreadySetUp));
            }
            if users::find_by_email(c, &email)?.is_some() {
                return Ok(Err(taken()));
            }
            let new = NewUser {
                email: &email,
                name: &name,
                password_hash: &hash,
                role: Role::Superuser,
                site_id: None,
            };
            let id = users::insert_user(c, &new)?;
            Ok(users::find_active(c, id)?
                .ok_or_else(|| SuperuserError::Failed(anyhow::anyhow!("new user vanished"))))
        })
    })
    .await?
}

fn taken() -> SuperuserError {
    let mut errors = FieldErrors::new();
    errors.insert(
        "email".into(),
        vec!["A user with this email already exists.".into()],
    );
    SuperuserError::Invalid(errors)
}

fn validate(new: &NewSuperuser) -> Result<Email, SuperuserError> {
    let mut errors = FieldErrors::new();
    let mut add =
        |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    let email = Email::parse(&new.email)
        .map_err(|m| add("email", m.to_owned()))
        .ok();
    let name = new.name.trim();
    if name.is_empty() {
        add("name", "Enter your name.".into());
    } else if name.chars().count() > 100 {
        add("name", "Use at most 100 characters.".into());
    }
    if let Err(message) = check_new_password(&new.password, &new.email, name) {
        add("password", message);
    }
    if new
        .password_confirm
        .as_ref()
        .is_some_and(|c| c != &new.password)
    {
        add("password_confirm", CONFIRM_DIFFERS.into());
    }
    match email {
        Some(email) if errors.is_empty() => Ok(email),
        _ => Err(SuperuserError::Invalid(errors)),
    }
}
