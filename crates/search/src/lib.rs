//! Search for the Partheland Stellenbörse.
//!
//! - [`SearchIndex`]: what a search engine must do for the board, with two backends:
//!   [`embedded::EmbeddedIndex`] (tantivy, files under the data directory; the zero-setup default)
//!   and [`meili::MeiliIndex`] (Meilisearch, production).
//! - [`SearchDocument`]: what is indexed for a posting — built from the current database rows of
//!   the posting, its municipality and its confirmed partners.
//! - [`indexer`]: consumes the domain's search outbox (at least once, idempotent, batched) and
//!   rebuilds the index from the database.
//! - German synonyms in `synonyms.de.txt`, applied by both backends.

pub mod document;
pub mod embedded;
mod error;
pub mod indexer;
pub mod meili;
pub mod query;
pub mod snippet;
pub mod status;
pub mod synonyms;

use std::future::Future;

use chrono::{DateTime, Utc};

pub use document::SearchDocument;
pub use error::SearchError;
pub use query::{FacetCount, Facets, Hit, Match, SearchQuery, SearchResults, Sort};
pub use status::{SearchState, SearchStatus};

/// Documents for a rebuild, batch by batch; an `Err` aborts the rebuild and keeps the old index.
pub type Batches = tokio::sync::mpsc::Receiver<Result<Vec<SearchDocument>, SearchError>>;

/// Whether an index can serve as it is or must be filled from the database first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// New, or built for another schema or settings: run a full rebuild.
    NeedsRebuild,
}

/// What a search answer depends on besides the query: the content of the index and the clock.
/// Two searches for the same query at instants before `valid_until` against the same generation
/// give the same answer, so a caller may keep it (see the web crate's page cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Changes with every write the engine made visible.
    pub generation: u64,
    /// Unix seconds: the next instant an indexed posting expires or goes online.
    pub valid_until: i64,
}

/// A search engine for postings. Implementations are idempotent: upserting the same document
/// twice or deleting a missing id is not an error. A write returns only after the engine
/// confirmed it, so the caller may then mark its outbox rows done.
pub trait SearchIndex: Send + Sync {
    /// Open or create the index and apply its settings (idempotent).
    fn prepare(&self) -> impl Future<Output = Result<Readiness, SearchError>> + Send;
    /// Whether the index is still the one the board built, without changing anything. The
    /// indexer asks every few seconds, so an engine replaced by an empty one is noticed and
    /// rebuilt without a restart.
    fn check(&self) -> impl Future<Output = Result<Readiness, SearchError>> + Send {
        self.prepare()
    }
    fn upsert(
        &self,
        docs: Vec<SearchDocument>,
    ) -> impl Future<Output = Result<(), SearchError>> + Send;
    fn delete(&self, ids: Vec<i64>) -> impl Future<Output = Result<(), SearchError>> + Send;
    /// Replace the whole content with the documents arriving in `batches` (until the sender is
    /// dropped); searches see the old content until the new one is complete. Returns the number
    /// of documents indexed.
    fn rebuild(&self, batches: Batches) -> impl Future<Output = Result<u64, SearchError>> + Send;
    fn search(
        &self,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<SearchResults, SearchError>> + Send;
    /// For each of `queries`, the postings it matches (text, filters and visibility at its `now`,
    /// as [`SearchIndex::search`]), at most `limit` each, newest first. Paging and sort are
    /// ignored, and nothing else is computed: no facets, no highlighting, no stored fields. So many
    /// saved searches (search alerts) cost little, and few engine calls answer them all. When
    /// more than `limit` match a text, Meilisearch keeps its best text matches (its ranking rules
    /// come before the sort), the embedded engine the newest.
    fn matching(
        &self,
        queries: &[SearchQuery],
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Vec<Match>>, SearchError>> + Send;
    /// Number of documents in the index.
    fn count(&self) -> impl Future<Output = Result<u64, SearchError>> + Send;
    /// The state answers at `now` are computed from, for engines that know it exactly; `None`
    /// (the default) when others may write to the index unseen, or it is not open yet.
    fn snapshot(&self, _now: DateTime<Utc>) -> Option<Snapshot> {
        None
    }
}

/// The backend chosen by configuration.
pub enum AnyIndex {
    Embedded(embedded::EmbeddedIndex),
    Meili(meili::MeiliIndex),
}

impl AnyIndex {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Meili(_) => "meilisearch",
        }
    }
}

macro_rules! delegate {
    ($self:ident, $inner:ident => $call:expr) => {
        match $self {
            AnyIndex::Embedded($inner) => $call.await,
            AnyIndex::Meili($inner) => $call.await,
        }
    };
}

impl SearchIndex for AnyIndex {
    async fn prepare(&self) -> Result<Readiness, SearchError> {
        delegate!(self, i => i.prepare())
    }
    async fn check(&self) -> Result<Readiness, SearchError> {
        delegate!(self, i => i.check())
    }
    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        delegate!(self, i => i.upsert(docs))
    }
    async fn delete(&self, ids: Vec<i64>) -> Result<(), SearchError> {
        delegate!(self, i => i.delete(ids))
    }
    async fn rebuild(&self, batches: Batches) -> Result<u64, SearchError> {
        delegate!(self, i => i.rebuild(batches))
    }
    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        delegate!(self, i => i.search(query))
    }
    async fn matching(
        &self,
        queries: &[SearchQuery],
        limit: usize,
    ) -> Result<Vec<Vec<Match>>, SearchError> {
        delegate!(self, i => i.matching(queries, limit))
    }
    async fn count(&self) -> Result<u64, SearchError> {
        delegate!(self, i => i.count())
    }
    fn snapshot(&self, now: DateTime<Utc>) -> Option<Snapshot> {
        match self {
            Self::Embedded(i) => i.snapshot(now),
            Self::Meili(i) => i.snapshot(now),
        }
    }
}
