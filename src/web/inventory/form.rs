use std::collections::HashMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::inventory;
use crate::db::paging::PageRequest;
use crate::db::products::{self, ProductFilter, ProductRow, ProductSort};
use crate::db::sites;
use crate::domain::ids::SiteId;
use crate::error::{AppError, FieldErrors};
use crate::services::fields::{WriteError, checked};
use crate::services::stock::{StockInput, create_stock, update_stock};
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::first_error;
use crate::web::shell::{Crumb, Shell, page, render, see_other};

/// Stocking a product: first choose it (search), then the site and settings.
#[derive(Template)]
#[template(path = "inventory/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    /// The product being stocked (new rows) or the row's product (editing).
    product: Option<ProductRow>,
    /// Search results while choosing a product.
    choices: Vec<ProductRow>,
    q: String,
    /// Site choices of an all-sites user; empty when the site is fixed.
    sites: Vec<(SiteId, String)>,
    fixed_site: String,
    editing: bool,
    v: StockInput,
    errors: FieldErrors,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn site_is(&self, id: &SiteId) -> bool {
        self.v.site.as_deref() == Some(id.0.to_string().as_str())
    }

    fn restricted(&self) -> bool {
        checked(self.v.restricted.as_deref())
    }
}

fn require_manager(user: &CurrentUser) -> Result<(), AppError> {
    super::require_reader(user)?;
    if super::manages_stock(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only a site manager or a superuser can change stock.".into(),
        ))
    }
}

/// The new-row form for `v`, with product choices when no product is chosen yet.
async fn new_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    q: String,
    v: StockInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let product_id = v
        .product
        .as_deref()
        .and_then(|p| p.trim().parse::<i32>().ok());
    let all_sites = user.user.role.sees_all_sites();
    let search = q.clone();
    let (product, choices, sites) = state
        .db
        .read(move |c| {
            let product = match product_id {
                Some(id) => products::find_product(c, id)?,
                None => None,
            };
            let choices = if product.is_none() && !search.is_empty() {
                let filter = ProductFilter {
                    q: search,
                    category: None,
                    active: Some(true),
                };
                products::list_products(
                    c,
                    &filter,
                    ProductSort::Name,
                    PageRequest { page: 1, size: 20 },
                )?
                .items
            } else {
                Vec::new()
            };
            let sites = if all_sites {
                sites::list_site_choices(c)?
            } else {
                Vec::new()
            };
            Ok((product, choices, sites))
        })
        .await?;
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Inventory", "/inventory"),
        Crumb::here("Stock a product"),
    ];
    let shell = Shell::build(req, session, state, user, "Stock a product", crumbs).await?;
    let fixed_site = user
        .user
        .site
        .as_ref()
        .map(|(_, name)| name.clone())
        .unwrap_or_default();
    Ok(FormPage {
        shell,
        heading: "Stock a product at a site".into(),
        action: "/inventory/new".into(),
        cancel: "/inventory".into(),
        product,
        choices,
        q,
        sites,
        fixed_site,
        editing: false,
        v,
        errors,
    })
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user)?;
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let v = StockInput {
        product: get("product"),
        site: get("site").or_else(|| user.site_id().map(|s| s.0.to_string())),
        quantity_on_hand: Some("0".into()),
        reorder_level: Some("0".into()),
        reorder_quantity: Some("0".into()),
        ..StockInput::default()
    };
    let q = get("q").unwrap_or_default();
    page(&new_page(&req, &state, &session, &user, q, v, FieldErrors::new()).await?)
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<StockInput>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user)?;
    let input = form.into_inner();
    match create_stock(&state.db, user.scope(None), user.actor(), input.clone()).await {
        Ok(line) => {
            flash::push(
                &session,
                "success",
                format!(
                    "{} is now stocked at {}.",
                    line.product.name, line.site_name
                ),
            );
            Ok(see_other(&format!("/inventory/{}", line.row.id)))
        }
        Err(WriteError::Invalid(errors)) => {
            let form =
                new_page(&req, &state, &session, &user, String::new(), input, errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &form)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}

async fn edit_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    id: i32,
    v: Option<StockInput>,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let scope = user.scope(None);
    let (line, product) = state
        .db
        .read(move |c| {
            let Some(line) = inventory::find_stock(c, &scope, id)? else {
                return Ok(None);
            };
            let product = products::find_product(c, line.row.product_id)?;
            Ok(Some((line, product)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let title = format!("{} at {}", line.product.name, line.site_name);
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Inventory", "/inventory"),
        Crumb::link(title.clone(), format!("/inventory/{id}")),
        Crumb::here("Settings"),
    ];
    let shell = Shell::build(req, session, state, user, "Stock settings", crumbs).await?;
    Ok(FormPage {
        shell,
        heading: format!("Settings of {title}"),
        action: format!("/inventory/{id}/edit"),
        cancel: format!("/inventory/{id}"),
        product,
        choices: Vec::new(),
        q: String::new(),
        sites: Vec::new(),
        fixed_site: line.site_name.clone(),
        editing: true,
        v: v.unwrap_or_else(|| StockInput::from_row(&line.row)),
        errors,
    })
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_manager(&user)?;
    page(
        &edit_page(
            &req,
            &state,
            &session,
            &user,
            id.into_inner(),
            None,
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
    form: web::Form<StockInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut input = form.into_inner();
    // An unticked box is absent from the form, which means "not restricted".
    input.restricted.get_or_insert_with(|| "false".into());
    match update_stock(&state.db, user.scope(None), user.actor(), id, input.clone()).await {
        Ok(_) => {
            flash::push(&session, "success", "Changes saved.");
            Ok(see_other(&format!("/inventory/{id}")))
        }
        Err(WriteError::Invalid(errors)) => {
            let form = edit_page(&req, &state, &session, &user, id, Some(input), errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &form)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}
