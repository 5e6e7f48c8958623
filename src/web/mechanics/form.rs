use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::mechanics::{self, MechanicView};
use crate::db::sites::SiteRow;
use crate::error::{AppError, FieldErrors};
use crate::services::fields::checked;
use crate::services::mechanics::{
    MechanicInput, create_mechanic, require_manager, update_mechanic,
};
use crate::state::AppState;
use crate::web::forms::{FormPlace, first_error, site_choices};
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Shell, page, selected_site};

#[derive(Template)]
#[template(path = "mechanics/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    mechanic_name: String,
    phone: String,
    email: String,
    site: String,
    is_active: bool,
    errors: FieldErrors,
    /// Sites to choose from (superuser); empty when the site is the manager's own.
    sites: Vec<SiteRow>,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn site_is(&self, id: &i32) -> bool {
        self.site == id.to_string()
    }
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    input: &MechanicInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let place = FormPlace::new("Mechanics", "/mechanics", "New mechanic", editing.as_ref());
    let sites = site_choices(state, user).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let shell = Shell::build(req, session, state, user, &place.heading, place.crumbs).await?;
    Ok(FormPage {
        shell,
        heading: place.heading,
        action: place.action,
        cancel: place.cancel,
        mechanic_name: text(&input.name),
        phone: text(&input.phone),
        email: text(&input.email),
        site: text(&input.site),
        is_active: checked(input.is_active.as_deref()),
        errors,
        sites,
    })
}

/// A form post: an unticked "active" box is absent, which means inactive.
fn with_unticked_box(mut input: MechanicInput) -> MechanicInput {
    input.is_active.get_or_insert_with(|| "false".into());
    input
}

fn saved(view: &MechanicView, message: String) -> Saved {
    Saved {
        message,
        location: format!("/mechanics/{}", view.mechanic.id),
    }
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let fresh = MechanicInput {
        site: selected_site(&session).map(|s| s.0.to_string()),
        is_active: Some("true".into()),
        ..MechanicInput::default()
    };
    let form = form_page(
        &req,
        &state,
        &session,
        &user,
        None,
        &fresh,
        FieldErrors::new(),
    );
    page(&form.await?)
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<MechanicInput>,
) -> Result<HttpResponse, AppError> {
    let input = with_unticked_box(form.into_inner());
    let code = state.settings.phone_country_code.clone();
    let result = create_mechanic(
        &state.db,
        user.scope(None),
        user.actor(),
        input.clone(),
        &code,
    )
    .await;
    answer(
        &session,
        result,
        |v| saved(v, format!("{} added.", v.mechanic.name)),
        |errors| form_page(&req, &state, &session, &user, None, &input, errors),
    )
    .await
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let (id, scope) = (id.into_inner(), user.scope(None));
    require_manager(&scope)?;
    let row = state
        .db
        .read(move |c| mechanics::find_mechanic(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let input = MechanicInput::from_row(&row.mechanic);
    let editing = Some((id, row.mechanic.name));
    let form = form_page(
        &req,
        &state,
        &session,
        &user,
        editing,
        &input,
        FieldErrors::new(),
    );
    page(&form.await?)
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
    form: web::Form<MechanicInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (id.into_inner(), with_unticked_box(form.into_inner()));
    let code = state.settings.phone_country_code.clone();
    let result = update_mechanic(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        input.clone(),
        &code,
    )
    .await;
    let name = input.name.clone().unwrap_or_default();
    answer(
        &session,
        result,
        |v| saved(v, "Changes saved.".into()),
        |errors| {
            form_page(
                &req,
                &state,
                &session,
                &user,
                Some((id, name)),
                &input,
                errors,
            )
        },
    )
    .await
}
