//! Internal vacancies over HTTP (issue 17): a posting offered first only to the members'
//! staff is in no public channel (page, search, API, the three feeds, sitemap, embedded list)
//! until its public day; the scheduler's run on that day makes it public everywhere without a
//! restart. Every member's officers list it; each municipality reads its own internal postings
//! at a secret, rotatable feed address that never shows another's.

use chrono::{Days, Utc};
use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::berlin;
use jobboard_domain::entities::posting;
use jobboard_domain::outbox;
use jobboard_domain::postings::publishing::run_due;
use jobboard_domain::postings::{PostingKind, queries};
use jobboard_e2e::{TestApp, e2e_tests};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use crate::editor::form;
use crate::hr::{Hr, account, get_as, post, sign_in, snapshot};

const TITLE: &str = "Sachgebietsleitung Kämmerei intern (m/w/d)";

/// Borsdorf's internal posting, public from `public_from` (or staying internal), published.
async fn internal_posting(
    app: &TestApp,
    public_from: Option<chrono::NaiveDate>,
) -> queries::Posting {
    let mut d = jobboard_e2e::draft("BOR-INT-1", TITLE, PostingKind::Job);
    d.internal = true;
    d.public_from = public_from;
    app.publish(d, "borsdorf").await
}

/// Wait until the indexer has taken every queued change.
async fn index_caught_up(app: &TestApp) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while outbox::pending_count(&app.db).await.unwrap() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the indexer never caught up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn text(app: &TestApp, path: &str) -> (StatusCode, String) {
    let resp = app.get(path).await;
    (resp.status(), resp.text().await.unwrap())
}

/// Every public channel, and whether the posting (its address) shows in it.
async fn public_channels(app: &TestApp, p: &queries::Posting) -> Vec<(String, bool)> {
    let mut seen = Vec::new();
    let (status, _) = text(app, &format!("/stellen/{}", p.slug)).await;
    seen.push(("Seite".to_owned(), status == StatusCode::OK));
    for path in [
        "/stellen?q=K%C3%A4mmerei".to_owned(),
        "/stellen".to_owned(),
        "/api/v1/postings?q=K%C3%A4mmerei".to_owned(),
        "/stellen/feed.rss".to_owned(),
        "/stellen/feed.atom".to_owned(),
        "/stellen/feed.json".to_owned(),
        "/einbetten/stellen?kommune=borsdorf".to_owned(),
        "/kommunen/borsdorf".to_owned(),
    ] {
        let (_, body) = text(app, &path).await;
        seen.push((path, body.contains(&p.slug)));
    }
    let (_, sitemap) = text(app, "/sitemap.xml").await;
    seen.push(("/sitemap.xml".to_owned(), sitemap.contains(&p.slug)));
    let (status, _) = text(app, &format!("/api/v1/postings/{}", p.id)).await;
    seen.push(("/api/v1/postings/{id}".to_owned(), status == StatusCode::OK));
    seen
}

/// Make the internal feed address of `hr`'s municipality: its (RSS, JSON Feed) paths.
async fn rotate(app: &TestApp, hr: &Hr) -> (String, String) {
    let resp = post(
        app,
        Some(hr),
        "/verwaltung/intern/feed",
        &[("csrf", &hr.csrf)],
        None,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    let path = |ext: &str| {
        let at = html
            .find(&format!("{}/intern/stellen/", app.address))
            .expect("the new address is shown")
            + app.address.len();
        let rest = &html[at..];
        let token_end = rest.find(".rss").unwrap();
        format!("{}.{ext}", &rest[..token_end])
    };
    (path("rss"), path("json"))
}

e2e_tests! {
    async fn an_internal_posting_is_in_no_public_channel_until_its_day_then_in_every_one_without_a_restart(app) {
        let today = berlin::today(Utc::now());
        // A public posting first: once the index shows it, the index has worked.
        let public = app.publish(jobboard_e2e::draft("BOR-PUB-1", "Hausmeister Grundschule (m/w/d)", PostingKind::Job), "borsdorf").await;
        let p = internal_posting(&app, Some(today + Days::new(3))).await;
        app.wait_for("/stellen?kommune=borsdorf", &format!("/stellen/{}", public.slug)).await;
        index_caught_up(&app).await;

        for (channel, shows) in public_channels(&app, &p).await {
            assert!(!shows, "{channel} shows the internal posting");
        }
        // The direct address is "not found", as for a draft (not "gone").
        let (status, html) = text(&app, &format!("/stellen/{}", p.slug)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Seite nicht gefunden"));
        let (_, page) = text(&app, &format!("/stellen/{}", public.slug)).await;
        assert!(page.contains("application/ld+json"), "the public one has its JSON-LD");

        // Before its day, the scheduler leaves it internal.
        assert_eq!(run_due(&app.db, Utc::now()).await.unwrap().made_public, 0);
        // Its day comes: the calendar is the only thing that moves (the stored day is set to
        // today, as three days later). The scheduler's run switches it, once: this run or the
        // running server's own scheduler (every second), whichever comes first.
        let mut am: posting::ActiveModel = queries::find_by_id(&app.db, p.id).await.unwrap().unwrap().into();
        am.public_from = Set(Some(today));
        am.update(&app.db).await.unwrap();
        let switched = run_due(&app.db, Utc::now()).await.unwrap().made_public;
        assert!(switched <= 1);
        let made_public = audit::history(&app.db, AuditEntity::Posting, p.id).await.unwrap().into_iter().filter(|e| e.action == AuditAction::MadePublic).count();
        assert_eq!(made_public, 1, "switched exactly once");
        assert_eq!(run_due(&app.db, Utc::now()).await.unwrap().made_public, 0, "idempotent");
        app.wait_for("/stellen?q=K%C3%A4mmerei", &format!("/stellen/{}", p.slug)).await;
        index_caught_up(&app).await;
        for (channel, shows) in public_channels(&app, &p).await {
            assert!(shows, "{channel} does not show the posting made public");
        }
        let (status, page) = text(&app, &format!("/stellen/{}", p.slug)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("application/ld+json") && !page.contains("Interne Stelle"));
    }

    async fn officers_of_every_member_list_internal_postings_and_each_feed_reads_only_its_own(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@brandis.de", Some("brandis")).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let brandis = sign_in(&app, "personal@brandis.de").await;
        let p = internal_posting(&app, None).await;

        // Brandis lists Borsdorf's internal posting, reads it, but cannot edit it.
        let list = get_as(&app, &brandis, "/verwaltung/intern").await.text().await.unwrap();
        assert!(list.contains(TITLE) && list.contains("Borsdorf") && list.contains("bleibt intern"), "{list}");
        assert!(!list.contains(&format!("/verwaltung/anzeigen/{}", p.id)), "no edit link for another member");
        let read = get_as(&app, &brandis, &format!("/verwaltung/intern/{}", p.id)).await;
        assert_eq!(read.status(), StatusCode::OK);
        let read = read.text().await.unwrap();
        assert!(read.contains("nur für Beschäftigte der Partheland-Kommunen") && !read.contains("application/ld+json"));
        assert_eq!(get_as(&app, &brandis, &format!("/verwaltung/anzeigen/{}", p.id)).await.status(), StatusCode::NOT_FOUND);
        let own = get_as(&app, &borsdorf, "/verwaltung/intern").await.text().await.unwrap();
        assert!(own.contains(&format!("/verwaltung/anzeigen/{}", p.id)), "the owner gets the edit link");
        let dashboard = get_as(&app, &borsdorf, "/verwaltung").await.text().await.unwrap();
        assert!(dashboard.contains("(intern)"), "the owner's list marks it");

        // Each municipality's feed: Borsdorf's lists it (RSS and JSON Feed), Brandis's never.
        let (rss, json) = rotate(&app, &borsdorf).await;
        let (brandis_rss, brandis_json) = rotate(&app, &brandis).await;
        let resp = app.get(&rss).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/rss+xml; charset=utf-8");
        assert_eq!(resp.headers()["cache-control"], "no-store");
        assert!(resp.text().await.unwrap().contains(TITLE));
        let feed: serde_json::Value = app.get(&json).await.json().await.unwrap();
        assert_eq!(feed["items"].as_array().unwrap().len(), 1);
        assert_eq!(feed["items"][0]["title"], TITLE);
        for path in [&brandis_rss, &brandis_json] {
            let (status, body) = text(&app, path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(!body.contains("Kämmerei"), "{path}: {body}");
        }
        // The cover calendar's token is no key to the internal feed, nor the other way round.
        let calendar = post(&app, Some(&borsdorf), "/verwaltung/zusammenarbeit/kalender", &[("csrf", &borsdorf.csrf)], None).await.text().await.unwrap();
        let at = calendar.find("/kalender/vertretungen/").unwrap() + "/kalender/vertretungen/".len();
        let calendar_token = calendar[at..].split(".ics").next().unwrap().to_owned();
        assert_eq!(app.get(&format!("/intern/stellen/{calendar_token}.rss")).await.status(), StatusCode::NOT_FOUND);
        let internal_token = rss.trim_start_matches("/intern/stellen/").trim_end_matches(".rss").to_owned();
        assert_eq!(app.get(&format!("/kalender/vertretungen/{internal_token}.ics")).await.status(), StatusCode::NOT_FOUND);
        for bad in ["/intern/stellen/x.rss", "/intern/stellen/nichts", &rss.replace(".rss", ".atom")] {
            assert_eq!(app.get(bad).await.status(), StatusCode::NOT_FOUND, "{bad}");
        }

        // Rotated: the old address stops working, the new one reads.
        let (rss2, _) = rotate(&app, &borsdorf).await;
        assert_eq!(app.get(&rss).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get(&json).await.status(), StatusCode::NOT_FOUND);
        assert!(text(&app, &rss2).await.1.contains(TITLE));
        // Revoked: nothing reads.
        let revoked = post(&app, Some(&borsdorf), "/verwaltung/intern/feed/widerrufen", &[("csrf", &borsdorf.csrf)], None).await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get(&rss2).await.status(), StatusCode::NOT_FOUND);
        let page = get_as(&app, &borsdorf, "/verwaltung/intern?hinweis=feed-widerrufen").await.text().await.unwrap();
        assert!(page.contains("Zurzeit gibt es keine Feed-Adresse") && page.contains("ist widerrufen"));
    }

    async fn the_editor_makes_a_posting_internal_with_german_field_errors_for_a_bad_public_day(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let today = berlin::today(Utc::now());
        let deadline = (today + Days::new(30)).to_string();
        let before = snapshot(&app).await;
        let cases = [
            ("public", (today + Days::new(3)).to_string(), "nur bei einer internen Stelle"),
            ("internal", (today - Days::new(1)).to_string(), "in der Vergangenheit"),
            ("internal", (today + Days::new(40)).to_string(), "nach dem Ende der Bewerbungsfrist"),
            ("internal", "morgen".to_owned(), "Bitte geben Sie ein Datum an"),
            ("geheim", String::new(), "öffentlich oder intern"),
        ];
        for (audience, day, message) in &cases {
            let mut fields = form(&hr.csrf, "Sachbearbeiter Bürgerbüro (m/w/d)", &deadline);
            fields.push(("audience", audience));
            fields.push(("public_from", day));
            let resp = post(&app, Some(&hr), "/verwaltung/anzeigen", &fields, None).await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{audience} {day}");
            let html = resp.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            let field = if *audience == "geheim" { "audience" } else { "public_from" };
            assert!(html.contains(&format!("id=\"e-{field}\"")), "error beside the field");
        }
        assert_eq!(snapshot(&app).await, before, "nothing stored");

        let from = (today + Days::new(5)).to_string();
        let mut fields = form(&hr.csrf, "Sachbearbeiter Bürgerbüro (m/w/d)", &deadline);
        fields.push(("audience", "internal"));
        fields.push(("public_from", &from));
        let ok = post(&app, Some(&hr), "/verwaltung/anzeigen", &fields, None).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let location = ok.headers()["location"].to_str().unwrap().to_owned();
        let id: i64 = location.trim_start_matches("/verwaltung/anzeigen/").split('?').next().unwrap().parse().unwrap();
        let p = queries::find_by_id(&app.db, id).await.unwrap().unwrap();
        assert!(p.internal);
        assert_eq!(p.public_from, Some(today + Days::new(5)));
        let editor = get_as(&app, &hr, &location).await.text().await.unwrap();
        assert!(editor.contains("<option value=\"internal\" selected"), "{editor}");
        assert!(editor.contains(&format!("value=\"{from}\"")));
    }
}
