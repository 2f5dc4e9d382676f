use std::sync::atomic::{AtomicU32, Ordering};

use jobboard_search::embedded::EmbeddedIndex;
use jobboard_search::meili::MeiliIndex;
use jobboard_search::{AnyIndex, SearchDocument, SearchIndex};

pub struct Engine {
    pub index: AnyIndex,
    _dir: Option<tempfile::TempDir>,
}

impl Engine {
    pub async fn embedded() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let index = AnyIndex::Embedded(EmbeddedIndex::new(dir.path().join("search")));
        index.prepare().await.unwrap();
        Self {
            index,
            _dir: Some(dir),
        }
    }

    /// `None` unless `MEILI_URL` is set.
    pub async fn meili() -> Option<Self> {
        let url = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty())?;
        let key = std::env::var("MEILI_MASTER_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        static N: AtomicU32 = AtomicU32::new(0);
        let uid = format!(
            "jobboard_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..)
        );
        let index = AnyIndex::Meili(MeiliIndex::new(&url, key, &uid).unwrap());
        index.prepare().await.unwrap();
        Some(Self { index, _dir: None })
    }

    pub async fn load(&self, docs: Vec<SearchDocument>) {
        self.index.upsert(docs).await.unwrap();
    }

    pub async fn cleanup(self) {
        if let AnyIndex::Meili(m) = &self.index {
            m.drop_all().await.unwrap();
        }
    }
}

/// `conformance! { async fn name(engine) { … } }`: the body runs on every configured backend.
macro_rules! conformance {
    ($(async fn $name:ident($engine:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_embedded() {
                let $engine = $crate::engine::Engine::embedded().await;
                $body
                $engine.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_meilisearch() {
                let Some($engine) = $crate::engine::Engine::meili().await else {
                    eprintln!("MEILI_URL not set: Meilisearch variant skipped");
                    return;
                };
                $body
                $engine.cleanup().await;
            }
        }
    )*};
}
pub(crate) use conformance;
