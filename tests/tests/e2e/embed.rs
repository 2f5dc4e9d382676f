//! The embeddable job list over HTTP: who may frame which page, what the „Einbinden“ page
//! writes, and that the list sets no cookie and opens its links in a new tab.

use jobboard_domain::postings::PostingKind;
use jobboard_e2e::{draft, e2e_tests};

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// HTML text as the browser reads it: each character reference decoded once.
fn unescape(html: &str) -> String {
    const REFS: [(&str, char); 10] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#34;", '"'),
        ("&#38;", '&'),
        ("&#39;", '\''),
        ("&#60;", '<'),
        ("&#62;", '>'),
        ("&#x27;", '\''),
    ];
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match REFS.iter().find(|(r, _)| rest.starts_with(r)) {
            Some((r, c)) => {
                out.push(*c);
                rest = &rest[r.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

e2e_tests! {
    env [("JOBBOARD_EMBED_ORIGINS", "https://www.partheland.de")];

    async fn only_the_embedded_list_may_be_framed_and_only_by_members_and_configured_sites(app) {
        let r = app.get("/einbetten/stellen?kommune=naunhof").await;
        assert_eq!(r.status(), 200);
        let csp = header(&r, "content-security-policy");
        let ancestors = csp.split("; ").find(|d| d.starts_with("frame-ancestors")).unwrap();
        for origin in ["'self'", "https://www.partheland.de", "https://www.naunhof.de", "https://www.stadt-brandis.de"] {
            assert!(ancestors.split(' ').any(|s| s == origin), "{origin} missing in {ancestors}");
        }
        assert!(!ancestors.contains("'none'") && !ancestors.contains('*'), "{ancestors}");
        assert_eq!(header(&r, "x-frame-options"), "", "X-Frame-Options would refuse every frame");
        assert!(r.headers().get("set-cookie").is_none(), "the list sets no cookie");
        for path in ["/stellen", "/einbinden", "/kommunen/naunhof", "/verwaltung/anmelden"] {
            let r = app.get(path).await;
            assert!(header(&r, "content-security-policy").ends_with("frame-ancestors 'none'"), "{path}");
            assert_eq!(header(&r, "x-frame-options"), "DENY", "{path}");
        }
        // A search the list cannot serve (a page „abc“) used to answer with the site's error page,
        // which may not be framed, so the host page showed a refused frame: the list now shows
        // the search without the page (its municipality kept), framable like any list, as a
        // nonsensical option keeps its default.
        for path in ["/einbetten/stellen?seite=abc&kommune=naunhof", "/einbetten/ausbildung?seite=abc"] {
            let r = app.get(path).await;
            assert_eq!(r.status(), 200, "{path}");
            let csp = header(&r, "content-security-policy");
            let ancestors = csp.split("; ").find(|d| d.starts_with("frame-ancestors")).unwrap();
            assert!(ancestors.contains("https://www.naunhof.de") && !ancestors.contains("'none'"), "{path}: {csp}");
            assert_eq!(header(&r, "x-frame-options"), "", "{path}");
            let body = r.text().await.unwrap();
            assert!(!body.contains("Hauptnavigation"), "{path}: the list, not the site's error page");
        }
        let body = app.get("/einbetten/stellen?seite=abc&kommune=naunhof").await.text().await.unwrap();
        assert!(body.contains("<h1>Stellenangebote von Naunhof</h1>"), "the municipality is kept: {body}");
    }

    async fn generator_writes_the_frame_code_for_the_current_search(app) {
        let results = unescape(&app.get("/stellen?kommune=naunhof&art=job").await.text().await.unwrap());
        assert!(results.contains("href=\"/einbinden?kommune=naunhof&art=job\""), "results page links the generator");
        let training = app.get("/ausbildung").await.text().await.unwrap();
        assert!(training.contains("href=\"/einbinden?liste=ausbildung\""));
        let municipality = app.get("/kommunen/naunhof").await.text().await.unwrap();
        assert!(municipality.contains("href=\"/einbinden?kommune=naunhof\""));

        let page = app.get("/einbinden?kommune=naunhof&art=job&anzahl=5&darstellung=kompakt&suchfeld=ja").await;
        assert_eq!(page.status(), 200);
        let page = unescape(&page.text().await.unwrap());
        let a = &app.address;
        // The code is shown escaped in a textarea.
        let iframe = format!("<iframe src=\"{a}/einbetten/stellen?kommune=naunhof&amp;art=job&amp;anzahl=5&amp;darstellung=kompakt&amp;suchfeld=ja\" title=\"Stellenangebote von Naunhof (Art: Stelle)\" loading=\"lazy\" style=\"width:100%;height:600px;border:0\" data-stellenboerse></iframe>");
        assert!(page.contains(&iframe), "{page}");
        assert!(page.contains(&format!("<p><a href=\"{a}/stellen?kommune=naunhof&amp;art=job\">Stellenangebote von Naunhof (Art: Stelle) auf der Partheland Stellenbörse</a></p>")), "plain link after the frame");
        assert!(page.contains(&format!("<script src=\"{a}/einbetten/rahmen.js\" async></script>")));
        assert!(page.contains(&format!("{a}/stellen/feed.rss?kommune=naunhof&art=job")));
        assert!(page.contains(&format!("{a}/api/v1/postings?kommune=naunhof&art=job")));
        assert!(page.contains("https://www.naunhof.de"), "names the sites that may embed");
        // Options stay chosen.
        assert!(page.contains("value=\"5\"") && page.contains("value=\"kompakt\" checked") && page.contains("value=\"ja\" checked"));
        assert_eq!(app.get("/einbinden?seite=abc").await.status(), 400);

        // The training list: the API knows no training list, so its address names the kinds.
        let training = unescape(&app.get("/einbinden?liste=ausbildung&kommune=naunhof").await.text().await.unwrap());
        assert!(training.contains(&format!("{a}/ausbildung/feed.rss?kommune=naunhof")), "{training}");
        assert!(training.contains(&format!("{a}/api/v1/postings?kommune=naunhof&art=apprenticeship&art=dual_study&art=internship&art=volunteer_service\"")), "{training}");
        app.publish(draft("E-5", "Sachbearbeiter Kasse (m/w/d)", PostingKind::Job), "naunhof").await;
        app.publish(draft("E-6", "Ausbildung Gärtner Bauhof (m/w/d)", PostingKind::Apprenticeship), "naunhof").await;
        let api = app.wait_for("/api/v1/postings?kommune=naunhof&art=apprenticeship&art=dual_study&art=internship&art=volunteer_service", "Ausbildung Gärtner").await;
        assert!(!api.contains("Sachbearbeiter Kasse"), "the training list's API address lists no job: {api}");
        // A kind chosen stays the only one.
        let chosen = unescape(&app.get("/einbinden?liste=ausbildung&art=internship").await.text().await.unwrap());
        assert!(chosen.contains(&format!("{a}/api/v1/postings?art=internship\"")), "{chosen}");
    }

    async fn embedded_list_shows_the_search_without_the_site_and_links_out(app) {
        app.publish(draft("E-1", "Erzieherin Hort Sonnenschein (m/w/d)", PostingKind::Job), "naunhof").await;
        app.publish(draft("E-2", "Bauhofmitarbeiter Winterdienst (m/w/d)", PostingKind::Job), "brandis").await;
        let body = app.wait_for("/einbetten/stellen?kommune=naunhof&suchfeld=ja&darstellung=kompakt", "Sonnenschein").await;
        assert!(!body.contains("Winterdienst"), "only the search");
        assert!(!body.contains("Hauptnavigation") && !body.contains("site-footer"), "no site chrome");
        assert!(body.contains("<h1>Stellenangebote von Naunhof</h1>"));
        assert!(body.contains(&format!("href=\"{}/stellen/", app.address)) && body.contains("target=\"_blank\" rel=\"noopener\""));
        assert!(body.contains("name=\"kommune\" value=\"naunhof\"") && body.contains("name=\"darstellung\" value=\"kompakt\""), "the search box keeps the search");
        assert!(body.contains("class=\"cards compact\""));
        assert!(body.contains("<script src=\"/einbetten/hoehe.js\" defer></script>"));
        let js = app.get("/einbetten/rahmen.js").await;
        assert_eq!(header(&js, "content-type"), "text/javascript; charset=utf-8");
        assert!(js.text().await.unwrap().contains("event.origin !== board"));
        let count = app.get("/einbetten/stellen?anzahl=1").await.text().await.unwrap();
        assert_eq!(count.matches("class=\"card\"").count(), 1);
    }
}
