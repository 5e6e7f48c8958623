//! How the job page's actions answer: the body alone for htmx, else a redirect (done) or the
//! whole page (something to correct).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::body::{Forms, JobBody, load};
use super::{base_of, is_htmx};
use crate::auth::csrf;
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::services::fields::WriteError;
use crate::state::AppState;
use crate::web::flash;
use crate::web::shell::{page, render, see_other};

/// What an action handler works with: the request, the app, the session and the user.
pub struct Ctx<'a> {
    pub req: &'a HttpRequest,
    pub state: &'a AppState,
    pub session: &'a Session,
    pub user: &'a CurrentUser,
}

impl Ctx<'_> {
    /// The body of job `id` with the forms in `f`.
    pub async fn body(&self, id: i32, f: Forms) -> Result<JobBody, AppError> {
        load(self.state, self.user, id, f, csrf::token(self.session)).await
    }

    /// The body for htmx (200, so it is swapped in), else the whole page with `status`.
    pub async fn respond(
        &self,
        id: i32,
        f: Forms,
        status: StatusCode,
    ) -> Result<HttpResponse, AppError> {
        let body = self.body(id, f).await?;
        self.show(body, status).await
    }

    /// `body` alone for htmx, else inside its page.
    pub async fn show(&self, body: JobBody, status: StatusCode) -> Result<HttpResponse, AppError> {
        if is_htmx(self.req) {
            return page(&body);
        }
        let full =
            super::detail::JobPage::build(self.req, self.session, self.state, self.user, body)
                .await?;
        render(status, &full)
    }

    /// Answers an action on job `id`: done → the body with the notice (htmx) or a redirect
    /// with it as a flash; invalid input → the form `form` again with its errors and what was
    /// typed in `f`; a refusal the user can act on (400) → its message above that form; 403
    /// and 404 → the error page or toast.
    pub async fn answer(
        &self,
        id: i32,
        result: Result<String, WriteError>,
        form: &'static str,
        mut f: Forms,
    ) -> Result<HttpResponse, AppError> {
        match result {
            Ok(notice) if is_htmx(self.req) => {
                let f = Forms {
                    notice: Some(notice),
                    ..Forms::default()
                };
                self.respond(id, f, StatusCode::OK).await
            }
            Ok(notice) => {
                flash::push(self.session, "success", notice);
                Ok(see_other(&format!("{}/{id}", base_of(self.req))))
            }
            Err(WriteError::Invalid(errors)) => {
                f.errors_for = form;
                f.errors = errors;
                self.respond(id, f, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(WriteError::Refused(AppError::BadRequest(message))) => {
                f.refusal = Some((form, message));
                self.respond(id, f, StatusCode::BAD_REQUEST).await
            }
            Err(WriteError::Refused(e)) => Err(e),
        }
    }
}
