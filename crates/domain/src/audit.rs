//! The audit trail: who changed what, when, from which value to which. Written by the domain in
//! the same transaction as the change it describes.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, prelude::*,
};
use serde_json::{Map, Value, json};

use crate::actor::Actor;
use crate::entities::audit_entry;
use crate::postings::types::vocabulary;

vocabulary! {
    /// The kinds of record the trail speaks of. The codes are what `audit_entries.entity_type`
    /// has always stored; the label is the German noun (see [`AuditEntity::subject`]).
    AuditEntity {
        Posting = "posting" => "Anzeige",
        Course = "course" => "Lehrgang",
        CourseRegistration = "course_registration" => "Anmeldung",
        Municipality = "municipality" => "Kommune",
        ApiToken = "api_token" => "API-Token",
        User = "user" => "Benutzerkonto",
        Agreement = "agreement" => "Vereinbarung",
        CoverRequest = "cover_request" => "Vertretungsanfrage",
        CoverOffer = "cover_offer" => "Vertretungsangebot",
        FeedToken = "feed_token" => "Feed-Adresse",
        SurveyRound = "survey_round" => "Bedarfsabfrage",
        SurveyAnswer = "survey_answer" => "Antwort zur Bedarfsabfrage",
        SearchAlert = "search_alert" => "Suchauftrag",
    }
}

impl AuditEntity {
    /// The record with its article, as a German sentence starts with it: „Die Anzeige“.
    pub fn subject(self) -> &'static str {
        match self {
            Self::Posting => "Die Anzeige",
            Self::Course => "Der Lehrgang",
            Self::CourseRegistration => "Die Anmeldung",
            Self::Municipality => "Die Kommune",
            Self::ApiToken => "Das API-Token",
            Self::User => "Das Benutzerkonto",
            Self::Agreement => "Die Vereinbarung",
            Self::CoverRequest => "Die Vertretungsanfrage",
            Self::CoverOffer => "Das Vertretungsangebot",
            Self::FeedToken => "Die Feed-Adresse",
            Self::SurveyRound => "Die Bedarfsabfrage",
            Self::SurveyAnswer => "Die Antwort zur Bedarfsabfrage",
            Self::SearchAlert => "Der Suchauftrag",
        }
    }

    /// The pronoun that refers back to the record as an object: „sie“, „ihn“, „es“.
    pub fn pronoun(self) -> &'static str {
        match self {
            Self::Course | Self::SearchAlert => "ihn",
            Self::ApiToken | Self::User | Self::CoverOffer => "es",
            Self::Posting
            | Self::CourseRegistration
            | Self::Municipality
            | Self::Agreement
            | Self::CoverRequest
            | Self::FeedToken
            | Self::SurveyRound
            | Self::SurveyAnswer => "sie",
        }
    }
}

vocabulary! {
    /// What happened to a record. The codes are the values `audit_entries.action` has always
    /// stored; the label is how the history shows it.
    AuditAction {
        Created = "created" => "angelegt",
        Updated = "updated" => "geändert",
        Duplicated = "duplicated" => "als Kopie angelegt",
        Imported = "imported" => "importiert",
        Published = "published" => "veröffentlicht",
        Scheduled = "scheduled" => "Veröffentlichung geplant",
        PublishedScheduled = "published_scheduled" => "planmäßig veröffentlicht",
        Unpublished = "unpublished" => "offline genommen",
        Archived = "archived" => "archiviert",
        Republished = "republished" => "erneut veröffentlicht",
        Expired = "expired" => "abgelaufen",
        PartnerConfirmed = "partner_confirmed" => "Partnerschaft bestätigt",
        PartnerDeclined = "partner_declined" => "Partnerschaft zurückgezogen",
        // A course moved on (opened, closed, cancelled, held); the change says to what.
        Status = "status" => "Status geändert",
        Attendance = "attendance" => "Anwesenheit erfasst",
        Registered = "registered" => "angemeldet",
        Cancelled = "cancelled" => "storniert",
        Promoted = "promoted" => "von der Warteliste nachgerückt",
        ProfileUpdated = "profile_updated" => "Profil geändert",
        Revoked = "revoked" => "widerrufen",
        PasswordSet = "password_set" => "Passwort gesetzt",
        Activated = "activated" => "aktiviert",
        Deactivated = "deactivated" => "deaktiviert",
        // Working together (agreements, cover, internal vacancies).
        Confirmed = "confirmed" => "bestätigt",
        Ended = "ended" => "beendet",
        Accepted = "accepted" => "angenommen",
        Declined = "declined" => "nicht benötigt",
        Withdrawn = "withdrawn" => "zurückgezogen",
        DocumentAttached = "document_attached" => "unterschriebenes Dokument hinterlegt",
        MadePublic = "made_public" => "planmäßig öffentlich geschaltet",
        // A deadline was moved: a survey round's (an admin reopening it after the deadline) or a
        // posting's application deadline (extended from the overview).
        DeadlineChanged = "deadline_changed" => "Frist geändert",
        // A planning proposal became a draft posting or course; the change names which.
        ProposalTaken = "proposal_taken" => "Vorschlag übernommen",
        // Search alerts.
        Paused = "paused" => "pausiert",
        Resumed = "resumed" => "fortgesetzt",
        Deleted = "deleted" => "gelöscht",
        Unsubscribed = "unsubscribed" => "abgemeldet",
        KeepRequested = "keep_requested" => "Verlängerung erfragt",
        Kept = "kept" => "verlängert",
        // A posting's position was filled (it is archived in the same change).
        Filled = "filled" => "als besetzt markiert",
    }
}

/// One change to record.
#[derive(Debug)]
pub struct AuditRecord<'a> {
    pub entity_type: AuditEntity,
    pub entity_id: i64,
    pub municipality_id: Option<i64>,
    pub action: AuditAction,
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
        entity_type: Set(rec.entity_type),
        entity_id: Set(rec.entity_id),
        municipality_id: Set(rec.municipality_id),
        action: Set(rec.action),
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
    entity_type: AuditEntity,
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
