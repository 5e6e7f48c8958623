//! The lists of jobs: service requests (a mechanic sees only theirs), counter sales, and a
//! mechanic's "My jobs" (open ones first). Every filter is in the URL; the rows, their names and
//! totals cost the same few queries whatever the page size (`db::job_list`).

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;

use super::{Fields, is_htmx, money, status_badge};
use crate::auth::current_user::CurrentUser;
use crate::db::job_list::{self, JobFilter, JobListRow, Kind};
use crate::db::paging::{Counting, PageRequest};
use crate::db::{AnyConnection, DbError, customers, mechanics};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::dates::local_date;
use crate::web::nav;
use crate::web::pager::Pager;
use crate::web::shell::{self, Crumb, Shell, page};

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    Service,
    Sale,
    /// A mechanic's own open jobs.
    Mine,
}

impl ListKind {
    fn path(self) -> &'static str {
        match self {
            ListKind::Service => super::SERVICE_BASE,
            ListKind::Sale => super::SALE_BASE,
            ListKind::Mine => "/my-jobs",
        }
    }

    fn area(self) -> &'static str {
        match self {
            ListKind::Service => "service-requests",
            ListKind::Sale => "sales",
            ListKind::Mine => "my-jobs",
        }
    }

    fn title(self) -> &'static str {
        match self {
            ListKind::Service => "Service requests",
            ListKind::Sale => "Sales",
            ListKind::Mine => "My jobs",
        }
    }
}

/// One row, ready to show.
pub struct Row {
    pub href: String,
    pub number: String,
    pub customer: String,
    pub customer_id: i32,
    pub walk_in: bool,
    pub vehicle: Option<String>,
    pub service_type: Option<String>,
    pub site: String,
    pub mechanic: Option<String>,
    pub status: String,
    pub badge: &'static str,
    /// Invoice total once completed, else the running parts + labour.
    pub total: String,
    pub invoiced: bool,
    pub date: String,
}

/// The table and pager, swapped in place while typing a number.
#[derive(Template)]
#[template(path = "jobs/results.html")]
pub struct Results {
    rows: Vec<Row>,
    pager: Pager,
    kind: ListKind,
    show_site: bool,
    filtered: bool,
    unlinked_mechanic: bool,
}

impl Results {
    fn is_sale(&self) -> bool {
        self.kind == ListKind::Sale
    }

    fn is_mine(&self) -> bool {
        self.kind == ListKind::Mine
    }

    fn path(&self) -> &'static str {
        self.kind.path()
    }

    /// The mechanic column: service lists, but not a mechanic's own.
    fn shows_mechanic(&self) -> bool {
        self.kind == ListKind::Service
    }
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
struct ListPage {
    shell: Shell,
    results: Results,
    kind: ListKind,
    path: &'static str,
    v: Fields,
    statuses: Vec<(&'static str, &'static str)>,
    sites: Vec<(SiteId, String)>,
    mechanics: Vec<(i32, String)>,
    customer_name: Option<String>,
    can_create: bool,
}

impl ListPage {
    fn v(&self, key: &str) -> &str {
        self.v.get(key).map_or("", String::as_str)
    }

    fn is(&self, key: &str, value: &str) -> bool {
        self.v(key) == value
    }

    fn site_is(&self, id: &SiteId) -> bool {
        self.v("site") == id.0.to_string()
    }

    fn mechanic_is(&self, id: &i32) -> bool {
        self.v("mechanic") == id.to_string()
    }

    fn is_sale(&self) -> bool {
        self.kind == ListKind::Sale
    }

    fn is_mine(&self) -> bool {
        self.kind == ListKind::Mine
    }
}

fn day(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

fn id_of(raw: &str) -> Option<i32> {
    raw.trim().parse().ok().filter(|id| *id > 0)
}

/// The filter the URL asks for (unknown values are ignored, never an error).
fn filter_of(v: &Fields, kind: ListKind, all_sites: bool) -> JobFilter {
    let get = |k: &str| v.get(k).map_or("", String::as_str);
    let status = get("status");
    JobFilter {
        kind: if kind == ListKind::Sale {
            Kind::Sale
        } else {
            Kind::Service
        },
        status: JobStatus::parse(status),
        open_only: status == "open",
        site: if all_sites { id_of(get("site")) } else { None },
        mechanic: id_of(get("mechanic")),
        customer: id_of(get("customer")),
        vehicle: id_of(get("vehicle")),
        from: day(get("from")),
        to: day(get("to")),
        number: get("q").trim().to_owned(),
    }
}

fn row(job: JobListRow) -> Row {
    let (total, invoiced) = match job.invoice_total_cents {
        Some(total) => (total, true),
        None => (job.lines_cents, false),
    };
    Row {
        href: super::job_path(job.is_sale(), job.id),
        customer: job.customer_name(),
        vehicle: job.vehicle_display(),
        service_type: job.service_type_display(),
        badge: status_badge(&job.status),
        total: money(total),
        invoiced,
        date: local_date(job.created_at, &job.site_timezone),
        number: job.display_number,
        customer_id: job.customer_id,
        walk_in: job.customer_is_walk_in,
        site: job.site_name,
        mechanic: job.mechanic_name,
        status: job.status,
    }
}

/// 403 unless the role may open this list (the sidebar's table; mechanics also reach the
/// service list, which the scope narrows to their own jobs).
fn require_list(user: &CurrentUser, kind: ListKind) -> Result<(), AppError> {
    let role = user.user.role;
    let allowed = nav::area(kind.area()).is_some_and(|a| a.allows(role))
        || (kind == ListKind::Service && role == Role::Mechanic);
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    render_list(
        req,
        state,
        session,
        user,
        params.into_inner(),
        ListKind::Service,
    )
    .await
}

pub async fn my_jobs(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    let mut params = params.into_inner();
    params
        .entry("status".into())
        .or_insert_with(|| "open".into());
    render_list(req, state, session, user, params, ListKind::Mine).await
}

/// Renders one of the lists for `params`.
pub async fn render_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    mut v: Fields,
    kind: ListKind,
) -> Result<HttpResponse, AppError> {
    require_list(&user, kind)?;
    let all_sites = user.user.role.sees_all_sites();
    // The site switcher's choice is the default; `?site=` (even empty: all sites) overrides it.
    if all_sites && !v.contains_key("site") {
        let chosen = shell::selected_site(&session).map(|s| s.0.to_string());
        v.insert("site".into(), chosen.unwrap_or_default());
    }
    let filter = filter_of(&v, kind, all_sites);
    let filtered = filter.status.is_some()
        || (filter.open_only && kind != ListKind::Mine)
        || filter.mechanic.is_some()
        || filter.customer.is_some()
        || filter.vehicle.is_some()
        || filter.from.is_some()
        || filter.to.is_some()
        || !filter.number.is_empty();
    let request = PageRequest::parse(
        v.get("page").map(String::as_str),
        v.get("page_size").map(String::as_str),
    );
    let scope = user.scope(None);
    let query = filter.clone();
    // One trip to the database for the rows and (full pages) the filters' choices: each trip
    // costs a thread hand-off and a pool checkout, more than a small query.
    let wants_choices = (!is_htmx(&req)).then(|| choice_request(&user, kind, &filter));
    let (rows, choices) = state
        .db
        .read(move |c| {
            let page = job_list::list_job_rows(c, &scope, &query, request, Counting::Capped)?;
            let choices = wants_choices.map(|w| w.load(c)).transpose()?;
            Ok((page, choices))
        })
        .await?;
    let keys = [
        "q", "status", "site", "mechanic", "customer", "vehicle", "from", "to",
    ];
    let pairs: Vec<(&str, &str)> = keys
        .iter()
        .map(|k| (*k, v.get(*k).map_or("", String::as_str)))
        .collect();
    let noun = if kind == ListKind::Sale {
        "sales"
    } else {
        "jobs"
    };
    let pager = Pager::new(kind.path(), &pairs, &rows, noun);
    let results = Results {
        rows: rows.items.into_iter().map(row).collect(),
        pager,
        kind,
        show_site: all_sites,
        filtered,
        unlinked_mechanic: user.user.role == Role::Mechanic && user.user.mechanic_id.is_none(),
    };
    let Some((mechanics, customer_name)) = choices else {
        return page(&results);
    };
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here(kind.title())];
    let shell = Shell::build(&req, &session, &state, &user, kind.title(), crumbs).await?;
    // The site filter offers the sites the switcher already lists.
    let sites = shell
        .site_switcher
        .as_ref()
        .map(|s| s.sites.clone())
        .unwrap_or_default();
    let statuses = statuses(kind);
    page(&ListPage {
        shell,
        results,
        kind,
        path: kind.path(),
        v,
        statuses,
        sites,
        mechanics,
        customer_name,
        can_create: kind != ListKind::Mine && user.scope(None).require_write().is_ok(),
    })
}

/// The status filter's choices.
fn statuses(kind: ListKind) -> Vec<(&'static str, &'static str)> {
    let mut all = vec![("", "Any status"), ("open", "Open")];
    if kind != ListKind::Mine {
        all.push(("Draft", "Draft"));
    }
    all.extend([
        ("Pending", "Pending"),
        ("In Progress", "In Progress"),
        ("Completed", "Completed"),
        ("Cancelled", "Cancelled"),
    ]);
    all
}

/// What the filters need besides the sites: mechanics (service lists, front desk) and the
/// name of the customer filtered on.
struct ChoiceRequest {
    lists_mechanics: bool,
    site: Option<i32>,
    customer: Option<i32>,
}

fn choice_request(user: &CurrentUser, kind: ListKind, filter: &JobFilter) -> ChoiceRequest {
    ChoiceRequest {
        lists_mechanics: kind == ListKind::Service && user.user.role != Role::Mechanic,
        site: filter.site.or(user.site_id().map(|s| s.0)),
        customer: filter.customer,
    }
}

/// The mechanics to filter by, and the filtered customer's name.
type Choices = (Vec<(i32, String)>, Option<String>);

impl ChoiceRequest {
    fn load(self, c: &mut AnyConnection) -> Result<Choices, DbError> {
        let mechanics = if self.lists_mechanics {
            mechanics::mechanic_choices(c, self.site, false)?
        } else {
            Vec::new()
        };
        let name = match self.customer {
            Some(id) => customers::find_customer(c, id)?.map(|r| r.full_name()),
            None => None,
        };
        Ok((mechanics, name))
    }
}
