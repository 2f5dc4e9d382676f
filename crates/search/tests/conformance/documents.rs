use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
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

    async fn a_hit_carries_everything_its_result_card_shows(engine) {
        engine.load(postings()).await;
        for text in ["", "Verwaltungsfachangestellte"] {
            let r = engine.index.search(&query(text)).await.unwrap();
            let hit = r.hits.iter().find(|h| h.id == 2).unwrap();
            let doc = postings().into_iter().find(|d| d.id == 2).unwrap();
            assert_eq!(hit.slug, "posting-2");
            assert_eq!(hit.municipality_ids, [BORSDORF.0, BRANDIS.0, NAUNHOF.0], "owner first");
            assert_eq!(hit.kind, PostingKind::Apprenticeship);
            assert_eq!(hit.category, Category::Verwaltung);
            assert_eq!(hit.employment, Employment::FullTime);
            assert_eq!(hit.contract, Contract::FixedTerm);
            assert_eq!(hit.pay_scheme, PayScheme::Tvaoed);
            assert_eq!((hit.pay_monthly_min_eur, hit.pay_monthly_max_eur), (Some(1340), Some(1490)));
            assert_eq!((hit.pay_grade_from.as_deref(), hit.weekly_hours), (None, None));
            assert_eq!(hit.deadline, deadline(45));
            assert_eq!((hit.expires_ts, hit.published_ts), (doc.expires_ts, doc.published_ts));
        }
        let r = engine.index.search(&query("Bürgerbüro")).await.unwrap();
        let hit = &r.hits[0];
        assert_eq!((hit.id, hit.employment, hit.weekly_hours), (3, Employment::PartTime, Some(30.5)));
        assert_eq!((hit.pay_grade_from.as_deref(), hit.pay_grade_to.as_deref()), (Some("6"), Some("8")));
        assert_eq!(hit.municipality_ids, [GROSSPOESNA.0]);
        assert_eq!((hit.pay_monthly_min_eur, hit.pay_monthly_max_eur), (None, None));
    }

    async fn an_upsert_changes_what_the_card_shows(engine) {
        engine.load(postings()).await;
        let changed = Doc::new(3, "Sachbearbeiter Bürgerbüro (m/w/d)", GROSSPOESNA)
            .partners(&[MACHERN])
            .hours(20.0)
            .pay(PayScheme::TvoedVkaEg, "7", "7")
            .deadline_in_days(5)
            .0;
        engine.index.upsert(vec![changed.clone()]).await.unwrap();
        let r = engine.index.search(&query("Bürgerbüro")).await.unwrap();
        let hit = &r.hits[0];
        assert_eq!(hit.municipality_ids, [GROSSPOESNA.0, MACHERN.0]);
        assert_eq!((hit.employment, hit.weekly_hours), (Employment::FullTime, Some(20.0)));
        assert_eq!((hit.pay_grade_from.as_deref(), hit.pay_grade_to.as_deref()), (Some("7"), Some("7")));
        assert_eq!((hit.deadline, hit.expires_ts), (deadline(5), changed.expires_ts));
    }

    async fn the_embedded_engine_names_the_state_its_answers_depend_on(engine) {
        engine.load(postings()).await;
        let jobboard_search::AnyIndex::Embedded(_) = &engine.index else {
            assert_eq!(engine.index.snapshot(now()), None, "others may write to Meilisearch unseen");
            return;
        };
        let first = engine.index.snapshot(now()).unwrap();
        // The next change: posting 12 goes online in a day.
        assert_eq!(first.valid_until, (now() + chrono::Duration::days(1)).timestamp());
        assert_eq!(engine.index.snapshot(now()), Some(first));
        // From then on, the next one: the deadline day of posting 3 ends.
        let later = engine.index.snapshot(now() + chrono::Duration::days(1)).unwrap();
        assert_eq!(later.generation, first.generation);
        assert_eq!(later.valid_until, jobboard_domain::berlin::end_of_day(deadline(10)).timestamp());

        engine.index.upsert(vec![Doc::new(40, "Koch (m/w/d)", BORSDORF).0]).await.unwrap();
        let upserted = engine.index.snapshot(now()).unwrap();
        assert_ne!(upserted.generation, first.generation, "a write starts a new generation");
        engine.index.delete(vec![40]).await.unwrap();
        assert_ne!(engine.index.snapshot(now()).unwrap().generation, upserted.generation);
    }
}
