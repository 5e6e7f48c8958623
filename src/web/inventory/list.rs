use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::inventory::{self, StockFilter, StockLine, StockSort};
use crate::db::paging::{Page, PageRequest};
use crate::domain::catalogue::{CATEGORIES, StockStatus};
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{self, Crumb, Shell, page};

/// The table and pagination, swapped in place while typing in the search box.
#[derive(Template)]
#[template(path = "inventory/results.html")]
pub struct Results {
    page: Page<StockLine>,
    pager: Pager,
    show_site: bool,
    filtered: bool,
    low_view: bool,
}

#[derive(Template)]
#[template(path = "inventory/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    path: &'static str,
    low_view: bool,
    q: String,
    site: String,
    category: String,
    status: String,
    sort: &'static str,
    /// Site choices for all-sites users; empty for site users.
    sites: Vec<(SiteId, String)>,
    categories: &'static [(&'static str, &'static str)],
    can_create: bool,
}

impl ListPage {
    fn site_is(&self, id: &SiteId) -> bool {
        self.site == id.0.to_string()
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    render_list(req, state, session, user, params.into_inner(), false).await
}

pub async fn low_stock(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    render_list(req, state, session, user, params.into_inner(), true).await
}

async fn render_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: HashMap<String, String>,
    low_view: bool,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let all_sites = user.user.role.sees_all_sites();
    // The site switcher's choice is the default; `?site=` (even empty: all sites) overrides it.
    let site = match params.get("site") {
        Some(raw) => raw.trim().to_owned(),
        None => shell::selected_site(&session)
            .map(|s| s.0.to_string())
            .unwrap_or_default(),
    };
    let category = Some(get("category")).filter(|c| CATEGORIES.iter().any(|(v, _)| v == c));
    let status = if low_view {
        Some(StockStatus::Low)
    } else {
        StockStatus::parse(&get("status"))
    };
    let sort = StockSort::parse(&get("sort"));
    let filter = StockFilter {
        site: if all_sites {
            site.parse().ok().map(SiteId)
        } else {
            None
        },
        product: None,
        category: category.clone(),
        status,
        q: get("q"),
    };
    let filtered = !filter.q.is_empty() || filter.category.is_some() || filter.status.is_some();
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let scope = user.scope(None);
    let rows = state
        .db
        .read(move |c| inventory::list_stock(c, &scope, &filter, sort, request))
        .await?;
    let path = if low_view {
        "/inventory/low-stock"
    } else {
        "/inventory"
    };
    let status_key = status
        .filter(|_| !low_view)
        .map(|s| s.as_str())
        .unwrap_or("");
    let (q, category) = (get("q"), category.unwrap_or_default());
    let pager_params = [
        ("q", q.as_str()),
        ("site", site.as_str()),
        ("category", category.as_str()),
        ("status", status_key),
        ("sort", sort.key()),
    ];
    let pager = Pager::new(path, &pager_params, &rows, "stock rows");
    let results = Results {
        page: rows,
        pager,
        show_site: all_sites,
        filtered,
        low_view,
    };
    if req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted") {
        return page(&results);
    }
    let sites = if all_sites {
        crate::web::shell::site_choices(&state, &user).await?
    } else {
        Vec::new()
    };
    let title = if low_view { "Low stock" } else { "Inventory" };
    let mut crumbs = vec![Crumb::link("Home", "/")];
    if low_view {
        crumbs.push(Crumb::link("Inventory", "/inventory"));
    }
    crumbs.push(Crumb::here(title));
    let shell = Shell::build(&req, &session, &state, &user, title, crumbs).await?;
    page(&ListPage {
        shell,
        results,
        path,
        low_view,
        q,
        site,
        category,
        status: status_key.to_owned(),
        sort: sort.key(),
        sites,
        categories: CATEGORIES,
        can_create: super::manages_stock(&user),
    })
}
