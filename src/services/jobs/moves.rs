//! Moving a job along: assigning its mechanic, the status moves the state machine allows,
//! cancelling with a reason, and deleting an open job opened by mistake.

use serde_json::json;

use super::create::{check_mechanic, job_audit, record_update};
use super::{require_desk, require_open};
use crate::db::audit::{self, Actor, Entry};
use crate::db::jobs::{self, JobRow};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::fields::{Problems, WriteError};
use crate::services::notify::Notify;

fn locked(c: &mut AnyConnection, scope: &Scope, id: i32) -> Result<JobRow, WriteError> {
    Ok(jobs::lock_job(c, id)?
        .filter(|r| jobs::visible(scope, r))
        .ok_or(AppError::NotFound)?)
}

/// Sets (or, with `None`, clears) the mechanic; returns the newly assigned mechanic, if the
/// assignment changed to one, for the caller to notify.
pub async fn assign_mechanic(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    raw: Option<String>,
    notify: Notify,
) -> Result<Option<i32>, WriteError> {
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            let job = locked(c, &scope, id)?;
            require_desk(&scope, job.site_id)?;
            require_open(&job)?;
            let mut p = Problems::default();
            let mechanic = match raw.as_deref().map(str::trim) {
                None | Some("") | Some("null") => None,
                Some(raw) => match raw.parse::<i32>() {
                    Ok(m) if m > 0 => Some(m),
                    _ => {
                        p.add("assigned_mechanic", "Choose a mechanic from the list.");
                        None
                    }
                },
            };
            if job.is_sale() && mechanic.is_some() {
                p.add("assigned_mechanic", "A sale has no mechanic.");
            }
            if let Some(m) = mechanic {
                check_mechanic(c, m, job.site_id, &mut p)?;
            }
            p.finish(()).map_err(WriteError::Invalid)?;
            if mechanic == job.assigned_mechanic_id {
                return Ok(None);
            }
            jobs::set_mechanic(c, id, mechanic)?;
            let changes = json!({"assigned_mechanic_id": [job.assigned_mechanic_id, mechanic]});
            record_update(c, actor, &job, audit::snapshot(&changes))?;
            if let Some(m) = mechanic {
                notify.mechanic_assigned(c, id, m)?;
            }
            Ok(mechanic)
        })
        .await;
    waker.wake(result)
}

/// A status move by hand (Draft → Pending, Pending → In Progress). The assigned mechanic may
/// start their own job; Completed and Cancelled have their own actions.
pub async fn move_status(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    raw: &str,
) -> Result<JobStatus, WriteError> {
    let next = JobStatus::parse(raw);
    db.write_or(move |c| {
        let job = locked(c, &scope, id)?;
        if scope.role() == Role::Mechanic {
            if next != Some(JobStatus::InProgress) {
                return Err(AppError::Forbidden(
                    "Mechanics start their jobs; the front desk does the rest.".into(),
                )
                .into());
            }
        } else {
            require_desk(&scope, job.site_id)?;
        }
        require_open(&job)?;
        let current = job.status();
        let Some(next) = next else {
            return Err(AppError::BadRequest("Unknown status.".into()).into());
        };
        if next == JobStatus::Completed {
            return Err(AppError::BadRequest(
                "A job is completed with Complete, which takes the stock and makes the invoice."
                    .into(),
            )
            .into());
        }
        if next == JobStatus::Cancelled {
            return Err(AppError::BadRequest("Cancel a job with a reason.".into()).into());
        }
        if next == current {
            return Ok(current);
        }
        if !current.can_move_to(next) {
            return Err(AppError::BadRequest(format!(
                "{} cannot move from {current} to {next}.",
                job.display_number
            ))
            .into());
        }
        jobs::set_status(c, id, next)?;
        let changes = json!({"status": [current.as_str(), next.as_str()]});
        record_update(c, actor, &job, audit::snapshot(&changes))?;
        Ok(next)
    })
    .await
}

/// Cancels an open job with a reason; its lines stay as they were, and no stock moves.
pub async fn cancel_job(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    reason: String,
) -> Result<(), WriteError> {
    db.write_or(move |c| {
        let job = locked(c, &scope, id)?;
        require_desk(&scope, job.site_id)?;
        if job.status() == JobStatus::Completed {
            return Err(AppError::BadRequest(format!(
                "{} is completed and invoiced; a superuser can void its invoice instead.",
                job.display_number
            ))
            .into());
        }
        require_open(&job)?;
        let mut p = Problems::default();
        let reason = p.text("reason", &reason, 500, true);
        p.finish(()).map_err(WriteError::Invalid)?;
        jobs::cancel(c, id, &reason)?;
        let changes = json!({"status": [job.status, "Cancelled"], "cancel_reason": reason});
        record_update(c, actor, &job, audit::snapshot(&changes))?;
        Ok(())
    })
    .await
}

/// Deletes an open job (a mistake); completed and cancelled jobs are history and stay.
pub async fn delete_job(db: &Db, scope: Scope, actor: Actor, id: i32) -> Result<(), WriteError> {
    db.write_or(move |c| {
        let job = locked(c, &scope, id)?;
        require_desk(&scope, job.site_id)?;
        if job.status().is_final() {
            return Err(AppError::BadRequest(format!(
                "{} is {}; it stays as history.",
                job.display_number,
                job.status.to_lowercase()
            ))
            .into());
        }
        jobs::delete_job(c, id)?;
        audit::record(
            c,
            actor,
            Entry {
                action: "delete",
                entity: "service_request",
                entity_id: id,
                repr: &job.display_number,
                changes: audit::snapshot(&job_audit(&job)),
                site: Some(SiteId(job.site_id)),
            },
        )?;
        Ok(())
    })
    .await
}
