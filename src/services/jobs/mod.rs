//! Service requests and counter sales ("jobs"), from opening to completion (SPEC §2, §3).
//!
//! Who may do what (SPEC §1): the front desk (superuser anywhere, manager and advisor at their
//! own site) opens, edits, assigns, cancels and completes jobs and takes payments; a mechanic
//! sees the jobs assigned to them, starts them and adds parts and labour; HQ reads.

pub mod complete;
pub mod create;
pub mod detail;
pub mod lines;
pub mod moves;
pub mod sale;

use chrono::NaiveDate;

use crate::db::jobs::JobRow;
use crate::db::scope::Scope;
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::role::Role;
use crate::error::AppError;

/// 403 unless the user works the front desk at this job's site.
pub fn require_desk(scope: &Scope, site: i32) -> Result<(), AppError> {
    scope.require_site_for_write(SiteId(site))
}

/// 403 unless the user may change this job's lines: the front desk, or the mechanic it is
/// assigned to (the scope already hides other mechanics' jobs).
pub fn require_line_writer(scope: &Scope, job: &JobRow) -> Result<(), AppError> {
    if scope.role() == Role::Mechanic {
        Ok(())
    } else {
        require_desk(scope, job.site_id)
    }
}

/// 400 when the job is completed or cancelled: its lines and fields are history.
pub fn require_open(job: &JobRow) -> Result<(), AppError> {
    match job.status() {
        JobStatus::Completed => Err(AppError::BadRequest(format!(
            "{} is completed; completed jobs cannot be changed.",
            job.display_number
        ))),
        JobStatus::Cancelled => Err(AppError::BadRequest(format!(
            "{} is cancelled; cancelled jobs cannot be changed.",
            job.display_number
        ))),
        _ => Ok(()),
    }
}

/// Whether the user may set prices on lines (mechanics see no prices they could change).
pub fn sets_prices(scope: &Scope) -> bool {
    !matches!(scope.role(), Role::Mechanic | Role::Hq)
}

/// Today in the site's timezone ("today" for jobs is the site's local day, SPEC §2).
pub fn site_today(timezone: &str) -> NaiveDate {
    let zone: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    chrono::Utc::now().with_timezone(&zone).date_naive()
}

/// The 404 for a job that does not exist for this user.
pub fn missing() -> AppError {
    AppError::NotFound
}
