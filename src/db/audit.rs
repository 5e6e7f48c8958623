//! The audit log: append-only, written in the same transaction as the change it records.

use diesel::prelude::*;
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
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::action.eq(entry.action),
            audit_log::entity.eq(entry.entity),
            audit_log::entity_id.eq(entry.entity_id),
            audit_log::entity_repr.eq(truncate(entry.repr, 200)),
            audit_log::changes.eq(Value::Object(entry.changes).to_string()),
            audit_log::user_id.eq(actor.user.0),
            audit_log::via.eq(actor.via),
            audit_log::site_id.eq(entry.site.map(|s| s.0)),
            audit_log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
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
