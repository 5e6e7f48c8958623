use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::paging::{Page, PageRequest};
use crate::db::sites::{self, SiteRow};
use crate::domain::ids::SiteId;
use crate::domain::percent::BasisPoints;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::sites::delete_site;
use crate::state::AppState;
use crate::web::forms::{Saved, answer_delete};
use crate::web::nav::area;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page};

/// Tax as people read it: "15% on parts and labour".
pub fn tax_label(row: &SiteRow) -> String {
    if row.tax_rate_bp == 0 {
        return "No tax".into();
    }
    let on = match row.tax_applies_to.as_str() {
        "parts" => "parts",
        "labour" => "labour",
        _ => "parts and labour",
    };
    format!(
        "{}% on {on}",
        BasisPoints::from_stored(row.tax_rate_bp).display()
    )
}

/// The sites area is for superuser and HQ, as the sidebar says.
fn require_area(user: &CurrentUser) -> Result<(), AppError> {
    match area("sites") {
        Some(a) if a.allows(user.user.role) => Ok(()),
        _ => Err(AppError::forbidden()),
    }
}

#[derive(Template)]
#[template(path = "sites/list.html")]
struct ListPage {
    shell: Shell,
    page: Page<SiteRow>,
    pager: Pager,
    q: String,
    can_create: bool,
}

impl ListPage {
    fn tax(&self, row: &SiteRow) -> String {
        tax_label(row)
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_area(&user)?;
    let q = params
        .get("q")
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let (scope, search) = (user.scope(None), q.clone());
    let rows = state
        .db
        .read(move |c| sites::list_sites(c, &scope, &search, request))
        .await?;
    let pager = Pager::new("/sites", &[("q", &q)], &rows, "sites");
    let shell = Shell::build(
        &req,
        &session,
        &state,
        &user,
        "Sites",
        vec![Crumb::link("Home", "/"), Crumb::here("Sites")],
    )
    .await?;
    page(&ListPage {
        shell,
        page: rows,
        pager,
        q,
        can_create: user.user.role == Role::Superuser,
    })
}

#[derive(Template)]
#[template(path = "sites/detail.html")]
struct DetailPage {
    shell: Shell,
    site: SiteRow,
    tax: String,
    can_edit: bool,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_area(&user)?;
    let (scope, id) = (user.scope(None), SiteId(id.into_inner()));
    let site = state
        .db
        .read(move |c| sites::find_site(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Sites", "/sites"),
        Crumb::here(site.name.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &site.name, crumbs).await?;
    let tax = tax_label(&site);
    page(&DetailPage {
        shell,
        site,
        tax,
        can_edit: user.user.role == Role::Superuser,
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = SiteId(id.into_inner());
    let result = delete_site(&state.db, user.scope(None), user.actor(), id).await;
    let deleted = Saved {
        message: "Site deleted.".into(),
        location: "/sites".into(),
    };
    answer_delete(&session, result, deleted, &format!("/sites/{id}"))
}
