//! The shape every form post shares: saved → flash and go to the record (303); invalid → the
//! form again with the errors and what was typed (422); refused → the error page.

use std::future::Future;

use actix_session::Session;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::web::flash;
use crate::web::shell::{render, see_other};

/// Where a successful save leads and what it says there.
pub struct Saved {
    pub message: String,
    pub location: String,
}

/// Answers a create or update form post.
pub async fn answer<T, P, Fut>(
    session: &Session,
    result: Result<T, WriteError>,
    saved: impl FnOnce(&T) -> Saved,
    invalid: impl FnOnce(FieldErrors) -> Fut,
) -> Result<HttpResponse, AppError>
where
    P: Template,
    Fut: Future<Output = Result<P, AppError>>,
{
    match result {
        Ok(row) => {
            let Saved { message, location } = saved(&row);
            flash::push(session, "success", message);
            Ok(see_other(&location))
        }
        Err(WriteError::Invalid(errors)) => {
            render(StatusCode::UNPROCESSABLE_ENTITY, &invalid(errors).await?)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

/// Answers a delete button: gone → the list with a flash; refused for a reason the user can act
/// on (history to keep) → back to the record with that reason; forbidden → the 403 page.
pub fn answer_delete(
    session: &Session,
    result: Result<(), WriteError>,
    deleted: Saved,
    back_to: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => {
            flash::push(session, "success", deleted.message);
            Ok(see_other(&deleted.location))
        }
        Err(WriteError::Refused(AppError::BadRequest(message))) => {
            flash::push(session, "error", message);
            Ok(see_other(back_to))
        }
        Err(WriteError::Refused(e)) => Err(e),
        Err(WriteError::Invalid(_)) => {
            Err(AppError::BadRequest("This could not be deleted.".into()))
        }
    }
}
