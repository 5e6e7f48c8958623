//! The blast form with its live preview, the send, and the progress page that polls itself
//! until every message is sent, failed or skipped.

use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::blasts::{self, BlastLine};
use crate::db::promotions::{self, PromotionRow};
use crate::domain::ids::SiteId;
use crate::error::{AppError, FieldErrors};
use crate::services::blasts::{
    BlastInput, MAX_LENGTH, Preview, preview as preview_blast, send_blast,
};
use crate::services::fields::WriteError;
use crate::services::promotions::require_manager;
use crate::state::AppState;
use crate::web::forms::first_error;
use crate::web::shell::{Crumb, Shell, page, render, see_other};

/// The preview beside the form, refreshed as staff type.
#[derive(Template)]
#[template(path = "promotions/preview.html")]
struct PreviewPart {
    preview: Option<Preview>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "promotions/blast.html")]
struct BlastPage {
    shell: Shell,
    promotion: PromotionRow,
    v: BlastInput,
    sites: Vec<(SiteId, String)>,
    errors: FieldErrors,
    max_length: usize,
}

impl BlastPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn audience_is(&self, key: &str) -> bool {
        self.v.audience.as_deref().unwrap_or("marketing") == key
    }

    fn site_is(&self, id: &SiteId) -> bool {
        self.v.site_id.as_deref() == Some(id.0.to_string().as_str())
    }
}

/// The progress card, polled every second until the blast is done.
#[derive(Template)]
#[template(path = "promotions/progress.html")]
struct ProgressPart {
    b: BlastLine,
}

#[derive(Template)]
#[template(path = "promotions/progress_page.html")]
struct ProgressPage {
    shell: Shell,
    progress: ProgressPart,
}

async fn promotion(state: &AppState, id: i32) -> Result<PromotionRow, AppError> {
    state
        .db
        .read(move |c| promotions::find_promotion(c, id))
        .await?
        .ok_or(AppError::NotFound)
}

async fn blast_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    promotion: PromotionRow,
    v: BlastInput,
    errors: FieldErrors,
) -> Result<BlastPage, AppError> {
    let sites = crate::web::shell::site_choices(state, user).await?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Promotions", "/promotions"),
        Crumb::here(format!("SMS blast: {}", promotion.title)),
    ];
    let shell = Shell::build(req, session, state, user, "SMS blast", crumbs).await?;
    Ok(BlastPage {
        shell,
        promotion,
        v,
        sites,
        errors,
        max_length: MAX_LENGTH,
    })
}

pub async fn blast_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let promotion = promotion(&state, id.into_inner()).await?;
    let message = if promotion.description.is_empty() {
        format!("Hi {{first_name}}, {}", promotion.title)
    } else {
        format!(
            "Hi {{first_name}}, {}\n\n{}",
            promotion.title, promotion.description
        )
    };
    let v = BlastInput {
        message: Some(message),
        audience: Some("marketing".into()),
        site_id: None,
    };
    page(
        &blast_page(
            &req,
            &state,
            &session,
            &user,
            promotion,
            v,
            FieldErrors::new(),
        )
        .await?,
    )
}

pub async fn preview(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    promotion(&state, id.into_inner()).await?;
    let input = BlastInput {
        message: params.get("message").cloned(),
        audience: params.get("audience").cloned(),
        site_id: params.get("site_id").cloned(),
    };
    let part = match preview_blast(&state, &input).await? {
        Ok(preview) => PreviewPart {
            preview: Some(preview),
            problem: None,
        },
        Err(errors) => PreviewPart {
            preview: None,
            problem: errors.values().flatten().next().cloned(),
        },
    };
    page(&part)
}

pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<BlastInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = form.into_inner();
    match send_blast(&state, user.scope(None), user.actor(), id, input.clone()).await {
        Ok(blast) => {
            crate::web::flash::push(
                &session,
                "success",
                format!("Sending to {} customers.", blast.total_count),
            );
            Ok(see_other(&format!("/promotions/blasts/{}", blast.id)))
        }
        Err(WriteError::Invalid(errors)) => {
            let promotion = promotion(&state, id).await?;
            let form = blast_page(&req, &state, &session, &user, promotion, input, errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &form)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

pub async fn progress(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let id = id.into_inner();
    let b = state
        .db
        .read(move |c| blasts::find_blast(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let progress = ProgressPart { b };
    if req.headers().contains_key("HX-Request") {
        return page(&progress);
    }
    let title = format!("SMS blast #{id}");
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Promotions", "/promotions"),
        Crumb::link("SMS blasts", "/promotions/blasts"),
        Crumb::here(title.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &title, crumbs).await?;
    page(&ProgressPage { shell, progress })
}
