use jobboard_domain::audit::{AuditAction, AuditEntity};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingKind, PostingStatus, mutations, queries};
use jobboard_domain::stats::counts::{self, Count};
use jobboard_domain::stats::filling::mark_filled;
use jobboard_domain::stats::report::{Period, report};
use jobboard_domain::stats::{CountEvent, TrafficSource};
use jobboard_domain::{Actor, DomainError, audit};

use crate::fixtures::*;
use jobboard_domain::db_tests;

fn views(d: chrono::NaiveDate, posting_id: i64, source: TrafficSource, count: u64) -> Count {
    Count {
        day: d,
        posting_id,
        event: CountEvent::View,
        source,
        count,
    }
}

db_tests! {
    async fn flushes_add_up_and_old_days_fold_into_their_month(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, brandis, draft("C-1", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        // Two processes flush the same key, and concurrently.
        let a = [views(day(2026, 11, 21), p.id, TrafficSource::Board, 3)];
        let b = [views(day(2026, 11, 21), p.id, TrafficSource::Board, 4), views(day(2026, 11, 21), p.id, TrafficSource::Feed, 1)];
        let (x, y) = tokio::join!(counts::flush(db, &a), counts::flush(db, &b));
        x.unwrap();
        y.unwrap();
        counts::flush(db, &a).await.unwrap();
        let s = counts::series(db, p.id).await.unwrap();
        let board: i64 = s.iter().filter(|r| r.source == TrafficSource::Board).map(|r| r.count).sum();
        assert_eq!(board, 10);
        assert_eq!(s.len(), 2);

        // Days of 2024 lie before the retention of 25 months at 2026-11-21 (from 2024-10-01).
        assert_eq!(counts::retention_start(day(2026, 11, 21)), day(2024, 10, 1));
        let old = [
            views(day(2024, 9, 3), p.id, TrafficSource::Board, 2),
            views(day(2024, 9, 30), p.id, TrafficSource::Board, 5),
            views(day(2024, 10, 1), p.id, TrafficSource::Board, 7),
        ];
        counts::flush(db, &old).await.unwrap();
        assert_eq!(counts::fold_old_days(db, day(2026, 11, 21)).await.unwrap(), 2);
        assert_eq!(counts::fold_old_days(db, day(2026, 11, 21)).await.unwrap(), 0);
        let s = counts::series(db, p.id).await.unwrap();
        let september: Vec<_> = s.iter().filter(|r| r.monthly).collect();
        assert_eq!(september.len(), 1);
        assert_eq!((september[0].day, september[0].count), (day(2024, 9, 1), 7));
        assert!(s.iter().any(|r| !r.monthly && r.day == day(2024, 10, 1) && r.count == 7), "the retained day stays a day");
        let totals = counts::totals(db, &[p.id], day(2024, 1, 1), day(2026, 12, 31)).await.unwrap();
        assert_eq!(totals[&(p.id, CountEvent::View, TrafficSource::Board)], 7 + 7 + 10);
    }

    async fn a_filled_posting_is_archived_with_its_day_and_time_to_fill_is_reported(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let actor = Actor::user(1);
        let p = mutations::create_posting(db, naunhof, draft("F-1", day(2026, 12, 15)), &actor, now).await.unwrap();
        // Never published: it cannot be filled.
        let err = mark_filled(db, p.id, p.version, day(2026, 11, 21), &actor, now).await.unwrap_err();
        assert!(matches!(err, DomainError::Validation(_)), "{err:?}");
        let p = transition(db, p.id, p.version, Request::Publish, &actor, now).await.unwrap();
        let later = at("2026-12-01T10:00:00Z");
        let err = mark_filled(db, p.id, p.version, day(2026, 11, 20), &actor, later).await.unwrap_err();
        assert!(err.to_string().contains("vor der ersten Veröffentlichung am 21.11.2026"), "{err}");
        let err = mark_filled(db, p.id, p.version, day(2026, 12, 2), &actor, later).await.unwrap_err();
        assert!(matches!(err, DomainError::Validation(_)), "a day in the future: {err:?}");
        let stale = mark_filled(db, p.id, p.version - 1, day(2026, 11, 30), &actor, later).await.unwrap_err();
        assert!(matches!(stale, DomainError::Conflict { .. }), "{stale:?}");
        let filled = mark_filled(db, p.id, p.version, day(2026, 11, 30), &actor, later).await.unwrap();
        assert_eq!(filled.status, PostingStatus::Archived);
        assert_eq!(filled.filled_on, Some(day(2026, 11, 30)));
        assert!(!queries::is_publicly_visible(&filled, later));
        let trail = audit::history(db, AuditEntity::Posting, p.id).await.unwrap();
        let last = trail.last().unwrap();
        assert_eq!(last.action, AuditAction::Filled);
        assert!(last.changes.get("filled_on").is_some() && last.changes.get("status").is_some(), "{:?}", last.changes);

        let r = report(db, Some(naunhof), Period { from: day(2026, 11, 1), to: day(2026, 11, 30) }).await.unwrap();
        let kind = r.kinds.iter().find(|k| k.kind == PostingKind::Job).unwrap();
        assert_eq!(kind.published, 1);
        assert_eq!(kind.filled, 1);
        assert_eq!(kind.median_days_to_fill, Some(9.0), "published 21 Nov, filled 30 Nov");
        // Another municipality's report does not hold it.
        let brandis = municipality_id(db, "brandis").await;
        let other = report(db, Some(brandis), Period { from: day(2026, 11, 1), to: day(2026, 11, 30) }).await.unwrap();
        assert!(other.postings.is_empty());

        // Republished, the position is open again.
        let again = transition(db, filled.id, filled.version, Request::Republish, &actor, later).await.unwrap();
        assert_eq!(again.filled_on, None);
    }
}
