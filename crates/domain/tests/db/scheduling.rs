use chrono::Duration;
use jobboard_domain::audit::AuditEntity;
use jobboard_domain::postings::lifecycle::LifecycleError;
use jobboard_domain::postings::publishing::{DueReport, Request, run_due, transition};
use jobboard_domain::postings::{PostingStatus, mutations, queries};
use jobboard_domain::{Actor, DomainError, audit, berlin};

use crate::fixtures::*;
use jobboard_domain::db_tests;

db_tests! {
    async fn a_scheduled_posting_goes_online_when_due_and_a_second_run_does_nothing(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let go_live = at("2026-11-23T07:00:00Z");
        let p = mutations::create_posting(db, brandis, draft("S-1", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let p = transition(db, p.id, 1, Request::Schedule(go_live), &Actor::user(1), now).await.unwrap();
        assert_eq!(p.status, PostingStatus::Scheduled);
        assert_eq!(p.published_at, Some(go_live));
        assert_eq!(queries::count_published(db, go_live).await.unwrap(), 0, "scheduled is not visible");

        assert_eq!(run_due(db, go_live - Duration::seconds(1)).await.unwrap(), DueReport::default());
        assert_eq!(run_due(db, go_live).await.unwrap(), DueReport { published: 1, expired: 0, made_public: 0 });
        assert_eq!(run_due(db, go_live).await.unwrap(), DueReport::default());
        let p = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert_eq!(p.status, PostingStatus::Published);
        assert_eq!(p.published_at, Some(go_live));
        assert_eq!(p.updated_by, "system:scheduler");
        let actions: Vec<_> = audit::history(db, AuditEntity::Posting, p.id).await.unwrap().into_iter().map(|a| a.action.code()).collect();
        assert_eq!(actions, ["created", "scheduled", "published_scheduled"]);
    }

    async fn postings_expire_at_the_end_of_the_deadline_day_in_berlin_also_when_clocks_change(t) {
        let db = &t.db;
        let machern = municipality_id(db, "machern").await;
        // Winter, the day clocks go forward (23 h), summer, the day clocks go back (25 h).
        let cases = [
            ("E-1", day(2027, 1, 15), "2027-01-15T23:00:00Z"),
            ("E-2", day(2027, 3, 28), "2027-03-28T22:00:00Z"),
            ("E-3", day(2027, 7, 15), "2027-07-15T22:00:00Z"),
            ("E-4", day(2027, 10, 31), "2027-10-31T23:00:00Z"),
        ];
        let now = at("2026-11-21T10:00:00Z");
        for (reference, deadline, end) in cases {
            let p = mutations::create_posting(db, machern, draft(reference, deadline), &Actor::user(1), now).await.unwrap();
            let p = transition(db, p.id, 1, Request::Publish, &Actor::user(1), now).await.unwrap();
            let end = at(end);
            assert_eq!(p.expires_at, end, "{reference}");

            let last_second = end - Duration::seconds(1);
            assert_eq!(berlin::today(last_second), deadline, "still the deadline day in Berlin");
            assert_eq!(run_due(db, last_second).await.unwrap().expired, 0, "{reference}");
            assert!(queries::is_publicly_visible(&queries::find_by_id(db, p.id).await.unwrap().unwrap(), last_second));

            assert_eq!(run_due(db, end).await.unwrap().expired, 1, "{reference}");
            let p = queries::find_by_id(db, p.id).await.unwrap().unwrap();
            assert_eq!(p.status, PostingStatus::Expired, "{reference}");
            assert_eq!(run_due(db, end).await.unwrap(), DueReport::default(), "idempotent");
        }
    }

    async fn a_scheduled_posting_whose_deadline_passed_expires_instead_of_going_online(t) {
        let db = &t.db;
        let machern = municipality_id(db, "machern").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, machern, draft("E-5", day(2026, 11, 30)), &Actor::user(1), now).await.unwrap();
        transition(db, p.id, 1, Request::Schedule(at("2026-11-28T07:00:00Z")), &Actor::user(1), now).await.unwrap();
        // Nobody ran the scheduler for a week.
        let report = run_due(db, at("2026-12-05T12:00:00Z")).await.unwrap();
        assert_eq!(report, DueReport { published: 0, expired: 1, made_public: 0 });
        assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap().status, PostingStatus::Expired);
    }

    async fn an_expired_posting_is_republished_with_a_new_date_after_its_deadline_is_extended(t) {
        let db = &t.db;
        let machern = municipality_id(db, "machern").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, machern, draft("R-1", day(2026, 11, 30)), &Actor::user(1), now).await.unwrap();
        transition(db, p.id, 1, Request::Publish, &Actor::user(1), now).await.unwrap();
        let later = at("2026-12-02T09:00:00Z");
        run_due(db, later).await.unwrap();

        let err = transition(db, p.id, 3, Request::Republish, &Actor::user(1), later).await.unwrap_err();
        assert!(matches!(err, DomainError::Lifecycle(LifecycleError::DeadlinePassed)), "{err:?}");

        mutations::update_posting(db, p.id, 3, draft("R-1", day(2026, 12, 20)), &Actor::user(1), later).await.unwrap();
        let p = transition(db, p.id, 4, Request::Republish, &Actor::user(1), later).await.unwrap();
        assert_eq!(p.status, PostingStatus::Published);
        assert_eq!(p.published_at, Some(later));
        assert_eq!(queries::count_published(db, later).await.unwrap(), 1);
    }
}

db_tests! {
    async fn every_transition_is_stored_with_its_trail_and_every_refusal_stores_nothing(t) {
        use jobboard_domain::entities::search_outbox;
        use sea_orm::{EntityTrait, PaginatorTrait};

        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let actor = Actor::user(5);
        let p = mutations::create_posting(db, naunhof, draft("T-1", day(2026, 12, 15)), &actor, now).await.unwrap();
        let steps = [
            (Request::Schedule(at("2026-11-25T07:00:00Z")), PostingStatus::Scheduled),
            (Request::Unpublish, PostingStatus::Draft),
            (Request::Publish, PostingStatus::Published),
            (Request::Unpublish, PostingStatus::Draft),
            (Request::Publish, PostingStatus::Published),
            (Request::Archive, PostingStatus::Archived),
            (Request::Republish, PostingStatus::Published),
        ];
        let mut version = p.version;
        for (i, (request, expected)) in steps.into_iter().enumerate() {
            // A request the current state does not allow is refused and changes nothing.
            let before = queries::find_by_id(db, p.id).await.unwrap().unwrap();
            let trail_before = audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len();
            let refused = if before.status == PostingStatus::Archived { Request::Archive } else { Request::Republish };
            let err = transition(db, p.id, version, refused, &actor, now).await.unwrap_err();
            assert!(matches!(err, DomainError::Lifecycle(LifecycleError::NotAllowed { .. })), "step {i}: {err:?}");
            assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap(), before, "step {i}");
            assert_eq!(audit::history(db, AuditEntity::Posting, p.id).await.unwrap().len(), trail_before, "step {i}");

            let after = transition(db, p.id, version, request, &actor, now).await.unwrap();
            assert_eq!(after.status, expected, "step {i}");
            assert_eq!(after.version, version + 1);
            version = after.version;
            let stored = queries::find_by_id(db, p.id).await.unwrap().unwrap();
            assert_eq!(stored, after);
            let trail = audit::history(db, AuditEntity::Posting, p.id).await.unwrap();
            assert_eq!(trail.len(), trail_before + 1);
            assert_eq!(trail.last().unwrap().action, request.transition().audit_action());
        }
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), 1 + steps.len() as u64);
    }

    async fn sqlite_runs_in_wal_mode_with_foreign_keys_enforced(t) {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        if t.backend() != DbBackend::Sqlite {
            return;
        }
        let pragma = |name: &'static str| async move {
            let row = t.db.query_one_raw(Statement::from_string(DbBackend::Sqlite, format!("PRAGMA {name}"))).await.unwrap().unwrap();
            row.try_get_by_index::<String>(0).or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string())).unwrap()
        };
        assert_eq!(pragma("journal_mode").await, "wal");
        assert_eq!(pragma("foreign_keys").await, "1");
        // And the constraint really holds on every pooled connection.
        for _ in 0..3 {
            let err = t
                .db
                .execute_unprepared("INSERT INTO posting_partners (posting_id, municipality_id, confirmed) VALUES (999999, 999999, false)")
                .await
                .unwrap_err();
            assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
        }
    }
}
