use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::view::ProductView;
use crate::auth::current_user::CurrentUser;
use crate::db::paging::{Page, PageRequest};
use crate::db::products::{self, ProductFilter, ProductSort};
use crate::domain::catalogue::CATEGORIES;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page};

/// The filters of the list as given in the URL, cleaned.
pub struct ListQuery {
    pub q: String,
    pub category: String,
    /// "", "yes" or "no".
    pub active: String,
    pub sort: ProductSort,
}

impl ListQuery {
    pub fn from_params(params: &HashMap<String, String>) -> Self {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let category = get("category");
        let category = if CATEGORIES.iter().any(|(v, _)| *v == category) {
            category
        } else {
            String::new()
        };
        let active = match get("active").as_str() {
            "yes" | "true" | "1" => "yes",
            "no" | "false" | "0" => "no",
            _ => "",
        };
        Self {
            q: get("q"),
            category,
            active: active.to_owned(),
            sort: ProductSort::parse(&get("sort")),
        }
    }

    pub fn filter(&self) -> ProductFilter {
        ProductFilter {
            q: self.q.clone(),
            category: (!self.category.is_empty()).then(|| self.category.clone()),
            active: match self.active.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
        }
    }

    /// The filters as URL parameters (without the page).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("category", self.category.clone()),
            ("active", self.active.clone()),
            ("sort", self.sort.key().to_owned()),
        ]
    }

    pub fn is_filtered(&self) -> bool {
        !self.q.is_empty() || !self.category.is_empty() || !self.active.is_empty()
    }
}

/// The table and pagination, swapped in place while typing in the search box.
#[derive(Template)]
#[template(path = "products/results.html")]
pub struct Results {
    page: Page<ProductView>,
    pager: Pager,
    filtered: bool,
    q: String,
    sees_cost: bool,
}

#[derive(Template)]
#[template(path = "products/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    query: ListQuery,
    categories: &'static [(&'static str, &'static str)],
    export_href: String,
    can_write: bool,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let query = ListQuery::from_params(&params);
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let (filter, sort) = (query.filter(), query.sort);
    let rows = state
        .db
        .read(move |c| products::list_products(c, &filter, sort, request))
        .await?;
    let sees_cost = user.user.role.sees_cost_prices();
    let pairs = query.params();
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = Pager::new("/products", &borrowed, &rows, "products");
    let results = Results {
        page: rows.map(|r| ProductView::new(r, sees_cost)),
        pager,
        filtered: query.is_filtered(),
        q: query.q.clone(),
        sees_cost,
    };
    if req.headers().contains_key("HX-Request") && !req.headers().contains_key("HX-Boosted") {
        return page(&results);
    }
    let export_href = format!(
        "/products/export.csv?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    );
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Products")];
    let shell = Shell::build(&req, &session, &state, &user, "Products", crumbs).await?;
    page(&ListPage {
        shell,
        results,
        query,
        categories: CATEGORIES,
        export_href,
        can_write: user.user.role == Role::Superuser,
    })
}
