//! A run's lease and caps over all pages: renewed between pages, never outlived, and no more
//! bytes or items than a run may hold; on SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::db_tests;
use jobboard_domain::entities::posting;
use jobboard_domain::imports::{ApplyOptions, sources};
use jobboard_feeds::import::{AddressPolicy, HarvestOptions, RunLimits, RunResult, run_source};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use super::harvest::{add, serve_postings};
use super::{fetcher, server};

async fn run_with(db: &DatabaseConnection, id: i64, options: HarvestOptions) -> RunResult {
    run_source(db, &fetcher(AddressPolicy::loopback()), id, options, |_| {})
        .await
        .unwrap()
}

fn capped(max_bytes: u64, max_items: u64) -> HarvestOptions {
    HarvestOptions {
        limits: RunLimits {
            max_bytes,
            max_items,
        },
        ..HarvestOptions::default()
    }
}

/// A short lease; saved in small transactions, so that on SQLite the renewal while saving does
/// not wait long for the write lock.
fn leased(lease: chrono::Duration) -> HarvestOptions {
    HarvestOptions {
        lease,
        apply: ApplyOptions {
            batch_size: 25,
            ..ApplyOptions::default()
        },
        ..HarvestOptions::default()
    }
}

fn failed(r: &RunResult) -> &str {
    match r {
        RunResult::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

async fn postings(db: &DatabaseConnection) -> u64 {
    posting::Entity::find().count(db).await.unwrap()
}

/// The size of one full page of the fixture API.
async fn page_bytes(s: &server::FixtureServer) -> u64 {
    let url = s.url("/api/postings?pro_seite=100&seite=2");
    let body = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    body.len() as u64
}

db_tests! {
    async fn a_paged_run_stops_at_its_byte_cap_over_all_pages_and_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 600);
        let page = page_bytes(&s).await;
        s.api.requests.lock().unwrap().clear();
        let source = add(db, s.url("/api/postings")).await;
        // The first answer (20 postings), two full pages, and half of the third.
        let r = run_with(db, source.id, capped(page * 3, 10_000)).await;
        let error = failed(&r);
        assert!(error.starts_with("Die Quelle liefert mehr als "), "{error}");
        assert!(error.contains(" kB (alle Seiten zusammen)"), "{error}");
        assert_eq!(s.api.requests.lock().unwrap().len(), 4, "the first answer and pages 1 to 3, the third cut off");
        assert_eq!(postings(db).await, 0, "nothing written");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(status.last_error.as_deref(), Some(error));
        assert_eq!(status.claimed_until, None, "the lease is released");

        let r = run_with(db, source.id, HarvestOptions::default()).await;
        assert!(matches!(r, RunResult::Imported { .. }), "within the default 64 MB: {r:?}");
        assert_eq!(postings(db).await, 599);
    }

    async fn a_run_stops_at_its_item_cap_over_all_pages_and_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 250);
        let source = add(db, s.url("/api/postings")).await;
        let r = run_with(db, source.id, capped(u64::MAX, 200)).await;
        let error = failed(&r);
        assert_eq!(error, "Die Quelle liefert mehr als 200 Stellen; übernommen werden höchstens so viele je Abruf. Bitte die Adresse enger fassen, etwa mit „kommune=…“.");
        assert_eq!(s.api.requests.lock().unwrap().len(), 1, "announced: no page requested");

        // A source that announces fewer than it serves is stopped on the page that passes the cap.
        *s.api.claimed_total.lock().unwrap() = Some(150);
        let r = run_with(db, source.id, capped(u64::MAX, 150)).await;
        assert!(failed(&r).contains("mehr als 150 Stellen"), "{r:?}");
        assert_eq!(s.api.requests.lock().unwrap().len(), 1 + 3, "pages 1 and 2 of 2 read");
        assert_eq!(postings(db).await, 0, "nothing written");

        // A single document too.
        let rss = add(db, s.url("/rss.xml")).await;
        let r = run_with(db, rss.id, capped(u64::MAX, 2)).await;
        assert!(failed(&r).contains("mehr als 2 Stellen"), "{r:?}");
        assert_eq!(postings(db).await, 0);
    }

    async fn a_long_paged_run_renews_its_lease_so_no_other_process_takes_the_source(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 600);
        // Seven answers of 600 ms each, then saving: well over twice the lease.
        s.api.delays.lock().unwrap().extend((1..=6).map(|page| (page, Duration::from_millis(600))));
        let source = add(db, s.url("/api/postings")).await;
        let started = Instant::now();
        let run = run_with(db, source.id, leased(chrono::Duration::seconds(2)));
        // Another process tries to take the source every 50 ms until it gets it.
        let other = async {
            let mut refused = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if sources::claim(db, source.id, chrono::Duration::seconds(1), Utc::now()).await.unwrap().is_some() {
                    let row = sources::find(db, source.id).await.unwrap().unwrap();
                    assert!(row.last_success_at.is_some(), "another process took the source after {:?}, while the run still ran", started.elapsed());
                    return refused;
                }
                refused += 1;
            }
        };
        let (r, refused) = tokio::join!(run, other);
        assert!(started.elapsed() > Duration::from_secs(4), "the run took over twice its lease");
        assert!(refused > 60, "refused throughout the run: {refused}");
        match r {
            RunResult::Imported { report, .. } => assert_eq!(report.new, 599),
            other => panic!("expected an import, got {other:?}"),
        }
    }

    async fn a_run_that_would_outlive_its_lease_stops_at_its_end_and_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 250);
        s.api.delays.lock().unwrap().insert(2, Duration::from_millis(1800));
        let source = add(db, s.url("/api/postings")).await;
        let started = Instant::now();
        let r = run_with(db, source.id, leased(chrono::Duration::seconds(1))).await;
        let took = started.elapsed();
        let error = failed(&r);
        assert_eq!(error, "Der Abruf dauerte länger als die Sperre der Quelle (1 Sekunde) und wurde abgebrochen, damit nicht zwei Abrufe dieselbe Quelle bearbeiten; nichts wurde übernommen.");
        assert!(took < Duration::from_millis(1600), "stopped when the lease ended, not when page 2 came: {took:?}");
        assert_eq!(postings(db).await, 0, "nothing written");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!((status.last_error.as_deref(), status.claimed_until), (Some(error), None));
    }
}
