//! The embedded engine: a tantivy index in the data directory, the zero-setup default.
//!
//! One writer per process (tantivy locks the directory), readers reloaded after each commit, all
//! work on tokio's blocking pool. The index lives in `<dir>/v<SCHEMA_VERSION>`; a missing,
//! unfinished or older index is reported as [`Readiness::NeedsRebuild`] and older versions are
//! removed.

mod analyzer;
mod facets;
mod query;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tantivy::directory::MmapDirectory;
use tantivy::schema::TantivyDocument;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::document::{SCHEMA_VERSION, SearchDocument};
use crate::query::{Match, SearchQuery, SearchResults};
use crate::{Readiness, SearchError, SearchIndex, Snapshot};

pub use analyzer::tokens as analyze;
pub use query::day_number;
use schema::Fields;

/// Marker written once a rebuild completed; without it the index is rebuilt.
const COMPLETE_MARKER: &str = "complete";
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

pub struct EmbeddedIndex {
    root: PathBuf,
    /// Opened once, by whichever of indexer and search comes first.
    inner: tokio::sync::OnceCell<Arc<Inner>>,
}

struct Inner {
    dir: PathBuf,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// The last [`Snapshot`] computed, reused while its generation is current.
    snapshot: Mutex<Option<Memo>>,
}

#[derive(Clone, Copy)]
struct Memo {
    snapshot: Snapshot,
    /// The instant it was computed for: it holds from there until `valid_until`.
    computed_at: i64,
}

impl EmbeddedIndex {
    /// An index under `root` (e.g. `./data/search`), opened on first use.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            inner: tokio::sync::OnceCell::new(),
        }
    }

    /// Open the index once, whoever asks first (the indexer or a search).
    async fn open_once(&self) -> Result<&Arc<Inner>, SearchError> {
        let root = self.root.clone();
        self.inner
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || Self::open(&root).map(Arc::new))
                    .await
                    .map_err(|e| SearchError::Engine(e.to_string()))?
            })
            .await
    }

    fn open(root: &Path) -> Result<Inner, SearchError> {
        let dir = root.join(format!("v{SCHEMA_VERSION}"));
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(root)? {
            let path = entry?.path();
            if path.is_dir()
                && path != dir
                && path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('v'))
            {
                tracing::info!(path = %path.display(), "removing search index of an older schema");
                std::fs::remove_dir_all(&path)?;
            }
        }
        let (schema, fields) = schema::build();
        let index =
            match Index::open_or_create(MmapDirectory::open(&dir).map_err(io)?, schema.clone()) {
                Ok(index) => index,
                Err(e) => {
                    tracing::warn!(error = %e, "search index unreadable; recreating it");
                    std::fs::remove_dir_all(&dir)?;
                    std::fs::create_dir_all(&dir)?;
                    Index::create_in_dir(&dir, schema)?
                }
            };
        index
            .tokenizers()
            .register(analyzer::NAME, analyzer::german());
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Inner {
            dir,
            reader,
            writer: Mutex::new(writer),
            fields,
            snapshot: Mutex::new(None),
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        // Every operation opens the index if nobody did yet; the indexer's prepare() only adds
        // the rebuild decision.
        let inner = self.open_once().await?.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| SearchError::Engine(format!("search task failed: {e}")))?
    }
}

fn io(e: tantivy::directory::error::OpenDirectoryError) -> SearchError {
    SearchError::Engine(e.to_string())
}

impl Inner {
    fn write(
        &self,
        f: impl FnOnce(&mut IndexWriter, &Fields) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::Engine("index writer poisoned".into()))?;
        if let Err(e) = f(&mut writer, &self.fields) {
            let _ = writer.rollback();
            return Err(e);
        }
        writer.commit()?;
        // Reloading starts a new searcher generation, which invalidates snapshots.
        self.reader.reload()?;
        Ok(())
    }

    fn to_tantivy(&self, d: &SearchDocument) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_i64(f.id, d.id);
        doc.add_text(f.slug, &d.slug);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.classification, &d.classification);
        doc.add_text(f.places, &d.places);
        doc.add_text(f.body, &d.body);
        doc.add_u64(
            f.kind,
            ordinal(jobboard_domain::postings::PostingKind::ALL, d.kind),
        );
        for m in &d.municipality_ids {
            doc.add_u64(f.municipality, *m as u64);
        }
        doc.add_u64(
            f.category,
            ordinal(jobboard_domain::postings::Category::ALL, d.category),
        );
        doc.add_u64(
            f.employment,
            ordinal(jobboard_domain::postings::Employment::ALL, d.employment),
        );
        doc.add_u64(
            f.contract,
            ordinal(jobboard_domain::postings::Contract::ALL, d.contract),
        );
        doc.add_u64(
            f.pay_scheme,
            ordinal(jobboard_domain::postings::PayScheme::ALL, d.pay_scheme),
        );
        if let (Some(lo), Some(hi)) = (d.grade_min_rank, d.grade_max_rank) {
            doc.add_i64(f.grade_min, lo);
            doc.add_i64(f.grade_max, hi);
        }
        doc.add_i64(f.deadline, query::day_number(d.deadline));
        doc.add_i64(f.expires, d.expires_ts);
        doc.add_i64(f.published, d.published_ts);
        doc.add_f64(f.lat, d.lat);
        doc.add_f64(f.lng, d.lng);
        if let Some(h) = d.weekly_hours {
            doc.add_f64(f.weekly_hours, h);
        }
        if let Some(g) = &d.pay_grade_from {
            doc.add_text(f.pay_grade_from, g);
        }
        if let Some(g) = &d.pay_grade_to {
            doc.add_text(f.pay_grade_to, g);
        }
        if let Some(v) = d.pay_monthly_min_eur {
            doc.add_i64(f.pay_min, i64::from(v));
        }
        if let Some(v) = d.pay_monthly_max_eur {
            doc.add_i64(f.pay_max, i64::from(v));
        }
        doc
    }
}

/// Position of a vocabulary value, stored as the engine's facet value.
pub(crate) fn ordinal<T: PartialEq>(all: &[T], value: T) -> u64 {
    all.iter().position(|v| *v == value).unwrap_or(usize::MAX) as u64
}

impl SearchIndex for EmbeddedIndex {
    async fn prepare(&self) -> Result<Readiness, SearchError> {
        let inner = self.open_once().await?;
        let complete = inner.dir.join(COMPLETE_MARKER).exists();
        Ok(if complete {
            Readiness::Ready
        } else {
            Readiness::NeedsRebuild
        })
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        self.blocking(move |inner| {
            inner.write(|w, f| {
                for d in &docs {
                    w.delete_term(Term::from_field_i64(f.id, d.id));
                    w.add_document(inner.to_tantivy(d))?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn delete(&self, ids: Vec<i64>) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.blocking(move |inner| {
            inner.write(|w, f| {
                for id in &ids {
                    w.delete_term(Term::from_field_i64(f.id, *id));
                }
                Ok(())
            })
        })
        .await
    }

    async fn rebuild(&self, mut batches: crate::Batches) -> Result<u64, SearchError> {
        self.blocking(move |inner| {
            let mut count = 0;
            // One commit: readers see the old index until the new one is complete.
            inner.write(|w, _| {
                w.delete_all_documents()?;
                while let Some(docs) = batches.blocking_recv() {
                    let docs = docs?;
                    for d in &docs {
                        w.add_document(inner.to_tantivy(d))?;
                    }
                    count += docs.len() as u64;
                }
                Ok(())
            })?;
            std::fs::write(inner.dir.join(COMPLETE_MARKER), SCHEMA_VERSION.to_string())?;
            Ok(count)
        })
        .await
    }

    async fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        q.validate()?;
        let q = q.clone();
        self.blocking(move |inner| query::run(&inner.reader.searcher(), &inner.fields, &q))
            .await
    }

    async fn matching(
        &self,
        queries: &[SearchQuery],
        limit: usize,
    ) -> Result<Vec<Vec<Match>>, SearchError> {
        for q in queries {
            q.validate()?;
        }
        let queries = queries.to_vec();
        // One searcher for all: the answers belong to one state of the index.
        self.blocking(move |inner| {
            let searcher = inner.reader.searcher();
            queries
                .iter()
                .map(|q| query::matching(&searcher, &inner.fields, q, limit))
                .collect()
        })
        .await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.blocking(|inner| Ok(inner.reader.searcher().num_docs()))
            .await
    }

    /// Exact: only this process writes the index (tantivy's lock), and the reader reloads only
    /// after its writes.
    fn snapshot(&self, now: DateTime<Utc>) -> Option<Snapshot> {
        let inner = self.inner.get()?;
        let searcher = inner.reader.searcher();
        let generation = searcher.generation().generation_id();
        let now = now.timestamp();
        let mut memo = inner.snapshot.lock().ok()?;
        if let Some(m) = *memo
            && m.snapshot.generation == generation
            && (m.computed_at..m.snapshot.valid_until).contains(&now)
        {
            return Some(m.snapshot);
        }
        let snapshot = Snapshot {
            generation,
            valid_until: next_change(&searcher, now),
        };
        *memo = Some(Memo {
            snapshot,
            computed_at: now,
        });
        Some(snapshot)
    }
}

/// The first instant after `now` at which an indexed posting expires or goes online (deleted
/// documents count too: an early answer is only a cache miss). `i64::MAX` when none will.
fn next_change(searcher: &tantivy::Searcher, now: i64) -> i64 {
    let mut next = i64::MAX;
    for segment in searcher.segment_readers() {
        for field in ["expires", "published"] {
            match segment.fast_fields().i64(field) {
                Ok(column) => {
                    for v in column.values.iter() {
                        if v > now && v < next {
                            next = v;
                        }
                    }
                }
                // Unreadable: claim a change right away, so nothing is kept.
                Err(_) => return now + 1,
            }
        }
    }
    next
}
