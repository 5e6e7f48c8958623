use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::sites;
use crate::domain::ids::SiteId;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::sites::{SiteInput, create_site, update_site};
use crate::state::AppState;
use crate::web::forms::{FormPlace, first_error};
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Shell, page};

/// Time zones offered first; any IANA name may be typed.
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "Africa/Accra",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Australia/Sydney",
];

#[derive(Template)]
#[template(path = "sites/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    v: SiteInput,
    zones: &'static [&'static str],
    errors: FieldErrors,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn applies(&self, choice: &str) -> bool {
        self.v.tax_applies_to.as_deref().unwrap_or("both") == choice
    }

    fn active(&self) -> bool {
        crate::services::fields::checked(self.v.is_active.as_deref())
    }
}

fn require_superuser(user: &CurrentUser) -> Result<(), AppError> {
    if user.user.role == Role::Superuser {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(SiteId, String)>,
    v: SiteInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let editing = editing.map(|(id, name)| (id.0, name));
    let place = FormPlace::new("Sites", "/sites", "New site", editing.as_ref());
    let shell = Shell::build(req, session, state, user, &place.heading, place.crumbs).await?;
    Ok(FormPage {
        shell,
        heading: place.heading,
        action: place.action,
        cancel: place.cancel,
        v,
        zones: COMMON_ZONES,
        errors,
    })
}

/// A form post: an unticked "active" box is absent, which means inactive.
fn with_unticked_box(mut input: SiteInput) -> SiteInput {
    input.is_active.get_or_insert_with(|| "false".into());
    input
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    let fresh = SiteInput {
        timezone: Some("UTC".into()),
        tax_rate: Some("0".into()),
        is_active: Some("true".into()),
        ..SiteInput::default()
    };
    page(
        &form_page(
            &req,
            &state,
            &session,
            &user,
            None,
            fresh,
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
    form: web::Form<SiteInput>,
) -> Result<HttpResponse, AppError> {
    let input = with_unticked_box(form.into_inner());
    let result = create_site(&state.db, user.scope(None), user.actor(), input.clone()).await;
    let saved = |row: &sites::SiteRow| Saved {
        message: format!("{} added.", row.name),
        location: format!("/sites/{}", row.id),
    };
    answer(&session, result, saved, |errors| {
        form_page(&req, &state, &session, &user, None, input, errors)
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
    require_superuser(&user)?;
    let (scope, id) = (user.scope(None), SiteId(id.into_inner()));
    let row = state
        .db
        .read(move |c| sites::find_site(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    page(
        &form_page(
            &req,
            &state,
            &session,
            &user,
            Some((id, row.name.clone())),
            SiteInput::from_row(&row),
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
    form: web::Form<SiteInput>,
) -> Result<HttpResponse, AppError> {
    require_superuser(&user)?;
    let (id, input) = (
        SiteId(id.into_inner()),
        with_unticked_box(form.into_inner()),
    );
    let result = update_site(&state.db, user.scope(None), user.actor(), id, input.clone()).await;
    let saved = |row: &sites::SiteRow| Saved {
        message: "Changes saved.".into(),
        location: format!("/sites/{}", row.id),
    };
    let name = input.name.clone().unwrap_or_default();
    answer(&session, result, saved, |errors| {
        form_page(
            &req,
            &state,
            &session,
            &user,
            Some((id, name)),
            input,
            errors,
        )
    })
    .await
}
