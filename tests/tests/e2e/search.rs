//! Search end to end on each engine: the embedded one always, Meilisearch (the production path)
//! when `MEILI_URL` (and `MEILI_MASTER_KEY`) name a server — with an index of its own per test,
//! deleted afterwards. Without `MEILI_URL` the Meilisearch variants say that they are skipped.

use chrono::Utc;
use jobboard_domain::Actor;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingKind, queries};
use jobboard_e2e::{TestApp, draft};

/// The configuration for a Meilisearch variant, `None` without `MEILI_URL`.
fn meili_env() -> Option<Vec<(&'static str, String)>> {
    let url = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty())?;
    let index = format!("jobboard_e2e_{}_{}", std::process::id(), fastrand::u32(..));
    let mut env = vec![("MEILI_URL", url), ("JOBBOARD_MEILI_INDEX", index)];
    if let Ok(key) = std::env::var("MEILI_MASTER_KEY") {
        env.push(("MEILI_MASTER_KEY", key));
    }
    Some(env)
}

/// Delete the test's Meilisearch index and keys.
async fn drop_meili(env: &[(&'static str, String)]) {
    let get = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let index = jobboard_search::meili::MeiliIndex::new(
        &get("MEILI_URL").unwrap(),
        get("MEILI_MASTER_KEY"),
        &get("JOBBOARD_MEILI_INDEX").unwrap(),
    )
    .unwrap();
    index.drop_all().await.unwrap();
}

/// `search_tests! { async fn name(app) { … } }`: on the embedded engine, and on Meilisearch
/// when `MEILI_URL` is set (on PostgreSQL unless switched off, as in production).
macro_rules! search_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_embedded() {
                let $app = jobboard_e2e::spawn_app(jobboard_e2e::Database::sqlite().await).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_meilisearch() {
                let Some(env) = meili_env() else {
                    eprintln!("MEILI_URL not set: Meilisearch variant skipped");
                    return;
                };
                let database = match jobboard_e2e::Database::postgres().await {
                    Some(db) => db,
                    None => jobboard_e2e::Database::sqlite().await,
                };
                let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let $app = jobboard_e2e::spawn_app_with(database, &pairs).await;
                $body
                drop_meili(&env).await;
            }
        }
    )*};
}

async fn publish(app: &TestApp, title: &str, kind: PostingKind, text: &str) -> queries::Posting {
    let mut d = draft(&format!("S-{}", title.len()), title, kind);
    text.clone_into(&mut d.description);
    app.publish(d, "borsdorf").await
}

/// GET `path` until it answers `status`.
async fn wait_status(app: &TestApp, path: &str, status: u16) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let response = app.get(path).await;
        let code = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        if code == status {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{path} stayed {code}: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

search_tests! {
    async fn readiness_follows_the_index_and_health_names_the_search_state(app) {
        let ready = wait_status(&app, "/readyz", 200).await;
        assert_eq!(ready["search"], "ready", "{ready}");
        let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
        assert_eq!(health["search"], "ready", "{health}");
        assert!(["embedded", "meilisearch"].contains(&health["search_engine"].as_str().unwrap()), "{health}");
        app.shutdown().await.unwrap();
    }

    async fn edits_reach_the_results_page_with_typos_synonyms_and_highlights(app) {
        let p = publish(&app, "Ausbildung Verwaltungsfachangestellte 2027", PostingKind::Apprenticeship, "Drei Jahre im Rathaus.").await;
        publish(&app, "Straßenwärter Bauhof (m/w/d)", PostingKind::Job, "Winterdienst und Grünpflege.").await;
        app.wait_for("/stellen", "Straßenwärter Bauhof").await;
        // The posting's link: its title may be shown highlighted, word by word.
        let link = "href=\"/stellen/ausbildung-verwaltungsfachangestellte-2027";
        let page = app.wait_for("/stellen?q=Verwaltungsfachangestelte", link).await;
        assert!(page.contains("<mark>Verwaltungsfachangestellte</mark>") || !page.contains("<mark>"), "a mark covers the whole word: {page}");
        assert!(page.contains("1 Angebot gefunden"), "a typo is tolerated: {page}");
        let page = app.wait_for("/stellen?q=Azubi", link).await;
        assert!(page.contains("1 Angebot gefunden"), "Azubi ↔ Ausbildung: {page}");
        let page = app.wait_for("/stellen?q=Stra%C3%9Fenw%C3%A4rter", "Bauhof").await;
        assert!(page.contains("<mark>Straßenwärter</mark>"), "{page}");

        let current = queries::find_by_id(&app.db, p.id).await.unwrap().unwrap();
        transition(&app.db, p.id, current.version, Request::Unpublish, &Actor::user(1), Utc::now()).await.unwrap();
        app.wait_for("/stellen?q=Azubi", "0 Angebote gefunden").await;
        app.shutdown().await.unwrap();
    }

    async fn search_alerts_match_new_postings_as_the_results_page_finds_them(app) {
        use jobboard_domain::alerts::mutations::{self, Requested};
        use jobboard_domain::alerts::{AlertDraft, AlertScope, Frequency};
        use jobboard_domain::entities::search_alert;
        use sea_orm::{EntityTrait, QueryOrder};
        let confirmed = Utc::now() - chrono::Duration::hours(1);
        let searches = [
            (AlertScope::Jobs, "q=Erziher"),
            (AlertScope::Jobs, "kommune=brandis"),
            (AlertScope::Jobs, "q=Bauhof&umfang=full_time"),
            (AlertScope::Jobs, "ort=naunhof&umkreis=5"),
            (AlertScope::Jobs, ""),
            (AlertScope::Training, ""),
            (AlertScope::Jobs, "q=Hausmeister"),
        ];
        for (i, (scope, query)) in searches.iter().enumerate() {
            let draft = AlertDraft { email: format!("p{i}@example.de"), scope: *scope, query: (*query).into(), frequency: Frequency::Daily, consent: true };
            let Requested::Created { alert, .. } = mutations::request(&app.db, &draft, confirmed).await.unwrap() else { panic!() };
            mutations::confirm(&app.db, alert.id, confirmed).await.unwrap();
        }
        let erzieher = publish(&app, "Erzieher Kita Sonnenschein (m/w/d)", PostingKind::Job, "Vollzeit in Borsdorf.").await;
        let mut d = draft("S-B", "Bauhofmitarbeiter (m/w/d)", PostingKind::Job);
        d.employment = jobboard_domain::postings::Employment::FullTime;
        let bauhof = app.publish(d, "brandis").await;
        let azubi = app.publish(draft("S-A", "Ausbildung Verwaltungsfachangestellte", PostingKind::Apprenticeship), "naunhof").await;
        app.wait_for("/stellen", "Bauhofmitarbeiter").await;
        app.wait_for("/stellen", "Ausbildung Verwaltungsfachangestellte").await;
        app.wait_for("/stellen", "Erzieher Kita Sonnenschein").await;

        let members = jobboard_domain::municipalities::list(&app.db).await.unwrap();
        let alerts = search_alert::Entity::find().order_by_asc(search_alert::Column::Id).all(&app.db).await.unwrap();
        let now = Utc::now();
        let mut matcher = jobboard_web::alerts::matcher::RunMatcher::new(app.index.as_ref(), &members, now);
        let computed = jobboard_server::alerts::compute(&app.db, &mut matcher, &alerts).await.unwrap();
        let sorted = |mut v: Vec<i64>| { v.sort_unstable(); v };
        let found: Vec<Vec<i64>> = computed.per_alert.iter().map(|ids| sorted(ids.clone())).collect();
        assert_eq!(found, [
            vec![erzieher.id],
            vec![bauhof.id],
            vec![bauhof.id],
            sorted(vec![azubi.id]),
            sorted(vec![erzieher.id, bauhof.id, azubi.id]),
            vec![azubi.id],
            vec![],
        ], "typo, municipality, text and working time, radius around Naunhof, everything, training only, nothing");
        assert_eq!(computed.searches, 7);
        // A later batch of the run with the same searches is answered from what the run kept.
        let again = jobboard_server::alerts::compute(&app.db, &mut matcher, &alerts).await.unwrap();
        assert_eq!((again.searches, &again.per_alert), (0, &computed.per_alert));
        // One that needs a wider window asks the index again.
        let mut wider = alerts[0].clone();
        wider.window_start -= chrono::Duration::days(2);
        let asked = jobboard_server::alerts::compute(&app.db, &mut matcher, &[wider]).await.unwrap();
        assert_eq!((asked.searches, &asked.per_alert[0]), (1, &computed.per_alert[0]));
        // Newest first, and what a mail shows is the posting as stored.
        let all = &computed.per_alert[4];
        assert_eq!(all[0], azubi.id, "{all:?}");
        assert_eq!(matcher.posting(bauhof.id).unwrap().title, "Bauhofmitarbeiter (m/w/d)");
        assert_eq!(matcher.posting(bauhof.id).unwrap().municipality_ids[0], bauhof.municipality_id);

        // A posting unpublished after the index answered is not listed (checked in the database).
        let current = queries::find_by_id(&app.db, erzieher.id).await.unwrap().unwrap();
        transition(&app.db, erzieher.id, current.version, Request::Unpublish, &Actor::user(1), Utc::now()).await.unwrap();
        let mut matcher = jobboard_web::alerts::matcher::RunMatcher::new(app.index.as_ref(), &members, Utc::now());
        let computed = jobboard_server::alerts::compute(&app.db, &mut matcher, &alerts[..1]).await.unwrap();
        assert!(computed.per_alert[0].is_empty(), "{:?}", computed.per_alert);
        app.shutdown().await.unwrap();
    }

    async fn a_paragraph_typed_with_line_breaks_gives_a_snippet_from_its_sentence(app) {
        let text = "Wir bieten ein gutes Team.\n\nZu den Aufgaben gehört der\nWinterdienst auf Gehwegen und Plätzen.";
        publish(&app, "Mitarbeiter Bauhof (m/w/d)", PostingKind::Job, text).await;
        let page = app.wait_for("/stellen?q=Winterdienst", "Mitarbeiter Bauhof").await;
        assert!(page.contains("gehört der <mark>Winterdienst</mark>"), "the sentence, not the wrapped line: {page}");
        assert!(!page.contains("Team. Zu den"), "paragraphs stay apart: {page}");
        app.shutdown().await.unwrap();
    }
}

/// With the search engine unreachable (a Meilisearch address where nothing listens), the
/// results page says so, but a posting's own page — read from the database — still answers:
/// visitors from a feed, the BA or a member's website read the posting, only without the
/// "related postings" block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posting_page_answers_while_the_engine_is_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{closed}");
    let env = [("MEILI_URL", url.as_str()), ("MEILI_MASTER_KEY", "k")];
    let app = jobboard_e2e::spawn_app_with(jobboard_e2e::Database::sqlite().await, &env).await;
    let p = publish(
        &app,
        "Gärtner Friedhof (m/w/d)",
        PostingKind::Job,
        "Grünpflege.",
    )
    .await;
    let results = app.get("/stellen?q=G%C3%A4rtner").await;
    assert_eq!(results.status(), 503);
    assert!(
        results
            .text()
            .await
            .unwrap()
            .contains("Die Suche ist gerade nicht erreichbar")
    );
    let page = app.get(&format!("/stellen/{}", p.slug)).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    assert!(body.contains("Gärtner Friedhof (m/w/d)"), "{body}");
    assert!(body.contains("Grünpflege."), "{body}");
    app.shutdown().await.unwrap();
}
