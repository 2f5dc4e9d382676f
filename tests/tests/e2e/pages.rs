use chrono::Utc;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PartnerDraft, PostingKind, mutations};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, draft, e2e_tests};

async fn member(app: &TestApp, slug: &str) -> i64 {
    municipalities::find_by_slug(&app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

e2e_tests! {
    async fn health_check_reports_the_database(app) {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert!(["sqlite", "postgres"].contains(&body["database"].as_str().unwrap()), "{body}");
        app.shutdown().await.unwrap();
    }

    async fn a_published_posting_becomes_searchable_and_drafts_never_do(app) {
        let mut shared = draft("A-1", "Ausbildung Verwaltungsfachangestellte 2027", PostingKind::Apprenticeship);
        let brandis = member(&app, "brandis").await;
        shared.partners = vec![PartnerDraft { municipality_id: brandis, note: Some("Stationen: Bauamt, Kämmerei".into()) }];
        let p = app.publish(shared, "borsdorf").await;
        mutations::set_partner_confirmation(&app.db, p.id, brandis, true, &Actor::user(2), Utc::now()).await.unwrap();
        let owner = member(&app, "borsdorf").await;
        mutations::create_posting(&app.db, owner, draft("A-2", "Entwurf Straßenwärter", PostingKind::Job), &Actor::user(1), Utc::now()).await.unwrap();

        let start = app.wait_for("/", "Ausbildung Verwaltungsfachangestellte 2027").await;
        assert!(start.contains("<html lang=\"de\">"));
        assert!(!start.contains("Straßenwärter"), "drafts stay private");

        let results = app.wait_for("/stellen?q=Verwaltung", "im Verbund mit Brandis").await;
        assert!(results.contains("<mark>"), "highlighted: {results}");
        assert!(results.contains("1 Angebot gefunden"));
        assert!(results.contains("1.340 bis 1.490 € im Monat (TVAöD)"), "{results}");
        assert!(results.contains("(noch 20 Tage)") || results.contains("(noch 19 Tage)"), "{results}");

        // The shared offer is listed under its partner and on the partner's page, once the
        // partner's confirmation has reached the index.
        app.wait_for("/stellen?kommune=brandis", "Ausbildung Verwaltungsfachangestellte 2027").await;
        app.wait_for("/kommunen/brandis", "Ausbildung Verwaltungsfachangestellte 2027").await;
        assert!(app.get("/stellen?q=Stra%C3%9Fenw%C3%A4rter").await.text().await.unwrap().contains("0 Angebote gefunden"));
        app.shutdown().await.unwrap();
    }

    async fn filters_show_counts_and_can_be_removed_one_by_one(app) {
        app.publish(draft("F-1", "Ausbildung Verwaltungsfachangestellte", PostingKind::Apprenticeship), "borsdorf").await;
        app.publish(draft("F-2", "Sachbearbeiter Bürgerbüro", PostingKind::Job), "naunhof").await;
        app.publish(draft("F-3", "Duales Studium Public Management", PostingKind::DualStudy), "naunhof").await;
        app.wait_for("/stellen", "3 Angebote gefunden").await;

        let page = app.get("/stellen?art=job&kommune=naunhof").await.text().await.unwrap();
        assert!(page.contains("1 Angebot gefunden"), "{page}");
        // Kind counts ignore the kind filter (Naunhof has a job and a dual study offer).
        assert!(page.contains("Stelle <span class=\"count\">(1)</span>"), "{page}");
        assert!(page.contains("Duales Studium <span class=\"count\">(1)</span>"), "{page}");
        assert!(page.contains("Art: Stelle"));
        assert!(page.contains("href=\"/stellen?kommune=naunhof\""), "removing the kind keeps the municipality: {page}");
        assert!(page.contains("href=\"/stellen?art=job\""), "removing the municipality keeps the kind");

        let training = app.get("/ausbildung").await.text().await.unwrap();
        assert!(training.contains("2 Angebote gefunden"), "{training}");
        assert!(!training.contains("Sachbearbeiter Bürgerbüro"));
        app.shutdown().await.unwrap();
    }

    async fn the_detail_page_carries_every_field_and_job_posting_data(app) {
        let p = app.publish(draft("D-1", "Ausbildung Verwaltungsfachangestellte", PostingKind::Apprenticeship), "borsdorf").await;
        let response = app.get(&format!("/stellen/{}", p.slug)).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        for needle in ["Kennziffer", "D-1", "04451 Borsdorf", "ab sofort", "Frau Richter", "034291 20-110", "<strong>Rathaus</strong>", "mailto:ausbildung@borsdorf.de", "rel=\"canonical\""] {
            assert!(html.contains(needle), "{needle} missing");
        }
        let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
        let end = start + html[start..].find("</script>").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(ld["@type"], "JobPosting");
        assert_eq!(ld["identifier"]["value"], "D-1");
        assert_eq!(ld["hiringOrganization"]["name"], "Borsdorf");
        assert_eq!(ld["jobLocation"]["address"]["postalCode"], "04451");
        assert_eq!(ld["baseSalary"]["value"]["minValue"], 1340);
        assert_eq!(ld["baseSalary"]["value"]["unitText"], "MONTH");
        assert!(ld["validThrough"].as_str().unwrap().contains("T23:59:59+0"), "{}", ld["validThrough"]);
        assert!(ld["employmentType"].as_array().unwrap().contains(&serde_json::json!("TEMPORARY")));
        app.shutdown().await.unwrap();
    }

    async fn closed_postings_answer_410_and_unpublished_ones_404(app) {
        let p = app.publish(draft("G-1", "Gärtner Friedhof", PostingKind::Job), "machern").await;
        transition(&app.db, p.id, p.version, Request::Archive, &Actor::user(1), Utc::now()).await.unwrap();
        let response = app.get(&format!("/stellen/{}", p.slug)).await;
        assert_eq!(response.status(), 410);
        let html = response.text().await.unwrap();
        assert!(html.contains("Diese Ausschreibung ist beendet") && html.contains("Gärtner Friedhof"));

        let owner = member(&app, "machern").await;
        let d = mutations::create_posting(&app.db, owner, draft("G-2", "Entwurf", PostingKind::Job), &Actor::user(1), Utc::now()).await.unwrap();
        assert_eq!(app.get(&format!("/stellen/{}", d.slug)).await.status(), 404);
        assert_eq!(app.get("/stellen/gibt-es-nicht").await.status(), 404);
        app.shutdown().await.unwrap();
    }

    async fn bad_input_gets_a_german_error_page_or_is_ignored_never_a_500(app) {
        for (path, status) in [
            ("/stellen?seite=-1", 400),
            ("/stellen?seite=1000000000", 400),
            ("/stellen?seite=abc", 400),
            ("/gibt-es-nicht", 404),
            ("/kommunen/atlantis", 404),
            ("/stellen?art=raumfahrt&bereich=%FF%FE&umkreis=7&sortierung=zufall", 200),
            ("/stellen?q=%C3%28%FF", 200),
            ("/stellen?sortierung=entfernung", 200),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("lang=\"de\""), "{path}");
        }
        // Ignored values are named on the page, so nobody wonders why the filter did nothing.
        let html = app.get("/stellen?kommune=atlantis&art=raumfahrt&kommune=naunhof").await.text().await.unwrap();
        assert!(html.contains("Nicht berücksichtigt") && html.contains("Kommune „atlantis“") && html.contains("Art „raumfahrt“"), "{html}");
        assert!(html.contains("Kommune: Naunhof"), "the known filter stays active");
        let plain = app.get("/stellen?kommune=naunhof").await.text().await.unwrap();
        assert!(!plain.contains("Nicht berücksichtigt"), "not taken from the page cache");
        let long = format!("/stellen?q={}", "a".repeat(10_000));
        let response = app.get(&long).await;
        assert_eq!(response.status(), 400);
        assert!(response.text().await.unwrap().contains("zu lang"));
        app.shutdown().await.unwrap();
    }

    async fn site_files_headers_and_legal_pages(app) {
        let p = app.publish(draft("S-1", "Hausmeister Schule", PostingKind::Job), "naunhof").await;
        for path in ["/impressum", "/datenschutz", "/barrierefreiheit", "/ausbildung", "/kommunen/naunhof"] {
            assert_eq!(app.get(path).await.status(), 200, "{path}");
        }
        let robots = app.get("/robots.txt").await.text().await.unwrap();
        assert!(robots.contains("Sitemap: http://127.0.0.1:8080/sitemap.xml") || robots.contains("/sitemap.xml"));
        let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
        assert!(sitemap.contains(&format!("/stellen/{}</loc><lastmod>", p.slug)), "{sitemap}");

        let page = app.get("/").await;
        let headers = page.headers().clone();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        let html = page.text().await.unwrap();
        let css = html.split("rel=\"stylesheet\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert!(css.starts_with("/static/site-") && css.ends_with(".css"), "{css}");
        let response = app.get(&css).await;
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(app.get("/static/site-0000.css").await.status(), 404);

        let gzipped = app.client.get(format!("{}/stellen", app.address)).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(gzipped.headers()["content-encoding"], "gzip");
        app.shutdown().await.unwrap();
    }
}
