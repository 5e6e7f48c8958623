//! An account's page and the buttons on it that are not edits: a password reset, "sign out
//! everywhere" and, while the person has not chosen a password, a new invitation.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::current_user::CurrentUser;
use crate::db::staff::{self, StaffView};
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::staff::{self as service, require_staff_admin};
use crate::state::AppState;
use crate::web::forms::first_error;
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Crumb, Shell, page};

#[derive(Template)]
#[template(path = "staff/detail.html")]
struct DetailPage {
    shell: Shell,
    s: StaffView,
    errors: FieldErrors,
    is_self: bool,
}

impl DetailPage {
    fn role_label(&self) -> &'static str {
        Role::parse(&self.s.user.role).map_or("Unknown", Role::label)
    }

    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }
}

async fn detail_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i32,
    errors: FieldErrors,
) -> Result<DetailPage, AppError> {
    let scope = user.scope(None);
    require_staff_admin(&scope)?;
    let s = state
        .db
        .read(move |c| staff::find_staff(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Staff", "/staff"),
        Crumb::here(s.user.name.clone()),
    ];
    let shell = Shell::build(req, session, state, user, &s.user.name, crumbs).await?;
    Ok(DetailPage {
        shell,
        is_self: s.user.id == user.id().0,
        s,
        errors,
    })
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    page(
        &detail_page(
            &req,
            &state,
            &session,
            &user,
            id.into_inner(),
            FieldErrors::new(),
        )
        .await?,
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let password = form.into_inner().password;
    let result =
        service::reset_password(&state.db, user.scope(None), user.actor(), id, password).await;
    answer(
        &session,
        result,
        |s| Saved {
            message: format!("New password set for {}. They were signed out everywhere; give them the new password in person.", s.user.name),
            location: format!("/staff/{id}"),
        },
        |errors| detail_page(&req, &state, &session, &user, id, errors),
    )
    .await
}

pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = service::sign_out_everywhere(&state.db, user.scope(None), user.actor(), id).await;
    answer(
        &session,
        result,
        |s| Saved {
            message: format!("{} was signed out on every device.", s.user.name),
            location: format!("/staff/{id}"),
        },
        |errors| detail_page(&req, &state, &session, &user, id, errors),
    )
    .await
}

pub async fn invite_again(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let notify = crate::services::notify::Notify::of(&state);
    let result =
        service::resend_invite(&state.db, user.scope(None), user.actor(), id, notify).await;
    answer(
        &session,
        result,
        |s| Saved {
            message: format!(
                "A new invitation went to {}; the earlier link no longer works.",
                s.user.email
            ),
            location: format!("/staff/{id}"),
        },
        |errors| detail_page(&req, &state, &session, &user, id, errors),
    )
    .await
}
