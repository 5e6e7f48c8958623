use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::paging::{Page, PageRequest};
use crate::db::staff::{self, StaffFilter, StaffView};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::staff::{assignable_roles, require_staff_admin};
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page, selected_site};

#[derive(Template)]
#[template(path = "staff/list.html")]
struct ListPage {
    shell: Shell,
    page: Page<StaffView>,
    pager: Pager,
    q: String,
    role: String,
    roles: &'static [Role],
}

impl ListPage {
    fn role_label(&self, stored: &str) -> &'static str {
        Role::parse(stored).map_or("Unknown", Role::label)
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(selected_site(&session));
    require_staff_admin(&scope)?;
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (q, role) = (get("q"), get("role"));
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let role = Role::parse(&role)
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default();
    let filter = StaffFilter {
        q: q.clone(),
        role: (!role.is_empty()).then(|| role.clone()),
        active: None,
    };
    let rows = state
        .db
        .read(move |c| staff::list_staff(c, &scope, &filter, request))
        .await?;
    let pager = Pager::new("/staff", &[("q", &q), ("role", &role)], &rows, "accounts");
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Staff")];
    let shell = Shell::build(&req, &session, &state, &user, "Staff", crumbs).await?;
    page(&ListPage {
        shell,
        page: rows,
        pager,
        q,
        role,
        roles: assignable_roles(&scope),
    })
}
