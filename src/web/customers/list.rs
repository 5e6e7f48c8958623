use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerRow, CustomerSort};
use crate::db::paging::{Counting, Page, PageRequest};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page};

/// The table and pagination, swapped in place while typing in the search box.
#[derive(Template)]
#[template(path = "customers/results.html")]
pub struct Results {
    page: Page<CustomerRow>,
    pager: Pager,
    q: String,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    q: String,
    sort: &'static str,
    can_write: bool,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (q, sort_key) = (get("q"), get("sort"));
    let (sort, sort_key) = if sort_key == "newest" {
        (CustomerSort::Newest, "newest")
    } else {
        (CustomerSort::Name, "name")
    };
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let search = q.clone();
    let rows = state
        .db
        .read(move |c| customers::list_customers(c, &search, sort, request, Counting::Capped))
        .await?;
    let pager = Pager::new(
        "/customers",
        &[("q", &q), ("sort", sort_key)],
        &rows,
        "customers",
    );
    let results = Results {
        page: rows,
        pager,
        q: q.clone(),
    };
    if req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted") {
        return page(&results);
    }
    let shell = Shell::build(
        &req,
        &session,
        &state,
        &user,
        "Customers",
        vec![Crumb::link("Home", "/"), Crumb::here("Customers")],
    )
    .await?;
    let can_write = user.scope(None).require_write().is_ok();
    page(&ListPage {
        shell,
        results,
        q,
        sort: sort_key,
        can_write,
    })
}
