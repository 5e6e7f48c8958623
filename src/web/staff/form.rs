use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::mechanics::{self, MechanicFilter, MechanicView};
use crate::db::sites::SiteRow;
use crate::db::staff::{self, StaffView};
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::services::fields::checked;
use crate::services::staff::{
    StaffInput, assignable_roles, create_staff, require_staff_admin, update_staff,
};
use crate::state::AppState;
use crate::web::forms::{FormPlace, first_error, site_choices};
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Shell, page, selected_site};

#[derive(Template)]
#[template(path = "staff/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    creating: bool,
    email: String,
    full_name: String,
    phone: String,
    role: String,
    site: String,
    mechanic: String,
    is_active: bool,
    /// New account: email an invitation instead of setting a first password.
    invite: bool,
    errors: FieldErrors,
    roles: &'static [Role],
    /// Sites to choose from (superuser); empty when the site is the manager's own.
    sites: Vec<SiteRow>,
    mechanics: Vec<MechanicView>,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn site_is(&self, id: &i32) -> bool {
        self.site == id.to_string()
    }

    fn mechanic_is(&self, id: &i32) -> bool {
        self.mechanic == id.to_string()
    }
}

/// Everything the form offers to choose from, as the scope allows.
async fn choices(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<SiteRow>, Vec<MechanicView>), AppError> {
    let scope = user.scope(None);
    let all = crate::db::paging::PageRequest { page: 1, size: 500 };
    let filter = MechanicFilter {
        active: Some(true),
        ..MechanicFilter::default()
    };
    let mechanics = state
        .db
        .read(move |c| mechanics::list_mechanics(c, &scope, &filter, all))
        .await?
        .items;
    Ok((site_choices(state, user).await?, mechanics))
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    input: &StaffInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let place = FormPlace::new("Staff", "/staff", "New account", editing.as_ref());
    let (sites, mechanics) = choices(state, user).await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let shell = Shell::build(req, session, state, user, &place.heading, place.crumbs).await?;
    Ok(FormPage {
        shell,
        heading: place.heading,
        action: place.action,
        cancel: place.cancel,
        creating: editing.is_none(),
        email: text(&input.email),
        full_name: text(&input.name),
        phone: text(&input.phone),
        role: text(&input.role),
        site: text(&input.site),
        mechanic: text(&input.mechanic),
        is_active: checked(input.is_active.as_deref()),
        invite: checked(input.invite.as_deref()),
        errors,
        roles: assignable_roles(&user.scope(None)),
        sites,
        mechanics,
    })
}

fn saved(v: &StaffView, message: String) -> Saved {
    Saved {
        message,
        location: format!("/staff/{}", v.user.id),
    }
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_staff_admin(&user.scope(None))?;
    let fresh = StaffInput {
        role: Some(Role::Advisor.as_str().into()),
        site: selected_site(&session).map(|s| s.0.to_string()),
        is_active: Some("true".into()),
        ..StaffInput::default()
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
    form: web::Form<StaffInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let code = state.settings.phone_country_code.clone();
    let invited = crate::services::fields::checked(input.invite.as_deref());
    let result = create_staff(
        &state.db,
        user.scope(None),
        user.actor(),
        input.clone(),
        &code,
        crate::services::notify::Notify::of(&state),
    )
    .await;
    answer(
        &session,
        result,
        |v| {
            let how = match invited {
                true => format!(
                    "An invitation went to {} to choose their password.",
                    v.user.email
                ),
                false => "They can sign in with the password you chose.".to_owned(),
            };
            saved(v, format!("Account for {} created. {how}", v.user.name))
        },
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
    require_staff_admin(&scope)?;
    let row = state
        .db
        .read(move |c| staff::find_staff(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let input = StaffInput::from_row(&row.user);
    let editing = Some((id, row.user.name));
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
    form: web::Form<StaffInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut input = form.into_inner();
    // An unticked "active" box is absent from the post, which means deactivated.
    input.is_active.get_or_insert_with(|| "false".into());
    input.password = None;
    let code = state.settings.phone_country_code.clone();
    let result = update_staff(
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
