//! The Meilisearch backend (production). Settings are applied idempotently; when the settings
//! or the document schema differ from what the live index was built with, [`SearchIndex::prepare`]
//! reports [`Readiness::NeedsRebuild`] and [`SearchIndex::rebuild`] fills a fresh index and swaps
//! it in, so searches never see a half-built index. Every write waits for its task and fails
//! unless the task succeeded.
//!
//! Queries use a search-only key, writes an admin key limited to the board's indexes (see
//! [`keys`]); the master key only creates them.

mod direct;
mod doc;
mod http;
mod keys;
mod search;
mod settings;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error, ErrorCode};
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::request::{HttpClient, Method};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::document::SearchDocument;
use crate::query::{Match, SearchQuery, SearchResults};
use crate::{Readiness, SearchError, SearchIndex};
use doc::MeiliDoc;
use futures_util::{StreamExt, TryStreamExt, stream};
use settings::{fingerprint, settings};

pub use http::MeiliHttp;
pub use keys::ScopedKeys;

const TASK_TIMEOUT: Duration = Duration::from_secs(120);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const BATCH: usize = 5_000;
/// Queries in one multi-search of [`SearchIndex::matching`], and such requests at once.
const MATCH_QUERIES: usize = 50;
const MATCH_REQUESTS: usize = 4;

pub struct MeiliIndex {
    url: String,
    uid: String,
    /// Creates the scoped keys; never used for searching or indexing.
    master: Client<MeiliHttp>,
    /// Keys from the configuration; else created with the master key.
    given: Option<ScopedKeys>,
    scoped: Mutex<Option<Arc<Scoped>>>,
    /// One key lookup at a time.
    provisioning: tokio::sync::Mutex<()>,
}

/// The clients with the scoped keys.
struct Scoped {
    admin: Client<MeiliHttp>,
    search: MeiliHttp,
}

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    id: String,
    fingerprint: String,
}

impl MeiliIndex {
    /// `uid` names the live index (e.g. `postings`); `<uid>_meta` is used
    /// beside it (`<uid>_rebuild_<random>` while rebuilding). `master_key` creates the scoped keys (see [`Self::with_keys`]).
    pub fn new(url: &str, master_key: Option<String>, uid: &str) -> Result<Self, SearchError> {
        let url = url.trim_end_matches('/').to_owned();
        Ok(Self {
            master: client(&url, master_key)?,
            url,
            uid: uid.to_owned(),
            given: None,
            scoped: Mutex::new(None),
            provisioning: tokio::sync::Mutex::new(()),
        })
    }

    /// Use these keys instead of creating them with the master key.
    pub fn with_keys(mut self, keys: ScopedKeys) -> Self {
        self.given = Some(keys);
        self
    }

    pub fn uid(&self) -> &str {
        &self.uid
    }

    fn current(&self) -> Option<Arc<Scoped>> {
        self.scoped
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The clients with the scoped keys, creating the keys on first use.
    async fn scoped(&self) -> Result<Arc<Scoped>, SearchError> {
        if let Some(s) = self.current() {
            return Ok(s);
        }
        let _one = self.provisioning.lock().await;
        if let Some(s) = self.current() {
            return Ok(s);
        }
        let keys = match &self.given {
            Some(k) => k.clone(),
            None => keys::provision(&self.master, &self.uid).await?,
        };
        let scoped = Arc::new(Scoped {
            admin: client(&self.url, keys.admin)?,
            search: MeiliHttp::new(keys.search, REQUEST_TIMEOUT).map_err(unavailable)?,
        });
        *self.scoped.lock().unwrap_or_else(PoisonError::into_inner) = Some(scoped.clone());
        Ok(scoped)
    }

    /// An engine error; a refused key (a server replaced by an empty one has none of the keys
    /// created before) makes the next request look the keys up again.
    fn error(&self, e: Error) -> SearchError {
        if let Error::Meilisearch(m) = &e
            && m.error_code == ErrorCode::InvalidApiKey
            && self.given.is_none()
        {
            *self.scoped.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
        e.into()
    }

    async fn admin(&self) -> Result<Client<MeiliHttp>, SearchError> {
        Ok(self.scoped().await?.admin.clone())
    }

    /// Wait for `task` and fail unless it succeeded.
    async fn wait(&self, admin: &Client<MeiliHttp>, task: TaskInfo) -> Result<(), SearchError> {
        match self.finish(admin, task).await? {
            Ok(()) => Ok(()),
            Err(e) => Err(SearchError::Engine(e.to_string())),
        }
    }

    /// Wait for `task`: `Ok(Err(..))` is the error of a task that failed.
    async fn finish(
        &self,
        admin: &Client<MeiliHttp>,
        task: TaskInfo,
    ) -> Result<Result<(), meilisearch_sdk::errors::MeilisearchError>, SearchError> {
        let poll = Some(Duration::from_millis(10));
        match admin.wait_for_task(task, poll, Some(TASK_TIMEOUT)).await {
            Ok(Task::Succeeded { .. }) => Ok(Ok(())),
            Ok(Task::Failed { content }) => Ok(Err(content.error)),
            Ok(_) => Err(SearchError::Unavailable(
                "Meilisearch task did not finish in time".into(),
            )),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Create index `uid` unless it exists; whether it was created.
    async fn ensure_index(
        &self,
        admin: &Client<MeiliHttp>,
        uid: &str,
    ) -> Result<bool, SearchError> {
        match admin.get_index(uid).await {
            Ok(_) => Ok(false),
            Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::IndexNotFound => {
                let task = admin
                    .create_index(uid, Some("id"))
                    .await
                    .map_err(|e| self.error(e))?;
                match self.finish(admin, task).await? {
                    Ok(()) => Ok(true),
                    // Another process created it meanwhile.
                    Err(e) if e.error_code == ErrorCode::IndexAlreadyExists => Ok(false),
                    Err(e) => Err(SearchError::Engine(e.to_string())),
                }
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// Delete index `uid`; one that does not exist is fine (its task fails with
    /// `index_not_found`, which is the outcome wanted).
    async fn delete_index(&self, admin: &Client<MeiliHttp>, uid: &str) -> Result<(), SearchError> {
        let task = admin.delete_index(uid).await.map_err(|e| self.error(e))?;
        match self.finish(admin, task).await? {
            Ok(()) => Ok(()),
            Err(e) if e.error_code == ErrorCode::IndexNotFound => Ok(()),
            Err(e) => Err(SearchError::Engine(e.to_string())),
        }
    }

    async fn stored_fingerprint(
        &self,
        admin: &Client<MeiliHttp>,
    ) -> Result<Option<String>, SearchError> {
        let meta = admin.index(format!("{}_meta", self.uid));
        match meta.get_document::<Meta>("live").await {
            Ok(m) => Ok(Some(m.fingerprint)),
            Err(Error::Meilisearch(e))
                if matches!(
                    e.error_code,
                    ErrorCode::IndexNotFound | ErrorCode::DocumentNotFound
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.error(e)),
        }
    }

    async fn add(
        &self,
        admin: &Client<MeiliHttp>,
        index: &Index<MeiliHttp>,
        docs: &[SearchDocument],
    ) -> Result<(), SearchError> {
        for chunk in docs.chunks(BATCH) {
            let docs: Vec<MeiliDoc> = chunk.iter().map(MeiliDoc::from).collect();
            let task = index
                .add_or_replace(&docs, Some("id"))
                .await
                .map_err(|e| self.error(e))?;
            self.wait(admin, task).await?;
        }
        Ok(())
    }

    /// A side index of its own for each rebuild: processes that start at once on a new engine
    /// each build a complete index and swap it in, instead of filling (and deleting) one
    /// shared side index under each other's feet.
    fn side_uid(&self) -> String {
        format!("{}_rebuild_{:08x}", self.uid, fastrand::u32(..))
    }

    /// Fill side index `next_uid` from `batches` with the final settings; the number of documents.
    async fn fill_next(
        &self,
        admin: &Client<MeiliHttp>,
        next_uid: &str,
        mut batches: crate::Batches,
    ) -> Result<u64, SearchError> {
        self.delete_index(admin, next_uid).await?;
        self.ensure_index(admin, next_uid).await?;
        let next = admin.index(next_uid);
        // Settings before documents: documents are indexed once, with the final settings.
        // Tasks run in the order they were enqueued, so the documents need not wait for it;
        // it is awaited (and must succeed) with them.
        let task = next
            .set_settings(&settings())
            .await
            .map_err(|e| self.error(e))?;
        let mut pending = InFlight::default();
        pending.push(self, admin, task).await?;
        let mut count = 0;
        // The database's pages are gathered into tasks of `BATCH` documents: every task
        // Meilisearch runs ends with work on the whole index (prefixes, facets), so ten small
        // tasks take far longer than two large ones. The first page goes at once, so the
        // engine starts while the next ones are read.
        let mut gathered: Vec<MeiliDoc> = Vec::with_capacity(BATCH);
        let mut first = true;
        loop {
            let page = batches.recv().await.transpose()?;
            let last = page.is_none();
            for doc in page.iter().flatten() {
                gathered.push(MeiliDoc::from(doc));
            }
            if gathered.len() >= BATCH || ((first || last) && !gathered.is_empty()) {
                first = false;
                count += gathered.len() as u64;
                let task = next
                    .add_or_replace(&gathered, Some("id"))
                    .await
                    .map_err(|e| self.error(e))?;
                pending.push(self, admin, task).await?;
                gathered.clear();
            }
            if last {
                break;
            }
        }
        pending.finish(self, admin).await?;
        Ok(count)
    }

    /// Delete the live, meta and side indexes and the board's keys for them (tests).
    pub async fn drop_all(&self) -> Result<(), SearchError> {
        let mut query = meilisearch_sdk::indexes::IndexesQuery::new(&self.master);
        query.with_limit(1000);
        let all = self.master.list_all_indexes_with(&query).await?;
        let side = format!("{}_rebuild_", self.uid);
        let meta = format!("{}_meta", self.uid);
        for index in all.results {
            let uid = index.uid;
            if uid != self.uid && uid != meta && !uid.starts_with(&side) {
                continue;
            }
            if let Ok(task) = self.master.delete_index(&uid).await {
                let _ = self
                    .master
                    .wait_for_task(task, None, Some(TASK_TIMEOUT))
                    .await;
            }
        }
        keys::remove(&self.master, &self.uid).await
    }
}

fn client(url: &str, key: Option<String>) -> Result<Client<MeiliHttp>, SearchError> {
    let http = MeiliHttp::new(key.clone(), REQUEST_TIMEOUT).map_err(unavailable)?;
    Ok(Client::new_with_client(url, key, http))
}

fn unavailable(e: reqwest::Error) -> SearchError {
    SearchError::Unavailable(e.to_string())
}

impl SearchIndex for MeiliIndex {
    async fn prepare(&self) -> Result<Readiness, SearchError> {
        let admin = self.admin().await?;
        let created = self.ensure_index(&admin, &self.uid).await?;
        if !created && self.stored_fingerprint(&admin).await?.as_deref() == Some(&fingerprint()) {
            return Ok(Readiness::Ready);
        }
        // A new index gets the settings at once, so upserts before the rebuild are searchable.
        if created {
            let task = admin
                .index(&self.uid)
                .set_settings(&settings())
                .await
                .map_err(|e| self.error(e))?;
            self.wait(&admin, task).await?;
        }
        Ok(Readiness::NeedsRebuild)
    }

    async fn check(&self) -> Result<Readiness, SearchError> {
        let admin = self.admin().await?;
        let live = match admin.get_index(&self.uid).await {
            Ok(_) => true,
            Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::IndexNotFound => false,
            Err(e) => return Err(self.error(e)),
        };
        Ok(
            if live && self.stored_fingerprint(&admin).await?.as_deref() == Some(&fingerprint()) {
                Readiness::Ready
            } else {
                Readiness::NeedsRebuild
            },
        )
    }

    async fn upsert(&self, docs: Vec<SearchDocument>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let admin = self.admin().await?;
        self.add(&admin, &admin.index(&self.uid), &docs).await
    }

    async fn delete(&self, ids: Vec<i64>) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        let admin = self.admin().await?;
        let task = admin
            .index(&self.uid)
            .delete_documents(&ids)
            .await
            .map_err(|e| self.error(e))?;
        self.wait(&admin, task).await
    }

    async fn rebuild(&self, batches: crate::Batches) -> Result<u64, SearchError> {
        let admin = self.admin().await?;
        let next_uid = self.side_uid();
        let count = match self.fill_next(&admin, &next_uid, batches).await {
            Ok(count) => count,
            Err(e) => {
                // Best effort: a side index left behind costs only disk space.
                let _ = self.delete_index(&admin, &next_uid).await;
                return Err(e);
            }
        };
        self.ensure_index(&admin, &self.uid).await?;
        let swap = SwapIndexes {
            indexes: (self.uid.clone(), next_uid.clone()),
            rename: None,
        };
        admin
            .swap_indexes([&swap])
            .await
            .map_err(|e| self.error(e))?;
        // A key limited to the board's indexes cannot read the swap task (it names no index),
        // but tasks run in the order they were enqueued: once the deletion of the side index
        // enqueued next has run, so has the swap.
        self.delete_index(&admin, &next_uid).await?;
        let meta_uid = format!("{}_meta", self.uid);
        self.ensure_index(&admin, &meta_uid).await?;
        let meta = Meta {
            id: "live".into(),
            fingerprint: fingerprint(),
        };
        let task = admin
            .index(&meta_uid)
            .add_or_replace(&[meta], Some("id"))
            .await
            .map_err(|e| self.error(e))?;
        self.wait(&admin, task).await?;
        Ok(count)
    }

    async fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        q.validate()?;
        let http = self.scoped().await?.search.clone();
        let method = Method::Post {
            query: (),
            body: search::request(&self.uid, q),
        };
        let response = http
            .request::<(), Value, search::MultiResponse>(
                &format!("{}/multi-search", self.url),
                method,
                200,
            )
            .await
            .map_err(|e| self.error(e))?;
        search::results(q, response)
    }

    async fn matching(
        &self,
        queries: &[SearchQuery],
        limit: usize,
    ) -> Result<Vec<Vec<Match>>, SearchError> {
        for q in queries {
            q.validate()?;
        }
        let mut out = Vec::with_capacity(queries.len());
        if limit == 0 {
            out.resize(queries.len(), Vec::new());
            return Ok(out);
        }
        let http = self.scoped().await?.search.clone();
        let url = format!("{}/multi-search", self.url);
        // A few requests at once, so a server with several cores answers them side by side;
        // `buffered` keeps the answers in the order asked.
        let bodies: Vec<(usize, Value)> = queries
            .chunks(MATCH_QUERIES)
            .map(|chunk| {
                let body = search::matching_request(&self.uid, chunk, limit);
                (chunk.len(), body)
            })
            .collect();
        let (http, url) = (&http, &url);
        let answers: Vec<Vec<Vec<Match>>> = stream::iter(bodies)
            .map(|(asked, body)| async move {
                let method = Method::Post { query: (), body };
                let response = http
                    .request::<(), Value, search::MatchResponse>(url, method, 200)
                    .await
                    .map_err(|e| self.error(e))?;
                search::matches(asked, response)
            })
            .buffered(MATCH_REQUESTS)
            .try_collect()
            .await?;
        out.extend(answers.into_iter().flatten());
        Ok(out)
    }

    async fn count(&self) -> Result<u64, SearchError> {
        let admin = self.admin().await?;
        let index = admin.index(&self.uid);
        let mut query = DocumentsQuery::new(&index);
        query.with_limit(0);
        let page = index
            .get_documents_with::<Value>(&query)
            .await
            .map_err(|e| self.error(e))?;
        Ok(u64::from(page.total))
    }
}

/// Document tasks sent but not yet awaited while an index is filled: Meilisearch indexes the
/// batches already sent (and merges queued ones into one run) while the next batch is read from
/// the database. At most [`InFlight::MAX`] are queued; every one is awaited and must succeed.
#[derive(Default)]
pub(crate) struct InFlight(std::collections::VecDeque<TaskInfo>);

impl InFlight {
    const MAX: usize = 4;

    pub(crate) async fn push(
        &mut self,
        meili: &MeiliIndex,
        admin: &Client<MeiliHttp>,
        task: TaskInfo,
    ) -> Result<(), SearchError> {
        self.0.push_back(task);
        while self.0.len() > Self::MAX {
            if let Some(oldest) = self.0.pop_front() {
                meili.wait(admin, oldest).await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn finish(
        mut self,
        meili: &MeiliIndex,
        admin: &Client<MeiliHttp>,
    ) -> Result<(), SearchError> {
        while let Some(task) = self.0.pop_front() {
            meili.wait(admin, task).await?;
        }
        Ok(())
    }
}
