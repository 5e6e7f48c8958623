use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::blasts::{self, BlastLine};
use crate::db::paging::{Page, PageRequest};
use crate::db::promotions::{self, PromotionRow};
use crate::error::AppError;
use crate::services::promotions::require_manager;
use crate::state::AppState;
use crate::web::pager::Pager;
use crate::web::shell::{Crumb, Shell, page};

#[derive(Template)]
#[template(path = "promotions/list.html")]
struct ListPage {
    shell: Shell,
    promotions: Page<PromotionRow>,
    pager: Pager,
    blasts: Vec<BlastLine>,
    currency: String,
    today: chrono::NaiveDate,
}

#[derive(Template)]
#[template(path = "promotions/blasts.html")]
struct BlastsPage {
    shell: Shell,
    blasts: Page<BlastLine>,
    pager: Pager,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let request = PageRequest::parse(params.get("page").map(String::as_str), None);
    let latest = PageRequest { page: 1, size: 10 };
    let (rows, recent) = state
        .db
        .read(move |c| {
            Ok((
                promotions::list_promotions(c, None, request)?,
                blasts::list_blasts(c, None, latest)?,
            ))
        })
        .await?;
    let pager = Pager::new("/promotions", &[], &rows, "promotions");
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Promotions")];
    let shell = Shell::build(&req, &session, &state, &user, "Promotions", crumbs).await?;
    page(&ListPage {
        shell,
        promotions: rows,
        pager,
        blasts: recent.items,
        currency: state.settings.currency.clone(),
        today: crate::db::now().date(),
    })
}

pub async fn blasts(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let request = PageRequest::parse(params.get("page").map(String::as_str), None);
    let rows = state
        .db
        .read(move |c| blasts::list_blasts(c, None, request))
        .await?;
    let pager = Pager::new("/promotions/blasts", &[], &rows, "blasts");
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Promotions", "/promotions"),
        Crumb::here("SMS blasts"),
    ];
    let shell = Shell::build(&req, &session, &state, &user, "SMS blasts", crumbs).await?;
    page(&BlastsPage {
        shell,
        blasts: rows,
        pager,
    })
}
