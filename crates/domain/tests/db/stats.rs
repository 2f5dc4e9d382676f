use jobboard_domain::audit::{AuditAction, AuditEntity};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingKind, PostingStatus, mutations, queries};
use jobboard_domain::stats::counts::{self, Count};
use jobboard_domain::stats::filling::mark_filled;
use jobboard_domain::stats::report::{Period, published_per_municipality_and_kind, report};
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

    async fn two_processes_folding_at_once_add_every_day_once(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, brandis, draft("C-2", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        let mut old = Vec::new();
        for d in 1..=20 {
            old.push(views(day(2024, 9, d), p.id, TrafficSource::Board, d.into()));
            old.push(views(day(2024, 9, d), p.id, TrafficSource::Feed, 1));
        }
        counts::flush(db, &old).await.unwrap();
        let today = day(2026, 11, 21);
        let (x, y, z) = tokio::join!(counts::fold_old_days(db, today), counts::fold_old_days(db, today), counts::fold_old_days(db, today));
        assert_eq!(x.unwrap() + y.unwrap() + z.unwrap(), 20, "each day folded by one of them");
        let s = counts::series(db, p.id).await.unwrap();
        assert!(s.iter().all(|r| r.monthly), "{s:?}");
        let of = |source| s.iter().filter(|r| r.source == source).map(|r| r.count).sum::<i64>();
        assert_eq!((of(TrafficSource::Board), of(TrafficSource::Feed)), ((1..=20).sum(), 20), "the month holds the days' sums");
    }

    async fn flushes_of_the_same_rows_in_opposite_orders_do_not_deadlock(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, brandis, draft("C-3", day(2026, 12, 15)), &Actor::user(1), now).await.unwrap();
        // More rows than one statement takes, so each flush locks them in several steps.
        let rows: Vec<Count> = (0..3000u64)
            .map(|i| views(day(2018, 1, 1) + chrono::Days::new(i), p.id, TrafficSource::Board, 1))
            .collect();
        counts::flush(db, &rows).await.unwrap();
        let reversed: Vec<Count> = rows.iter().rev().copied().collect();
        for _ in 0..3 {
            let (x, y) = tokio::join!(counts::flush(db, &rows), counts::flush(db, &reversed));
            x.expect("the ascending flush");
            y.expect("the descending flush");
        }
        let s = counts::series(db, p.id).await.unwrap();
        assert_eq!(s.len(), 3000);
        assert!(s.iter().all(|r| r.count == 7), "every row added up: 1 + 3 × 2");
    }

    async fn a_report_counts_postings_by_first_publication_and_sources_of_all_their_events(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let actor = Actor::user(1);
        let october = at("2026-10-05T09:00:00Z");
        let actor = &actor;
        let publish = |reference: &'static str, owner: i64, when: chrono::DateTime<chrono::Utc>| async move {
            let p = mutations::create_posting(db, owner, draft(reference, day(2026, 12, 15)), actor, when).await.unwrap();
            transition(db, p.id, p.version, Request::Publish, actor, when).await.unwrap()
        };
        // First published in October, archived, republished in November: not "published in November".
        let again = publish("R-1", naunhof, october).await;
        let again = transition(db, again.id, again.version, Request::Archive, actor, at("2026-10-20T09:00:00Z")).await.unwrap();
        let again = transition(db, again.id, again.version, Request::Republish, actor, at("2026-11-10T09:00:00Z")).await.unwrap();
        // Published in October, still online: its November events count among the sources.
        let older = publish("R-2", naunhof, october).await;
        let fresh = publish("R-3", naunhof, at("2026-11-03T09:00:00Z")).await;
        let foreign = publish("R-4", brandis, at("2026-11-03T09:00:00Z")).await;
        let n = day(2026, 11, 12);
        counts::flush(db, &[
            views(n, again.id, TrafficSource::Board, 5),
            views(n, older.id, TrafficSource::Member, 3),
            views(n, fresh.id, TrafficSource::Feed, 2),
            views(n, foreign.id, TrafficSource::Agency, 11),
            views(day(2026, 10, 12), older.id, TrafficSource::SearchEngine, 13),
        ]).await.unwrap();
        let r = report(db, Some(naunhof), Period { from: day(2026, 11, 1), to: day(2026, 11, 30) }).await.unwrap();
        let sources: Vec<(TrafficSource, i64)> = r.sources.iter().map(|(s, e)| (*s, e.values().sum())).collect();
        assert_eq!(sources, [(TrafficSource::Board, 5), (TrafficSource::Member, 3), (TrafficSource::Feed, 2)], "every event of Naunhof's postings in November, none of Brandis'");
        let job = r.kinds.iter().find(|k| k.kind == PostingKind::Job).unwrap();
        assert_eq!(job.published, 1, "only R-3 was first published in November: {:?}", r.postings);
        assert_eq!(job.median_views, Some(2.0));
        let published: Vec<&str> = r.postings.iter().filter(|p| p.published_in_period).map(|p| p.reference_number.as_str()).collect();
        assert_eq!(published, ["R-3"]);
        let region = report(db, None, Period { from: day(2026, 11, 1), to: day(2026, 11, 30) }).await.unwrap();
        let total: i64 = region.sources.iter().flat_map(|(_, e)| e.values()).sum();
        assert_eq!(total, 5 + 3 + 2 + 11);
        let october_report = report(db, Some(naunhof), Period { from: day(2026, 10, 1), to: day(2026, 10, 31) }).await.unwrap();
        let job = october_report.kinds.iter().find(|k| k.kind == PostingKind::Job).unwrap();
        assert_eq!(job.published, 2, "R-1 and R-2 were first published in October");
    }

    async fn the_public_totals_count_first_publications_of_the_year_and_leave_internal_postings_out(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let actor = Actor::user(1);
        let now = at("2026-11-21T10:00:00Z");
        let since = at("2025-12-31T23:00:00Z");
        // First published last year, republished this year: not one of this year's.
        let last_year = at("2025-12-01T09:00:00Z");
        let old = mutations::create_posting(db, naunhof, draft("Z-1", day(2025, 12, 20)), &actor, last_year).await.unwrap();
        let old = transition(db, old.id, old.version, Request::Publish, &actor, last_year).await.unwrap();
        let old = transition(db, old.id, old.version, Request::Archive, &actor, at("2025-12-02T09:00:00Z")).await.unwrap();
        let old = jobboard_domain::postings::bulk::extend_deadline(db, old.id, old.version, 345, &actor, at("2026-11-07T09:00:00Z")).await.unwrap();
        let old = transition(db, old.id, old.version, Request::Republish, &actor, at("2026-11-07T09:00:00Z")).await.unwrap();
        assert!(old.published_at.unwrap() > since);
        // Still only for the members' staff.
        let mut d = draft("Z-2", day(2026, 12, 15));
        d.internal = true;
        let internal = mutations::create_posting(db, naunhof, d, &actor, at("2026-11-05T09:00:00Z")).await.unwrap();
        transition(db, internal.id, internal.version, Request::Publish, &actor, at("2026-11-05T09:00:00Z")).await.unwrap();
        // A plain one of this year.
        let plain = mutations::create_posting(db, naunhof, draft("Z-3", day(2026, 12, 15)), &actor, at("2026-11-06T09:00:00Z")).await.unwrap();
        transition(db, plain.id, plain.version, Request::Publish, &actor, at("2026-11-06T09:00:00Z")).await.unwrap();
        let rows = published_per_municipality_and_kind(db, since, now).await.unwrap();
        assert_eq!(rows, [(naunhof, PostingKind::Job, 1)]);
    }
}
