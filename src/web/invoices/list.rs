//! `/invoices`: the list with its filters (status, days, site, customer, number) and sort, all
//! in the URL so a view can be bookmarked; the number search updates the table as you type.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::document::{money, status_badge, status_label};
use crate::auth::current_user::CurrentUser;
use crate::db::customers;
use crate::db::invoice_list::{self, InvoiceFilter, InvoiceListRow, InvoiceSort};
use crate::db::paging::{Page, PageRequest};
use crate::domain::ids::SiteId;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::dates::local_date;
use crate::web::jobs::job_path;
use crate::web::pager::Pager;
use crate::web::shell::{self, Crumb, Shell, page};

/// The status filter's choices: value and label.
pub const STATUSES: [(&str, &str); 6] = [
    ("", "All statuses"),
    ("owing", "Owing (unpaid or part paid)"),
    ("unpaid", "Unpaid"),
    ("partially_paid", "Partially paid"),
    ("paid", "Paid"),
    ("void", "Void"),
];

/// The list's parameters as typed in the URL; nonsense is ignored, never an error.
pub struct ListQuery {
    pub status: String,
    pub from: String,
    pub to: String,
    pub site: String,
    pub customer: String,
    pub q: String,
    pub sort: InvoiceSort,
}

/// A day as a date input sends it; nonsense and days no invoice can have are ignored.
fn day(raw: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
}

impl ListQuery {
    /// `site_default` is the site switcher's choice, used when the URL names no site.
    pub fn from_params(params: &HashMap<String, String>, site_default: Option<SiteId>) -> Self {
        let get = |k: &str| {
            params
                .get(k)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let status = get("status");
        let status = if STATUSES.iter().any(|(v, _)| *v == status) {
            status
        } else {
            String::new()
        };
        let site = match params.get("site") {
            Some(raw) => raw.trim().to_owned(),
            None => site_default.map(|s| s.0.to_string()).unwrap_or_default(),
        };
        Self {
            status,
            from: get("from"),
            to: get("to"),
            site,
            customer: get("customer"),
            q: get("q"),
            sort: InvoiceSort::parse(&get("sort")),
        }
    }

    pub fn filter(&self, all_sites: bool) -> InvoiceFilter {
        InvoiceFilter {
            status: Some(self.status.clone()).filter(|s| !s.is_empty()),
            site: if all_sites {
                self.site.parse().ok()
            } else {
                None
            },
            customer: self.customer.parse().ok(),
            from: day(&self.from),
            to: day(&self.to),
            number: self.q.clone(),
        }
    }

    /// The parameters that reproduce this view (for the pager and the export link).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("status", self.status.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("site", self.site.clone()),
            ("customer", self.customer.clone()),
            ("q", self.q.clone()),
            ("sort", self.sort.key().to_owned()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    fn is_filtered(&self) -> bool {
        !(self.status.is_empty()
            && self.from.is_empty()
            && self.to.is_empty()
            && self.customer.is_empty()
            && self.q.is_empty())
    }
}

/// One row of the table, formatted.
pub struct Row {
    pub id: i32,
    pub number: String,
    pub job_number: String,
    pub job_path: String,
    pub customer_id: i32,
    pub customer: String,
    pub vehicle: String,
    pub site: String,
    pub date: String,
    pub total: String,
    pub paid: String,
    pub balance: String,
    pub status: &'static str,
    pub badge: &'static str,
}

impl Row {
    fn of(v: InvoiceListRow) -> Self {
        Self {
            id: v.id,
            job_path: job_path(v.is_sale(), v.service_request_id),
            customer_id: v.customer_id,
            customer: v.customer_name(),
            vehicle: v.vehicle_display(),
            date: local_date(v.created_at, &v.site_timezone),
            total: money(v.total_cents),
            paid: money(v.paid_cents),
            balance: money(v.balance_cents()),
            status: status_label(&v.status),
            badge: status_badge(&v.status),
            number: v.display_number,
            job_number: v.job_number,
            site: v.site_name,
        }
    }
}

/// The table and pagination, swapped in place while typing a number.
#[derive(Template)]
#[template(path = "invoices/results.html")]
pub struct Results {
    page: Page<Row>,
    pager: Pager,
    show_site: bool,
    filtered: bool,
}

#[derive(Template)]
#[template(path = "invoices/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    query: ListQuery,
    statuses: &'static [(&'static str, &'static str)],
    /// Site choices for all-sites users; empty for site users.
    sites: Vec<(SiteId, String)>,
    /// The name of the customer the list is narrowed to.
    customer_name: Option<String>,
    export_href: String,
    clear_customer_href: String,
}

impl ListPage {
    fn site_is(&self, id: &SiteId) -> bool {
        self.query.site == id.0.to_string()
    }
}

fn href(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let all_sites = user.user.role.sees_all_sites();
    let query = ListQuery::from_params(&params, shell::selected_site(&session));
    let (filter, sort) = (query.filter(all_sites), query.sort);
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let scope = user.scope(None);
    // One trip to the database for the rows and the filtered customer's name: each trip costs
    // a thread hand-off and a pool checkout, more than a small query.
    let customer = query.customer.parse::<i32>().ok();
    let (rows, customer_name) = state
        .db
        .read(move |c| {
            let rows = invoice_list::list_invoice_rows(c, &scope, &filter, sort, request)?;
            let name = match customer {
                Some(id) => customers::find_customer(c, id)?.map(|r| r.full_name()),
                None => None,
            };
            Ok((rows, name))
        })
        .await?;
    let rows = rows.map(Row::of);
    let pairs = query.pairs();
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = Pager::new("/invoices", &borrowed, &rows, "invoices");
    let results = Results {
        page: rows,
        pager,
        show_site: all_sites,
        filtered: query.is_filtered(),
    };
    if super::is_htmx(&req) {
        return page(&results);
    }
    let without_customer: Vec<_> = pairs
        .iter()
        .filter(|(k, _)| *k != "customer")
        .cloned()
        .collect();
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Invoices")];
    let shell = Shell::build(&req, &session, &state, &user, "Invoices", crumbs).await?;
    // The site filter offers the sites the switcher already lists.
    let sites = shell
        .site_switcher
        .as_ref()
        .map(|s| s.sites.clone())
        .unwrap_or_default();
    page(&ListPage {
        shell,
        results,
        export_href: href("/invoices/export.csv", &pairs),
        clear_customer_href: href("/invoices", &without_customer),
        query,
        statuses: &STATUSES,
        sites,
        customer_name,
    })
}
