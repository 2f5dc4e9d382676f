//! Meilisearch without the board in between, for `jobboard bench search`: the same query bodies
//! sent straight to the server, and the same documents indexed in batches without the database.

use std::time::{Duration, Instant};

use meilisearch_sdk::request::{HttpClient, Method};
use serde_json::Value;

use super::MeiliIndex;
use super::doc::MeiliDoc;
use super::settings::settings;
use crate::{SearchDocument, SearchError, SearchQuery};

impl MeiliIndex {
    /// Send the multi-search the board sends for `q`, without turning the answer into hits.
    pub async fn search_directly(&self, q: &SearchQuery) -> Result<(), SearchError> {
        let http = self.scoped().await?.search.clone();
        let method = Method::Post {
            query: (),
            body: super::search::request(&self.uid, q),
        };
        http.request::<(), Value, serde_json::value::Value>(
            &format!("{}/multi-search", self.url),
            method,
            200,
        )
        .await
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Index `docs` into an empty side index (deleted afterwards) in the
    /// board's batches, as many in flight as the board keeps, with the documents already converted: the time Meilisearch needs.
    pub async fn index_directly(&self, docs: &[SearchDocument]) -> Result<Duration, SearchError> {
        let admin = self.admin().await?;
        let side_uid = self.side_uid();
        self.delete_index(&admin, &side_uid).await?;
        self.ensure_index(&admin, &side_uid).await?;
        let side = admin.index(&side_uid);
        let task = side
            .set_settings(&settings())
            .await
            .map_err(|e| self.error(e))?;
        self.wait(&admin, task).await?;
        let converted: Vec<MeiliDoc> = docs.iter().map(MeiliDoc::from).collect();
        let started = Instant::now();
        let mut pending = super::InFlight::default();
        for chunk in converted.chunks(super::BATCH) {
            let task = side
                .add_or_replace(chunk, Some("id"))
                .await
                .map_err(|e| self.error(e))?;
            pending.push(self, &admin, task).await?;
        }
        pending.finish(self, &admin).await?;
        let took = started.elapsed();
        self.delete_index(&admin, &side_uid).await?;
        Ok(took)
    }
}
