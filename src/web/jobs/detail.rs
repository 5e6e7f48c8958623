//! The job page: a service request at `/service-requests/{id}`, a sale at `/sales/{id}` (each
//! sends the other kind to its own address, as the original did).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::body::{Forms, JobBody};
use super::{Fields, base_of, field};
use crate::auth::current_user::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::shell::{Crumb, Shell, see_other};

#[derive(Template)]
#[template(path = "jobs/detail.html")]
pub struct JobPage {
    shell: Shell,
    body: JobBody,
}

impl JobPage {
    pub async fn build(
        req: &HttpRequest,
        session: &Session,
        state: &AppState,
        user: &CurrentUser,
        body: JobBody,
    ) -> Result<Self, AppError> {
        let (label, href) = if user.user.role == Role::Mechanic {
            ("My jobs", "/my-jobs")
        } else if body.is_sale() {
            ("Sales", super::SALE_BASE)
        } else {
            ("Service requests", super::SERVICE_BASE)
        };
        let number = body.d.view.job.display_number.clone();
        let crumbs = vec![
            Crumb::link("Home", "/"),
            Crumb::link(label, href),
            Crumb::here(number.clone()),
        ];
        let shell = Shell::build(req, session, state, user, &number, crumbs).await?;
        Ok(Self { shell, body })
    }
}

/// `GET …/{id}`; `?q=` searches the products to add (the page without JavaScript).
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let ctx = ctx!(req, state, session, user);
    let f = Forms {
        part_q: field(&query, "q").unwrap_or_default(),
        ..Forms::default()
    };
    let body = ctx.body(id, f).await?;
    if body.base != base_of(&req) {
        return Ok(see_other(&format!("{}/{id}", body.base)));
    }
    ctx.show(body, StatusCode::OK).await
}
