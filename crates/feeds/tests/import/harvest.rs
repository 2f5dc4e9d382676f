//! Whole runs: fetch, read, upsert, status; on SQLite and PostgreSQL.

use jobboard_domain::db_tests;
use jobboard_domain::entities::{audit_entry, posting, search_outbox};
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::imports::{ImportFormat, ImportSource};
use jobboard_domain::postings::PostingStatus;
use jobboard_feeds::import::{AddressPolicy, HarvestOptions, Progress, RunResult, run_source};
use sea_orm::{
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, prelude::*,
};

use super::{fetcher, fixtures, server};

pub async fn add(db: &DatabaseConnection, url: String) -> ImportSource {
    let brandis = jobboard_domain::municipalities::find_by_slug(db, "brandis")
        .await
        .unwrap()
        .unwrap();
    sources::add(
        db,
        NewSource {
            municipality_id: brandis.id,
            url,
            format: ImportFormat::Auto,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
}

async fn run(db: &DatabaseConnection, id: i64) -> RunResult {
    run_with_progress(db, id).await.0
}

async fn run_with_progress(db: &DatabaseConnection, id: i64) -> (RunResult, Vec<Progress>) {
    let mut progress = Vec::new();
    let result = run_source(
        db,
        &fetcher(AddressPolicy::loopback()),
        id,
        HarvestOptions::default(),
        |p| progress.push(p),
    )
    .await
    .unwrap();
    (result, progress)
}

/// Everything a run could write: postings (with versions and statuses), audit entries, outbox
/// rows.
async fn footprint(db: &DatabaseConnection) -> (Vec<(i64, i32, String, PostingStatus)>, u64, u64) {
    let postings = posting::Entity::find()
        .order_by_asc(posting::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.version, p.updated_at.to_rfc3339(), p.status))
        .collect();
    let (_, audit, outbox) = counts(db).await;
    (postings, audit, outbox)
}

/// The fixture API with `n` postings, `api-0` … (posting 120 without any id).
pub fn serve_postings(s: &server::FixtureServer, n: usize) {
    let mut items: Vec<_> = (0..n).map(fixtures::api_posting).collect();
    if let Some(nameless) = items.get_mut(120).and_then(|i| i.as_object_mut()) {
        for key in ["id", "slug", "url"] {
            nameless.remove(key);
        }
    }
    *s.api.items.lock().unwrap() = items;
}

fn failed(r: &RunResult) -> &str {
    match r {
        RunResult::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

async fn archived(db: &DatabaseConnection) -> u64 {
    posting::Entity::find()
        .filter(posting::Column::Status.eq(PostingStatus::Archived))
        .count(db)
        .await
        .unwrap()
}

async fn counts(db: &DatabaseConnection) -> (u64, u64, u64) {
    (
        posting::Entity::find().count(db).await.unwrap(),
        audit_entry::Entity::find().count(db).await.unwrap(),
        search_outbox::Entity::find().count(db).await.unwrap(),
    )
}

fn imported(r: &RunResult) -> &jobboard_domain::imports::ImportReport {
    match r {
        RunResult::Imported { report, .. } => report,
        other => panic!("expected an import, got {other:?}"),
    }
}

db_tests! {
    async fn a_harvest_imports_the_feed_and_a_second_one_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        let source = add(db, s.url("/rss.xml")).await;
        let first = run(db, source.id).await;
        assert_eq!(imported(&first).new, 3, "{first:?}");
        let after_first = counts(db).await;
        assert_eq!(after_first, (3, 3, 3));
        let second = run(db, source.id).await;
        assert_eq!(imported(&second).unchanged, 3, "{second:?}");
        assert_eq!(counts(db).await, after_first, "no posting, audit entry or outbox row written");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!((status.last_new, status.last_unchanged, status.last_failed), (0, 3, 0));
        assert!(status.last_error.is_none() && status.last_success_at.is_some());
    }

    async fn a_not_modified_source_is_not_read_again(t) {
        let db = &t.db;
        let s = server::start().await;
        let source = add(db, s.url("/etag.xml")).await;
        run(db, source.id).await;
        let before = counts(db).await;
        let reading = |s: &jobboard_domain::imports::ImportSource| (s.last_defaulted_deadlines, s.last_completed_from_page, s.last_pointer_only);
        let first = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(reading(&first), (3, 0, 0), "no item names a deadline");
        assert!(matches!(run(db, source.id).await, RunResult::NotModified));
        assert_eq!(counts(db).await, before);
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(status.etag.as_deref(), Some("\"v1\""));
        // The same document: the status page keeps what was read from it.
        assert_eq!(reading(&status), reading(&first), "the reading counts carried over");
        assert_eq!(status.last_unchanged, 3);
    }

    async fn vanished_items_are_archived_and_a_broken_feed_archives_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        let items = [
            fixtures::rss_item("a", "Sachbearbeiter Bauamt", "Bauamt."),
            fixtures::rss_item("b", "Hausmeister Schule", "Schule."),
        ];
        *s.live.body.lock().unwrap() = fixtures::rss_with(&items);
        let source = add(db, s.url("/live.xml")).await;
        assert_eq!(imported(&run(db, source.id).await).new, 2);

        let full = fixtures::rss_with(&items[..1]);
        *s.live.body.lock().unwrap() = full[..full.len() - 30].to_owned();
        let broken = run(db, source.id).await;
        assert!(matches!(broken, RunResult::Failed(ref e) if e.contains("unvollständig")), "{broken:?}");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert!(status.last_error.as_deref().is_some_and(|e| e.contains("unvollständig")));
        let published = posting::Entity::find().filter(posting::Column::Status.eq(PostingStatus::Published)).count(db).await.unwrap();
        assert_eq!(published, 2, "a broken feed archives nothing");

        *s.live.body.lock().unwrap() = full;
        let report = run(db, source.id).await;
        assert_eq!(imported(&report).archived, 1, "{report:?}");
        let b = posting::Entity::find().filter(posting::Column::ExternalGuid.eq("b")).one(db).await.unwrap().unwrap();
        assert_eq!(b.status, PostingStatus::Archived);
    }

    async fn a_malformed_item_is_recorded_as_the_failing_item(t) {
        let db = &t.db;
        let s = server::start().await;
        let source = add(db, s.url("/malformed.xml")).await;
        let report = run(db, source.id).await;
        assert_eq!(imported(&report).new, 2, "{report:?}");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(status.last_failed, 1);
        assert!(status.last_failing_item.as_deref().is_some_and(|f| f.starts_with("m-2: ")), "{:?}", status.last_failing_item);
    }

    async fn every_format_imports_into_valid_postings(t) {
        let db = &t.db;
        let s = server::start().await;
        for (path, new) in [("/atom.xml", 2), ("/feed.json", 1), ("/api.json", 1), ("/stellen.html", 1), ("/latin1.xml", 1)] {
            let source = add(db, s.url(path)).await;
            let report = run(db, source.id).await;
            assert_eq!(imported(&report).new, new, "{path}: {report:?}");
        }
        let k = posting::Entity::find().filter(posting::Column::ReferenceNumber.eq("GRP-2026-07")).one(db).await.unwrap().unwrap();
        assert_eq!((k.pay_grade_from.as_deref(), k.location_place.as_str()), (Some("11"), "Großpösna"));
        assert_eq!(k.apply_email.as_deref(), Some("personal@grosspoesna.de"));
        let ordnung = posting::Entity::find().filter(posting::Column::ExternalGuid.eq("machern-5")).one(db).await.unwrap().unwrap();
        assert_eq!(ordnung.application_deadline.to_string(), fixtures::deadline());
        assert_eq!(ordnung.employment, jobboard_domain::postings::Employment::PartTime);
    }

    async fn an_unreachable_source_is_recorded_and_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        let source = add(db, s.url("/gone.xml")).await;
        let r = run(db, source.id).await;
        assert!(matches!(r, RunResult::Failed(ref e) if e.contains("404")), "{r:?}");
        assert_eq!(counts(db).await, (0, 0, 0));
    }

    async fn a_paged_api_is_read_page_by_page_and_imported_as_one_harvest(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 250);
        let source = add(db, s.url("/api/postings?kommune=brandis&seite=2&pro_seite=20")).await;
        let (first, progress) = run_with_progress(db, source.id).await;
        let report = imported(&first);
        assert_eq!((report.new, report.failed.len()), (249, 1), "{first:?}");
        assert_eq!(report.failed[0].item, "Seite 2, Eintrag 21", "named by its place");
        assert_eq!(counts(db).await, (249, 249, 249));
        assert_eq!(
            *s.api.requests.lock().unwrap(),
            [
                "kommune=brandis&seite=2&pro_seite=20",
                "kommune=brandis&pro_seite=100&seite=1",
                "kommune=brandis&pro_seite=100&seite=2",
                "kommune=brandis&pro_seite=100&seite=3",
            ],
            "the address as given, then every page at 100 with the filter kept"
        );
        assert_eq!(
            progress[..3],
            [1, 2, 3].map(|page| Progress::Fetching { page, pages: 3 })
        );
        assert_eq!(progress.last(), Some(&Progress::Saving { done: 249, total: 249 }));
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!((status.etag, status.last_modified), (None, None), "one page's validators are not kept");
        assert_eq!((status.last_new, status.last_failed), (249, 1));

        let before = footprint(db).await;
        let second = run(db, source.id).await;
        let report = imported(&second);
        assert_eq!((report.unchanged, report.new + report.updated + report.archived), (249, 0), "{second:?}");
        assert_eq!(footprint(db).await, before, "a second run writes nothing");
        assert_eq!(s.api.requests.lock().unwrap().len(), 8, "all pages read again");

        s.api.items.lock().unwrap().retain(|i| i["id"] != "api-230");
        let third = run(db, source.id).await;
        assert_eq!((imported(&third).archived, imported(&third).unchanged), (1, 248), "{third:?}");
        let gone = posting::Entity::find().filter(posting::Column::ExternalGuid.eq("api-230")).one(db).await.unwrap().unwrap();
        assert_eq!(gone.status, PostingStatus::Archived);
        assert_eq!(archived(db).await, 1);
    }

    async fn a_single_page_api_response_keeps_its_validators(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 50);
        let source = add(db, s.url("/api/postings?pro_seite=100")).await;
        assert_eq!(imported(&run(db, source.id).await).new, 50);
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(status.etag.as_deref(), Some("\"p1-100-50\""));
        assert!(matches!(run(db, source.id).await, RunResult::NotModified));
        assert_eq!(s.api.requests.lock().unwrap().len(), 2, "no page requests");
    }

    async fn an_api_that_changes_between_pages_fails_and_changes_nothing(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 250);
        let source = add(db, s.url("/api/postings?kommune=brandis")).await;
        assert_eq!(imported(&run(db, source.id).await).new, 249);
        let before = footprint(db).await;

        // A new posting at the top pushes the last one of page 1 onto page 2.
        *s.api.on_page_2.lock().unwrap() = Some(Box::new(|items| items.insert(0, fixtures::api_posting(999))));
        let r = run(db, source.id).await;
        let error = failed(&r);
        assert!(error.starts_with("Die Quelle hat sich während des Abrufs geändert ("), "{error}");
        assert!(error.contains("Gesamtzahl auf Seite 1: 250, auf Seite 2: 251"), "{error}");
        assert!(error.ends_with("; der nächste Abruf versucht es erneut."), "{error}");
        assert_eq!(footprint(db).await, before, "nothing written, nothing archived");
        let status = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(status.last_error.as_deref(), Some(error));

        // A posting of page 2 moves to the top (republished): the total stays, but it is read
        // on neither page and would be archived.
        s.api.items.lock().unwrap().remove(0);
        *s.api.on_page_2.lock().unwrap() = Some(Box::new(|items| {
            let moved = items.remove(150);
            items.insert(0, moved);
        }));
        let r = run(db, source.id).await;
        let error = failed(&r);
        assert!(error.contains("250 Stellen angekündigt, 249 verschiedene gelesen"), "{error}");
        assert_eq!(footprint(db).await, before, "nothing written, nothing archived");

        // Settled again: the next run imports as usual.
        let r = run(db, source.id).await;
        assert_eq!(imported(&r).unchanged, 249, "{r:?}");
        assert_eq!(footprint(db).await, before);
    }

    async fn an_api_with_too_many_pages_is_refused_before_reading_them(t) {
        let db = &t.db;
        let s = server::start().await;
        serve_postings(&s, 250);
        let source = add(db, s.url("/api/postings")).await;
        assert_eq!(imported(&run(db, source.id).await).new, 249);
        let before = footprint(db).await;
        let requests = s.api.requests.lock().unwrap().len();

        *s.api.claimed_total.lock().unwrap() = Some(10_001);
        let r = run(db, source.id).await;
        let error = failed(&r);
        assert!(error.contains("101 Seiten zu je 100 Stellen; abgerufen werden höchstens 100 Seiten"), "{error}");
        assert_eq!(s.api.requests.lock().unwrap().len(), requests + 1, "no page requested");
        assert_eq!(footprint(db).await, before, "nothing written, nothing archived");

        // Exactly 100 pages are read.
        *s.api.claimed_total.lock().unwrap() = Some(10_000);
        let r = run(db, source.id).await;
        assert!(failed(&r).contains("10000 Stellen angekündigt, 250 verschiedene gelesen"), "{r:?}");
        assert_eq!(s.api.requests.lock().unwrap().len(), requests + 2 + 100);
        assert_eq!(footprint(db).await, before);
    }
}
