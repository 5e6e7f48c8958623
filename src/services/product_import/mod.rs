//! Product CSV import (superuser): upload → preview (reads only) → confirm, which applies
//! every row in ONE transaction in the background while the page shows real progress.
//!
//! An uploaded file lives in memory between preview and confirm, owned by its uploader, for at
//! most an hour; a restart forgets it (the user uploads again). Nothing is written before
//! confirm, and a file with any problem cannot be confirmed.

pub mod parse;
pub mod plan;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::db::audit::Actor;
use crate::db::{Db, write_transaction};
use crate::domain::ids::UserId;
use parse::ParsedFile;
use plan::{Applied, Plan, Problem};

/// How long an uploaded file waits for its confirmation.
const KEEP_FOR: Duration = Duration::from_secs(60 * 60);
/// Most uploads kept at once (the oldest go first).
const MAX_KEPT: usize = 20;

/// Where a confirmed import is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportState {
    Previewed,
    Running,
    Done(Applied),
    /// Nothing was applied; the reason, and the rows at fault when the catalogue changed.
    Failed(String, Vec<Problem>),
}

/// One uploaded file.
pub struct ImportJob {
    pub id: String,
    pub owner: UserId,
    pub file_name: String,
    pub file: ParsedFile,
    pub preview: Plan,
    created: Instant,
    done: AtomicUsize,
    state: Mutex<ImportState>,
}

impl ImportJob {
    pub fn state(&self) -> ImportState {
        lock(&self.state).clone()
    }

    /// Rows applied so far, of [`ImportJob::total`].
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> usize {
        self.file.rows.len()
    }

    /// Whole percent applied, for the progress bar.
    pub fn percent(&self) -> usize {
        (self.done() * 100).checked_div(self.total()).unwrap_or(100)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The uploads of this process.
#[derive(Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<ImportJob>>>,
}

impl ImportJobs {
    /// Keeps a previewed file and returns it.
    pub fn add(
        &self,
        owner: UserId,
        file_name: String,
        file: ParsedFile,
        preview: Plan,
    ) -> Arc<ImportJob> {
        let job = Arc::new(ImportJob {
            id: crate::auth::api_tokens::random_token(),
            owner,
            file_name,
            file,
            preview,
            created: Instant::now(),
            done: AtomicUsize::new(0),
            state: Mutex::new(ImportState::Previewed),
        });
        let mut jobs = lock(&self.jobs);
        jobs.retain(|_, j| j.created.elapsed() < KEEP_FOR || j.state() == ImportState::Running);
        while jobs.len() >= MAX_KEPT {
            let oldest = jobs
                .values()
                .filter(|j| j.state() != ImportState::Running)
                .min_by_key(|j| j.created)
                .map(|j| j.id.clone());
            match oldest {
                Some(id) => jobs.remove(&id),
                None => break,
            };
        }
        jobs.insert(job.id.clone(), job.clone());
        job
    }

    /// The upload `id` of `owner` (another user's upload does not exist for them).
    pub fn get(&self, id: &str, owner: UserId) -> Option<Arc<ImportJob>> {
        lock(&self.jobs)
            .get(id)
            .filter(|j| j.owner == owner)
            .cloned()
    }
}

/// Starts applying a previewed file in the background; false when it cannot start (it has
/// problems, or it already ran or is running).
pub fn start(db: &Db, job: Arc<ImportJob>, actor: Actor) -> bool {
    {
        let mut state = lock(&job.state);
        if *state != ImportState::Previewed || !job.preview.problems.is_empty() {
            return false;
        }
        *state = ImportState::Running;
    }
    let db = db.clone();
    tokio::spawn(async move {
        let worker = job.clone();
        let result = db
            .writing(move |conn| {
                write_transaction(conn, |c| plan::apply(c, actor, &worker.file, &worker.done))
            })
            .await;
        let finished = match result {
            Ok(Ok(applied)) => ImportState::Done(applied),
            Ok(Err(problems)) => ImportState::Failed(
                "The catalogue changed since the preview, so these rows no longer fit. Nothing was imported; upload the file again.".into(),
                problems,
            ),
            Err(e) if crate::services::products::is_unique_violation(&e) => ImportState::Failed(
                "Another product with one of these SKUs was added while importing. Nothing was imported; upload the file again.".into(),
                Vec::new(),
            ),
            Err(e) => {
                tracing::error!(error = %e, "product import failed");
                ImportState::Failed(
                    "The import failed and nothing was imported. Try again in a moment.".into(),
                    Vec::new(),
                )
            }
        };
        if !matches!(finished, ImportState::Done(_)) {
            job.done.store(0, Ordering::Relaxed);
        }
        *lock(&job.state) = finished;
    });
    true
}
