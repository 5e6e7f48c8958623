use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::inventory::{self, MovementLine, StockLine};
use crate::db::paging::{Page, PageRequest};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::services::stock::delete_stock;
use crate::state::AppState;
use crate::web::flash;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page, see_other};

#[derive(Template)]
#[template(path = "inventory/detail.html")]
struct DetailPage {
    shell: Shell,
    s: StockLine,
    history: Page<MovementLine>,
    pager: Pager,
    sees_cost: bool,
    can_write: bool,
}

impl DetailPage {
    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        crate::web::dates::local_time(*at, &self.s.site_timezone)
    }

    fn when_opt(&self, at: &Option<chrono::NaiveDateTime>) -> String {
        at.map(|t| crate::web::dates::local_time(t, &self.s.site_timezone))
            .unwrap_or_else(|| "Never".into())
    }

    fn cost(&self, m: &MovementLine) -> String {
        m.unit_cost_cents
            .map(|c| Money::from_cents(c).to_string())
            .unwrap_or_default()
    }

    /// "+5", "-2", "0".
    fn signed(&self, n: &i32) -> String {
        if *n > 0 {
            format!("+{n}")
        } else {
            n.to_string()
        }
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        match kind {
            "in" => "Received",
            "out" => "Used",
            "adjust" => "Adjusted",
            "return" => "Returned",
            "count" => "Counted",
            _ => "Other",
        }
    }
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    let request = PageRequest::parse(
        params.get("page").map(String::as_str),
        params.get("page_size").map(String::as_str),
    );
    let (s, history) = state
        .db
        .read(move |c| {
            let Some(line) = inventory::find_stock(c, &scope, id)? else {
                return Ok(None);
            };
            Ok(Some((line, inventory::movements_of(c, id, request)?)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let path = format!("/inventory/{id}");
    let pager = Pager::new(&path, &[], &history, "movements");
    let title = format!("{} at {}", s.product.name, s.site_name);
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Inventory", "/inventory"),
        Crumb::here(title.clone()),
    ];
    let shell = Shell::build(&req, &session, &state, &user, &title, crumbs).await?;
    page(&DetailPage {
        shell,
        s,
        history,
        pager,
        sees_cost: user.user.role.sees_cost_prices(),
        can_write: super::manages_stock(&user),
    })
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match delete_stock(&state.db, user.scope(None), user.actor(), id).await {
        Ok(()) => {
            flash::push(&session, "success", "Stock row deleted.");
            Ok(see_other("/inventory"))
        }
        Err(WriteError::Refused(AppError::BadRequest(message))) => {
            flash::push(&session, "error", message);
            Ok(see_other(&format!("/inventory/{id}")))
        }
        Err(e) => Err(e.into()),
    }
}
