//! Opening a job or sale, and changing an open one: the same checks for pages and the API.
//! A vehicle must belong to the job's customer and a mechanic to its site; a sale carries no
//! vehicle, service type, mechanic or labour; no status but Completed's own action completes.

use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{require_desk, require_open};
use crate::db::audit::{self, Actor, Entry};
use crate::db::jobs::{self, JobChanges, JobRow, JobView, NewJob};
use crate::db::numbers::{Numbered, next_number};
use crate::db::schema::{mechanics, service_types, vehicles};
use crate::db::scope::Scope;
use crate::db::{AnyConnection, Db, DbError, customers, job_lines, sites};
use crate::domain::ids::SiteId;
use crate::domain::job_status::JobStatus;
use crate::domain::money::Money;
use crate::error::FieldErrors;
use crate::services::fields::{Problems, WriteError, site_for_write};
use crate::services::notify::Notify;
use diesel::prelude::*;

/// A job as typed or sent; all optional so partial updates parse. Aliases are the original
/// API's names.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct JobInput {
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "customer_id"
    )]
    pub customer: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "vehicle_id"
    )]
    pub vehicle: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "site_id"
    )]
    pub site: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "service_type_id"
    )]
    pub service_type: Option<String>,
    #[serde(
        deserialize_with = "crate::services::fields::lenient_text",
        alias = "mechanic",
        alias = "mechanic_id"
    )]
    pub assigned_mechanic: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub status: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub transaction_type: Option<String>,
    #[serde(deserialize_with = "crate::services::fields::lenient_text")]
    pub labor_cost: Option<String>,
    /// Whether the JSON body named `vehicle` at all (a PATCH with `"vehicle": null` clears it).
    #[serde(skip)]
    pub vehicle_given: bool,
    #[serde(skip)]
    pub mechanic_given: bool,
}

impl JobInput {
    /// A PATCH body: which nullable keys were present matters.
    pub fn from_json(body: &Value) -> Result<Self, serde_json::Error> {
        let mut input: JobInput = serde_json::from_value(body.clone())?;
        let has = |keys: &[&str]| keys.iter().any(|k| body.get(k).is_some());
        input.vehicle_given = has(&["vehicle", "vehicle_id"]);
        input.mechanic_given = has(&["assigned_mechanic", "mechanic", "mechanic_id"]);
        Ok(input)
    }
}

/// What the checks settle.
struct Checked {
    kind: &'static str,
    customer_id: i32,
    vehicle_id: Option<i32>,
    service_type_id: Option<i32>,
    mechanic_id: Option<i32>,
    description: String,
    status: JobStatus,
    labour_cents: Option<i64>,
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn optional_id(p: &mut Problems, field: &str, raw: &Option<String>) -> Option<i32> {
    match raw.as_deref().map(str::trim) {
        None | Some("") | Some("null") => None,
        Some(raw) => match raw.parse::<i32>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                p.add(field, "Choose from the list.");
                None
            }
        },
    }
}

/// The checks that need no database.
fn check_shape(input: &JobInput, creating: bool, p: &mut Problems) -> Checked {
    let customer_id = p
        .number("customer", &text(&input.customer), 1..=i32::MAX, true)
        .unwrap_or_default();
    let vehicle_id = optional_id(p, "vehicle", &input.vehicle);
    let kind = match input.transaction_type.as_deref().map(str::trim) {
        Some("sale") => "sale",
        Some("service") => "service",
        Some("") | None => {
            if vehicle_id.is_some() {
                "service"
            } else {
                "sale"
            }
        }
        Some(_) => {
            p.add("transaction_type", "Choose service or sale.");
            "service"
        }
    };
    let status = match input.status.as_deref().map(str::trim) {
        None | Some("") => {
            if kind == "sale" && creating {
                JobStatus::Draft
            } else {
                JobStatus::Pending
            }
        }
        Some(raw) => match JobStatus::parse(raw) {
            Some(JobStatus::Completed) => {
                p.add(
                    "status",
                    "A job becomes Completed only through Complete, which takes the stock and makes the invoice.",
                );
                JobStatus::Pending
            }
            Some(JobStatus::Cancelled) => {
                p.add("status", "Cancel a job with Cancel, giving a reason.");
                JobStatus::Pending
            }
            Some(status) => status,
            None => {
                p.add("status", "Choose Draft, Pending or In Progress.");
                JobStatus::Pending
            }
        },
    };
    let labour_cents = match input.labor_cost.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match Money::parse(raw) {
            Ok(m) => Some(m.cents()),
            Err(m) => {
                p.add("labor_cost", m);
                None
            }
        },
    };
    let checked = Checked {
        kind,
        customer_id,
        vehicle_id,
        service_type_id: optional_id(p, "service_type", &input.service_type),
        mechanic_id: optional_id(p, "assigned_mechanic", &input.assigned_mechanic),
        description: p.text("description", &text(&input.description), 2000, false),
        status,
        labour_cents,
    };
    if kind == "sale" {
        sale_rules(&checked, p);
    } else if checked.vehicle_id.is_none() && !p.has("vehicle") {
        p.add(
            "vehicle",
            "Choose the customer's vehicle (a sale has none).",
        );
    }
    checked
}

/// A counter sale carries no vehicle, service type, mechanic or labour.
fn sale_rules(c: &Checked, p: &mut Problems) {
    if c.vehicle_id.is_some() {
        p.add(
            "vehicle",
            "A sale has no vehicle; open a service job instead.",
        );
    }
    if c.service_type_id.is_some() {
        p.add("service_type", "A sale has no service type.");
    }
    if c.mechanic_id.is_some() {
        p.add("assigned_mechanic", "A sale has no mechanic.");
    }
    if c.labour_cents.is_some_and(|l| l > 0) {
        p.add("labor_cost", "A sale has no labour.");
    }
}

/// The checks against other rows, for a job at `site`.
fn check_references(
    c: &mut AnyConnection,
    scope: &Scope,
    checked: &Checked,
    site: i32,
    p: &mut Problems,
) -> Result<(), DbError> {
    if checked.customer_id > 0 {
        match customers::find_customer(c, checked.customer_id)? {
            None => p.add("customer", "This customer does not exist."),
            Some(customer) if customer.is_walk_in && checked.kind == "service" => p.add(
                "customer",
                "The walk-in customer buys at the counter; choose the vehicle's owner.",
            ),
            Some(_) => {}
        }
    }
    if site > 0 && !sites::site_exists(c, site)? {
        p.add("site", "This site does not exist.");
    }
    if let Some(vehicle) = checked.vehicle_id {
        let mut query = vehicles::table
            .filter(vehicles::id.eq(vehicle))
            .select(vehicles::customer_id)
            .into_boxed();
        if let Some(own) = scope.bound_site() {
            query = query.filter(vehicles::site_id.eq(own.0));
        }
        match query.first::<i32>(c).optional()? {
            None => p.add("vehicle", "This vehicle does not exist."),
            Some(owner) if owner != checked.customer_id && checked.customer_id > 0 => {
                p.add("vehicle", "This vehicle belongs to another customer.")
            }
            Some(_) => {}
        }
    }
    if let Some(kind) = checked.service_type_id {
        let found: Option<i32> = service_types::table
            .find(kind)
            .select(service_types::id)
            .first(c)
            .optional()?;
        if found.is_none() {
            p.add("service_type", "This service type does not exist.");
        }
    }
    if let Some(mechanic) = checked.mechanic_id {
        check_mechanic(c, mechanic, site, p)?;
    }
    Ok(())
}

/// A mechanic must exist, be active and work at the job's site.
pub fn check_mechanic(
    c: &mut AnyConnection,
    mechanic: i32,
    site: i32,
    p: &mut Problems,
) -> Result<(), DbError> {
    let found: Option<(i32, bool)> = mechanics::table
        .find(mechanic)
        .select((mechanics::site_id, mechanics::is_active))
        .first(c)
        .optional()?;
    match found {
        None => p.add("assigned_mechanic", "This mechanic does not exist."),
        Some((at, _)) if at != site => p.add(
            "assigned_mechanic",
            "This mechanic works at another site; choose one of this site's mechanics.",
        ),
        Some((_, false)) => p.add("assigned_mechanic", "This mechanic is no longer active."),
        Some(_) => {}
    }
    Ok(())
}

/// What was created or changed, for the caller to notify about.
pub struct Written {
    pub job: JobView,
    /// A mechanic newly set on the job.
    pub mechanic_assigned: Option<i32>,
}

/// Opens a job or sale. The display number comes from the same transaction.
pub async fn create_job(
    db: &Db,
    scope: Scope,
    actor: Actor,
    input: JobInput,
    notify: Notify,
) -> Result<Written, WriteError> {
    scope.require_write()?;
    let mut p = Problems::default();
    let site = site_for_write(&scope, input.site.as_deref(), &mut p)?;
    require_desk(&scope, site.0)?;
    let checked = check_shape(&input, true, &mut p);
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            check_references(c, &scope, &checked, site.0, &mut p)?;
            let errors: Result<(), FieldErrors> = p.finish(());
            errors.map_err(WriteError::Invalid)?;
            let year = chrono::Utc::now().year();
            let numbered = if checked.kind == "sale" {
                Numbered::Sale
            } else {
                Numbered::Service
            };
            let new = NewJob {
                display_number: next_number(c, numbered, year)?,
                transaction_type: checked.kind.into(),
                customer_id: checked.customer_id,
                vehicle_id: checked.vehicle_id,
                site_id: site.0,
                service_type_id: checked.service_type_id,
                assigned_mechanic_id: checked.mechanic_id,
                description: checked.description.clone(),
                status: checked.status.as_str().into(),
                created_by: Some(actor.user.0),
            };
            let id = jobs::insert_job(c, &new)?;
            if let Some(labour) = checked.labour_cents {
                job_lines::replace_labour(c, id, labour)?;
            }
            let job = jobs::find_job(c, &Scope::everything(), id)?.ok_or_else(super::missing)?;
            audit::record(
                c,
                actor,
                Entry {
                    action: "create",
                    entity: "service_request",
                    entity_id: id,
                    repr: &new.display_number,
                    changes: audit::snapshot(&job_audit(&job.job)),
                    site: Some(SiteId(site.0)),
                },
            )?;
            if let Some(mechanic) = checked.mechanic_id {
                notify.mechanic_assigned(c, id, mechanic)?;
            }
            Ok(Written {
                job,
                mechanic_assigned: checked.mechanic_id,
            })
        })
        .await;
    waker.wake(result)
}

/// The audited fields of a job.
pub fn job_audit(job: &JobRow) -> Value {
    json!({
        "display_number": job.display_number, "transaction_type": job.transaction_type,
        "customer_id": job.customer_id, "vehicle_id": job.vehicle_id, "site_id": job.site_id,
        "service_type_id": job.service_type_id, "assigned_mechanic_id": job.assigned_mechanic_id,
        "description": job.description, "status": job.status,
    })
}

/// Changes an open job: customer, vehicle, service type, description, mechanic, a status move
/// the state machine allows, and (API) `labor_cost`. The type and site never change.
pub async fn update_job(
    db: &Db,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: JobInput,
    notify: Notify,
) -> Result<Written, WriteError> {
    let waker = notify.clone();
    let result = db
        .write_or(move |c| {
            let row = jobs::lock_job(c, id)?
                .filter(|r| jobs::visible(&scope, r))
                .ok_or_else(super::missing)?;
            require_desk(&scope, row.site_id)?;
            require_open(&row)?;
            if patch
                .site
                .as_deref()
                .is_some_and(|s| s.trim() != row.site_id.to_string())
            {
                return Err(WriteError::Refused(crate::error::AppError::Forbidden(
                    "A job stays at the site it was opened at.".into(),
                )));
            }
            let merged = merge(&row, patch);
            let mut p = Problems::default();
            let checked = check_shape(&merged, false, &mut p);
            if checked.kind != row.transaction_type {
                p.add(
                    "transaction_type",
                    "A job cannot become a sale, or a sale a job.",
                );
            }
            if checked.status != row.status() && !row.status().can_move_to(checked.status) {
                p.add(
                    "status",
                    format!(
                        "A job cannot move from {} to {}.",
                        row.status, checked.status
                    ),
                );
            }
            check_references(c, &scope, &checked, row.site_id, &mut p)?;
            p.finish(()).map_err(WriteError::Invalid)?;
            let changes = JobChanges {
                customer_id: checked.customer_id,
                vehicle_id: checked.vehicle_id,
                service_type_id: checked.service_type_id,
                description: checked.description.clone(),
            };
            jobs::update_job(c, id, &changes)?;
            if checked.mechanic_id != row.assigned_mechanic_id {
                jobs::set_mechanic(c, id, checked.mechanic_id)?;
            }
            if checked.status != row.status() {
                jobs::set_status(c, id, checked.status)?;
            }
            if let Some(labour) = checked.labour_cents {
                job_lines::replace_labour(c, id, labour)?;
            }
            let job = jobs::find_job(c, &Scope::everything(), id)?.ok_or_else(super::missing)?;
            let mut diff = audit::diff(&job_audit(&row), &job_audit(&job.job));
            if let Some(labour) = checked.labour_cents {
                diff.insert("labor_cost".into(), json!(Money::from_cents(labour)));
            }
            record_update(c, actor, &job.job, diff)?;
            let newly = checked
                .mechanic_id
                .filter(|m| Some(*m) != row.assigned_mechanic_id);
            if let Some(mechanic) = newly {
                notify.mechanic_assigned(c, id, mechanic)?;
            }
            Ok(Written {
                job,
                mechanic_assigned: newly,
            })
        })
        .await;
    waker.wake(result)
}

/// An audit entry for a changed job (nothing when nothing changed).
pub fn record_update(
    c: &mut AnyConnection,
    actor: Actor,
    job: &JobRow,
    changes: Map<String, Value>,
) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    audit::record(
        c,
        actor,
        Entry {
            action: "update",
            entity: "service_request",
            entity_id: job.id,
            repr: &job.display_number,
            changes,
            site: Some(SiteId(job.site_id)),
        },
    )
}

/// The stored job with the fields a patch carries replaced (`null` clears vehicle/mechanic).
fn merge(row: &JobRow, patch: JobInput) -> JobInput {
    let id = |v: Option<i32>| v.map(|n| n.to_string());
    JobInput {
        customer: patch.customer.or(Some(row.customer_id.to_string())),
        vehicle: if patch.vehicle_given || patch.vehicle.is_some() {
            patch.vehicle
        } else {
            id(row.vehicle_id)
        },
        site: Some(row.site_id.to_string()),
        service_type: patch.service_type.or(id(row.service_type_id)),
        assigned_mechanic: if patch.mechanic_given || patch.assigned_mechanic.is_some() {
            patch.assigned_mechanic
        } else {
            id(row.assigned_mechanic_id)
        },
        description: patch.description.or(Some(row.description.clone())),
        status: patch.status.or(Some(row.status.clone())),
        transaction_type: patch
            .transaction_type
            .or(Some(row.transaction_type.clone())),
        labor_cost: patch.labor_cost,
        vehicle_given: false,
        mechanic_given: false,
    }
}
