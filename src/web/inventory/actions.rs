//! Receive, count and adjust: one small form each, re-shown with the typed values and the
//! problem (422) when refused, e.g. an adjustment that would take stock below zero.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::inventory::{self, StockLine};
use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::services::stock::{MovementInput, MovementKind, move_stock};
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::first_error;
use crate::web::shell::{Crumb, Shell, page, render, see_other};

#[derive(Template)]
#[template(path = "inventory/action.html")]
struct ActionPage {
    shell: Shell,
    s: StockLine,
    action: &'static str,
    heading: &'static str,
    v: MovementInput,
    errors: FieldErrors,
    sees_cost: bool,
}

impl ActionPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn kind_of(action: &str) -> Result<(MovementKind, &'static str, &'static str), AppError> {
    match action {
        "receive" => Ok((MovementKind::Receive, "receive", "Receive stock")),
        "count" => Ok((MovementKind::Count, "count", "Count stock")),
        "adjust" => Ok((MovementKind::Adjust, "adjust", "Adjust stock")),
        _ => Err(AppError::NotFound),
    }
}

async fn action_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    (id, action): (i32, &str),
    v: MovementInput,
    errors: FieldErrors,
) -> Result<ActionPage, AppError> {
    let (_, action, heading) = kind_of(action)?;
    let scope = user.scope(None);
    let s = state
        .db
        .read(move |c| inventory::find_stock(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    if !super::manages_stock(user) {
        return Err(AppError::Forbidden(
            "Only a site manager or a superuser can change stock.".into(),
        ));
    }
    let title = format!("{} at {}", s.product.name, s.site_name);
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Inventory", "/inventory"),
        Crumb::link(title, format!("/inventory/{id}")),
        Crumb::here(heading),
    ];
    let shell = Shell::build(req, session, state, user, heading, crumbs).await?;
    let sees_cost = user.user.role.sees_cost_prices();
    Ok(ActionPage {
        shell,
        s,
        action,
        heading,
        v,
        errors,
        sees_cost,
    })
}

pub async fn action_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, action) = path.into_inner();
    let form = action_page(
        &req,
        &state,
        &session,
        &user,
        (id, &action),
        MovementInput::default(),
        FieldErrors::new(),
    );
    page(&form.await?)
}

pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    path: web::Path<(i32, String)>,
    form: web::Form<MovementInput>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let (kind, _, _) = kind_of(&action)?;
    let input = form.into_inner();
    match move_stock(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        kind,
        input.clone(),
    )
    .await
    {
        Ok(line) => {
            let message = format!("Saved. {} on hand now.", line.row.quantity_on_hand);
            flash::push(&session, "success", message);
            Ok(see_other(&format!("/inventory/{id}")))
        }
        Err(WriteError::Invalid(errors)) => {
            let form =
                action_page(&req, &state, &session, &user, (id, &action), input, errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &form)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}
