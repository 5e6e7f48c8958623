//! Opening a service request: the customer (search as you type), one of their vehicles or a
//! new one, the service category and type, a description, and optionally a mechanic of the
//! site; a superuser chooses the site. `?customer=` or `?vehicle=` fill the form in (the "New
//! job" buttons of the customer and vehicle pages). Saved through `services::jobs::create`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::options::{Options, VehicleField, vehicles_of};
use super::{Fields, field};
use crate::auth::current_user::CurrentUser;
use crate::db::sites::SiteRow;
use crate::db::{customers, mechanics, service_catalog, vehicles};
use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::services::jobs::create::{JobInput, create_job};
use crate::services::notify::Notify;
use crate::services::vehicles::VehicleInput;
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::{first_error, site_choices};
use crate::web::shell::{Crumb, Shell, render, see_other, selected_site};

#[derive(Template)]
#[template(path = "jobs/new.html")]
struct NewPage {
    shell: Shell,
    v: Fields,
    customer_label: String,
    errors: FieldErrors,
    sites: Vec<SiteRow>,
    categories: Vec<(i32, String)>,
    types: Options,
    mechanics: Options,
    vehicle: VehicleField,
}

impl NewPage {
    fn v(&self, key: &str) -> &str {
        self.v.get(key).map_or("", String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    fn site_is(&self, id: &i32) -> bool {
        self.v("site") == id.to_string()
    }

    fn category_is(&self, id: &i32) -> bool {
        self.v("category") == id.to_string()
    }
}

/// The choices that follow from what is typed: the customer's name, their vehicles, the
/// category's types, the site's mechanics.
async fn new_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    mut v: Fields,
    errors: FieldErrors,
) -> Result<NewPage, AppError> {
    let sites = site_choices(state, user).await?;
    let customer = v.get("customer").cloned().unwrap_or_default();
    let vehicles = vehicles_of(state, user, &customer).await?;
    let site = user
        .site_id()
        .map(|s| s.0)
        .or_else(|| v.get("site").and_then(|s| s.trim().parse().ok()));
    let service_type = v
        .get("service_type")
        .and_then(|t| t.trim().parse::<i32>().ok());
    let wanted_category = v.get("category").and_then(|t| t.trim().parse::<i32>().ok());
    let customer_id = customer.trim().parse::<i32>().ok();
    let (label, categories, category, types, mechanics) = state
        .db
        .read(move |c| {
            let label = match customer_id {
                Some(id) => customers::find_customer(c, id)?
                    .filter(|r| !r.is_walk_in)
                    .map(|r| format!("{}, {}", r.last_name, r.first_name))
                    .unwrap_or_default(),
                None => String::new(),
            };
            let category = match service_type {
                Some(t) => service_catalog::category_of(c, t)?,
                None => wanted_category,
            };
            let types = match category {
                Some(category) => service_catalog::types_of(c, category)?,
                None => Vec::new(),
            };
            let mechanics = match site {
                Some(site) => mechanics::mechanic_choices(c, Some(site), true)?,
                None => Vec::new(),
            };
            let categories = service_catalog::categories(c)?;
            Ok((label, categories, category, types, mechanics))
        })
        .await?;
    if let Some(category) = category {
        v.insert("category".into(), category.to_string());
    }
    let crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Service requests", super::SERVICE_BASE),
        Crumb::here("New"),
    ];
    let shell = Shell::build(req, session, state, user, "New service request", crumbs).await?;
    let vehicle = VehicleField {
        customer,
        vehicles,
        selected: v.get("vehicle").cloned().unwrap_or_default(),
        error: first_error(&errors, "vehicle").map(str::to_owned),
        new: VehicleInput::default(),
        new_errors: FieldErrors::new(),
    };
    Ok(NewPage {
        shell,
        types: Options {
            empty: if category.is_some() {
                "Choose the service"
            } else {
                "Choose a category first"
            },
            options: types,
            selected: v.get("service_type").cloned().unwrap_or_default(),
        },
        mechanics: Options {
            empty: "Not yet assigned",
            options: mechanics,
            selected: v.get("assigned_mechanic").cloned().unwrap_or_default(),
        },
        customer_label: label,
        v,
        errors,
        sites,
        categories,
        vehicle,
    })
}

/// `GET /service-requests/new`
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    let scope = user.scope(None);
    scope.require_write()?;
    let mut v = Fields::new();
    if let Some(site) = selected_site(&session).filter(|_| scope.bound_site().is_none()) {
        v.insert("site".into(), site.0.to_string());
    }
    if let Some(customer) = field(&query, "customer") {
        v.insert("customer".into(), customer);
    }
    if let Some(id) = field(&query, "vehicle").and_then(|id| id.trim().parse::<i32>().ok()) {
        let found = state
            .db
            .read(move |c| vehicles::find_vehicle(c, &scope, id))
            .await?;
        if let Some(found) = found {
            let row = found.vehicle;
            v.insert("customer".into(), row.customer_id.to_string());
            v.insert("vehicle".into(), row.id.to_string());
            v.entry("site".into())
                .or_insert_with(|| row.site_id.to_string());
        }
    }
    let page = new_page(&req, &state, &session, &user, v, FieldErrors::new()).await?;
    render(StatusCode::OK, &page)
}

/// `POST /service-requests/new`
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    let input = JobInput {
        customer: field(&v, "customer"),
        vehicle: field(&v, "vehicle"),
        site: field(&v, "site"),
        service_type: field(&v, "service_type"),
        assigned_mechanic: field(&v, "assigned_mechanic"),
        description: field(&v, "description"),
        transaction_type: Some("service".into()),
        ..JobInput::default()
    };
    let notify = Notify::of(&state);
    match create_job(&state.db, user.scope(None), user.actor(), input, notify).await {
        Ok(written) => {
            let job = written.job.job;
            flash::push(
                &session,
                "success",
                format!("{} opened.", job.display_number),
            );
            Ok(see_other(&format!("{}/{}", super::SERVICE_BASE, job.id)))
        }
        Err(WriteError::Invalid(errors)) => {
            let page = new_page(&req, &state, &session, &user, v, errors).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(WriteError::Refused(e)) => Err(e),
    }
}
