use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::promotions::{self, PromotionRow};
use crate::error::{AppError, FieldErrors};
use crate::services::promotions::{
    PromotionInput, create_promotion, delete_promotion, require_manager, update_promotion,
};
use crate::state::AppState;
use crate::web::forms::{FormPlace, Saved, answer, answer_delete, first_error};
use crate::web::shell::{Shell, page};

#[derive(Template)]
#[template(path = "promotions/form.html")]
struct FormPage {
    shell: Shell,
    place: FormPlace,
    v: PromotionInput,
    errors: FieldErrors,
    currency: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn amount_label(&self) -> String {
        format!("Amount off ({})", self.currency)
    }

    fn active(&self) -> bool {
        crate::services::fields::checked(self.v.is_active.as_deref())
    }
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    v: PromotionInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let mut place = FormPlace::new(
        "Promotions",
        "/promotions",
        "New promotion",
        editing.as_ref(),
    );
    let crumbs = std::mem::take(&mut place.crumbs);
    let shell = Shell::build(req, session, state, user, &place.heading, crumbs).await?;
    Ok(FormPage {
        shell,
        place,
        v,
        errors,
        currency: state.settings.currency.clone(),
    })
}

/// A form post: an unticked "active" box is absent, which means switched off.
fn with_unticked_box(mut input: PromotionInput) -> PromotionInput {
    input.is_active.get_or_insert_with(|| "false".into());
    input
}

fn saved(row: &PromotionRow) -> Saved {
    Saved {
        message: format!("{} saved.", row.title),
        location: "/promotions".into(),
    }
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    require_manager(&user.scope(None))?;
    let today = crate::db::now().date();
    let fresh = PromotionInput {
        start_date: Some(today.to_string()),
        end_date: Some((today + chrono::Days::new(30)).to_string()),
        is_active: Some("true".into()),
        ..Default::default()
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
    form: web::Form<PromotionInput>,
) -> Result<HttpResponse, AppError> {
    let input = with_unticked_box(form.into_inner());
    let result = create_promotion(&state, user.scope(None), user.actor(), input.clone()).await;
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
    require_manager(&user.scope(None))?;
    let id = id.into_inner();
    let row = state
        .db
        .read(move |c| promotions::find_promotion(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let editing = Some((id, row.title.clone()));
    let v = PromotionInput::from_row(&row);
    page(
        &form_page(
            &req,
            &state,
            &session,
            &user,
            editing,
            v,
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
    form: web::Form<PromotionInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (id.into_inner(), with_unticked_box(form.into_inner()));
    let result = update_promotion(&state, user.scope(None), user.actor(), id, input.clone()).await;
    let title = input.title.clone().unwrap_or_default();
    answer(&session, result, saved, |errors| {
        form_page(
            &req,
            &state,
            &session,
            &user,
            Some((id, title)),
            input,
            errors,
        )
    })
    .await
}

pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let result = delete_promotion(&state, user.scope(None), user.actor(), id).await;
    let deleted = Saved {
        message: "Promotion deleted.".into(),
        location: "/promotions".into(),
    };
    answer_delete(&session, result, deleted, "/promotions")
}

/// A promotion's own address leads to its form (the list shows everything else).
pub async fn show(id: web::Path<i32>) -> HttpResponse {
    crate::web::shell::see_other(&format!("/promotions/{}/edit", id.into_inner()))
}
