//! The Scheduled jobs page (superuser): each daily job with its schedule, next and last run,
//! "Run now", and the history of runs with their counts and errors.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::job_runs::{self, RunRow};
use crate::db::now;
use crate::db::paging::{Page, PageRequest};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::scheduler::{JobName, describe_schedule, next_occurrence, run_claimed};
use crate::state::AppState;
use crate::web::flash;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/jobs", web::get().to(show))
        .route("/jobs/{name}/run", web::post().to(run_now));
}

/// One job's line.
pub struct JobView {
    pub name: &'static str,
    pub label: &'static str,
    pub summary: &'static str,
    pub schedule: String,
    pub next: Option<String>,
    pub last: Option<RunRow>,
}

/// The runs table, polled while a run is going on.
#[derive(Template)]
#[template(path = "schedule/runs.html")]
pub struct Runs {
    page: Page<RunRow>,
    pager: Pager,
}

impl Runs {
    fn running(&self) -> bool {
        self.page.items.iter().any(|r| r.status == "running")
    }
}

#[derive(Template)]
#[template(path = "schedule/page.html")]
struct JobsPage {
    shell: Shell,
    jobs: Vec<JobView>,
    runs: Runs,
}

/// "3 Feb 2026 08:00 UTC".
pub fn when(at: &chrono::NaiveDateTime) -> String {
    at.format("%-d %b %Y %H:%M:%S UTC").to_string()
}

/// `{"sent": 3, "skipped": 1}` as "sent: 3, skipped: 1".
pub fn counts(raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::Object(map)) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "—".into(),
    }
}

/// "1.25 s" from start to finish, or "running".
pub fn took(run: &RunRow) -> String {
    match run.finished_at {
        Some(end) => format!(
            "{:.2} s",
            (end - run.started_at).num_milliseconds() as f64 / 1000.0
        ),
        None => "running".into(),
    }
}

fn require_superuser(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Superuser {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    let request = PageRequest::parse(params.get("page").map(String::as_str), Some("25"));
    let (latest, runs) = state
        .db
        .read(move |c| {
            Ok((
                job_runs::latest_runs(c)?,
                job_runs::list_runs(c, None, request)?,
            ))
        })
        .await?;
    let pager = Pager::new("/jobs", &[], &runs, "runs");
    let runs = Runs { page: runs, pager };
    if req.headers().contains_key("HX-Request") {
        return page(&runs);
    }
    let at = now();
    let jobs = JobName::ALL
        .into_iter()
        .map(|job| {
            let schedule = job.schedule(&state.settings);
            JobView {
                name: job.as_str(),
                label: job.label(),
                summary: job.summary(),
                next: schedule
                    .as_deref()
                    .and_then(|c| next_occurrence(c, at))
                    .map(|t| when(&t)),
                schedule: describe_schedule(&schedule),
                last: latest.iter().find(|r| r.job == job.as_str()).cloned(),
            }
        })
        .collect();
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Scheduled jobs")];
    let shell = Shell::build(&req, &session, &state, &user, "Scheduled jobs", crumbs).await?;
    page(&JobsPage { shell, jobs, runs })
}

/// Starts a run at once in the background and comes back to the page, which shows it.
async fn run_now(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    name: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    let job = JobName::parse(&name).ok_or(AppError::NotFound)?;
    let state = state.into_inner();
    let who = format!("run now by user {}", user.id());
    tokio::spawn(async move {
        let settings = state.settings.clone();
        let ran = run_claimed(&state.db, &settings, Some(&state.outbox), job, now(), &who).await;
        if let Err(e) = ran {
            tracing::warn!(job = job.as_str(), error = %e, "run now failed");
        }
    });
    flash::push(&session, "success", format!("{} started.", job.label()));
    Ok(see_other("/jobs"))
}
