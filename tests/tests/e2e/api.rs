//! The read API, its problem+json errors and the OpenAPI document.

use chrono::Utc;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingKind, mutations, queries};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, draft, e2e_tests};
use serde_json::Value;

async fn publish(
    app: &TestApp,
    d: jobboard_domain::postings::PostingDraft,
    owner: &str,
) -> queries::Posting {
    let owner = municipalities::find_by_slug(&app.db, owner)
        .await
        .unwrap()
        .unwrap()
        .id;
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

async fn json(app: &TestApp, path: &str, status: u16) -> Value {
    let r = app.get(path).await;
    assert_eq!(r.status(), status, "{path}");
    let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    let body: Value = r.json().await.unwrap();
    if status >= 400 {
        assert_eq!(ct, "application/problem+json", "{path}");
        assert_eq!(body["status"], status, "{body}");
        assert!(
            body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
    } else {
        assert!(ct.starts_with("application/json"), "{ct}");
    }
    body
}

e2e_tests! {
    async fn the_read_api_searches_with_filters_facets_and_pages(app) {
        publish(&app, draft("R-1", "Ausbildung Verwaltungsfachangestellte", PostingKind::Apprenticeship), "borsdorf").await;
        publish(&app, draft("R-2", "Sachbearbeiter Bürgerbüro", PostingKind::Job), "naunhof").await;
        publish(&app, draft("R-3", "Duales Studium Public Management", PostingKind::DualStudy), "naunhof").await;
        app.wait_for("/api/v1/postings", "\"total\":3").await;

        let page = json(&app, "/api/v1/postings?kommune=naunhof&art=job", 200).await;
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["reference_number"], "R-2");
        assert_eq!(page["items"][0]["municipality"], "naunhof");
        assert_eq!(page["items"][0]["kind"], "job");
        let kinds = page["facets"].as_array().unwrap().iter().find(|f| f["parameter"] == "art").unwrap();
        // Kind counts ignore the kind filter: Naunhof has a job and a dual study offer.
        assert_eq!(kinds["values"].as_array().unwrap().len(), 2, "{kinds}");
        let places = page["facets"].as_array().unwrap().iter().find(|f| f["parameter"] == "kommune").unwrap();
        assert_eq!(places["values"][0]["value"], "naunhof", "{places}");

        let second = json(&app, "/api/v1/postings?pro_seite=1&seite=2&sortierung=neueste", 200).await;
        assert_eq!((second["total"].as_u64(), second["pages"].as_u64(), second["per_page"].as_u64()), (Some(3), Some(3), Some(1)));
        assert_eq!(second["items"].as_array().unwrap().len(), 1);
        let first = json(&app, "/api/v1/postings?pro_seite=1&seite=1&sortierung=neueste", 200).await;
        assert_ne!(second["items"][0]["id"], first["items"][0]["id"], "pages do not overlap");

        let bad = json(&app, "/api/v1/postings?seite=0", 400).await;
        assert!(bad["detail"].as_str().unwrap().contains("Seitenzahl"), "{bad}");
        json(&app, "/api/v1/postings?pro_seite=500", 400).await;
        // Beyond the 10,000-hit window at 100 a page: a German answer naming the limit.
        let far = json(&app, "/api/v1/postings?pro_seite=100&seite=101", 400).await;
        assert!(far["detail"].as_str().unwrap().contains("höchstens 100 Seiten"), "{far}");
        json(&app, "/api/v1/postings?pro_seite=100&seite=100", 200).await;
        // A value that names nothing is refused, never read as "no filter": a website asking for
        // its own postings with a typo would otherwise show everybody's.
        for (path, named) in [
            ("/api/v1/postings?kommune=naunof", "naunof"),
            ("/api/v1/postings?kommune=naunhof&art=stelle", "stelle"),
            ("/api/v1/postings?sortierung=zufall", "zufall"),
            ("/api/v1/postings?umkreis=7&ort=naunhof", "7"),
        ] {
            let bad = json(&app, path, 400).await;
            let detail = bad["detail"].as_str().unwrap();
            assert!(detail.contains(&format!("„{named}“")) && detail.contains("Möglich sind"), "{path}: {detail}");
        }
        let bad = json(&app, "/api/v1/postings?kommune=naunof", 400).await;
        assert!(bad["detail"].as_str().unwrap().contains("naunhof, "), "lists the municipalities: {bad}");
        app.shutdown().await.unwrap();
    }

    async fn one_posting_by_id_or_slug_and_drafts_stay_private(app) {
        let p = publish(&app, draft("D-1", "Hausmeister Grundschule", PostingKind::Job), "machern").await;
        let owner = municipalities::find_by_slug(&app.db, "machern").await.unwrap().unwrap().id;
        let hidden = mutations::create_posting(&app.db, owner, draft("D-2", "Entwurf", PostingKind::Job), &Actor::user(1), Utc::now()).await.unwrap();

        let by_id = json(&app, &format!("/api/v1/postings/{}", p.id), 200).await;
        assert_eq!(by_id["title"], "Hausmeister Grundschule");
        assert_eq!(by_id["slug"], p.slug);
        assert!(by_id["url"].as_str().unwrap().ends_with(&format!("/stellen/{}?quelle=api", p.slug)), "{by_id}");
        assert_eq!(by_id["application_deadline"], p.application_deadline.to_string());
        assert_eq!(by_id["pay_monthly_min_eur"], 1340);
        let by_slug = json(&app, &format!("/api/v1/postings/by-slug/{}", p.slug), 200).await;
        assert_eq!(by_slug, by_id);

        json(&app, &format!("/api/v1/postings/{}", hidden.id), 404).await;
        json(&app, &format!("/api/v1/postings/by-slug/{}", hidden.slug), 404).await;
        json(&app, "/api/v1/postings/abc", 404).await;
        json(&app, "/api/v1/nirgendwo", 404).await;
        json(&app, "/api/v2/postings", 404).await;
        let r = app.client.post(format!("{}/api/v1/postings", app.address)).send().await.unwrap();
        assert_eq!(r.status(), 405);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        app.shutdown().await.unwrap();
    }

    async fn municipalities_are_listed_and_found_by_slug(app) {
        let list = json(&app, "/api/v1/municipalities", 200).await;
        let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs.len(), 7, "{slugs:?}");
        assert!(slugs.contains(&"grosspoesna"), "{slugs:?}");
        let one = json(&app, "/api/v1/municipalities/borsdorf", 200).await;
        assert_eq!(one["name"], "Borsdorf");
        assert!(one["feed_url"].as_str().unwrap().ends_with("/stellen/feed.rss?kommune=borsdorf"), "{one}");
        json(&app, "/api/v1/municipalities/leipzig", 404).await;
        app.shutdown().await.unwrap();
    }

    async fn the_openapi_document_is_3_1_and_lists_every_route(app) {
        let doc = json(&app, "/api/openapi.json", 200).await;
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        let paths = doc["paths"].as_object().unwrap();
        for (path, method) in [
            ("/api/v1/postings", "get"),
            ("/api/v1/postings/{id}", "get"),
            ("/api/v1/postings/by-slug/{slug}", "get"),
            ("/api/v1/municipalities", "get"),
            ("/api/v1/municipalities/{slug}", "get"),
            ("/api/v1/municipalities/{slug}/postings/{external_id}", "put"),
            ("/api/v1/municipalities/{slug}/postings/{external_id}", "delete"),
            ("/api/v1/courses", "get"),
            ("/api/v1/courses/{slug}", "get"),
        ] {
            assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
        }
        assert_eq!(paths.len(), 8, "no undocumented extras: {:?}", paths.keys().collect::<Vec<_>>());
        for schema in ["Problem", "ApiPosting", "PostingPage", "PushPosting", "PushResult", "ApiMunicipality", "ApiCourse", "ApiSession"] {
            assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema}");
        }
        assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
        // A standard validator reads it as a valid OpenAPI 3.1 document.
        let check = std::process::Command::new("python3")
            .args(["-c", "import json, sys, urllib.request\nfrom openapi_spec_validator import validate\nvalidate(json.load(urllib.request.urlopen(sys.argv[1], timeout=30)))"])
            .arg(format!("{}/api/openapi.json", app.address))
            .output()
            .expect("python3 runs");
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

        // Browsers on the municipalities' websites may read the API.
        let r = app.client.get(format!("{}/api/v1/municipalities", app.address))
            .header("Origin", "https://www.borsdorf.de").send().await.unwrap();
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        app.shutdown().await.unwrap();
    }
}
