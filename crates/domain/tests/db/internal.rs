//! Internal vacancies: the one visibility rule (the database condition and the row test give
//! the same answers), validation of the public day, and the scheduler making them public.

use chrono::{Days, Duration, Utc};
use jobboard_domain::audit::{AuditAction, AuditEntity};
use jobboard_domain::entities::posting;
use jobboard_domain::postings::publishing::{Request, run_due, transition};
use jobboard_domain::postings::{PostingDraft, mutations, queries};
use jobboard_domain::{Actor, DomainError, audit, berlin, outbox};
use sea_orm::{EntityTrait, QueryFilter};

use crate::fixtures::*;
use jobboard_domain::db_tests;

fn internal(mut d: PostingDraft, public_from: Option<chrono::NaiveDate>) -> PostingDraft {
    d.internal = true;
    d.public_from = public_from;
    d
}

db_tests! {
    async fn the_condition_and_the_row_test_of_visibility_agree_for_internal_postings(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = Utc::now();
        let today = berlin::today(now);
        let deadline = today + Days::new(30);
        let cases = [
            ("V-1", None, false),
            ("V-2", Some(None), true),
            ("V-3", Some(Some(today + Days::new(5))), true),
            ("V-4", Some(Some(today)), false),
        ];
        for (reference, audience, _) in cases {
            let mut d = draft(reference, deadline);
            if let Some(from) = audience {
                d = internal(d, from);
            }
            let p = mutations::create_posting(db, naunhof, d, &Actor::user(1), now).await.unwrap();
            transition(db, p.id, p.version, Request::Publish, &Actor::user(1), now).await.unwrap();
        }
        let later = now + Duration::seconds(1);
        for at in [later, later + Duration::days(5), later + Duration::days(40)] {
            let rows = posting::Entity::find().all(db).await.unwrap();
            let mut by_rule: Vec<i64> = rows.iter().filter(|p| queries::is_publicly_visible(p, at)).map(|p| p.id).collect();
            let mut by_sql: Vec<i64> = posting::Entity::find().filter(queries::publicly_visible(at)).all(db).await.unwrap().into_iter().map(|p| p.id).collect();
            by_rule.sort_unstable();
            by_sql.sort_unstable();
            assert_eq!(by_rule, by_sql, "public at {at}");
            let mut internal_rule: Vec<i64> = rows.iter().filter(|p| queries::is_internally_listed(p, at)).map(|p| p.id).collect();
            let mut internal_sql: Vec<i64> = queries::list_internal(db, at, None).await.unwrap().into_iter().map(|p| p.id).collect();
            internal_rule.sort_unstable();
            internal_sql.sort_unstable();
            assert_eq!(internal_rule, internal_sql, "internal at {at}");
        }
        // Right now: the public one and the one public from today; the others are internal.
        let public: Vec<String> = queries::list_published(db, later, 50, 0).await.unwrap().into_iter().map(|(p, _)| p.reference_number).collect();
        let mut public = public;
        public.sort();
        assert_eq!(public, ["V-1", "V-4"]);
        let listed: Vec<String> = queries::list_internal(db, later, Some(naunhof)).await.unwrap().into_iter().map(|p| p.reference_number).collect();
        assert_eq!(listed.len(), 2);
        assert!(listed.contains(&"V-2".to_owned()) && listed.contains(&"V-3".to_owned()));
        // Another municipality has none of its own.
        let brandis = municipality_id(db, "brandis").await;
        assert!(queries::list_internal(db, later, Some(brandis)).await.unwrap().is_empty());
        // Five days on, V-3's public day has begun: public even before the scheduler ran.
        assert_eq!(queries::count_published(db, later + Duration::days(5)).await.unwrap(), 3);
    }

    async fn a_public_day_needs_an_internal_posting_and_lies_between_today_and_the_deadline(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = Utc::now();
        let today = berlin::today(now);
        let deadline = today + Days::new(30);
        let field_errors = |e: DomainError| match e {
            DomainError::Validation(v) => v.for_field("public_from").map(str::to_owned).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        let mut d = draft("P-1", deadline);
        d.public_from = Some(today + Days::new(3));
        let e = mutations::create_posting(db, naunhof, d, &Actor::user(1), now).await.unwrap_err();
        assert!(field_errors(e)[0].contains("nur bei einer internen Stelle"));
        let e = mutations::create_posting(db, naunhof, internal(draft("P-2", deadline), Some(today - Days::new(1))), &Actor::user(1), now).await.unwrap_err();
        assert!(field_errors(e)[0].contains("in der Vergangenheit"));
        let e = mutations::create_posting(db, naunhof, internal(draft("P-3", deadline), Some(deadline + Days::new(1))), &Actor::user(1), now).await.unwrap_err();
        assert!(field_errors(e)[0].contains("nach dem Ende der Bewerbungsfrist"));
        assert_eq!(queries::count_all(db).await.unwrap(), 0, "nothing stored");
        let ok = mutations::create_posting(db, naunhof, internal(draft("P-4", deadline), Some(deadline)), &Actor::user(1), now).await.unwrap();
        assert!(ok.internal);
        assert_eq!(ok.public_from, Some(deadline));
    }

    async fn the_scheduler_makes_an_internal_posting_public_on_its_day_once_audited_and_queued(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = Utc::now();
        let today = berlin::today(now);
        let from = today + Days::new(2);
        let p = mutations::create_posting(db, brandis, internal(draft("I-1", today + Days::new(20)), Some(from)), &Actor::user(1), now).await.unwrap();
        let p = transition(db, p.id, p.version, Request::Publish, &Actor::user(1), now).await.unwrap();
        let stays = mutations::create_posting(db, brandis, internal(draft("I-2", today + Days::new(20)), None), &Actor::user(1), now).await.unwrap();
        transition(db, stays.id, stays.version, Request::Publish, &Actor::user(1), now).await.unwrap();
        assert!(!queries::is_publicly_visible(&p, now + Duration::seconds(1)));

        // The day before: nothing happens.
        let eve = berlin::end_of_day(from - Days::new(1)) - Duration::seconds(1);
        assert_eq!(run_due(db, eve).await.unwrap().made_public, 0);
        let pending_before = outbox::pending_count(db).await.unwrap();
        // The first second of the day in Berlin: public, once.
        let dawn = berlin::end_of_day(from - Days::new(1));
        assert_eq!(run_due(db, dawn).await.unwrap().made_public, 1);
        assert_eq!(run_due(db, dawn).await.unwrap().made_public, 0, "idempotent");
        let after = queries::find_by_id(db, p.id).await.unwrap().unwrap();
        assert!(!after.internal && after.public_from.is_none());
        assert_eq!(after.published_at, Some(dawn), "new to the public from the switch on");
        assert_eq!(after.updated_by, "system:scheduler");
        assert!(queries::is_publicly_visible(&after, dawn));
        assert_eq!(outbox::pending_count(db).await.unwrap(), pending_before + 1, "queued for the index");
        let history = audit::history(db, AuditEntity::Posting, p.id).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.action, AuditAction::MadePublic);
        // The internal one without a public day stays internal.
        let stays = queries::find_by_id(db, stays.id).await.unwrap().unwrap();
        assert!(stays.internal && queries::is_internally_listed(&stays, dawn));
    }
}
