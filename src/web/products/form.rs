use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::products;
use crate::domain::catalogue::{CATEGORIES, UNITS};
use crate::error::{AppError, FieldErrors};
use crate::services::fields::{WriteError, checked};
use crate::services::products::{ProductInput, create_product, update_product};
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::first_error;
use crate::web::shell::{Crumb, Shell, page, render, see_other};

#[derive(Template)]
#[template(path = "products/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    v: ProductInput,
    categories: &'static [(&'static str, &'static str)],
    units: &'static [(&'static str, &'static str)],
    errors: FieldErrors,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn active(&self) -> bool {
        checked(self.v.is_active.as_deref())
    }
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    v: ProductInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let mut crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Products", "/products"),
    ];
    let (heading, action, cancel) = match &editing {
        Some((id, name)) => {
            crumbs.push(Crumb::link(name.clone(), format!("/products/{id}")));
            crumbs.push(Crumb::here("Edit"));
            let edit = format!("/products/{id}/edit");
            (format!("Edit {name}"), edit, format!("/products/{id}"))
        }
        None => {
            crumbs.push(Crumb::here("New"));
            (
                "New product".into(),
                "/products/new".into(),
                "/products".into(),
            )
        }
    };
    let shell = Shell::build(req, session, state, user, &heading, crumbs).await?;
    Ok(FormPage {
        shell,
        heading,
        action,
        cancel,
        v,
        categories: CATEGORIES,
        units: UNITS,
        errors,
    })
}

/// A form post: an unticked "active" box is absent, which means inactive.
fn with_unticked_box(mut input: ProductInput) -> ProductInput {
    input.is_active.get_or_insert_with(|| "false".into());
    input
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let fresh = ProductInput {
        category: Some("spare_part".into()),
        unit_of_measure: Some("each".into()),
        is_active: Some("true".into()),
        ..ProductInput::default()
    };
    let form = form_page(
        &req,
        &state,
        &session,
        &user,
        None,
        fresh,
        FieldErrors::new(),
    )
    .await?;
    page(&form)
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<ProductInput>,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let input = with_unticked_box(form.into_inner());
    match create_product(&state.db, user.scope(None), user.actor(), input.clone()).await {
        Ok(row) => {
            flash::push(&session, "success", format!("{} added.", row.name));
            Ok(see_other(&format!("/products/{}", row.id)))
        }
        Err(WriteError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&req, &state, &session, &user, None, input, errors).await?,
        ),
        Err(WriteError::Refused(e)) => Err(e),
    }
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| products::find_product(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let editing = Some((id, row.name.clone()));
    let values = ProductInput::from_row(&row);
    let form = form_page(
        &req,
        &state,
        &session,
        &user,
        editing,
        values,
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
    form: web::Form<ProductInput>,
) -> Result<HttpResponse, AppError> {
    super::require_superuser(&user)?;
    let (id, input) = (id.into_inner(), with_unticked_box(form.into_inner()));
    match update_product(&state.db, user.scope(None), user.actor(), id, input.clone()).await {
        Ok(row) => {
            flash::push(&session, "success", "Changes saved.");
            Ok(see_other(&format!("/products/{}", row.id)))
        }
        Err(WriteError::Invalid(errors)) => {
            let editing = Some((id, input.name.clone().unwrap_or_default()));
            let form = form_page(&req, &state, &session, &user, editing, input, errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &form)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}
