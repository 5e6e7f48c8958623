//! The htmx pickers of the new-job form: the chosen customer's vehicles (or a vehicle added on
//! the spot through `services::vehicles`), the service types of a category, and the active
//! mechanics of a site.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{Fields, field};
use crate::auth::current_user::CurrentUser;
use crate::db::customers::{self, CustomerVehicle};
use crate::db::{mechanics, service_catalog};
use crate::error::{AppError, FieldErrors};
use crate::services::fields::WriteError;
use crate::services::vehicles::{self, VehicleInput};
use crate::state::AppState;
use crate::web::forms::first_error;
use crate::web::shell::page;

/// The vehicle choice of the new-job form, with "Add a vehicle" under it.
#[derive(Template)]
#[template(path = "jobs/vehicle_field.html")]
pub struct VehicleField {
    pub customer: String,
    pub vehicles: Vec<CustomerVehicle>,
    pub selected: String,
    /// The job form's error for `vehicle`.
    pub error: Option<String>,
    /// The inline vehicle as typed, and its errors (the box stays open when there are some).
    pub new: VehicleInput,
    pub new_errors: FieldErrors,
}

impl VehicleField {
    fn new_error(&self, field: &str) -> Option<&str> {
        first_error(&self.new_errors, field)
    }

    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    fn is_selected(&self, id: &i32) -> bool {
        self.selected == id.to_string()
    }

    fn has_customer(&self) -> bool {
        !self.customer.trim().is_empty()
    }
}

/// `(value, label)` options of a select, with a first empty choice.
#[derive(Template)]
#[template(path = "jobs/options.html")]
pub struct Options {
    pub empty: &'static str,
    pub options: Vec<(i32, String)>,
    pub selected: String,
}

impl Options {
    fn is_selected(&self, id: &i32) -> bool {
        self.selected == id.to_string()
    }
}

/// Vehicles of `customer` the user may see (none for no customer).
pub async fn vehicles_of(
    state: &AppState,
    user: &CurrentUser,
    customer: &str,
) -> Result<Vec<CustomerVehicle>, AppError> {
    let Ok(customer) = customer.trim().parse::<i32>() else {
        return Ok(Vec::new());
    };
    let scope = user.scope(None);
    Ok(state
        .db
        .read(move |c| customers::vehicles_of(c, &scope, customer))
        .await?)
}

fn require_desk(user: &CurrentUser) -> Result<(), AppError> {
    user.scope(None).require_write()
}

/// `GET /service-requests/options/vehicles?customer=`
pub async fn vehicles(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    require_desk(&user)?;
    let customer = field(&query, "customer").unwrap_or_default();
    let vehicles = vehicles_of(&state, &user, &customer).await?;
    let selected = match vehicles.as_slice() {
        [only] => only.id.to_string(),
        _ => String::new(),
    };
    page(&VehicleField {
        customer,
        vehicles,
        selected,
        error: None,
        new: VehicleInput::default(),
        new_errors: FieldErrors::new(),
    })
}

/// `POST /service-requests/options/vehicles`: adds the vehicle typed in the box to the chosen
/// customer and answers with the choice, the new vehicle selected.
pub async fn add_vehicle(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<Fields>,
) -> Result<HttpResponse, AppError> {
    require_desk(&user)?;
    let customer = field(&form, "customer").unwrap_or_default();
    let input = VehicleInput {
        customer: Some(customer.clone()),
        site: field(&form, "site"),
        make: field(&form, "make"),
        model: field(&form, "model"),
        year: field(&form, "year"),
        license_plate: field(&form, "license_plate"),
        ..VehicleInput::default()
    };
    let result = vehicles::create_vehicle(
        &state.db,
        user.scope(None),
        user.actor(),
        input.clone(),
        vehicles::latest_service_date(),
    )
    .await;
    let (selected, new, new_errors) = match result {
        Ok(saved) => (
            saved.vehicle.vehicle.id.to_string(),
            VehicleInput::default(),
            FieldErrors::new(),
        ),
        Err(WriteError::Invalid(errors)) => (String::new(), input, errors),
        Err(WriteError::Refused(e)) => return Err(e),
    };
    let vehicles = vehicles_of(&state, &user, &customer).await?;
    page(&VehicleField {
        customer,
        vehicles,
        selected,
        error: None,
        new,
        new_errors,
    })
}

/// `GET /service-requests/options/types?category=`
pub async fn types(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    require_desk(&user)?;
    let category = field(&query, "category").and_then(|c| c.trim().parse::<i32>().ok());
    let options = match category {
        Some(category) => {
            state
                .db
                .read(move |c| service_catalog::types_of(c, category))
                .await?
        }
        None => Vec::new(),
    };
    let empty = if category.is_some() {
        "Choose the service"
    } else {
        "Choose a category first"
    };
    page(&Options {
        empty,
        options,
        selected: String::new(),
    })
}

/// `GET /service-requests/options/mechanics?site=`: the site's active mechanics (a site user's
/// own site whatever is asked).
pub async fn mechanics(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<Fields>,
) -> Result<HttpResponse, AppError> {
    require_desk(&user)?;
    let site = match user.site_id() {
        Some(own) => Some(own.0),
        None => field(&query, "site").and_then(|s| s.trim().parse::<i32>().ok()),
    };
    let options = match site {
        Some(site) => {
            state
                .db
                .read(move |c| mechanics::mechanic_choices(c, Some(site), true))
                .await?
        }
        None => Vec::new(),
    };
    page(&Options {
        empty: "Not yet assigned",
        options,
        selected: String::new(),
    })
}
