//! Whole runs: fetch, read, upsert, status; on SQLite and PostgreSQL.

use jobboard_domain::db_tests;
use jobboard_domain::entities::{audit_entry, posting, search_outbox};
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::imports::{ImportFormat, ImportSource};
use jobboard_domain::postings::PostingStatus;
use jobboard_feeds::import::{AddressPolicy, HarvestOptions, RunResult, run_source};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, prelude::*};

use super::{fetcher, fixtures, server};

async fn add(db: &DatabaseConnection, url: String) -> ImportSource {
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
    run_source(
        db,
        &fetcher(AddressPolicy::loopback()),
        id,
        HarvestOptions::default(),
        |_| {},
    )
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
        assert!(matches!(run(db, source.id).await, RunResult::NotModified));
        assert_eq!(counts(db).await, before);
        assert_eq!(sources::find(db, source.id).await.unwrap().unwrap().etag.as_deref(), Some("\"v1\""));
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
}
