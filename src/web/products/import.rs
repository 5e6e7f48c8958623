//! The CSV import pages: upload (multipart, sent by htmx with the CSRF header), the preview of
//! the job (what would be created and updated, every problem by row and column; nothing
//! written), confirmation, and the progress of the one-transaction apply.

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::services::product_import::parse::{self, COLUMNS, MAX_BYTES};
use crate::services::product_import::plan::{PlannedRow, Problem};
use crate::services::product_import::{self as import, ImportJob, ImportState};
use crate::state::AppState;
use crate::web::shell::{Crumb, Shell, page, render, see_other};

/// Rows listed on the preview; the counts cover all of them.
const PREVIEW_ROWS: usize = 200;
const PREVIEW_PROBLEMS: usize = 500;

/// The upload form, swapped in place by htmx when the file cannot be read.
#[derive(Template)]
#[template(path = "products/import_form.html")]
struct UploadForm {
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "products/import.html")]
struct UploadPage {
    shell: Shell,
    form: UploadForm,
    columns: Vec<(&'static str, String)>,
}

/// The live part of a confirmed import: polls itself while running.
#[derive(Template)]
#[template(path = "products/import_progress.html")]
struct Progress {
    job: Arc<ImportJob>,
    state: ImportState,
}

#[derive(Template)]
#[template(path = "products/import_job.html")]
struct JobPage {
    shell: Shell,
    job: Arc<ImportJob>,
    rows: Vec<PlannedRow>,
    problems: Vec<Problem>,
    progress: Option<Progress>,
}

impl Progress {
    fn running(&self) -> bool {
        self.state == ImportState::Running
    }
}

impl JobPage {
    fn price(&self, row: &PlannedRow) -> String {
        crate::domain::money::Money::from_cents(row.fields.unit_price_cents).to_string()
    }
}

fn column_list() -> Vec<(&'static str, String)> {
    COLUMNS
        .iter()
        .map(|(field, names)| {
            let field = if field.is_empty() { "(ignored)" } else { field };
            (field, names.join(", "))
        })
        .collect()
}

async fn upload_shell(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
) -> Result<Shell, AppError> {
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Products", "/products"),
        Crumb::here("Import"),
    ];
    Shell::build(req, session, state, user, "Import products", crumbs).await
}

pub async fn upload_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let shell = upload_shell(&req, &state, &session, &user).await?;
    page(&UploadPage {
        shell,
        form: UploadForm { error: None },
        columns: column_list(),
    })
}

/// The uploaded file's name and bytes, or why there is none. The rest of an oversized body
/// is read and dropped, so the client always gets the answer.
async fn read_upload(mut payload: Multipart) -> Result<(String, Vec<u8>), String> {
    let mut found: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| format!("The upload could not be read: {e}."))?;
        let wanted = field.name() == Some("file") && found.is_none();
        let name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("")
            .to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| format!("The upload could not be read: {e}."))?;
            if wanted && !too_large {
                if bytes.len() + chunk.len() > MAX_BYTES {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
        }
        if wanted {
            found = Some((name, bytes));
        }
    }
    if too_large {
        return Err("The file is larger than 5 MB. Split it into smaller files.".into());
    }
    match found {
        Some((_, bytes)) if bytes.is_empty() => Err("Choose a CSV file to upload.".into()),
        Some(upload) => Ok(upload),
        None => Err("Choose a CSV file to upload.".into()),
    }
}

fn is_htmx(req: &HttpRequest) -> bool {
    req.headers().contains_key("HX-Request")
}

/// Reads the file and keeps it with its preview; nothing is written to the database.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let parsed = match read_upload(payload).await {
        Ok((name, bytes)) => parse::parse(&bytes).map(|file| (name, file)),
        Err(message) => Err(message),
    };
    let (name, file) = match parsed {
        Ok(ok) => ok,
        Err(message) => {
            let form = UploadForm {
                error: Some(message),
            };
            if is_htmx(&req) {
                return page(&form);
            }
            let shell = upload_shell(&req, &state, &session, &user).await?;
            let page = UploadPage {
                shell,
                form,
                columns: column_list(),
            };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (preview, file) = state
        .db
        .read(move |c| Ok((import::plan::plan(c, &file)?, file)))
        .await?;
    let job = state.imports.add(user.id(), name, file, preview);
    let target = format!("/products/import/{}", job.id);
    if is_htmx(&req) {
        return Ok(HttpResponse::Ok()
            .insert_header(("HX-Redirect", target))
            .finish());
    }
    Ok(see_other(&target))
}

fn find_job(state: &AppState, user: &CurrentUser, id: &str) -> Result<Arc<ImportJob>, AppError> {
    super::require_superuser(user)?;
    state.imports.get(id, user.id()).ok_or(AppError::NotFound)
}

pub async fn job_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = find_job(&state, &user, &id)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Products", "/products"),
        Crumb::link("Import", "/products/import"),
        Crumb::here("Preview"),
    ];
    let shell = Shell::build(&req, &session, &state, &user, "Import preview", crumbs).await?;
    let current = job.state();
    let progress = (current != ImportState::Previewed).then(|| Progress {
        job: job.clone(),
        state: current,
    });
    page(&JobPage {
        shell,
        rows: job
            .preview
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .cloned()
            .collect(),
        problems: job
            .preview
            .problems
            .iter()
            .take(PREVIEW_PROBLEMS)
            .cloned()
            .collect(),
        job,
        progress,
    })
}

/// Starts the apply and shows its progress.
pub async fn confirm(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = find_job(&state, &user, &id)?;
    if !job.preview.problems.is_empty() {
        return Err(AppError::BadRequest(
            "This file has problems, so nothing can be imported. Fix them and upload it again."
                .into(),
        ));
    }
    if !import::start(&state.db, job.clone(), user.actor()) && job.state() == ImportState::Previewed
    {
        return Err(AppError::BadRequest(
            "The import could not be started.".into(),
        ));
    }
    Ok(see_other(&format!("/products/import/{}", job.id)))
}

pub async fn progress(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let job = find_job(&state, &user, &id)?;
    let current = job.state();
    page(&Progress {
        job,
        state: current,
    })
}
