use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::mechanics::{self, MechanicFilter, MechanicView};
use crate::db::paging::{Page, PageRequest};
use crate::error::AppError;
use crate::services::mechanics::require_manager;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page, selected_site};

#[derive(Template)]
#[template(path = "mechanics/list.html")]
struct ListPage {
    shell: Shell,
    page: Page<MechanicView>,
    pager: Pager,
    q: String,
    status: String,
    can_write: bool,
}

/// `?status=active|inactive|all`: active by default, since those are the ones to assign.
pub fn active_filter(status: &str) -> (Option<bool>, &'static str) {
    match status {
        "inactive" => (Some(false), "inactive"),
        "all" => (None, "all"),
        _ => (Some(true), "active"),
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    crate::api::customers::require_reader(&user)?;
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (q, (active, status)) = (get("q"), active_filter(&get("status")));
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let scope = user.scope(selected_site(&session));
    let filter = MechanicFilter {
        q: q.clone(),
        active,
        ..MechanicFilter::default()
    };
    let rows = state
        .db
        .read(move |c| mechanics::list_mechanics(c, &scope, &filter, request))
        .await?;
    let pager = Pager::new(
        "/mechanics",
        &[("q", &q), ("status", status)],
        &rows,
        "mechanics",
    );
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Mechanics")];
    let shell = Shell::build(&req, &session, &state, &user, "Mechanics", crumbs).await?;
    page(&ListPage {
        shell,
        page: rows,
        pager,
        q,
        status: status.to_owned(),
        can_write: require_manager(&scope).is_ok(),
    })
}
