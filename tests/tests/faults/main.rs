//! Meilisearch faults against a real server that each test starts, kills and replaces itself
//! (the binary named by `MEILI_BIN`; without it every test says it is skipped). The board's
//! side runs as in production: the domain writes postings and outbox rows, the indexer follows
//! the outbox with the scoped keys, pages are served by the real router.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PartnerDraft, PostingDraft, mutations, queries};
use jobboard_domain::{Actor, municipalities, outbox};
use jobboard_e2e::Database;
use jobboard_e2e::meili::MeiliServer;
use jobboard_search::indexer::{self, IndexerOptions};
use jobboard_search::meili::MeiliIndex;
use jobboard_search::{AnyIndex, SearchState, SearchStatus};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

const UID: &str = "postings";

async fn publish(db: &DatabaseConnection, title: &str) -> i64 {
    let owner = municipalities::find_by_slug(db, "naunhof")
        .await
        .unwrap()
        .unwrap()
        .id;
    let deadline = (Utc::now() + chrono::Duration::days(20)).date_naive();
    let mut d =
        jobboard_domain::testing::sample_draft(&format!("F-{}", fastrand::u32(..)), deadline);
    title.clone_into(&mut d.title);
    let p = mutations::create_posting(db, owner, d, &Actor::user(1), Utc::now())
        .await
        .unwrap();
    transition(
        db,
        p.id,
        p.version,
        Request::Publish,
        &Actor::user(1),
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

/// What the index must hold: (id, title) of every public posting among `ids`, now.
async fn truth(db: &DatabaseConnection, ids: &[i64]) -> Vec<(i64, String)> {
    let (docs, _) = jobboard_search::document::load(db, ids, Utc::now())
        .await
        .unwrap();
    let mut t: Vec<(i64, String)> = docs.into_iter().map(|d| (d.id, d.title)).collect();
    t.sort();
    t
}

/// (missing, stale, outdated title) of the index against the database.
fn differences(index: &[(i64, String)], truth: &[(i64, String)]) -> (usize, usize, usize) {
    let find = |list: &[(i64, String)], id: i64| list.iter().find(|(i, _)| *i == id).cloned();
    let missing = truth
        .iter()
        .filter(|(id, _)| find(index, *id).is_none())
        .count();
    let stale = index
        .iter()
        .filter(|(id, _)| find(truth, *id).is_none())
        .count();
    let outdated = truth
        .iter()
        .filter(|(id, title)| find(index, *id).is_some_and(|(_, t)| t != *title))
        .count();
    (missing, stale, outdated)
}

/// Wait until the outbox is empty, the indexer reports ready and the index equals the
/// database; the last differences otherwise.
async fn converge(
    db: &DatabaseConnection,
    meili: &MeiliServer,
    ids: &[i64],
    status: &SearchStatus,
    within: Duration,
) -> (usize, usize, usize) {
    let deadline = Instant::now() + within;
    loop {
        let pending = outbox::pending_count(db).await.unwrap();
        let diff = differences(&meili.documents(UID).await, &truth(db, ids).await);
        if pending == 0 && status.get() == SearchState::Ready && diff == (0, 0, 0) {
            return diff;
        }
        if Instant::now() > deadline {
            eprintln!(
                "not converged: {pending} rows pending, state {:?}",
                status.get()
            );
            return diff;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

struct Indexer {
    status: SearchStatus,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

fn start_indexer(db: &DatabaseConnection, meili: &MeiliServer) -> Indexer {
    start_indexer_with(db, meili, IndexerOptions::default())
}

fn start_indexer_with(
    db: &DatabaseConnection,
    meili: &MeiliServer,
    options: IndexerOptions,
) -> Indexer {
    let index = MeiliIndex::new(&meili.url(), Some(meili.master_key.clone()), UID).unwrap();
    let status = SearchStatus::default();
    let options = IndexerOptions {
        idle: Duration::from_millis(20),
        max_backoff: Duration::from_millis(500),
        check_every: Duration::from_secs(1),
        status: status.clone(),
        ..options
    };
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(indexer::run(
        db.clone(),
        Arc::new(AnyIndex::Meili(index)),
        options,
        stopped,
    ));
    Indexer { status, stop, task }
}

impl Indexer {
    async fn stop(self) {
        let _ = self.stop.send(true);
        self.task.await.unwrap();
    }
}

/// One domain edit of posting `id`: a new title (most often), unpublish, publish again or
/// archive. `false` when the posting's state does not allow the request drawn.
async fn edit(db: &DatabaseConnection, id: i64, n: usize) -> bool {
    let p = queries::find_by_id(db, id).await.unwrap().unwrap();
    let actor = Actor::user(1);
    let result = match fastrand::u8(..20) {
        0..=11 => {
            let partners = queries::partners_of(db, id)
                .await
                .unwrap()
                .into_iter()
                .map(|x| PartnerDraft {
                    municipality_id: x.municipality_id,
                    note: x.note,
                })
                .collect();
            let mut d = PostingDraft::from_model(&p, partners);
            d.title = format!("Sachbearbeiter Fassung {n} (m/w/d)");
            mutations::update_posting(db, id, p.version, d, &actor, Utc::now())
                .await
                .map(|_| ())
        }
        12..=14 => transition(db, id, p.version, Request::Unpublish, &actor, Utc::now())
            .await
            .map(|_| ()),
        15..=18 => transition(db, id, p.version, Request::Publish, &actor, Utc::now())
            .await
            .map(|_| ()),
        _ => transition(db, id, p.version, Request::Archive, &actor, Utc::now())
            .await
            .map(|_| ()),
    };
    result.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_and_restarted_during_2000_edits_the_index_ends_equal_to_the_database() {
    let Some(mut meili) = MeiliServer::from_env("killed_and_restarted_during_2000_edits") else {
        return;
    };
    meili.start().await;
    let t = Database::sqlite().await;
    let db = &t.db;
    let mut ids = Vec::new();
    for i in 0..100 {
        ids.push(publish(db, &format!("Sachbearbeiter Anfang {i} (m/w/d)")).await);
    }
    let indexer = start_indexer(db, &meili);
    let (mut done, mut n) = (0, 0);
    while done < 2_000 {
        n += 1;
        if done == 600 && meili.running() {
            meili.kill();
            eprintln!("Meilisearch killed (SIGKILL) after {done} edits");
        }
        if done == 1_000 && !meili.running() {
            meili.start().await;
            eprintln!("Meilisearch restarted on the same data after {done} edits");
        }
        if edit(db, ids[fastrand::usize(..ids.len())], n).await {
            done += 1;
        }
    }
    let diff = converge(db, &meili, &ids, &indexer.status, Duration::from_secs(120)).await;
    eprintln!("after 2000 edits: missing, stale, outdated = {diff:?}");
    assert_eq!(diff, (0, 0, 0), "missing, stale, outdated title");
    indexer.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_engine_replaced_by_an_empty_one_is_noticed_and_rebuilt_without_a_restart() {
    let Some(mut meili) = MeiliServer::from_env("replaced_by_an_empty_one") else {
        return;
    };
    meili.start().await;
    let t = Database::sqlite().await;
    let db = &t.db;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(publish(db, &format!("Gärtner {i} (m/w/d)")).await);
    }
    let indexer = start_indexer(db, &meili);
    assert_eq!(
        converge(db, &meili, &ids, &indexer.status, Duration::from_secs(60)).await,
        (0, 0, 0)
    );

    meili.forget_data();
    meili.start().await;
    let started = Instant::now();
    assert_eq!(
        converge(db, &meili, &ids, &indexer.status, Duration::from_secs(60)).await,
        (0, 0, 0),
        "rebuilt"
    );
    eprintln!(
        "empty engine noticed and rebuilt in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ids.push(publish(db, "Friedhofsgärtner (m/w/d)").await);
    assert_eq!(
        converge(db, &meili, &ids, &indexer.status, Duration::from_secs(30)).await,
        (0, 0, 0),
        "followed again"
    );
    indexer.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unreachable_at_start_the_board_serves_a_notice_takes_writes_and_converges_later() {
    let Some(mut meili) = MeiliServer::from_env("unreachable_at_start") else {
        return;
    };
    let url = meili.url();
    let env = [
        ("MEILI_URL", url.as_str()),
        ("MEILI_MASTER_KEY", meili.master_key.as_str()),
    ];
    let app = jobboard_e2e::spawn_app_with(Database::sqlite().await, &env).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
        if health["search"] == "unreachable" {
            assert_eq!(health["status"], "ok", "{health}");
            break;
        }
        assert!(Instant::now() < deadline, "{health}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = app.get("/stellen?q=Gärtner").await;
    assert_eq!(page.status(), 503);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("Die Suche ist gerade nicht erreichbar"),
        "{body}"
    );
    // Writes succeed meanwhile.
    publish(&app.db, "Gärtner Friedhof (m/w/d)").await;

    meili.start().await;
    // The link to the posting (its title is shown highlighted: `<mark>Gärtner</mark> Friedhof`).
    app.wait_for(
        "/stellen?q=G%C3%A4rtner",
        "href=\"/stellen/gaertner-friedhof",
    )
    .await;
    // Results come from the live index while the rebuild (into a side index) may still run;
    // readiness follows once it is swapped in and the outbox is caught up.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = app.get("/readyz").await;
        let status = ready.status();
        let body: serde_json::Value = ready.json().await.unwrap();
        if body["search"] == "ready" {
            assert_eq!(status, 200, "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.shutdown().await.unwrap();
}

/// Two board processes on one PostgreSQL database and one Meilisearch, each with its own
/// indexer (and its own client and keys); one is killed in the middle of a batch (its task is
/// dropped at whatever point it was, leaving its claimed rows leased). Nothing is lost, and no
/// row is taken by both while both run: only the killed one's batch is taken twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_share_the_outbox_and_one_killed_mid_batch_loses_nothing() {
    let Some(mut meili) = MeiliServer::from_env("two_processes_one_killed") else {
        return;
    };
    let Some(t) = Database::postgres().await else {
        eprintln!("PostgreSQL tests switched off: two_processes_one_killed skipped");
        return;
    };
    meili.start().await;
    let db = &t.db;
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(publish(db, &format!("Sachbearbeiter Anfang {i} (m/w/d)")).await);
    }
    let options = |name: &str| IndexerOptions {
        worker: name.to_owned(),
        batch: 10,
        // Long enough that a batch on a loaded machine finishes inside its lease (an expired
        // lease is taken again by the other process: indexed twice, harmless but not the point).
        lease: Duration::from_secs(10),
        ..IndexerOptions::default()
    };
    let a = start_indexer_with(db, &meili, options("process-a"));
    let b = start_indexer_with(db, &meili, options("process-b"));
    // Both rebuilt the new index at start (each into a side index of its own); the rows of the
    // edits come after.
    assert_eq!(
        converge(db, &meili, &ids, &a.status, Duration::from_secs(60)).await,
        (0, 0, 0)
    );
    assert_eq!(
        converge(db, &meili, &ids, &b.status, Duration::from_secs(60)).await,
        (0, 0, 0)
    );
    use jobboard_domain::entities::search_outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let before = search_outbox::Entity::find()
        .order_by_desc(search_outbox::Column::Id)
        .one(db)
        .await
        .unwrap()
        .map_or(0, |r| r.id);
    let mut done = 0;
    let mut n = 0;
    while done < 400 {
        n += 1;
        if done == 150 && !a.task.is_finished() {
            a.task.abort();
            eprintln!("process a killed after {done} edits");
        }
        if edit(db, ids[fastrand::usize(..ids.len())], n).await {
            done += 1;
        }
    }
    let diff = converge(db, &meili, &ids, &b.status, Duration::from_secs(180)).await;
    assert_eq!(diff, (0, 0, 0), "missing, stale, outdated title");
    let retried = search_outbox::Entity::find()
        .filter(search_outbox::Column::Id.gt(before))
        .filter(search_outbox::Column::Attempts.gt(1))
        .all(db)
        .await
        .unwrap();
    eprintln!("rows taken twice: {}", retried.len());
    assert!(
        retried.len() <= 10,
        "only the killed process's batch is taken again: {retried:?}"
    );
    b.stop().await;
}

/// Keys the operator made and gave to the board (`JOBBOARD_MEILI_SEARCH_KEY`,
/// `JOBBOARD_MEILI_ADMIN_KEY`), the master key withheld: the board indexes and searches with
/// them alone, and the search key it uses for queries cannot write.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_operator_keys_and_no_master_key_the_board_indexes_and_searches() {
    let Some(mut meili) = MeiliServer::from_env("operator_keys") else {
        return;
    };
    meili.start().await;
    let url = meili.url();
    let http = reqwest::Client::new();
    let key = |body: serde_json::Value| {
        let req = http
            .post(format!("{url}/keys"))
            .bearer_auth(&meili.master_key)
            .json(&body);
        async move {
            let v: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
            v["key"].as_str().expect("a key").to_owned()
        }
    };
    let search_key = key(serde_json::json!({
        "actions": ["search"], "indexes": ["postings"], "expiresAt": null
    }))
    .await;
    let admin_key = key(serde_json::json!({
        "actions": ["documents.*", "indexes.*", "indexes.swap", "settings.*", "tasks.get"],
        "indexes": ["postings", "postings_meta", "postings_rebuild_*"],
        "expiresAt": null
    }))
    .await;
    let env = [
        ("MEILI_URL", url.as_str()),
        ("JOBBOARD_MEILI_SEARCH_KEY", search_key.as_str()),
        ("JOBBOARD_MEILI_ADMIN_KEY", admin_key.as_str()),
    ];
    let app = jobboard_e2e::spawn_app_with(Database::sqlite().await, &env).await;
    publish(&app.db, "Gärtner Friedhof (m/w/d)").await;
    app.wait_for(
        "/stellen?q=G%C3%A4rtner",
        "href=\"/stellen/gaertner-friedhof",
    )
    .await;
    // The query key cannot write documents; the board made no keys of its own.
    let write = http
        .post(format!("{url}/indexes/postings/documents"))
        .bearer_auth(&search_key)
        .json(&serde_json::json!([{ "id": 999_999, "title": "x" }]))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403);
    let keys: serde_json::Value = http
        .get(format!("{url}/keys?limit=1000"))
        .bearer_auth(&meili.master_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let names: Vec<_> = keys["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["name"].as_str())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with("jobboard-")),
        "{names:?}"
    );
    app.shutdown().await.unwrap();
}
