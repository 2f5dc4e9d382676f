use jobboard_search::SearchIndex;

use crate::engine::conformance;
use crate::fixtures::*;

conformance! {
    async fn an_upsert_replaces_the_document_and_is_idempotent(engine) {
        engine.load(postings()).await;
        let mut changed = Doc::new(4, "Straßenmeister (m/w/d)", MACHERN).0;
        changed.body = "Leitung der Kolonne".into();
        engine.index.upsert(vec![changed.clone()]).await.unwrap();
        engine.index.upsert(vec![changed]).await.unwrap();
        assert!(ids(&engine.index.search(&query("Straßenwärter")).await.unwrap()).is_empty());
        assert_eq!(ids(&engine.index.search(&query("Straßenmeister")).await.unwrap()), [4]);
        assert_eq!(engine.index.count().await.unwrap(), 12);
    }

    async fn a_delete_removes_the_document_and_deleting_twice_is_fine(engine) {
        engine.load(postings()).await;
        engine.index.delete(vec![4, 999]).await.unwrap();
        engine.index.delete(vec![4]).await.unwrap();
        assert!(ids(&engine.index.search(&query("Straßenwärter")).await.unwrap()).is_empty());
        assert_eq!(engine.index.count().await.unwrap(), 11);
    }

    async fn a_rebuild_replaces_everything_at_once_and_an_aborted_one_changes_nothing(engine) {
        engine.load(postings()).await;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tx.send(Ok(vec![Doc::new(30, "Gärtner (m/w/d)", NAUNHOF).0])).await.unwrap();
        tx.send(Err(jobboard_search::SearchError::Engine("database went away".into()))).await.unwrap();
        drop(tx);
        assert!(engine.index.rebuild(rx).await.is_err());
        assert_eq!(engine.index.count().await.unwrap(), 12, "old content kept");

        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tx.send(Ok(vec![Doc::new(30, "Gärtner (m/w/d)", NAUNHOF).0])).await.unwrap();
        tx.send(Ok(vec![Doc::new(31, "Friedhofsgärtner (m/w/d)", BRANDIS).0])).await.unwrap();
        drop(tx);
        assert_eq!(engine.index.rebuild(rx).await.unwrap(), 2);
        assert_eq!(engine.index.count().await.unwrap(), 2);
        assert_eq!(sorted(ids(&engine.index.search(&query("")).await.unwrap())), [30, 31]);
        assert_eq!(engine.index.prepare().await.unwrap(), jobboard_search::Readiness::Ready);
    }
}
