//! Collecting field errors while parsing a form or a JSON body, so pages and the API report the
//! same messages for the same input.

use crate::db::DbError;
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
