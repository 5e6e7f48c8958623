use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::outbox_list::{self, MessageLine};
use crate::error::AppError;
use crate::services::messages::{can_retry, require_reader, retry_message};
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::{Crumb, Shell, page, see_other};

/// The status part of the page, polled while the message waits so a test-send shows its
/// outcome without a reload.
#[derive(Template)]
#[template(path = "messages/status.html")]
pub struct StatusCard {
    m: MessageLine,
    can_retry: bool,
    csrf: String,
}

impl StatusCard {
    fn waiting(&self) -> bool {
        matches!(self.m.status.as_str(), "pending" | "sending")
    }

    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        super::utc(at)
    }
}

#[derive(Template)]
#[template(path = "messages/detail.html")]
struct DetailPage {
    shell: Shell,
    status: StatusCard,
    body: String,
    has_html: bool,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    require_reader(&scope)?;
    let id = id.into_inner();
    let (m, body, has_html) = state
        .db
        .read(move |c| outbox_list::find_message(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let status = StatusCard {
        m,
        can_retry: can_retry(&scope),
        csrf: crate::auth::csrf::token(&session),
    };
    if req.headers().contains_key("HX-Request") {
        return page(&status);
    }
    let title = format!("{} #{id}", status.m.kind_label());
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Messages", "/messages"),
        Crumb::here(title.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &title, crumbs).await?;
    page(&DetailPage {
        shell,
        status,
        body,
        has_html,
    })
}

pub async fn retry(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    retry_message(&state, user.scope(None), user.actor(), id).await?;
    flash::push(&session, "success", "The message is queued again.");
    Ok(see_other(&format!("/messages/{id}")))
}
