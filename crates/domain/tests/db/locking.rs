use jobboard_domain::audit::AuditEntity;
use jobboard_domain::postings::{mutations, publishing, publishing::Request, queries};
use jobboard_domain::{Actor, DomainError, audit};

use crate::fixtures::*;
use jobboard_domain::db_tests;

db_tests! {
    async fn saving_over_a_newer_version_is_refused_and_overwrites_nothing(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("V-1", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();

        let mut first = draft("V-1", day(2026, 12, 15));
        first.title = "Sachbearbeiterin Bürgerbüro (m/w/d)".into();
        let saved = mutations::update_posting(db, p.id, 1, first, &Actor::user(1), now).await.unwrap();
        assert_eq!(saved.version, 2);

        let mut stale = draft("V-1", day(2026, 12, 15));
        stale.title = "Leitung Bürgerbüro (m/w/d)".into();
        let err = mutations::update_posting(db, p.id, 1, stale, &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { expected: 1, current: 2, .. }), "{err:?}");

        let stored = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert_eq!(stored.title, "Sachbearbeiterin Bürgerbüro (m/w/d)");
        assert_eq!(stored.version, 2);
        assert_eq!(stored.updated_by, "user:1");
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 2);
    }

    async fn a_transition_with_a_stale_version_is_refused(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("V-2", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        publishing::transition(db, p.id, 1, Request::Publish, &Actor::user(1), now).await.unwrap();
        let err = publishing::transition(db, p.id, 1, Request::Archive, &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { expected: 1, current: 2, .. }), "{err:?}");
        assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap().status, jobboard_domain::postings::PostingStatus::Published);
    }

    async fn of_two_concurrent_saves_of_one_version_exactly_one_wins(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("V-3", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let db = db.clone();
            let mut d = draft("V-3", day(2026, 12, 15));
            d.title = format!("Sachbearbeiter Bürgerbüro {i} (m/w/d)");
            tasks.push(tokio::spawn(async move { mutations::update_posting(&db, p.id, 1, d, &Actor::user(i), now).await }));
        }
        let mut won = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(saved) => won.push(saved.title),
                Err(DomainError::Conflict { expected: 1, current: 2, .. }) => {}
                Err(other) => panic!("a lost race must be a clean conflict, got {other:?}"),
            }
        }
        assert_eq!(won.len(), 1, "{won:?}");
        let stored = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(stored.title, won[0]);
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 2);
    }

    async fn saving_unchanged_content_writes_nothing(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("V-4", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let same = mutations::update_posting(db, p.id, 1, draft("V-4", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        assert_eq!(same.version, 1);
        assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), 1);
    }
}
