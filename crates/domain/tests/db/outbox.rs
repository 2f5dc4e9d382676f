use std::collections::HashSet;

use chrono::Duration;
use jobboard_domain::db_tests;
use jobboard_domain::outbox;

use crate::fixtures::*;

db_tests! {
    async fn concurrent_claimers_get_disjoint_rows_and_leases_expire(t) {
        let db = &t.db;
        let now = at("2026-11-21T10:00:00Z");
        let ids: Vec<i64> = (1..=100).collect();
        outbox::enqueue_many(db, &ids, now).await.unwrap();
        let lease = now + Duration::seconds(60);

        let claimers: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|w| {
                let db = db.clone();
                tokio::spawn(async move { outbox::claim(&db, w, 40, lease, now).await.unwrap() })
            })
            .collect();
        let mut seen = HashSet::new();
        let mut total = 0;
        for c in claimers {
            for claim in c.await.unwrap() {
                assert!(seen.insert(claim.id), "row {} claimed twice", claim.id);
                assert_eq!(claim.attempts, 1);
                total += 1;
            }
        }
        assert_eq!(total, 100);
        assert!(outbox::claim(db, "d", 10, lease, now).await.unwrap().is_empty(), "all leased");

        // Completing someone else's lease does nothing; the owner's completion sticks.
        let mine = outbox::claim(db, "e", 100, now + Duration::seconds(200), now + Duration::seconds(61)).await.unwrap();
        assert_eq!(mine.len(), 100, "expired leases are taken over");
        let row_ids: Vec<i64> = mine.iter().map(|c| c.id).collect();
        outbox::complete(db, &row_ids, "a", now).await.unwrap();
        assert_eq!(outbox::pending_count(db).await.unwrap(), 100);
        outbox::complete(db, &row_ids[..50], "e", now).await.unwrap();
        assert_eq!(outbox::pending_count(db).await.unwrap(), 50);

        // A failure gives rows back with a retry time.
        outbox::release(db, &row_ids[50..], "e", "engine down", now + Duration::seconds(300)).await.unwrap();
        assert!(outbox::claim(db, "f", 100, now + Duration::seconds(400), now + Duration::seconds(299)).await.unwrap().is_empty());
        let retried = outbox::claim(db, "f", 100, now + Duration::seconds(400), now + Duration::seconds(300)).await.unwrap();
        assert_eq!(retried.len(), 50);
        assert!(retried.iter().all(|c| c.attempts == 3));

        // Rows processed since a point in time can be replayed.
        let replayed = outbox::requeue_processed_since(db, now).await.unwrap();
        assert_eq!(replayed, 50);
        assert_eq!(outbox::pending_count(db).await.unwrap(), 100);
    }
}
