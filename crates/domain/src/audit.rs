//! The audit trail: who changed what, when, from which value to which. Written by the domain in
//! the same transaction as the change it describes.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, prelude::*,
};
use serde_json::{Map, Value, json};

use crate::actor::Actor;
use crate::entities::audit_entry;

/// One change to record.
#[derive(Debug)]
pub struct AuditRecord<'a> {
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub municipality_id: Option<i64>,
    pub action: &'a str,
    pub actor: &'a Actor,
    /// `{ field: { "from": old, "to": new } }`, see [`diff`].
    pub changes: Map<String, Value>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    rec: AuditRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_entry::ActiveModel {
        entity_type: Set(rec.entity_type.to_owned()),
        entity_id: Set(rec.entity_id),
        municipality_id: Set(rec.municipality_id),
        action: Set(rec.action.to_owned()),
        actor: Set(rec.actor.as_str().to_owned()),
        at: Set(now),
        changes: Set(Value::Object(rec.changes)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(drop)
}

/// The fields whose value differs between two JSON objects, as `{ field: { from, to } }`.
/// Fields in `ignore` (bookkeeping such as `version`) are left out.
pub fn diff(before: &Value, after: &Value, ignore: &[&str]) -> Map<String, Value> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut changes = Map::new();
    for (key, new) in after {
        if ignore.contains(&key.as_str()) {
            continue;
        }
        let old = before.get(key).unwrap_or(&Value::Null);
        if old != new {
            changes.insert(key.clone(), json!({ "from": old, "to": new }));
        }
    }
    for (key, old) in before {
        if !after.contains_key(key) && !ignore.contains(&key.as_str()) {
            changes.insert(key.clone(), json!({ "from": old, "to": Value::Null }));
        }
    }
    changes
}

/// The trail of one entity, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<audit_entry::Model>, DbErr> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::EntityType.eq(entity_type))
        .filter(audit_entry::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_changed_fields_only() {
        let a = json!({"title": "A", "version": 1, "same": 3, "gone": "x"});
        let b = json!({"title": "B", "version": 2, "same": 3});
        let d = diff(&a, &b, &["version"]);
        assert_eq!(d.len(), 2);
        assert_eq!(d["title"], json!({"from": "A", "to": "B"}));
        assert_eq!(d["gone"], json!({"from": "x", "to": null}));
    }
}
