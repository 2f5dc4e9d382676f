//! The results page cache never serves a page that rendering afresh would not give.

use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::entities::posting;
use jobboard_domain::postings::{PostingDraft, PostingKind, mutations};
use jobboard_domain::{Actor, outbox};
use jobboard_e2e::{draft, e2e_tests};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

e2e_tests! {
    async fn a_cached_results_page_shows_an_edit_as_soon_as_the_index_has_it(app) {
        let p = app.publish(draft("C-1", "Gärtner Friedhof", PostingKind::Job), "naunhof").await;
        app.wait_for("/stellen?art=job", "Gärtner Friedhof").await;
        // Asked again: now from the cache.
        assert!(app.get("/stellen?art=job").await.text().await.unwrap().contains("Gärtner Friedhof"));

        let mut edit = PostingDraft::from_model(&p, vec![]);
        edit.title = "Gärtner Parkanlagen".into();
        mutations::update_posting(&app.db, p.id, p.version, edit, &Actor::user(1), Utc::now()).await.unwrap();
        let page = app.wait_for("/stellen?art=job", "Gärtner Parkanlagen").await;
        assert!(!page.contains("Gärtner Friedhof"), "{page}");
        // The same query written differently is the same page: parameter order aside, unknown
        // parameters and repeated values do not matter.
        let same = app.get("/stellen?art=job&art=job&foo=1").await.text().await.unwrap();
        assert!(same.contains("Gärtner Parkanlagen") && !same.contains("Gärtner Friedhof"));
        app.shutdown().await.unwrap();
    }

    async fn a_results_page_never_shows_a_posting_from_its_expiry_instant_on(app) {
        let p = app.publish(draft("C-2", "Schwimmmeister Freibad", PostingKind::Job), "naunhof").await;
        // Closing a few seconds from now (normally the end of the deadline day), indexed as such.
        let expires = Utc::now() + chrono::Duration::seconds(8);
        let mut row = posting::Entity::find_by_id(p.id).one(&app.db).await.unwrap().unwrap().into_active_model();
        row.expires_at = Set(expires);
        row.update(&app.db).await.unwrap();
        outbox::enqueue(&app.db, p.id, Utc::now()).await.unwrap();
        app.wait_for("/stellen?q=Schwimmmeister", "1 Angebot gefunden").await;

        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let asked = Utc::now();
            let page = app.get("/stellen?q=Schwimmmeister").await.text().await.unwrap();
            // The title is highlighted (<mark>), so the count tells whether it is listed.
            let shown = page.contains("1 Angebot gefunden");
            assert!(shown || page.contains("0 Angebote gefunden"), "{page}");
            assert!(!(shown && asked >= expires), "shown after it closed at {expires}: {page}");
            if !shown {
                assert!(asked + chrono::Duration::seconds(1) >= expires, "gone too early");
                break;
            }
            assert!(Instant::now() < deadline, "never left the results");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.shutdown().await.unwrap();
    }
}
