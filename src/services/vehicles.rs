//! Vehicles: validation (plate, VIN, year, intervals), creation, changes and deletion with the
//! audit trail. A site-bound user records vehicles at their own site only; HQ and mechanics do
//! not write.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, site_for_write};
use crate::db::audit::{self, Actor, Entry};
use crate::db::scope::Scope;
use crate::db::vehicles::{self, VehicleFields, VehicleRow, VehicleView};
use crate::db::{AnyConnection, DbError, customers, write_transaction};
use crate::domain::ids::SiteId;
use crate::domain::plate::Plate;
use crate::domain::vin::{CHECK_DIGIT_WARNING, Vin};
use crate::error::{AppError, FieldErrors};

/// The reminder interval when none is given (SPEC §2).
pub const DEFAULT_INTERVAL_DAYS: i32 = 180;

/// The latest "last serviced" date accepted: today, with a day of slack so that a site ahead
/// of UTC is not refused its own today.
pub fn latest_service_date() -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    today.succ_opt().unwrap_or(today)
}

/// A vehicle as typed or sent; all optional so partial updates parse. The aliases are the
/// original API's names.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct VehicleInput {
    #[serde(
        deserialize_with = "super::fields::lenient_text",
        alias = "customer_id"
    )]
    pub customer: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "site_id")]
    pub site: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub make: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub model: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub year: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "plate")]
    pub license_plate: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub vin: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text", alias = "odometer")]
    pub odometer_km: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub last_serviced: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub service_interval_days: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub service_interval_km: Option<String>,
}

impl VehicleInput {
    pub fn from_row(row: &VehicleRow) -> Self {
        let text = |v: Option<i32>| v.map(|n| n.to_string());
        Self {
            customer: Some(row.customer_id.to_string()),
            site: Some(row.site_id.to_string()),
            make: Some(row.make.clone()),
            model: Some(row.model.clone()),
            year: Some(row.year.to_string()),
            license_plate: Some(row.license_plate.clone()),
            vin: row.vin.clone(),
            odometer_km: text(row.odometer_km),
            last_serviced: row.last_serviced.map(|d| d.to_string()),
            service_interval_days: Some(row.service_interval_days.to_string()),
            service_interval_km: text(row.service_interval_km),
        }
    }

    /// `self` with the fields `patch` carries replaced.
    pub fn patched(self, patch: VehicleInput) -> Self {
        Self {
            customer: patch.customer.or(self.customer),
            site: patch.site.or(self.site),
            make: patch.make.or(self.make),
            model: patch.model.or(self.model),
            year: patch.year.or(self.year),
            license_plate: patch.license_plate.or(self.license_plate),
            vin: patch.vin.or(self.vin),
            odometer_km: patch.odometer_km.or(self.odometer_km),
            last_serviced: patch.last_serviced.or(self.last_serviced),
            service_interval_days: patch.service_interval_days.or(self.service_interval_days),
            service_interval_km: patch.service_interval_km.or(self.service_interval_km),
        }
    }
}

/// A saved vehicle and anything the user should double-check.
pub struct Saved {
    pub vehicle: VehicleView,
    pub warnings: Vec<String>,
}

/// The checks that need no database, giving the fields (customer and site still to be checked)
/// and the warnings.
fn validate_shape(
    input: &VehicleInput,
    today: NaiveDate,
    site: SiteId,
    p: &mut Problems,
) -> (VehicleFields, Vec<String>) {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut warnings = Vec::new();
    let customer_id = p.number("customer", &text(&input.customer), 1..=i32::MAX, true);
    let make = p.text("make", &text(&input.make), 50, true);
    let model = p.text("model", &text(&input.model), 50, true);
    let year = p.number("year", &text(&input.year), 1900..=today.year() + 1, true);
    let plate = match Plate::parse(&text(&input.license_plate)) {
        Ok(plate) => Some(plate),
        Err(message) => {
            p.add("license_plate", message);
            None
        }
    };
    let vin = match text(&input.vin).trim() {
        "" => None,
        raw => match Vin::parse(raw) {
            Ok(vin) => {
                if !vin.check_digit_ok() {
                    warnings.push(CHECK_DIGIT_WARNING.to_owned());
                }
                Some(vin.as_str().to_owned())
            }
            Err(message) => {
                p.add("vin", message);
                None
            }
        },
    };
    let odometer_km = p.number(
        "odometer_km",
        &text(&input.odometer_km),
        0..=3_000_000,
        false,
    );
    let last_serviced = p.date("last_serviced", &text(&input.last_serviced), today);
    let service_interval_days = p
        .number(
            "service_interval_days",
            &text(&input.service_interval_days),
            1..=3650,
            false,
        )
        .unwrap_or(DEFAULT_INTERVAL_DAYS);
    let service_interval_km = p.number(
        "service_interval_km",
        &text(&input.service_interval_km),
        100..=1_000_000,
        false,
    );
    let (license_plate, plate_key) = plate
        .map(|p| (p.display().to_owned(), p.key().to_owned()))
        .unwrap_or_default();
    let fields = VehicleFields {
        customer_id: customer_id.unwrap_or_default(),
        site_id: site.0,
        make,
        model,
        year: year.unwrap_or_default(),
        license_plate,
        plate_key,
        vin,
        odometer_km,
        last_serviced,
        service_interval_days,
        service_interval_km,
    };
    (fields, warnings)
}

/// The checks against other rows: the owner exists and is not the walk-in, the site exists,
/// the plate is free.
fn validate_references(
    c: &mut AnyConnection,
    fields: &VehicleFields,
    editing: Option<i32>,
    p: &mut Problems,
) -> Result<(), DbError> {
    if fields.customer_id > 0 {
        match customers::find_customer(c, fields.customer_id)? {
            None => p.add("customer", "This customer does not exist."),
            Some(owner) if owner.is_walk_in => p.add(
                "customer",
                "Vehicles cannot belong to the walk-in customer.",
            ),
            Some(_) => {}
        }
    }
    if fields.site_id > 0 && !crate::db::sites::site_exists(c, fields.site_id)? {
        p.add("site", "This site does not exist.");
    }
    if !fields.plate_key.is_empty()
        && vehicles::plate_owner(c, &fields.plate_key)?.is_some_and(|id| Some(id) != editing)
    {
        p.add(
            "license_plate",
            format!(
                "A vehicle with plate {} is already registered.",
                fields.license_plate
            ),
        );
    }
    Ok(())
}

pub fn vehicle_json(row: &VehicleRow) -> Value {
    json!({
        "customer_id": row.customer_id, "site_id": row.site_id, "make": row.make, "model": row.model,
        "year": row.year, "license_plate": row.license_plate, "vin": row.vin, "odometer_km": row.odometer_km,
        "last_serviced": row.last_serviced, "service_interval_days": row.service_interval_days,
        "service_interval_km": row.service_interval_km,
    })
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

/// Validates and writes inside the caller's transaction; `before` is the row being edited.
fn save(
    c: &mut AnyConnection,
    scope: Scope,
    actor: Actor,
    before: Option<&VehicleRow>,
    input: VehicleInput,
    today: NaiveDate,
) -> Result<Result<Saved, WriteError>, DbError> {
    let mut p = Problems::default();
    let site = match site_for_write(&scope, input.site.as_deref(), &mut p) {
        Ok(site) => site,
        Err(e) => return Ok(Err(e.into())),
    };
    let (fields, warnings) = validate_shape(&input, today, site, &mut p);
    validate_references(c, &fields, before.map(|b| b.id), &mut p)?;
    let fields = match p.finish(fields) {
        Ok(fields) => fields,
        Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
    };
    let id = match before {
        Some(row) => {
            vehicles::update_vehicle(c, row.id, &fields)?;
            row.id
        }
        None => vehicles::insert_vehicle(c, &fields)?,
    };
    let after = vehicles::find_vehicle(c, &scope, id)?.ok_or_else(missing)?;
    let (action, changes) = match before {
        Some(row) => (
            "update",
            audit::diff(&vehicle_json(row), &vehicle_json(&after.vehicle)),
        ),
        None => ("create", audit::snapshot(&vehicle_json(&after.vehicle))),
    };
    if !changes.is_empty() {
        let entry = Entry {
            action,
            entity: "vehicle",
            entity_id: id,
            repr: &after.vehicle.license_plate,
            changes,
            site: Some(SiteId(after.vehicle.site_id)),
        };
        audit::record(c, actor, entry)?;
    }
    Ok(Ok(Saved {
        vehicle: after,
        warnings,
    }))
}

/// Two people registering one plate at once: the unique index stops the second, and it gets
/// the same message as when the plate was already taken.
fn plate_race(e: WriteError) -> WriteError {
    match e {
        WriteError::Refused(AppError::Db(DbError::Query(
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ),
        ))) => {
            let mut errors = FieldErrors::new();
            errors.insert(
                "license_plate".into(),
                vec!["A vehicle with this plate is already registered.".into()],
            );
            WriteError::Invalid(errors)
        }
        other => other,
    }
}

pub async fn create_vehicle(
    db: &crate::db::Db,
    scope: Scope,
    actor: Actor,
    input: VehicleInput,
    today: NaiveDate,
) -> Result<Saved, WriteError> {
    scope.require_write()?;
    let result = db
        .writing(move |conn| write_transaction(conn, |c| save(c, scope, actor, None, input, today)))
        .await;
    result
        .map_err(WriteError::from)
        .and_then(|r| r)
        .map_err(plate_race)
}

pub async fn update_vehicle(
    db: &crate::db::Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: VehicleInput,
    today: NaiveDate,
) -> Result<Saved, WriteError> {
    scope.require_write()?;
    let result = db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let Some(before) = vehicles::find_vehicle(c, &scope, id)? else {
                    return Ok(Err(AppError::NotFound.into()));
                };
                let input = VehicleInput::from_row(&before.vehicle).patched(patch);
                save(c, scope, actor, Some(&before.vehicle), input, today)
            })
        })
        .await;
    result
        .map_err(WriteError::from)
        .and_then(|r| r)
        .map_err(plate_race)
}

/// Deletes a vehicle entered by mistake; one with service history is kept.
pub async fn delete_vehicle(
    db: &crate::db::Db,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), WriteError> {
    scope.require_write()?;
    db.writing(move |conn| {
        write_transaction(conn, |c| {
            let Some(view) = vehicles::find_vehicle(c, &scope, id)? else {
                return Ok(Err(AppError::NotFound.into()));
            };
            if vehicles::has_history(c, id)? {
                let message = "This vehicle has service history, which must be kept.";
                return Ok(Err(AppError::BadRequest(message.into()).into()));
            }
            vehicles::delete_vehicle(c, id)?;
            let entry = Entry {
                action: "delete",
                entity: "vehicle",
                entity_id: id,
                repr: &view.vehicle.license_plate,
                changes: audit::snapshot(&vehicle_json(&view.vehicle)),
                site: Some(SiteId(view.vehicle.site_id)),
            };
            audit::record(c, actor, entry)?;
            Ok(Ok(()))
        })
    })
    .await?
}
