//! The audit log: append-only, written in the same transaction as the change it records.

use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use super::schema::audit_log;
use super::{AnyConnection, DbError, now};
use crate::domain::ids::{SiteId, UserId};

/// Who did it and how.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub user: UserId,
    /// `session` (pages) or `api` (bearer token).
    pub via: &'static str,
}

/// One entry: `changes` maps field → `[old, new]` for updates, field → value otherwise.
pub struct Entry<'a> {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: i32,
    pub repr: &'a str,
    pub changes: Map<String, Value>,
    pub site: Option<SiteId>,
}

/// Appends an entry.
pub fn record(conn: &mut AnyConnection, actor: Actor, entry: Entry<'_>) -> Result<(), DbError> {
    record_all(conn, actor, vec![entry])
}

/// Appends entries in one statement (a completion writes two).
pub fn record_all(
    conn: &mut AnyConnection,
    actor: Actor,
    entries: Vec<Entry<'_>>,
) -> Result<(), DbError> {
    insert_rows(conn, &rows(actor, entries))
}

/// The rows `entries` are stored as, stamped now.
pub fn rows(actor: Actor, entries: Vec<Entry<'_>>) -> Vec<AuditRow> {
    let at = now();
    entries
        .into_iter()
        .map(|entry| AuditRow {
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.entity_id,
            entity_repr: truncate(entry.repr, 200),
            changes: Value::Object(entry.changes).to_string(),
            user_id: Some(actor.user.0),
            via: actor.via,
            site_id: entry.site.map(|s| s.0),
            created_at: at,
        })
        .collect()
}

/// Appends rows made by [`rows`].
pub fn insert_rows(conn: &mut AnyConnection, rows: &[AuditRow]) -> Result<(), DbError> {
    // One row (the usual case) stays a statement the connection keeps prepared; a batch is
    // built against the concrete connection, as MultiBackend cannot build one.
    match rows {
        [] => {}
        [row] => {
            diesel::insert_into(audit_log::table)
                .values(row)
                .execute(conn)?;
        }
        rows => {
            on_backend!(conn, |c| diesel::insert_into(audit_log::table)
                .values(rows)
                .execute(c))?;
        }
    }
    Ok(())
}

/// An entry as stored (serialized, for `invoice_number`'s statement, by column name).
#[derive(Insertable, Serialize, Clone, Debug)]
#[diesel(table_name = audit_log)]
#[diesel(treat_none_as_null = true)]
pub struct AuditRow {
    action: &'static str,
    entity: &'static str,
    entity_id: i32,
    entity_repr: String,
    changes: String,
    user_id: Option<i32>,
    via: &'static str,
    site_id: Option<i32>,
    created_at: chrono::NaiveDateTime,
}

impl AuditRow {
    /// The row with `fill` applied to its text (the description and the changes).
    pub fn with_text(&self, fill: impl Fn(&str) -> String) -> Self {
        Self {
            entity_repr: fill(&self.entity_repr),
            changes: fill(&self.changes),
            ..self.clone()
        }
    }
}

/// Field-by-field differences between two JSON objects, as `{field: [old, new]}`.
pub fn diff(before: &Value, after: &Value) -> Map<String, Value> {
    let mut changes = Map::new();
    if let (Some(old), Some(new)) = (before.as_object(), after.as_object()) {
        for (key, new_value) in new {
            let old_value = old.get(key).unwrap_or(&Value::Null);
            if old_value != new_value {
                changes.insert(
                    key.clone(),
                    Value::Array(vec![old_value.clone(), new_value.clone()]),
                );
            }
        }
    }
    changes
}

/// The fields of a new or deleted row.
pub fn snapshot(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_recorded_with_old_and_new() {
        let changes = super::diff(
            &json!({"a": 1, "b": "x", "c": null}),
            &json!({"a": 1, "b": "y", "c": 3}),
        );
        assert_eq!(
            serde_json::Value::Object(changes),
            json!({"b": ["x", "y"], "c": [null, 3]})
        );
    }
}
