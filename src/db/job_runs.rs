//! Runs of the scheduled jobs. A run is claimed by inserting its (job, scheduled time) row: the
//! unique key lets exactly one instance win, on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::paging::{Page, PageRequest};
use super::schema::job_runs;
use super::{AnyConnection, DbError};

/// Claims the run of `job` scheduled for `at`; `None` when another instance has it.
pub fn claim(
    conn: &mut AnyConnection,
    job: &str,
    at: NaiveDateTime,
    started: NaiveDateTime,
    instance: &str,
) -> Result<Option<i32>, DbError> {
    let values = (
        job_runs::job.eq(job),
        job_runs::scheduled_for.eq(at),
        job_runs::started_at.eq(started),
        job_runs::status.eq("running"),
        job_runs::instance.eq(instance),
    );
    let id = match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(job_runs::table)
            .values(values)
            .on_conflict((job_runs::job, job_runs::scheduled_for))
            .do_nothing()
            .returning(job_runs::id)
            .get_result(c)
            .optional()?,
        AnyConnection::Sqlite(c) => diesel::insert_into(job_runs::table)
            .values(values)
            .on_conflict((job_runs::job, job_runs::scheduled_for))
            .do_nothing()
            .returning(job_runs::id)
            .get_result(c)
            .optional()?,
    };
    Ok(id)
}

/// Records how a run ended.
pub fn finish(
    conn: &mut AnyConnection,
    id: i32,
    finished: NaiveDateTime,
    counts: &serde_json::Value,
    error: Option<&str>,
) -> Result<(), DbError> {
    diesel::update(job_runs::table.find(id))
        .set((
            job_runs::finished_at.eq(Some(finished)),
            job_runs::status.eq(if error.is_some() {
                "failed"
            } else {
                "succeeded"
            }),
            job_runs::counts.eq(counts.to_string()),
            job_runs::error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// A run as the jobs page shows it.
#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = job_runs)]
pub struct RunRow {
    pub id: i32,
    pub job: String,
    pub scheduled_for: NaiveDateTime,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub status: String,
    pub counts: String,
    pub error: Option<String>,
    pub instance: String,
}

/// Runs, newest first.
pub fn list_runs(
    conn: &mut AnyConnection,
    job: Option<&str>,
    page: PageRequest,
) -> Result<Page<RunRow>, DbError> {
    let query = || {
        let mut q = job_runs::table.into_boxed();
        if let Some(job) = job {
            q = q.filter(job_runs::job.eq(job.to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let items = query()
        .order(job_runs::id.desc())
        .offset(page.offset())
        .limit(page.size)
        .select(RunRow::as_select())
        .load(conn)?;
    Ok(Page::new(page, items, total))
}

/// The latest run of each job, in one query.
pub fn latest_runs(conn: &mut AnyConnection) -> Result<Vec<RunRow>, DbError> {
    let latest = job_runs::table
        .group_by(job_runs::job)
        .select(diesel::dsl::max(job_runs::id));
    let ids: Vec<Option<i32>> = latest.load(conn)?;
    let ids: Vec<i32> = ids.into_iter().flatten().collect();
    Ok(job_runs::table
        .filter(job_runs::id.eq_any(ids))
        .select(RunRow::as_select())
        .load(conn)?)
}
