//! The outbox consumer: keeps the search index equal to what the database says is public.
//!
//! At least once and idempotent: rows are leased, the *current* rows of their postings are read
//! and upserted (or deleted when no longer public), and the outbox rows are marked done only
//! after the engine confirmed. An unreachable engine leaves the rows pending with a growing
//! back-off; nothing is lost and the index converges once the engine is back.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jobboard_domain::outbox;
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, watch};

use crate::document;
use crate::status::{SearchState, SearchStatus};
use crate::{Readiness, SearchError, SearchIndex};

#[derive(Clone, Debug)]
pub struct IndexerOptions {
    /// Identifies this process's leases.
    pub worker: String,
    pub batch: u64,
    /// How long a claimed row is ours before another indexer may take it over.
    pub lease: Duration,
    /// Pause when the outbox is empty.
    pub idle: Duration,
    /// Longest pause after failures.
    pub max_backoff: Duration,
    /// How often the index is checked for being the one the board built (an engine replaced
    /// by an empty one is rebuilt without a restart).
    pub check_every: Duration,
    /// Set to what the index can answer (see [`SearchStatus`]).
    pub status: SearchStatus,
}

impl Default for IndexerOptions {
    fn default() -> Self {
        Self {
            worker: format!("indexer-{}-{:08x}", std::process::id(), fastrand::u32(..)),
            batch: 500,
            lease: Duration::from_secs(60),
            idle: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
            check_every: Duration::from_secs(5),
            status: SearchStatus::default(),
        }
    }
}

/// What one step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Step {
    pub rows: usize,
    pub upserted: usize,
    pub deleted: usize,
}

/// Process one batch of pending outbox rows.
pub async fn step(
    db: &DatabaseConnection,
    index: &impl SearchIndex,
    options: &IndexerOptions,
    now: DateTime<Utc>,
) -> Result<Step, SearchError> {
    let lease_until = now + chrono::Duration::from_std(options.lease).unwrap_or_default();
    let claims = outbox::claim(db, &options.worker, options.batch, lease_until, now).await?;
    if claims.is_empty() {
        return Ok(Step::default());
    }
    let row_ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
    let mut posting_ids: Vec<i64> = claims.iter().map(|c| c.posting_id).collect();
    posting_ids.sort_unstable();
    posting_ids.dedup();

    // Judge visibility by the clock after the claim: a posting published (and committed) between
    // the caller reading the clock and the claim would otherwise look "not yet online", be
    // removed and its row marked done, and stay out of search until its next change.
    let seen_at = now.max(Utc::now());
    let result = async {
        let (docs, remove) = document::load(db, &posting_ids, seen_at).await?;
        let counts = (docs.len(), remove.len());
        index.upsert(docs).await?;
        index.delete(remove).await?;
        Ok::<_, SearchError>(counts)
    }
    .await;
    match result {
        Ok((upserted, deleted)) => {
            outbox::complete(db, &row_ids, &options.worker, Utc::now()).await?;
            Ok(Step {
                rows: row_ids.len(),
                upserted,
                deleted,
            })
        }
        Err(e) => {
            let attempts = claims.iter().map(|c| c.attempts).max().unwrap_or(1);
            let retry_at = now
                + chrono::Duration::from_std(backoff(attempts, options.max_backoff))
                    .unwrap_or_default();
            outbox::release(db, &row_ids, &options.worker, &e.to_string(), retry_at).await?;
            Err(e)
        }
    }
}

/// 0.5 s, 1 s, 2 s, … up to `max`.
pub fn backoff(attempts: i32, max: Duration) -> Duration {
    let exp = attempts.clamp(1, 16) as u32 - 1;
    Duration::from_millis(500u64.saturating_mul(1 << exp)).min(max)
}

/// Run until `shutdown` turns true: prepare the index (rebuilding it from the database when it
/// is new or outdated), then follow the outbox, checking every `check_every` that the index is
/// still the one built (and at once after a failure).
pub async fn run<I: SearchIndex>(
    db: DatabaseConnection,
    index: std::sync::Arc<I>,
    options: IndexerOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let index = index.as_ref();
    let status = &options.status;
    let mut failures: i32 = 0;
    let mut prepared = false;
    let mut last_check = std::time::Instant::now();
    let mut last_prune = std::time::Instant::now();
    while !*shutdown.borrow() {
        let result = if !prepared {
            prepare(&db, index, status).await.map(|()| {
                prepared = true;
                last_check = std::time::Instant::now();
                Duration::ZERO
            })
        } else if last_check.elapsed() >= options.check_every {
            last_check = std::time::Instant::now();
            index.check().await.map(|readiness| {
                if readiness == Readiness::NeedsRebuild {
                    tracing::warn!("the search index is gone or outdated: rebuilding it");
                    prepared = false;
                }
                Duration::ZERO
            })
        } else {
            follow(&db, index, &options).await
        };
        let pause = match result {
            Ok(pause) => {
                failures = 0;
                pause
            }
            Err(e) => {
                failures += 1;
                // Look at the index first thing when the engine answers again: it may be
                // another one by then.
                last_check = std::time::Instant::now() - options.check_every;
                status.failed(&e, status.get());
                tracing::warn!(error = %e, failures, "search indexing failed; rows stay pending");
                backoff(failures, options.max_backoff)
            }
        };
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            if let Err(e) = outbox::prune(&db, Utc::now() - chrono::Duration::days(7)).await {
                tracing::warn!(error = %e, "pruning the search outbox failed");
            }
        }
        if !pause.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
    tracing::debug!("indexer stopped");
}

/// One step of following the outbox; the pause before the next. The index is ready once a
/// step finds less than a full batch: it has caught up.
async fn follow(
    db: &DatabaseConnection,
    index: &impl SearchIndex,
    options: &IndexerOptions,
) -> Result<Duration, SearchError> {
    let s = step(db, index, options, Utc::now()).await?;
    if s.rows as u64 >= options.batch {
        return Ok(Duration::ZERO);
    }
    if s.rows > 0 {
        tracing::debug!(
            rows = s.rows,
            upserted = s.upserted,
            deleted = s.deleted,
            "indexed"
        );
    }
    options.status.set(SearchState::Ready);
    Ok(options.idle)
}

/// For a process that does not run the indexer: report whether the index is built, every
/// `every`, until `shutdown` (whether it caught up is known only to the indexer).
pub async fn watch<I: SearchIndex>(
    index: std::sync::Arc<I>,
    status: SearchStatus,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        match index.check().await {
            Ok(Readiness::Ready) => status.set(SearchState::Ready),
            Ok(Readiness::NeedsRebuild) => status.set(SearchState::Rebuilding),
            Err(e) => status.failed(&e, SearchState::Rebuilding),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => {}
        }
    }
}

async fn prepare(
    db: &DatabaseConnection,
    index: &impl SearchIndex,
    status: &SearchStatus,
) -> Result<(), SearchError> {
    if index.prepare().await? == Readiness::NeedsRebuild {
        status.set(SearchState::Rebuilding);
        tracing::info!("search index is new or outdated: rebuilding from the database");
        reindex(db, index, |_, _| {}).await?;
    }
    Ok(())
}

/// Rebuild the whole index from the database; `progress(done, total)` after each batch.
/// Changes committed meanwhile are replayed afterwards, so nothing is lost to the swap.
pub async fn reindex(
    db: &DatabaseConnection,
    index: &impl SearchIndex,
    progress: impl Fn(u64, u64) + Send,
) -> Result<u64, SearchError> {
    const PAGE: u64 = 1_000;
    let started = Utc::now();
    // Rows committed before the rebuild reads anything are covered by it.
    let covered = outbox::pending_ids(db).await?;
    // Visibility is judged by the clock after reading the covered rows: a posting published
    // between `started` and that read has its rows covered and must not look "not yet online".
    let seen_at = Utc::now();
    let total = jobboard_domain::postings::queries::count_published(db, seen_at).await?;
    let (tx, rx) = mpsc::channel(2);
    let producer = async move {
        let mut after = 0;
        let mut done = 0;
        loop {
            let page = match document::load_visible_page(db, seen_at, after, PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    // Tell the engine to drop what it built so far.
                    let _ = tx.send(Err(SearchError::Db(e))).await;
                    break;
                }
            };
            let Some(last) = page.last() else { break };
            after = last.id;
            done += page.len() as u64;
            if tx.send(Ok(page)).await.is_err() {
                break;
            }
            progress(done, total);
        }
    };
    let ((), indexed) = tokio::join!(producer, index.rebuild(rx));
    let indexed = indexed?;
    // Rows another indexer processed meanwhile may have gone to the replaced index: redo them,
    // except those the rebuild read anyway.
    let replay = outbox::requeue_processed_since(db, started).await?;
    outbox::mark_processed(db, &covered, Utc::now()).await?;
    tracing::info!(
        documents = indexed,
        covered = covered.len(),
        replayed = replay,
        "search index rebuilt"
    );
    Ok(indexed)
}
