//! Counter sales: the list, and the POS screen built for speed (scan or search, quantities,
//! payment, one request to complete). A sale's own page is the job page (`web::jobs`) at
//! `/sales/{id}`, without vehicle, mechanic and labour.

mod pos;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::jobs::{ListKind, render_list};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sales", web::get().to(list))
        .route("/sales/new", web::get().to(pos::pos))
        .route("/sales/new", web::post().to(pos::ring_up))
        .route("/sales/products", web::get().to(pos::hits));
}

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<crate::web::jobs::Fields>,
) -> Result<HttpResponse, AppError> {
    render_list(
        req,
        state,
        session,
        user,
        params.into_inner(),
        ListKind::Sale,
    )
    .await
}
