//! Promotions: validation (end ≥ start, 0 < percent ≤ 100, a percentage or an amount, not
//! both), create, change, delete with the audit trail. Superusers and head office manage them
//! (SPEC §1); everyone signed in may read the ones running today.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use super::fields::{Problems, WriteError, checked};
use crate::db::audit::{self, Actor, Entry};
use crate::db::promotions::{self, PromotionFields, PromotionRow};
use crate::db::scope::Scope;
use crate::db::{DbError, write_transaction};
use crate::domain::money::Money;
use crate::domain::percent::BasisPoints;
use crate::domain::role::Role;
use crate::error::{AppError, FieldErrors};
use crate::state::AppState;

/// Superusers and head office manage promotions and blasts; site staff get 403.
pub fn require_manager(scope: &Scope) -> Result<(), AppError> {
    match scope.role() {
        Role::Superuser | Role::Hq => Ok(()),
        _ => Err(AppError::Forbidden(
            "Only head office or a superuser manages promotions.".into(),
        )),
    }
}

/// A promotion as typed or sent; all optional so partial updates parse.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct PromotionInput {
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub title: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub description: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub start_date: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub end_date: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub discount_percent: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub discount_amount: Option<String>,
    #[serde(deserialize_with = "super::fields::lenient_text")]
    pub is_active: Option<String>,
}

impl PromotionInput {
    pub fn from_row(row: &PromotionRow) -> Self {
        Self {
            title: Some(row.title.clone()),
            description: Some(row.description.clone()),
            start_date: Some(row.start_date.to_string()),
            end_date: Some(row.end_date.to_string()),
            discount_percent: row
                .discount_percent_bp
                .map(|bp| BasisPoints::from_stored(bp).display()),
            discount_amount: row
                .discount_amount_cents
                .map(|c| Money::from_cents(c).to_string()),
            is_active: Some(row.is_active.to_string()),
        }
    }

    /// The row's values with what the patch sends; a discount sent replaces the other kind.
    pub fn patched(self, patch: PromotionInput) -> Self {
        let discount_sent = patch.discount_percent.is_some() || patch.discount_amount.is_some();
        let (percent, amount) = if discount_sent {
            (patch.discount_percent, patch.discount_amount)
        } else {
            (self.discount_percent, self.discount_amount)
        };
        Self {
            title: patch.title.or(self.title),
            description: patch.description.or(self.description),
            start_date: patch.start_date.or(self.start_date),
            end_date: patch.end_date.or(self.end_date),
            discount_percent: percent,
            discount_amount: amount,
            is_active: patch.is_active.or(self.is_active),
        }
    }

    pub fn validate(&self) -> Result<PromotionFields, FieldErrors> {
        let mut p = Problems::default();
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let title = p.text("title", &text(&self.title), 100, true);
        let description = p.text("description", &text(&self.description), 1000, false);
        let start_date = date(&mut p, "start_date", &text(&self.start_date));
        let end_date = date(&mut p, "end_date", &text(&self.end_date));
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end < start
        {
            p.add("end_date", "The end date cannot be before the start date.");
        }
        let (percent, amount) = discount(
            &mut p,
            &text(&self.discount_percent),
            &text(&self.discount_amount),
        );
        let is_active = self
            .is_active
            .as_deref()
            .map(|v| checked(Some(v)))
            .unwrap_or(true);
        let fields = PromotionFields {
            title,
            description,
            start_date: start_date.unwrap_or_default(),
            end_date: end_date.unwrap_or_default(),
            discount_percent_bp: percent,
            discount_amount_cents: amount,
            is_active,
        };
        p.finish(fields)
    }
}

fn date(p: &mut Problems, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        p.add(field, "This field is required.");
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            p.add(field, "Enter a date as YYYY-MM-DD.");
            None
        }
    }
}

/// Exactly one of a percentage (0 < p ≤ 100) and an amount (> 0).
fn discount(p: &mut Problems, percent: &str, amount: &str) -> (Option<i32>, Option<i64>) {
    let (percent, amount) = (percent.trim(), amount.trim());
    let percent = match percent {
        "" => None,
        raw => match BasisPoints::parse(raw) {
            Ok(bp) if bp.value() > 0 => Some(bp.value()),
            Ok(_) => {
                p.add("discount_percent", "The percentage must be more than 0.");
                None
            }
            Err(message) => {
                p.add("discount_percent", message);
                None
            }
        },
    };
    let amount = match amount {
        "" => None,
        raw => match Money::parse(raw) {
            Ok(m) if m.cents() > 0 => Some(m.cents()),
            Ok(_) => {
                p.add("discount_amount", "The amount must be more than 0.");
                None
            }
            Err(message) => {
                p.add("discount_amount", message);
                None
            }
        },
    };
    if percent.is_some() && amount.is_some() {
        p.add(
            "discount_amount",
            "Give a percentage or an amount, not both.",
        );
    } else if percent.is_none() && amount.is_none() && p.is_empty() {
        p.add("discount_percent", "Give a percentage or an amount off.");
    }
    (percent, amount)
}

/// The promotion in JSON, with the original's field names.
pub fn promotion_json(row: &PromotionRow) -> Value {
    json!({
        "id": row.id, "title": row.title, "description": row.description,
        "start_date": row.start_date, "end_date": row.end_date,
        "discount_percent": row.discount_percent_bp.map(|bp| format!("{}.{:02}", bp / 100, bp % 100)),
        "discount_amount": row.discount_amount_cents.map(Money::from_cents),
        "is_active": row.is_active,
        "active_now": row.runs_on(crate::db::now().date()),
    })
}

fn audit_json(row: &PromotionRow) -> Value {
    let mut value = promotion_json(row);
    if let Some(map) = value.as_object_mut() {
        map.remove("id");
        map.remove("active_now");
    }
    value
}

fn missing() -> DbError {
    DbError::Query(diesel::result::Error::NotFound)
}

pub async fn create_promotion(
    state: &AppState,
    scope: Scope,
    actor: Actor,
    input: PromotionInput,
) -> Result<PromotionRow, WriteError> {
    require_manager(&scope)?;
    let fields = input.validate().map_err(WriteError::Invalid)?;
    let row = state
        .db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let id = promotions::insert_promotion(c, &fields, actor.user)?;
                let row = promotions::find_promotion(c, id)?.ok_or_else(missing)?;
                let changes = audit::snapshot(&audit_json(&row));
                let entry = Entry {
                    action: "create",
                    entity: "promotion",
                    entity_id: id,
                    repr: &row.title,
                    changes,
                    site: None,
                };
                audit::record(c, actor, entry)?;
                Ok(row)
            })
        })
        .await?;
    Ok(row)
}

pub async fn update_promotion(
    state: &AppState,
    scope: Scope,
    actor: Actor,
    id: i32,
    patch: PromotionInput,
) -> Result<PromotionRow, WriteError> {
    require_manager(&scope)?;
    state
        .db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let Some(before) = promotions::find_promotion(c, id)? else {
                    return Ok(Err(AppError::NotFound.into()));
                };
                let fields = match PromotionInput::from_row(&before).patched(patch).validate() {
                    Ok(fields) => fields,
                    Err(errors) => return Ok(Err(WriteError::Invalid(errors))),
                };
                promotions::update_promotion(c, id, &fields)?;
                let after = promotions::find_promotion(c, id)?.ok_or_else(missing)?;
                let changes = audit::diff(&audit_json(&before), &audit_json(&after));
                if !changes.is_empty() {
                    let entry = Entry {
                        action: "update",
                        entity: "promotion",
                        entity_id: id,
                        repr: &after.title,
                        changes,
                        site: None,
                    };
                    audit::record(c, actor, entry)?;
                }
                Ok(Ok(after))
            })
        })
        .await?
}

/// Deletes a promotion no invoice used; one that was used keeps its history (switch it off).
pub async fn delete_promotion(
    state: &AppState,
    scope: Scope,
    actor: Actor,
    id: i32,
) -> Result<(), WriteError> {
    require_manager(&scope)?;
    state
        .db
        .writing(move |conn| {
            write_transaction(conn, |c| {
                let Some(row) = promotions::find_promotion(c, id)? else {
                    return Ok(Err(AppError::NotFound.into()));
                };
                if promotions::used_on_invoices(c, id)? {
                    let message =
                        "Invoices carry this promotion, so it is kept. Switch it off instead.";
                    return Ok(Err(AppError::BadRequest(message.into()).into()));
                }
                promotions::delete_promotion(c, id)?;
                let changes = audit::snapshot(&audit_json(&row));
                let entry = Entry {
                    action: "delete",
                    entity: "promotion",
                    entity_id: id,
                    repr: &row.title,
                    changes,
                    site: None,
                };
                audit::record(c, actor, entry)?;
                Ok(Ok(()))
            })
        })
        .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(start: &str, end: &str, percent: &str, amount: &str) -> PromotionInput {
        PromotionInput {
            title: Some("Brake week".into()),
            start_date: Some(start.into()),
            end_date: Some(end.into()),
            discount_percent: Some(percent.into()),
            discount_amount: Some(amount.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_promotion_needs_ordered_dates_and_exactly_one_sensible_discount() {
        assert!(
            input("2026-01-01", "2026-01-31", "10", "")
                .validate()
                .is_ok()
        );
        assert!(
            input("2026-01-01", "2026-01-01", "", "5.00")
                .validate()
                .is_ok()
        );
        let field = |i: PromotionInput| {
            i.validate()
                .err()
                .map(|e| e.keys().cloned().collect::<Vec<_>>())
        };
        assert_eq!(
            field(input("2026-02-01", "2026-01-31", "10", "")),
            Some(vec!["end_date".into()])
        );
        assert_eq!(
            field(input("2026-01-01", "2026-01-31", "0", "")),
            Some(vec!["discount_percent".into()])
        );
        assert_eq!(
            field(input("2026-01-01", "2026-01-31", "100.5", "")),
            Some(vec!["discount_percent".into()])
        );
        assert_eq!(
            field(input("2026-01-01", "2026-01-31", "10", "5")),
            Some(vec!["discount_amount".into()])
        );
        assert_eq!(
            field(input("2026-01-01", "2026-01-31", "", "")),
            Some(vec!["discount_percent".into()])
        );
        assert_eq!(
            field(input("soon", "2026-01-31", "", "-1")),
            Some(vec!["discount_amount".into(), "start_date".into()])
        );
    }
}
