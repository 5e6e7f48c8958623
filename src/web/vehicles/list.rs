use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::paging::Counting;
use crate::db::paging::{Page, PageRequest};
use crate::db::vehicles::{self, VehicleFilter, VehicleSort, VehicleView};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page, selected_site};

/// The table and pagination, swapped in place while typing in the search box.
#[derive(Template)]
#[template(path = "vehicles/results.html")]
pub struct Results {
    page: Page<VehicleView>,
    pager: Pager,
    q: String,
}

#[derive(Template)]
#[template(path = "vehicles/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    q: String,
    sort: &'static str,
    can_write: bool,
}

const SORTS: &[(&str, VehicleSort)] = &[
    ("newest", VehicleSort::Newest),
    ("plate", VehicleSort::Plate),
    ("make", VehicleSort::Make),
    ("last_serviced", VehicleSort::LastServiced),
];

/// The sort named in the URL, or newest first.
pub fn sort_of(key: &str) -> (&'static str, VehicleSort) {
    SORTS
        .iter()
        .find(|(name, _)| *name == key.trim_start_matches('-'))
        .copied()
        .unwrap_or(SORTS[0])
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
    let q = get("q");
    let (sort_key, sort) = sort_of(&get("sort"));
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let scope = user.scope(selected_site(&session));
    let filter = VehicleFilter {
        q: q.clone(),
        ..VehicleFilter::default()
    };
    let rows = state
        .db
        .read(move |c| vehicles::list_vehicles(c, &scope, &filter, sort, request, Counting::Capped))
        .await?;
    let pager = Pager::new(
        "/vehicles",
        &[("q", &q), ("sort", sort_key)],
        &rows,
        "vehicles",
    );
    let results = Results {
        page: rows,
        pager,
        q: q.clone(),
    };
    if req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted") {
        return page(&results);
    }
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Vehicles")];
    let shell = Shell::build(&req, &session, &state, &user, "Vehicles", crumbs).await?;
    page(&ListPage {
        shell,
        results,
        q,
        sort: sort_key,
        can_write: scope.require_write().is_ok(),
    })
}
