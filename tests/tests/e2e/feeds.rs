//! Outgoing feeds: what a feed reader sees, conditional requests, postings leaving the feeds.

use std::process::Command;

use chrono::{Duration, Utc};
use jobboard_domain::entities::posting;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PartnerDraft, PostingKind, mutations, queries};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, draft, e2e_tests};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::Value;

async fn member(app: &TestApp, slug: &str) -> i64 {
    municipalities::find_by_slug(&app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn publish(
    app: &TestApp,
    d: jobboard_domain::postings::PostingDraft,
    owner: &str,
) -> queries::Posting {
    let owner = member(app, owner).await;
    let p = mutations::create_posting(&app.db, owner, d, &Actor::user(1), Utc::now())
        .await
        .unwrap();
    // Published a moment ago: the indexer takes its clock before it claims outbox rows, so a
    // posting published in between would look not yet online to it (see the closing note).
    let at = Utc::now() - chrono::Duration::seconds(2);
    transition(
        &app.db,
        p.id,
        p.version,
        Request::Publish,
        &Actor::user(1),
        at,
    )
    .await
    .unwrap()
}

/// Run the Python reader (feedparser, or the JSON Feed schema) on a feed URL.
fn read_feed(app: &TestApp, path: &str, kind: &str) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/feeds/check_feed.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(format!("{}{path}", app.address))
        .arg(kind)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn item_id(p: &queries::Posting) -> String {
    format!("urn:x-partheland:stellenboerse:posting:{}", p.id)
}

e2e_tests! {
    async fn every_feed_format_is_read_without_complaint_and_carries_the_postings(app) {
        let brandis = member(&app, "brandis").await;
        let mut shared = draft("FD-1", "Ausbildung Verwaltungsfachangestellte <2027> & mehr", PostingKind::Apprenticeship);
        shared.partners = vec![PartnerDraft { municipality_id: brandis, note: None }];
        let a = publish(&app, shared, "borsdorf").await;
        mutations::set_partner_confirmation(&app.db, a.id, brandis, true, &Actor::user(2), Utc::now()).await.unwrap();
        let b = publish(&app, draft("FD-2", "Sachbearbeiter Bürgerbüro", PostingKind::Job), "naunhof").await;
        app.wait_for("/stellen/feed.rss", "Sachbearbeiter Bürgerbüro").await;
        app.wait_for("/stellen/feed.rss", "Im Verbund mit: Brandis").await;

        for (path, kind) in [("/stellen/feed.rss", "rss"), ("/stellen/feed.atom", "atom")] {
            let feed = read_feed(&app, path, kind);
            assert_eq!(feed["bozo"], 0, "{path}: {feed}");
            let ids: Vec<&str> = feed["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert!(ids.contains(&item_id(&a).as_str()) && ids.contains(&item_id(&b).as_str()), "{feed}");
            let titles = feed["titles"].to_string();
            assert!(titles.contains("Ausbildung Verwaltungsfachangestellte <2027> & mehr"), "{titles}");
            let links = feed["links"].to_string();
            assert!(links.contains(&format!("/stellen/{}", a.slug)), "{links}");
            let tags = feed["tags"].to_string();
            assert!(tags.contains("Brandis") || tags.contains("brandis"), "{tags}");
            assert!(feed["deadlines"].to_string().contains(&a.application_deadline.to_string()), "{feed}");
            assert!(feed["municipalities"].to_string().contains("naunhof"), "{feed}");
        }
        assert_eq!(read_feed(&app, "/stellen/feed.rss", "rss")["version"], "rss20");
        assert_eq!(read_feed(&app, "/stellen/feed.atom", "atom")["version"], "atom10");

        let json = read_feed(&app, "/stellen/feed.json", "json");
        assert_eq!(json["valid"], true, "{json}");
        assert!(json["content_type"].as_str().unwrap().starts_with("application/feed+json"));
        assert_eq!(json["ids"].as_array().unwrap().len(), 2);

        // Filters like the search page; the shared offer is listed under its partner too.
        let naunhof = read_feed(&app, "/stellen/feed.json?kommune=naunhof", "json");
        assert_eq!(naunhof["ids"], serde_json::json!([item_id(&b)]));
        let partner = read_feed(&app, "/stellen/feed.atom?kommune=brandis", "atom");
        assert_eq!(partner["ids"], serde_json::json!([item_id(&a)]));
        let training = read_feed(&app, "/ausbildung/feed.rss", "rss");
        assert_eq!(training["ids"], serde_json::json!([item_id(&a)]));
        let text = read_feed(&app, "/stellen/feed.rss?q=Sachbearbeiter", "rss");
        assert_eq!(text["ids"], serde_json::json!([item_id(&b)]));
        // A mistyped municipality is refused, not read as "all municipalities".
        for path in ["/stellen/feed.rss?kommune=naunof", "/ausbildung/feed.json?art=job"] {
            let r = app.get(path).await;
            assert_eq!(r.status(), 400, "{path}");
            assert!(r.text().await.unwrap().contains("Möglich sind"), "{path}");
        }

        let full: Value = app.get("/stellen/feed.json").await.json().await.unwrap();
        let item = full["items"].as_array().unwrap().iter().find(|i| i["id"] == item_id(&a)).unwrap();
        let ext = &item["_stellenboerse"];
        assert_eq!(ext["reference_number"], "FD-1");
        assert_eq!(ext["kind"], "apprenticeship");
        assert_eq!(ext["municipality"], "borsdorf");
        assert_eq!(ext["partners"], serde_json::json!(["brandis"]));
        assert_eq!(ext["description"], "Drei Jahre Ausbildung im **Rathaus**.");
        assert!(item["content_html"].as_str().unwrap().contains("<strong>Rathaus</strong>"));
        app.shutdown().await.unwrap();
    }

    async fn feeds_answer_conditional_requests_with_304(app) {
        publish(&app, draft("C-1", "Erzieher Kita Sonnenschein", PostingKind::Job), "borsdorf").await;
        app.wait_for("/stellen/feed.atom", "Erzieher Kita Sonnenschein").await;
        // The index has caught up once the outbox is empty: then Last-Modified is sent.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let first = loop {
            let r = app.get("/stellen/feed.atom").await;
            if r.headers().contains_key("last-modified") || std::time::Instant::now() > deadline {
                break r;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["cache-control"], "public, max-age=300");
        assert!(first.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let modified = first.headers()["last-modified"].to_str().unwrap().to_owned();
        let url = format!("{}/stellen/feed.atom", app.address);

        let r = app.client.get(&url).header("If-None-Match", &etag).send().await.unwrap();
        assert_eq!(r.status(), 304);
        assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
        assert!(r.bytes().await.unwrap().is_empty());
        let r = app.client.get(&url).header("If-Modified-Since", &modified).send().await.unwrap();
        assert_eq!(r.status(), 304);
        let r = app.client.get(&url).header("If-None-Match", "W/\"something-else\"").send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = app.client.get(&url).header("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT").send().await.unwrap();
        assert_eq!(r.status(), 200);

        // A new posting changes the feed: the old validators no longer match.
        // Last-Modified has a resolution of seconds, and postings here are published 2 s back.
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        publish(&app, draft("C-2", "Bauhofmitarbeiter", PostingKind::Job), "borsdorf").await;
        app.wait_for("/stellen/feed.atom", "Bauhofmitarbeiter").await;
        let r = app.client.get(&url).header("If-None-Match", &etag).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = app.client.get(&url).header("If-Modified-Since", &modified).send().await.unwrap();
        assert_eq!(r.status(), 200);
        app.shutdown().await.unwrap();
    }

    async fn expired_and_archived_postings_leave_the_feeds(app) {
        let stays = publish(&app, draft("E-1", "Kämmerer Stadtverwaltung", PostingKind::Job), "brandis").await;
        let expires = publish(&app, draft("E-2", "Schwimmmeister Freibad", PostingKind::Job), "brandis").await;
        let archived = publish(&app, draft("E-3", "Gärtner Friedhof", PostingKind::Job), "brandis").await;
        app.wait_for("/stellen/feed.rss", "Schwimmmeister Freibad").await;
        app.wait_for("/stellen/feed.rss", "Gärtner Friedhof").await;
        app.wait_for("/stellen/feed.rss", "Kämmerer Stadtverwaltung").await;

        // The deadline day is over (as if time had passed), and one posting is archived.
        posting::Entity::update_many()
            .col_expr(posting::Column::ExpiresAt, Expr::value(Utc::now() - Duration::minutes(1)))
            .filter(posting::Column::Id.eq(expires.id))
            .exec(&app.db)
            .await
            .unwrap();
        transition(&app.db, archived.id, archived.version, Request::Archive, &Actor::user(1), Utc::now()).await.unwrap();

        for (path, kind) in [("/stellen/feed.rss", "rss"), ("/stellen/feed.atom", "atom"), ("/stellen/feed.json", "json")] {
            let feed = read_feed(&app, path, kind);
            assert_eq!(feed["ids"], serde_json::json!([item_id(&stays)]), "{path}: {feed}");
        }
        app.shutdown().await.unwrap();
    }

    async fn control_characters_never_reach_a_feed(app) {
        // Through the domain: cleaned when saved.
        let mut d = draft("X-1", "Hausmeister\u{1} Grundschule\u{b}", PostingKind::Job);
        d.description = "Wir suchen\u{0} Verstärkung\u{1f}.".into();
        let saved = publish(&app, d, "naunhof").await;
        assert_eq!(saved.title, "Hausmeister Grundschule");
        // Stored before cleaning existed (written straight into the table): left out on output.
        let legacy = publish(&app, draft("X-2", "Klärwärter", PostingKind::Job), "naunhof").await;
        posting::Entity::update_many()
            .col_expr(posting::Column::Title, Expr::value("Klär\u{2}wärter\u{fffe}"))
            .filter(posting::Column::Id.eq(legacy.id))
            .exec(&app.db)
            .await
            .unwrap();
        app.wait_for("/stellen/feed.rss", "Hausmeister Grundschule").await;
        app.wait_for("/stellen/feed.rss", "Klärwärter").await;
        for (path, kind) in [("/stellen/feed.rss", "rss"), ("/stellen/feed.atom", "atom")] {
            let feed = read_feed(&app, path, kind);
            assert_eq!(feed["bozo"], 0, "{path}: {feed}");
            assert_eq!(feed["ids"].as_array().unwrap().len(), 2, "{path}: {feed}");
            assert!(feed["titles"].to_string().contains("Klärwärter"), "{feed}");
        }
        app.shutdown().await.unwrap();
    }

    async fn pages_announce_their_feeds(app) {
        let search = app.get("/stellen?kommune=brandis&art=job").await.text().await.unwrap();
        assert!(search.contains(r#"<link rel="alternate" type="application/rss+xml" title="Stellenangebote (RSS)" href="/stellen/feed.rss?kommune=brandis&#38;art=job">"#), "{search}");
        assert!(search.contains(r#"type="application/feed+json""#));
        let start = app.get("/").await.text().await.unwrap();
        assert!(start.contains(r#"<link rel="alternate" type="application/atom+xml" title="Alle Angebote (Atom)" href="/stellen/feed.atom">"#), "{start}");
        let page = app.get("/kommunen/naunhof").await.text().await.unwrap();
        assert!(page.contains(r#"href="/stellen/feed.rss?kommune=naunhof""#), "{page}");
        let training = app.get("/ausbildung").await.text().await.unwrap();
        assert!(training.contains(r#"href="/ausbildung/feed.json""#), "{training}");
        // A feed with a search that cannot be served is refused like the page.
        assert_eq!(app.get("/stellen/feed.rss?seite=0").await.status(), 400);
        app.shutdown().await.unwrap();
    }
}
