//! The global search box (SPEC §5): customers by name, phone or email, vehicles by plate, jobs,
//! sales and invoices by display number — each within what the user may see. Typing an exact
//! display number jumps straight to it.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerRow, CustomerSort};
use crate::db::invoice_list::{self, InvoiceFilter, InvoiceSort};
use crate::db::invoices::InvoiceView;
use crate::db::job_list::{self, JobFilter, JobListRow};
use crate::db::paging::{Counting, PageRequest};
use crate::db::scope::Scope;
use crate::db::vehicles::{self, VehicleFilter, VehicleSort, VehicleView};
use crate::db::{AnyConnection, DbError};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::shell::{Crumb, Shell, page, selected_site};

/// At most this many hits per kind; "see all" opens the kind's own list.
const PER_KIND: i64 = 5;

#[derive(Default)]
struct Hits {
    customers: Vec<CustomerRow>,
    vehicles: Vec<VehicleView>,
    jobs: Vec<JobListRow>,
    invoices: Vec<InvoiceView>,
}

impl Hits {
    fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.vehicles.is_empty()
            && self.jobs.is_empty()
            && self.invoices.is_empty()
    }

    /// The one page an exact display number names, if the query is one.
    fn exact(&self, q: &str) -> Option<String> {
        let q = q.trim().to_uppercase();
        if let Some(job) = self.jobs.iter().find(|j| j.display_number == q) {
            let base = if job.is_sale() {
                "sales"
            } else {
                "service-requests"
            };
            return Some(format!("/{base}/{}", job.id));
        }
        self.invoices
            .iter()
            .find(|i| i.invoice.display_number == q)
            .map(|i| format!("/invoices/{}", i.invoice.id))
    }
}

#[derive(Template)]
#[template(path = "search/page.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    hits: Hits,
}

fn first_page() -> PageRequest {
    PageRequest {
        page: 1,
        size: PER_KIND,
    }
}

/// Whether the query could be (the start of) a display number: "SR-", "sale-2026", "INV-2026-00".
fn looks_numbered(q: &str) -> bool {
    let upper = q.trim().to_uppercase();
    ["SR-", "SALE-", "INV-"]
        .iter()
        .any(|p| upper.starts_with(p) || p.starts_with(&upper) && upper.len() >= 2)
}

fn find(c: &mut AnyConnection, scope: &Scope, q: &str) -> Result<Hits, DbError> {
    let mut hits = Hits::default();
    let role = scope.role();
    if looks_numbered(q) {
        let filter = JobFilter {
            number: q.to_owned(),
            ..JobFilter::default()
        };
        hits.jobs =
            job_list::list_job_rows(c, scope, &filter, first_page(), Counting::Capped)?.items;
        if role != Role::Mechanic {
            let filter = InvoiceFilter {
                number: q.to_owned(),
                ..InvoiceFilter::default()
            };
            hits.invoices = invoice_list::list_invoices(
                c,
                scope,
                &filter,
                InvoiceSort::Newest,
                first_page(),
                Counting::Capped,
            )?
            .items;
        }
        return Ok(hits);
    }
    if role == Role::Mechanic {
        return Ok(hits);
    }
    hits.customers =
        customers::list_customers(c, q, CustomerSort::Name, first_page(), Counting::Capped)?.items;
    let filter = VehicleFilter {
        q: q.to_owned(),
        ..VehicleFilter::default()
    };
    hits.vehicles = vehicles::list_vehicles(
        c,
        scope,
        &filter,
        VehicleSort::Plate,
        first_page(),
        Counting::Capped,
    )?
    .items;
    Ok(hits)
}

pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let q: String = query
        .get("q")
        .map(|q| q.trim().chars().take(100).collect())
        .unwrap_or_default();
    let hits = if q.is_empty() {
        Hits::default()
    } else {
        let scope = user.scope(selected_site(&session));
        let text = q.clone();
        state.db.read(move |c| find(c, &scope, &text)).await?
    };
    if let Some(target) = hits.exact(&q) {
        return Ok(HttpResponse::SeeOther()
            .insert_header(("Location", target))
            .finish());
    }
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Search")];
    let shell = Shell::build(&req, &session, &state, &user, "Search", crumbs).await?;
    page(&SearchPage { shell, q, hits })
}

#[cfg(test)]
mod tests {
    use super::looks_numbered;

    #[test]
    fn display_number_queries_are_recognised() {
        for q in ["SR-2026-0001", "sale-", "inv-2026", "SA", "In"] {
            assert!(looks_numbered(q), "{q}");
        }
        for q in ["Smith", "GR 1234", "S", "0244"] {
            assert!(!looks_numbered(q), "{q}");
        }
    }
}
