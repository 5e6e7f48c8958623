//! Collecting field errors while parsing a form or a JSON body, so pages and the API report the
//! same messages for the same input.

use chrono::Datelike;

use crate::db::DbError;
use crate::db::scope::Scope;
use crate::domain::ids::SiteId;
use crate::error::{AppError, FieldErrors};

/// Why a create, update or delete did not happen: the input was invalid (shown next to the
/// fields), or the request was refused (403, 404, a clear 400, or a failure).
#[derive(Debug)]
pub enum WriteError {
    Invalid(FieldErrors),
    Refused(AppError),
}

impl From<AppError> for WriteError {
    fn from(e: AppError) -> Self {
        Self::Refused(e)
    }
}

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
        Self::Refused(e.into())
    }
}

impl From<diesel::result::Error> for WriteError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Refused(DbError::from(e).into())
    }
}

impl WriteError {
    /// One field's error, for a refusal found after the form itself was checked.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.into(), vec![message.into()]);
        Self::Invalid(errors)
    }
}

impl From<WriteError> for AppError {
    /// For JSON answers: field errors become the `{"field": ["message"]}` 400.
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Invalid(errors) => AppError::Validation(errors),
            WriteError::Refused(e) => e,
        }
    }
}

/// Errors gathered field by field.
#[derive(Default, Debug)]
pub struct Problems(FieldErrors);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// A required, trimmed text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize, required: bool) -> String {
        let value = value.trim().to_owned();
        if required && value.is_empty() {
            self.add(field, "This field is required.");
        } else if value.chars().count() > max {
            self.add(field, format!("Use at most {max} characters."));
        }
        value
    }

    /// `value` if one of `allowed`, else an error.
    pub fn choice(&mut self, field: &str, value: &str, allowed: &[&str], default: &str) -> String {
        let value = value.trim();
        if value.is_empty() {
            return default.to_owned();
        }
        if allowed.contains(&value) {
            value.to_owned()
        } else {
            self.add(field, format!("Choose one of: {}.", allowed.join(", ")));
            default.to_owned()
        }
    }

    /// A whole number in `min..=max`; empty is `None` (and an error when `required`).
    pub fn number(
        &mut self,
        field: &str,
        raw: &str,
        range: std::ops::RangeInclusive<i32>,
        required: bool,
    ) -> Option<i32> {
        let raw = raw.trim().replace([',', ' ', '_'], "");
        if raw.is_empty() {
            if required {
                self.add(field, "This field is required.");
            }
            return None;
        }
        match raw.parse::<i64>() {
            Ok(n) if range.contains(&i32::try_from(n).unwrap_or(i32::MAX)) => i32::try_from(n).ok(),
            Ok(_) => {
                self.add(
                    field,
                    format!("Enter a number from {} to {}.", range.start(), range.end()),
                );
                None
            }
            Err(_) => {
                self.add(field, "Enter a whole number.");
                None
            }
        }
    }

    /// An optional date typed as YYYY-MM-DD, not after `latest`.
    pub fn date(
        &mut self,
        field: &str,
        raw: &str,
        latest: chrono::NaiveDate,
    ) -> Option<chrono::NaiveDate> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(date) if date > latest => {
                self.add(field, "This date is in the future.");
                None
            }
            Ok(date) if date.year() < 1900 => {
                self.add(field, "Enter a date after 1900.");
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                self.add(field, "Enter a date as YYYY-MM-DD.");
                None
            }
        }
    }

    /// A required amount of money in cents (blank is an error).
    pub fn amount(&mut self, field: &str, raw: &str) -> Option<i64> {
        crate::domain::money::Money::parse(raw)
            .map(|m| Some(m.cents()))
            .unwrap_or_else(|m| {
                self.add(field, m);
                None
            })
    }

    /// An optional amount of money in cents; left blank (or `null`) it is `None`, not an error.
    pub fn money(&mut self, field: &str, raw: Option<&str>) -> Option<i64> {
        let raw = raw
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != "null")?;
        self.amount(field, raw)
    }

    /// Whether `field` already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Ok with `value` when nothing was wrong.
    pub fn finish<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

/// A checkbox: present and not "false"/"0"/"off".
pub fn checked(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        !matches!(
            v.trim().to_lowercase().as_str(),
            "" | "false" | "0" | "off" | "no"
        )
    })
}

/// Deserialises a JSON string, number or boolean (or a form value) as text, so the API accepts
/// `15` and `"15"`, `true` and `"true"` alike; `null` counts as absent.
pub fn lenient_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    })
}

/// The site a write goes to: a site-bound user's own (403 for another), or the one chosen.
pub fn site_for_write(
    scope: &Scope,
    raw: Option<&str>,
    p: &mut Problems,
) -> Result<SiteId, AppError> {
    let chosen = raw.map(str::trim).filter(|s| !s.is_empty());
    let chosen = match chosen.map(str::parse::<i32>) {
        Some(Ok(id)) => Some(SiteId(id)),
        Some(Err(_)) => {
            p.add("site", "Choose a site.");
            None
        }
        None => None,
    };
    match (scope.bound_site(), chosen) {
        (Some(own), Some(site)) if site != own => Err(AppError::Forbidden(
            "You can only record things at your own site.".into(),
        )),
        (Some(own), _) => Ok(own),
        (None, Some(site)) => Ok(site),
        (None, None) => {
            p.add("site", "Choose a site.");
            Ok(SiteId(0))
        }
    }
}
