use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::customers;
use crate::error::{AppError, FieldErrors};
use crate::services::customers::{CustomerInput, create_customer, update_customer};
use crate::state::AppState;
use crate::web::forms::{FormPlace, first_error};
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Shell, page};

/// What the form shows: the typed values, kept when the form comes back with errors.
pub struct Values {
    first_name: String,
    last_name: String,
    phone: String,
    email: String,
    preferred_channel: String,
    receive_service_reminders: bool,
    receive_marketing: bool,
    notes: String,
}

impl Values {
    fn from_input(input: &CustomerInput) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let on = |v: &Option<String>| crate::services::fields::checked(v.as_deref());
        Self {
            first_name: text(&input.first_name),
            last_name: text(&input.last_name),
            phone: text(&input.phone),
            email: text(&input.email),
            preferred_channel: input
                .preferred_channel
                .clone()
                .unwrap_or_else(|| "sms".into()),
            receive_service_reminders: on(&input.receive_service_reminders),
            receive_marketing: on(&input.receive_marketing),
            notes: text(&input.notes),
        }
    }

    fn channel_is(&self, channel: &str) -> bool {
        self.preferred_channel == channel
    }
}

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    values: Values,
    errors: FieldErrors,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }
}

/// A form post: unticked checkboxes are absent, which for an edit means "off".
fn with_unticked_boxes(mut input: CustomerInput) -> CustomerInput {
    input
        .receive_service_reminders
        .get_or_insert_with(|| "false".into());
    input
        .receive_marketing
        .get_or_insert_with(|| "false".into());
    input
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    values: Values,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let place = FormPlace::new("Customers", "/customers", "New customer", editing.as_ref());
    let shell = Shell::build(req, session, state, user, &place.heading, place.crumbs).await?;
    Ok(FormPage {
        shell,
        heading: place.heading,
        action: place.action,
        cancel: place.cancel,
        values,
        errors,
    })
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    user.scope(None).require_write()?;
    let fresh = CustomerInput {
        receive_service_reminders: Some("true".into()),
        ..CustomerInput::default()
    };
    page(
        &form_page(
            &req,
            &state,
            &session,
            &user,
            None,
            Values::from_input(&fresh),
            FieldErrors::new(),
        )
        .await?,
    )
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let input = form.into_inner();
    let result = create_customer(&state, user.scope(None), user.actor(), input.clone()).await;
    let saved = |row: &customers::CustomerRow| Saved {
        message: format!("{} added.", row.full_name()),
        location: format!("/customers/{}", row.id),
    };
    answer(&session, result, saved, |errors| {
        form_page(
            &req,
            &state,
            &session,
            &user,
            None,
            Values::from_input(&input),
            errors,
        )
    })
    .await
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    user.scope(None).require_write()?;
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| customers::find_customer(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let values = Values::from_input(&CustomerInput::from_row(&row));
    page(
        &form_page(
            &req,
            &state,
            &session,
            &user,
            Some((id, row.full_name())),
            values,
            FieldErrors::new(),
        )
        .await?,
    )
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, input) = (id.into_inner(), with_unticked_boxes(form.into_inner()));
    let code = state.settings.phone_country_code.clone();
    let result = update_customer(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        input.clone(),
        &code,
    )
    .await;
    let saved = |row: &customers::CustomerRow| Saved {
        message: "Changes saved.".into(),
        location: format!("/customers/{}", row.id),
    };
    let name = format!(
        "{} {}",
        input.first_name.clone().unwrap_or_default(),
        input.last_name.clone().unwrap_or_default()
    );
    answer(&session, result, saved, |errors| {
        form_page(
            &req,
            &state,
            &session,
            &user,
            Some((id, name)),
            Values::from_input(&input),
            errors,
        )
    })
    .await
}
