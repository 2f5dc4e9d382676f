//! The indexer against a real database: current rows only, deletes, and convergence after the
//! engine was unreachable.

use chrono::{DateTime, Duration, Utc};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PartnerDraft, PostingDraft, mutations};
use jobboard_domain::testing::TestDb;
use jobboard_domain::{Actor, municipalities, outbox};
use jobboard_search::indexer::{self, IndexerOptions};
use jobboard_search::meili::MeiliIndex;
use jobboard_search::{AnyIndex, SearchIndex, SearchQuery};
use sea_orm::DatabaseConnection;

use crate::engine::conformance;
use crate::fixtures::sorted;

/// The shared sample posting under another title, deadline in 20 days.
fn draft(reference: &str, title: &str, now: DateTime<Utc>) -> PostingDraft {
    let mut d =
        jobboard_domain::testing::sample_draft(reference, (now + Duration::days(20)).date_naive());
    title.clone_into(&mut d.title);
    d
}

async fn id_of(db: &DatabaseConnection, slug: &str) -> i64 {
    municipalities::find_by_slug(db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn publish(db: &DatabaseConnection, d: PostingDraft, owner: i64, now: DateTime<Utc>) -> i64 {
    let p = mutations::create_posting(db, owner, d, &Actor::user(1), now)
        .await
        .unwrap();
    transition(db, p.id, p.version, Request::Publish, &Actor::user(1), now)
        .await
        .unwrap()
        .id
}

async fn found(index: &impl SearchIndex, text: &str, now: DateTime<Utc>) -> Vec<i64> {
    let r = index
        .search(&SearchQuery::new(now).text(text))
        .await
        .unwrap();
    sorted(r.hits.iter().map(|h| h.id).collect())
}

fn options() -> IndexerOptions {
    IndexerOptions {
        batch: 2,
        ..IndexerOptions::default()
    }
}

/// Run indexer steps until the outbox is empty.
async fn drain(db: &DatabaseConnection, index: &impl SearchIndex, now: DateTime<Utc>) {
    for _ in 0..50 {
        if indexer::step(db, index, &options(), now)
            .await
            .unwrap()
            .rows
            == 0
        {
            return;
        }
    }
    panic!("outbox did not drain");
}

conformance! {
    async fn a_posting_published_after_the_caller_read_the_clock_is_indexed_not_dropped(engine) {
        let t = TestDb::sqlite().await;
        let db = &t.db;
        // The indexer loop reads the clock, then claims: a posting published in between must be
        // judged by the time of the claim.
        let loop_clock = Utc::now() - Duration::seconds(2);
        let naunhof = id_of(db, "naunhof").await;
        let id = publish(db, draft("C-1", "Klärwerksmeister (m/w/d)", loop_clock), naunhof, Utc::now()).await;
        drain(db, &engine.index, loop_clock).await;
        assert_eq!(found(&engine.index, "Klärwerksmeister", Utc::now()).await, vec![id]);
    }

    async fn the_indexer_sends_current_rows_and_removes_what_is_no_longer_public(engine) {
        let t = TestDb::sqlite().await;
        let db = &t.db;
        let now = Utc::now();
        let machern = id_of(db, "machern").await;
        let brandis = id_of(db, "brandis").await;
        let mut shared = draft("A-1", "Straßenwärter (m/w/d)", now);
        shared.partners = vec![PartnerDraft { municipality_id: brandis, note: None }];
        let a = publish(db, shared, machern, now).await;
        let b = publish(db, draft("A-2", "Gärtner Friedhof (m/w/d)", now), machern, now).await;
        let draft_only = mutations::create_posting(db, machern, draft("A-3", "Hausmeister (m/w/d)", now), &Actor::user(1), now).await.unwrap();

        drain(db, &engine.index, now).await;
        assert_eq!(outbox::pending_count(db).await.unwrap(), 0);
        assert_eq!(found(&engine.index, "", now).await, [a, b]);
        assert!(found(&engine.index, "Hausmeister", now).await.is_empty(), "drafts stay out: {}", draft_only.id);

        // An unconfirmed partner does not list the offer; its confirmation does.
        let mut by_brandis = SearchQuery::new(now);
        by_brandis.municipalities = vec![brandis];
        assert!(engine.index.search(&by_brandis).await.unwrap().hits.is_empty());
        mutations::set_partner_confirmation(db, a, brandis, true, &Actor::user(2), now).await.unwrap();
        drain(db, &engine.index, now).await;
        assert_eq!(engine.index.search(&by_brandis).await.unwrap().hits[0].id, a);

        // Several edits before the indexer runs: the last state wins. (The intermediate title
        // shares no word part with the final one or the text: Meilisearch's German segmentation
        // finds a compound by its parts, with typos, so „Friedhofsgärtner“ would rightly match
        // „Gärtnermeister Friedhof“ and „Friedhofsverwalter“ its „Verwaltungsfachangestellte“.)
        let mut edit = draft("A-2", "Kassierer Freibad (m/w/d)", now);
        let p = mutations::update_posting(db, b, 2, edit.clone(), &Actor::user(1), now).await.unwrap();
        edit.title = "Gärtnermeister Friedhof (m/w/d)".into();
        mutations::update_posting(db, b, p.version, edit, &Actor::user(1), now).await.unwrap();
        drain(db, &engine.index, now).await;
        assert_eq!(found(&engine.index, "Gärtnermeister", now).await, [b]);
        assert!(found(&engine.index, "Freibad", now).await.is_empty());

        let current = jobboard_domain::postings::queries::find_by_id(db, a).await.unwrap().unwrap();
        transition(db, a, current.version, Request::Unpublish, &Actor::user(1), now).await.unwrap();
        let current = jobboard_domain::postings::queries::find_by_id(db, b).await.unwrap().unwrap();
        transition(db, b, current.version, Request::Archive, &Actor::user(1), now).await.unwrap();
        drain(db, &engine.index, now).await;
        assert!(found(&engine.index, "", now).await.is_empty());
        assert_eq!(engine.index.count().await.unwrap(), 0);
    }

    async fn while_the_engine_is_down_writes_succeed_and_the_index_converges_afterwards(engine) {
        let t = TestDb::sqlite().await;
        let db = &t.db;
        let now = Utc::now();
        let machern = id_of(db, "machern").await;
        // Nothing listens on port 9 of the loopback interface.
        let down = AnyIndex::Meili(MeiliIndex::new("http://127.0.0.1:9", None, "down").unwrap());
        let a = publish(db, draft("D-1", "Straßenwärter (m/w/d)", now), machern, now).await;
        let b = publish(db, draft("D-2", "Gärtner (m/w/d)", now), machern, now).await;

        let err = indexer::step(db, &down, &options(), now).await.unwrap_err();
        assert!(matches!(err, jobboard_search::SearchError::Unavailable(_)), "{err:?}");
        assert_eq!(outbox::pending_count(db).await.unwrap(), 4, "nothing lost");

        // The board keeps working while the engine is down.
        let c = publish(db, draft("D-3", "Hausmeister Schule (m/w/d)", now), machern, now).await;
        let p = jobboard_domain::postings::queries::find_by_id(db, a).await.unwrap().unwrap();
        let mut edit = draft("D-1", "Straßenmeister (m/w/d)", now);
        edit.description = "Leitung der Straßenkolonne.".into();
        mutations::update_posting(db, a, p.version, edit, &Actor::user(1), now).await.unwrap();

        // Failed rows wait for their back-off; then the engine is back and everything converges.
        assert_eq!(indexer::step(db, &engine.index, &options(), now).await.unwrap().rows, 2, "only the new rows");
        let later = now + Duration::minutes(5);
        drain(db, &engine.index, later).await;
        assert_eq!(outbox::pending_count(db).await.unwrap(), 0);
        assert_eq!(found(&engine.index, "", now).await, sorted(vec![a, b, c]));
        assert_eq!(found(&engine.index, "Straßenmeister", now).await, [a], "the current row, not the one at failure");
        assert!(found(&engine.index, "Straßenwärter", now).await.is_empty());
    }

    async fn a_reindex_rebuilds_from_the_database(engine) {
        let t = TestDb::sqlite().await;
        let db = &t.db;
        let now = Utc::now();
        let naunhof = id_of(db, "naunhof").await;
        let mut published = Vec::new();
        for i in 0..5 {
            published.push(publish(db, draft(&format!("R-{i}"), &format!("Gärtner {i} (m/w/d)"), now), naunhof, now).await);
        }
        mutations::create_posting(db, naunhof, draft("R-9", "Entwurf (m/w/d)", now), &Actor::user(1), now).await.unwrap();
        assert_eq!(outbox::pending_count(db).await.unwrap(), 11);
        let progress = std::sync::Mutex::new(Vec::new());
        let n = indexer::reindex(db, &engine.index, |done, total| progress.lock().unwrap().push((done, total))).await.unwrap();
        assert_eq!(n, 5);
        assert_eq!(progress.into_inner().unwrap(), [(5, 5)]);
        assert_eq!(outbox::pending_count(db).await.unwrap(), 0, "the rebuild covered every row committed before it");
        assert_eq!(found(&engine.index, "", Utc::now()).await, published);
        assert_eq!(engine.index.prepare().await.unwrap(), jobboard_search::Readiness::Ready);
    }
}
