//! The audited-change pipeline (`jobboard_domain::record`) as every kind of record sees it:
//! a stale version and a no-op save write nothing, and a conflict names the kind of record.

use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::courses::mutations::{self as courses, CourseAction};
use jobboard_domain::courses::{Course, queries as course_queries};
use jobboard_domain::entities::search_outbox;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{PostingStatus, mutations};
use jobboard_domain::testing::sample_course;
use jobboard_domain::{Actor, DomainError, record};
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};

use crate::fixtures::*;
use jobboard_domain::db_tests;

db_tests! {
    async fn a_course_version_conflict_names_the_course_not_a_posting(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let c = courses::create_course(db, brandis, sample_course(8, day(2026, 12, 10)), &Actor::user(1), now).await.unwrap();
        let mut first = sample_course(8, day(2026, 12, 10));
        first.title = "Motorsägenlehrgang Modul B".into();
        courses::update_course(db, c.id, 1, first, &Actor::user(1), now).await.unwrap();

        let mut stale = sample_course(8, day(2026, 12, 10));
        stale.title = "Motorsägenlehrgang Modul C".into();
        let err = courses::update_course(db, c.id, 1, stale, &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { entity: AuditEntity::Course, expected: 1, current: 2 }), "{err:?}");
        let message = err.to_string();
        assert!(message.starts_with("Der Lehrgang wurde inzwischen geändert"), "{message}");
        assert!(message.contains("Bitte laden Sie ihn neu"), "{message}");
        assert!(!message.contains("Anzeige"), "{message}");
    }

    async fn a_posting_version_conflict_still_names_the_posting(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("R-1", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let mut first = draft("R-1", day(2026, 12, 15));
        first.title = "Kämmerer (m/w/d)".into();
        mutations::update_posting(db, p.id, 1, first, &Actor::user(1), now).await.unwrap();
        let err = mutations::update_posting(db, p.id, 1, draft("R-1", day(2026, 12, 20)), &Actor::user(2), now).await.unwrap_err();
        assert!(err.to_string().starts_with("Die Anzeige wurde inzwischen geändert"), "{err}");
        assert!(err.to_string().contains("Bitte laden Sie sie neu"), "{err}");
    }

    async fn a_stale_course_status_change_changes_nothing_and_writes_no_audit_entry(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let c = courses::create_course(db, brandis, sample_course(8, day(2026, 12, 10)), &Actor::user(1), now).await.unwrap();
        let (opened, _) = courses::change_status(db, c.id, 1, CourseAction::Open, &Actor::user(1), now).await.unwrap();
        assert_eq!(opened.version, 2);
        let trail = audit::history(db, AuditEntity::Course, c.id).await.unwrap();
        assert_eq!(trail.iter().map(|e| e.action).collect::<Vec<_>>(), [AuditAction::Created, AuditAction::Status]);

        let err = courses::change_status(db, c.id, 1, CourseAction::Cancel, &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { entity: AuditEntity::Course, expected: 1, current: 2 }), "{err:?}");
        let stored = course_queries::find_by_id(db, c.id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.version), (opened.status, 2));
        assert_eq!(audit::history(db, AuditEntity::Course, c.id).await.unwrap().len(), 2);
    }

    async fn saving_an_unchanged_course_writes_no_audit_entry_and_keeps_the_version(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let c = courses::create_course(db, brandis, sample_course(8, day(2026, 12, 10)), &Actor::user(1), now).await.unwrap();
        let (same, notices) = courses::update_course(db, c.id, 1, sample_course(8, day(2026, 12, 10)), &Actor::user(2), now).await.unwrap();
        assert_eq!(same.version, 1);
        assert_eq!(same.updated_by, "user:1");
        assert!(notices.is_empty());
        assert_eq!(audit::history(db, AuditEntity::Course, c.id).await.unwrap().len(), 1);

        // A change to a child row alone (a session's place) is a change.
        let mut moved = sample_course(8, day(2026, 12, 10));
        moved.sessions[0].place = "Feuerwehr Brandis".into();
        let (changed, _) = courses::update_course(db, c.id, 1, moved, &Actor::user(2), now).await.unwrap();
        assert_eq!(changed.version, 2);
        let trail = audit::history(db, AuditEntity::Course, c.id).await.unwrap();
        assert_eq!(trail.len(), 2);
        assert_eq!(trail[1].action, AuditAction::Updated);
        let fields: Vec<&String> = trail[1].changes.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["sessions"]);
    }

    async fn the_generic_change_writes_nothing_when_the_edit_changes_nothing(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("R-2", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let outbox_before = search_outbox::Entity::find().count(db).await.unwrap();

        let txn = db.begin().await.unwrap();
        let saved = record::change::<Posting>(&txn, p.id, 1, AuditAction::Updated, &Actor::user(2), now, |_, _| Ok(())).await.unwrap();
        txn.commit().await.unwrap();
        assert!(!saved.changed);
        assert_eq!(saved.row.version, 1);
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 1);
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), outbox_before);

        // A refusal from the edit leaves everything as it was, too.
        let txn = db.begin().await.unwrap();
        let err = record::change::<Posting>(&txn, p.id, 1, AuditAction::Archived, &Actor::user(2), now, |_, am| {
            am.status = sea_orm::ActiveValue::Set(PostingStatus::Archived);
            Err(DomainError::Refused("nein".into()))
        })
        .await
        .unwrap_err();
        drop(txn);
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
        let stored = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert_eq!((stored.status, stored.version), (PostingStatus::Draft, 1));
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 1);
    }

    async fn a_change_through_the_pipeline_writes_row_audit_entry_and_outbox_row_together(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("R-3", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let outbox_before = search_outbox::Entity::find().count(db).await.unwrap();
        let txn = db.begin().await.unwrap();
        let saved = record::change::<Posting>(&txn, p.id, 1, AuditAction::Archived, &Actor::user(2), now, |_, am| {
            am.status = sea_orm::ActiveValue::Set(PostingStatus::Archived);
            Ok(())
        })
        .await
        .unwrap();
        txn.commit().await.unwrap();
        assert!(saved.changed);
        assert_eq!((saved.row.version, saved.row.updated_by.as_str()), (2, "user:2"));
        let trail = audit::history(db, AuditEntity::Posting, p.id).await.unwrap();
        assert_eq!(trail.last().unwrap().action, AuditAction::Archived);
        assert_eq!(trail.last().unwrap().changes.as_object().unwrap().keys().collect::<Vec<_>>(), ["status"]);
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), outbox_before + 1);
        // Courses do not feed search: their changes queue nothing.
        let brandis = municipality_id(db, "brandis").await;
        let c: Course = courses::create_course(db, brandis, sample_course(8, day(2026, 12, 10)), &Actor::user(1), now).await.unwrap();
        assert!(c.id > 0);
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), outbox_before + 1);
    }
}
