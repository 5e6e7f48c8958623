use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::mechanics::{self, MechanicJob, MechanicView};
use crate::error::AppError;
use crate::services::mechanics::{delete_mechanic, require_manager};
use crate::state::AppState;
use crate::web::forms::{Saved, answer_delete};
use crate::web::shell::{Crumb, Shell, page};

/// How many jobs of each kind the page lists.
const JOBS_SHOWN: i64 = 25;

#[derive(Template)]
#[template(path = "mechanics/detail.html")]
struct DetailPage {
    shell: Shell,
    m: MechanicView,
    open: Vec<MechanicJob>,
    completed: Vec<MechanicJob>,
    can_write: bool,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    crate::api::customers::require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    let (m, open, completed) = state
        .db
        .read(move |c| {
            let Some(m) = mechanics::find_mechanic(c, &scope, id)? else {
                return Ok(None);
            };
            let open = mechanics::jobs_of(c, id, false, JOBS_SHOWN)?;
            let completed = mechanics::jobs_of(c, id, true, JOBS_SHOWN)?;
            Ok(Some((m, open, completed)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Mechanics", "/mechanics"),
        Crumb::here(m.mechanic.name.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &m.mechanic.name, crumbs).await?;
    page(&DetailPage {
        shell,
        m,
        open,
        completed,
        can_write: require_manager(&scope).is_ok(),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = delete_mechanic(&state.db, user.scope(None), user.actor(), id).await;
    let deleted = Saved {
        message: "Mechanic deleted.".into(),
        location: "/mechanics".into(),
    };
    answer_delete(&session, result, deleted, &format!("/mechanics/{id}"))
}
