use std::collections::HashMap;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::current_user::CurrentUser;
use crate::db::sites::SiteRow;
use crate::db::{customers, vehicles};
use crate::domain::vehicle_catalog::{self, MAKES};
use crate::error::{AppError, FieldErrors};
use crate::services::vehicles::{self as service, DEFAULT_INTERVAL_DAYS, VehicleInput};
use crate::state::AppState;
use crate::web::flash;
use crate::web::forms::{FormPlace, first_error, site_choices};
use crate::web::forms::{Saved, answer};
use crate::web::shell::{Shell, page};

/// What the form shows: the typed values, kept when the form comes back with errors.
pub struct Values {
    customer: String,
    /// How the chosen owner is shown in the picker.
    customer_label: String,
    site: String,
    make: String,
    model: String,
    year: String,
    license_plate: String,
    vin: String,
    odometer_km: String,
    last_serviced: String,
    service_interval_days: String,
    service_interval_km: String,
}

impl Values {
    fn from_input(input: &VehicleInput, customer_label: String) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            customer: text(&input.customer),
            customer_label,
            site: text(&input.site),
            make: text(&input.make),
            model: text(&input.model),
            year: text(&input.year),
            license_plate: text(&input.license_plate),
            vin: text(&input.vin),
            odometer_km: text(&input.odometer_km),
            last_serviced: text(&input.last_serviced),
            service_interval_days: text(&input.service_interval_days),
            service_interval_km: text(&input.service_interval_km),
        }
    }
}

#[derive(Template)]
#[template(path = "vehicles/form.html")]
struct FormPage {
    shell: Shell,
    heading: String,
    action: String,
    cancel: String,
    values: Values,
    errors: FieldErrors,
    /// Sites to choose from (all-sites users); empty when the site is the user's own.
    sites: Vec<SiteRow>,
    makes: Vec<&'static str>,
    models: &'static [&'static str],
    max_year: i32,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        first_error(&self.errors, field)
    }

    /// The year input's bounds: 1900 to next year, as the server checks.
    fn year_attrs(&self) -> String {
        format!(
            "inputmode=\"numeric\" min=\"1900\" max=\"{}\" required",
            self.max_year
        )
    }

    fn site_is(&self, id: &i32) -> bool {
        self.values.site == id.to_string()
    }
}

/// "Surname, First · phone" of the chosen owner, or "" when none or unknown.
async fn owner_label(state: &AppState, customer: &str) -> Result<String, AppError> {
    let Ok(id) = customer.trim().parse::<i32>() else {
        return Ok(String::new());
    };
    let row = state
        .db
        .read(move |c| customers::find_customer(c, id))
        .await?;
    Ok(row
        .filter(|r| !r.is_walk_in)
        .map(|r| format!("{}, {}", r.last_name, r.first_name))
        .unwrap_or_default())
}

async fn form_page(
    req: &HttpRequest,
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
    editing: Option<(i32, String)>,
    input: &VehicleInput,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let mut place = FormPlace::new("Vehicles", "/vehicles", "New vehicle", editing.as_ref());
    if let Some((_, plate)) = &editing {
        place.heading = format!("Edit vehicle {plate}");
    }
    let sites = site_choices(state, user).await?;
    let label = owner_label(state, input.customer.as_deref().unwrap_or_default()).await?;
    let values = Values::from_input(input, label);
    let shell = Shell::build(req, session, state, user, &place.heading, place.crumbs).await?;
    Ok(FormPage {
        shell,
        heading: place.heading,
        action: place.action,
        cancel: place.cancel,
        models: vehicle_catalog::models_of(&values.make),
        values,
        errors,
        sites,
        makes: MAKES.iter().map(|m| m.name).collect(),
        max_year: chrono::Datelike::year(&chrono::Utc::now()) + 1,
    })
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    params: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    user.scope(None).require_write()?;
    let fresh = VehicleInput {
        customer: params.get("customer").cloned(),
        site: crate::web::shell::selected_site(&session).map(|s| s.0.to_string()),
        service_interval_days: Some(DEFAULT_INTERVAL_DAYS.to_string()),
        ..VehicleInput::default()
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

/// The flash after a save, with any warning (a VIN check digit) the user should double-check.
fn saved(session: &Session, s: &service::Saved, message: &str) -> Saved {
    for warning in &s.warnings {
        flash::push(session, "warning", warning.clone());
    }
    Saved {
        message: message.to_owned(),
        location: format!("/vehicles/{}", s.vehicle.vehicle.id),
    }
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    form: web::Form<VehicleInput>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let input = form.into_inner();
    let result = service::create_vehicle(
        &state.db,
        user.scope(None),
        user.actor(),
        input.clone(),
        service::latest_service_date(),
    )
    .await;
    answer(
        &session,
        result,
        |s| {
            saved(
                &session,
                s,
                &format!("Vehicle {} added.", s.vehicle.vehicle.license_plate),
            )
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
    super::require_reader(&user)?;
    let (id, scope) = (id.into_inner(), user.scope(None));
    scope.require_write()?;
    let row = state
        .db
        .read(move |c| vehicles::find_vehicle(c, &scope, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let input = VehicleInput::from_row(&row.vehicle);
    let editing = Some((id, row.vehicle.license_plate));
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
    form: web::Form<VehicleInput>,
) -> Result<HttpResponse, AppError> {
    super::require_reader(&user)?;
    let (id, input) = (id.into_inner(), form.into_inner());
    let result = service::update_vehicle(
        &state.db,
        user.scope(None),
        user.actor(),
        id,
        input.clone(),
        service::latest_service_date(),
    )
    .await;
    let plate = input.license_plate.clone().unwrap_or_default();
    answer(
        &session,
        result,
        |s| saved(&session, s, "Changes saved."),
        |errors| {
            form_page(
                &req,
                &state,
                &session,
                &user,
                Some((id, plate)),
                &input,
                errors,
            )
        },
    )
    .await
}
