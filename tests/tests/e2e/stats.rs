//! Cookie-free counting over HTTP (issue 20): two servers on one database add up, bots, HEAD
//! and prefetches are not counted, nothing about a person is stored, the apply route leads only
//! to the posting's own application address, a filled posting leaves every public list.

use jobboard_domain::entities::{posting_count_daily, posting_count_monthly};
use jobboard_domain::postings::PostingKind;
use jobboard_domain::stats::{CountEvent, TrafficSource};
use jobboard_e2e::{TestApp, draft, e2e_tests};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, Iterable, QueryFilter};

pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// A second app state on the same database and index, with its own tally, as a second
/// process would have; `stop` ends it and writes its tally as the server's shutdown does.
struct Second {
    address: String,
    counter: std::sync::Arc<jobboard_web::stats::Counter>,
    stop: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<()>,
}

async fn second_server(app: &TestApp) -> Second {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let counter = std::sync::Arc::new(jobboard_web::stats::Counter::new(true));
    let state = jobboard_web::AppState::new(
        app.db.clone(),
        app.index.clone(),
        jobboard_web::Site::new(&app.address),
    )
    .with_counter(counter.clone());
    let handle = tokio::spawn(async move {
        jobboard_web::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Second {
        address,
        counter,
        stop,
        handle,
    }
}

async fn view(client: &reqwest::Client, url: String, ua: &str) -> StatusCode {
    client
        .get(url)
        .header("user-agent", ua)
        .send()
        .await
        .unwrap()
        .status()
}

e2e_tests! {
    env [("JOBBOARD_COUNT_FLUSH_SECS", "3600")];

    async fn a_thousand_concurrent_views_on_two_servers_count_a_thousand_and_bots_head_and_prefetch_nothing(app) {
        let p = app.publish(draft("Z-1", "Verwaltungsfachangestellte (m/w/d)", PostingKind::Apprenticeship), "borsdorf").await;
        let second = second_server(&app).await;
        let path = format!("/stellen/{}", p.slug);
        let client = app.client.clone();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..1000 {
            let base = if i % 2 == 0 { app.address.clone() } else { second.address.clone() };
            let (client, url) = (client.clone(), format!("{base}{path}"));
            tasks.spawn(async move { view(&client, url, FIREFOX).await });
            // Not counted: bots, tools, no browser string, HEAD, prefetches.
            if i % 50 == 0 {
                let (client, url) = (app.client.clone(), format!("{base}{path}"));
                tasks.spawn(async move {
                    for ua in ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0", ""] {
                        assert_eq!(view(&client, url.clone(), ua).await, StatusCode::OK);
                    }
                    let head = client.head(&url).header("user-agent", FIREFOX).send().await.unwrap();
                    assert_eq!(head.status(), StatusCode::OK);
                    for (h, v) in [("sec-purpose", "prefetch"), ("purpose", "prefetch")] {
                        let r = client.get(&url).header("user-agent", FIREFOX).header(h, v).send().await.unwrap();
                        assert_eq!(r.status(), StatusCode::OK);
                    }
                    StatusCode::OK
                });
            }
        }
        while let Some(status) = tasks.join_next().await {
            assert_eq!(status.unwrap(), StatusCode::OK);
        }
        // Both stop: the second writes its tally; the server writes its own at its graceful
        // shutdown (its periodic flush is an hour away).
        let _ = second.stop.send(());
        second.handle.await.unwrap();
        second.counter.flush(&app.db).await.unwrap();
        let id = p.id;
        let (db, _database) = app.shutdown_and_reopen().await;
        let views: i64 = posting_count_daily::Entity::find()
            .filter(posting_count_daily::Column::PostingId.eq(id))
            .filter(posting_count_daily::Column::Event.eq(CountEvent::View))
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.count)
            .sum();
        assert_eq!(views, 1000);
    }

    async fn sources_are_categories_and_nothing_about_a_person_is_stored_or_set_as_cookie(app) {
        let p = app.publish(draft("Z-2", "Erzieher (m/w/d)", PostingKind::Job), "borsdorf").await;
        app.wait_for("/stellen", "Erzieher").await;
        let path = format!("{}/stellen/{}", app.address, p.slug);
        let cases: [(&str, Option<&str>); 6] = [
            ("", Some(&format!("{}/stellen?q=Erzieher", app.address))),
            ("", Some("https://www.google.de/")),
            ("", Some("https://www.arbeitsagentur.de/jobsuche/")),
            ("", Some("https://www.borsdorf.de/rathaus/stellen")),
            ("?quelle=feed", None),
            ("?quelle=suchauftrag", Some("https://mail.example.org/")),
        ];
        for (query, referer) in cases {
            let mut req = app.client.get(format!("{path}{query}")).header("user-agent", FIREFOX);
            if let Some(r) = referer {
                req = req.header("referer", r);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(r.headers().get("set-cookie").is_none(), "a cookie on {query} {referer:?}");
        }
        // Unknown: no referrer at all.
        view(&app.client, path.clone(), FIREFOX).await;
        // Search impressions: the results page (also from the page cache) and the embedded list.
        for _ in 0..2 {
            let r = app.client.get(format!("{}/stellen?q=Erzieher&quelle=feed", app.address)).header("user-agent", FIREFOX).send().await.unwrap();
            assert!(r.headers().get("set-cookie").is_none());
            assert!(r.text().await.unwrap().contains("Erzieher"), "quelle= does not change the search");
        }
        // The lists of the start page and of a member's page are result lists too.
        let r = app.client.get(format!("{}/kommunen/borsdorf", app.address)).header("user-agent", FIREFOX).header("referer", "https://www.google.de/").send().await.unwrap();
        assert!(r.text().await.unwrap().contains(&p.slug));
        let embed = app.client.get(format!("{}/einbetten/stellen", app.address)).header("user-agent", FIREFOX).send().await.unwrap();
        assert!(embed.headers().get("set-cookie").is_none());
        assert!(embed.text().await.unwrap().contains(&format!("/stellen/{}?quelle=kommune", p.slug)));
        for path in ["/", "/zahlen", &format!("/stellen/{}/bewerben", p.slug), "/stellen/feed.rss"] {
            let r = app.client.get(format!("{}{path}", app.address)).header("user-agent", FIREFOX).send().await.unwrap();
            assert!(r.headers().get("set-cookie").is_none(), "{path}");
            assert!(r.status().is_success() || r.status().is_redirection(), "{path}: {}", r.status());
        }
        let feed = app.get("/stellen/feed.rss").await.text().await.unwrap();
        assert!(feed.contains(&format!("/stellen/{}?quelle=feed", p.slug)), "{feed}");
        let id = p.id;
        let (db, _database) = app.shutdown_and_reopen().await;
        let fake = jobboard_domain::stats::counts::series(&db, id).await.unwrap();
        let views: Vec<_> = fake.iter().filter(|r| r.event == CountEvent::View).map(|r| (r.source, r.count)).collect();
        let mut expected = vec![
            (TrafficSource::Board, 1),
            (TrafficSource::Member, 1),
            (TrafficSource::SearchEngine, 1),
            (TrafficSource::Agency, 1),
            (TrafficSource::Feed, 1),
            (TrafficSource::Alert, 1),
            (TrafficSource::Other, 1),
        ];
        expected.sort();
        let mut views = views;
        views.sort();
        assert_eq!(views, expected);
        let impressions: Vec<_> = fake.iter().filter(|r| r.event == CountEvent::Impression).map(|r| (r.source, r.count)).collect();
        assert!(impressions.contains(&(TrafficSource::Feed, 2)), "{impressions:?}");
        assert!(impressions.contains(&(TrafficSource::Member, 1)), "{impressions:?}");
        assert!(impressions.contains(&(TrafficSource::SearchEngine, 1)), "the member's page: {impressions:?}");
        assert!(impressions.contains(&(TrafficSource::Other, 1)), "the start page, without referrer: {impressions:?}");
        // The stored rows hold these columns and nothing else: no address, browser or hash.
        let daily: Vec<String> = posting_count_daily::Column::iter().map(|c| format!("{c:?}")).collect();
        let monthly: Vec<String> = posting_count_monthly::Column::iter().map(|c| format!("{c:?}")).collect();
        assert_eq!(daily, ["Day", "PostingId", "Event", "Source", "Count"]);
        assert_eq!(monthly, ["Month", "PostingId", "Event", "Source", "Count"]);
        let dump = format!("{fake:?}");
        for secret in ["127.0.0.1", "Firefox", "google", "borsdorf.de", "mail.example"] {
            assert!(!dump.contains(secret), "{secret} stored: {dump}");
        }
    }

    async fn the_apply_route_leads_only_to_the_stored_address_and_counts_the_click(app) {
        let mut d = draft("Z-3", "Bauhofmitarbeiter (m/w/d)", PostingKind::Job);
        d.apply_url = Some("https://karriere.borsdorf.de/bewerben/z-3".into());
        let with_url = app.publish(d, "borsdorf").await;
        let by_mail = app.publish(draft("Z-4", "Auszubildende (m/w/d)", PostingKind::Apprenticeship), "borsdorf").await;
        let detail = app.get(&format!("/stellen/{}", with_url.slug)).await.text().await.unwrap();
        assert!(detail.contains(&format!("href=\"/stellen/{}/bewerben\"", with_url.slug)), "{detail}");
        let from_feed = app.client.get(format!("{}/stellen/{}?quelle=feed", app.address, with_url.slug)).header("user-agent", FIREFOX).send().await.unwrap().text().await.unwrap();
        assert!(from_feed.contains(&format!("href=\"/stellen/{}/bewerben?quelle=feed\"", with_url.slug)), "the click is credited to the feed");
        for query in ["", "?url=https://evil.example/", "?weiter=https://evil.example/&next=//evil.example", "?quelle=feed"] {
            let r = app.client.get(format!("{}/stellen/{}/bewerben{query}", app.address, with_url.slug)).header("user-agent", FIREFOX).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{query}");
            assert_eq!(r.headers()["location"], "https://karriere.borsdorf.de/bewerben/z-3", "{query}");
        }
        // A direct visitor (no Referer): the button names the source, so the click, which
        // carries the board's own page as Referer, is theirs and not the board's.
        let detail_url = format!("{}/stellen/{}", app.address, with_url.slug);
        let direct = app.client.get(&detail_url).header("user-agent", FIREFOX).send().await.unwrap().text().await.unwrap();
        let href = format!("/stellen/{}/bewerben?quelle=sonstige", with_url.slug);
        assert!(direct.contains(&format!("href=\"{href}\"")), "{direct}");
        let click = app.client.get(format!("{}{href}", app.address)).header("user-agent", FIREFOX).header("referer", &detail_url).send().await.unwrap();
        assert_eq!(click.status(), StatusCode::SEE_OTHER);
        // From the board's own results: no `quelle`, the Referer says it was the board.
        let from_board = app.client.get(&detail_url).header("user-agent", FIREFOX).header("referer", format!("{}/stellen?q=Bauhof", app.address)).send().await.unwrap().text().await.unwrap();
        assert!(from_board.contains(&format!("href=\"/stellen/{}/bewerben\"", with_url.slug)), "{from_board}");
        let click = app.client.get(format!("{}/stellen/{}/bewerben", app.address, with_url.slug)).header("user-agent", FIREFOX).header("referer", &detail_url).send().await.unwrap();
        assert_eq!(click.status(), StatusCode::SEE_OTHER);
        // HEAD is answered but not counted.
        let head = app.client.head(format!("{}/stellen/{}/bewerben", app.address, with_url.slug)).header("user-agent", FIREFOX).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::SEE_OTHER);
        let mail = app.client.get(format!("{}/stellen/{}/bewerben?url=https://evil.example/", app.address, by_mail.slug)).header("user-agent", FIREFOX).send().await.unwrap();
        assert_eq!(mail.status(), StatusCode::OK);
        assert!(mail.headers().get("location").is_none());
        let page = mail.text().await.unwrap();
        assert!(page.contains("href=\"mailto:ausbildung@borsdorf.de?subject=Z-4\""), "{page}");
        assert!(!page.contains("evil.example"));
        for path in ["/stellen/gibt-es-nicht/bewerben".to_owned(), format!("/stellen/{}/bewerben/../x", by_mail.slug)] {
            assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let (a, b) = (with_url.id, by_mail.id);
        let (db, _database) = app.shutdown_and_reopen().await;
        let clicks = jobboard_domain::stats::counts::series(&db, a).await.unwrap();
        let clicks: Vec<_> = clicks.iter().filter(|r| r.event == CountEvent::Apply).map(|r| (r.source, r.count)).collect();
        assert_eq!(clicks, [(TrafficSource::Board, 1), (TrafficSource::Feed, 1), (TrafficSource::Other, 4)]);
        let mail_clicks = jobboard_domain::stats::counts::series(&db, b).await.unwrap();
        assert_eq!(mail_clicks.iter().filter(|r| r.event == CountEvent::Apply).map(|r| r.count).sum::<i64>(), 1);
    }
}

e2e_tests! {
    async fn a_filled_posting_leaves_every_public_list_and_the_numbers_stay_with_its_municipality(app) {
        use crate::hr::{account, get_as, post, sign_in};
        let p = app.publish(draft("Z-5", "Sachbearbeiter Ordnungsamt (m/w/d)", PostingKind::Job), "borsdorf").await;
        app.wait_for("/stellen", "Sachbearbeiter Ordnungsamt").await;
        for path in ["/api/v1/postings", "/stellen/feed.rss", "/sitemap.xml"] {
            assert!(app.get(path).await.text().await.unwrap().contains(&p.slug), "{path} lists it first");
        }
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        account(&app, "admin@partheland.de", None).await;
        let hr = sign_in(&app, "personal@borsdorf.de").await;
        let editor = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{}", p.id)).await.text().await.unwrap();
        assert!(editor.contains("Als besetzt vermerken") && editor.contains(&format!("/verwaltung/anzeigen/{}/zahlen", p.id)), "{editor}");
        let version = p.version.to_string();
        let path = format!("/verwaltung/anzeigen/{}/besetzt", p.id);
        // A day that is no date, and one before the publication: refused, nothing changed.
        let bad = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("version", &version), ("filled_on", "gestern")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let early = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("version", &version), ("filled_on", "01.01.2020")], None).await;
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.text().await.unwrap().contains("vor der ersten Veröffentlichung"));
        // Another municipality's officer cannot.
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let foreign = post(&app, Some(&naunhof), &path, &[("csrf", &naunhof.csrf), ("version", &version), ("filled_on", "heute")], None).await;
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        let today = jobboard_domain::berlin::format_date(jobboard_domain::berlin::today(chrono::Utc::now()));
        let done = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("version", &version), ("filled_on", &today)], None).await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{}", done.text().await.unwrap());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while app.get("/stellen").await.text().await.unwrap().contains("Sachbearbeiter Ordnungsamt") {
            assert!(std::time::Instant::now() < deadline, "still in the search");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        for path in ["/api/v1/postings", "/stellen/feed.rss", "/stellen/feed.json", "/sitemap.xml", "/kommunen/borsdorf"] {
            assert!(!app.get(path).await.text().await.unwrap().contains(&p.slug), "{path} still lists it");
        }
        assert_eq!(app.get(&format!("/stellen/{}", p.slug)).await.status(), StatusCode::GONE);
        assert_eq!(app.get(&format!("/stellen/{}/bewerben", p.slug)).await.status(), StatusCode::NOT_FOUND);
        let trail = jobboard_domain::audit::history(&app.db, jobboard_domain::audit::AuditEntity::Posting, p.id).await.unwrap();
        assert_eq!(trail.last().unwrap().action, jobboard_domain::audit::AuditAction::Filled);

        // Its numbers: the posting page with chart and table, and CSV.
        let numbers = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{}/zahlen", p.id)).await;
        assert_eq!(numbers.status(), StatusCode::OK);
        let numbers = numbers.text().await.unwrap();
        assert!(numbers.contains("Besetzt am") && numbers.contains("0 Tage nach der ersten Veröffentlichung"), "{numbers}");
        let csv = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{}/zahlen.csv", p.id)).await;
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        // The municipality's page: the officer's own; another's and the region are refused.
        let own = get_as(&app, &hr, "/verwaltung/statistik").await;
        assert_eq!(own.status(), StatusCode::SEE_OTHER);
        assert_eq!(own.headers()["location"], "/verwaltung/statistik/borsdorf");
        let page = get_as(&app, &hr, "/verwaltung/statistik/borsdorf?zeitraum=30").await.text().await.unwrap();
        assert!(page.contains("Median Tage bis zur Besetzung") && page.contains("Statistik: Borsdorf"), "{page}");
        for path in ["/verwaltung/statistik/naunhof", "/verwaltung/statistik/region", "/verwaltung/statistik/region/anzeigen.csv", "/verwaltung/statistik/naunhof/anzeigen.csv"] {
            assert_eq!(get_as(&app, &hr, path).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        assert!(!get_as(&app, &naunhof, "/verwaltung/statistik/naunhof/anzeigen.csv").await.text().await.unwrap().contains("Z-5"));
        let admin = sign_in(&app, "admin@partheland.de").await;
        let region = get_as(&app, &admin, "/verwaltung/statistik").await;
        assert_eq!(region.headers()["location"], "/verwaltung/statistik/region");
        let region = get_as(&app, &admin, "/verwaltung/statistik/region?zeitraum=jahr").await.text().await.unwrap();
        assert!(region.contains("Partheland (alle Kommunen)") && region.contains("href=\"/verwaltung/statistik/naunhof?zeitraum=jahr\""), "{region}");
        let sheet = get_as(&app, &admin, "/verwaltung/statistik/borsdorf/anzeigen.csv?zeitraum=30").await.text().await.unwrap();
        let line = sheet.lines().find(|l| l.contains("Z-5")).expect("a line of the posting");
        assert!(line.starts_with("Borsdorf;Z-5;Sachbearbeiter Ordnungsamt (m/w/d);Stelle;") && line.ends_with(";0"), "{line}");
        // The public totals count it for Borsdorf this year.
        let zahlen = app.get("/zahlen").await.text().await.unwrap();
        assert!(zahlen.contains("<th scope=\"row\">Borsdorf</th><td>1</td>"), "{zahlen}");
    }
}

e2e_tests! {
    async fn alert_mails_link_with_their_source_and_count_the_postings_they_list(app) {
        use jobboard_domain::alerts::{AlertDraft, AlertScope, Frequency, mutations, mutations::Requested};
        let now = chrono::Utc::now();
        let alert = AlertDraft { email: "leser@example.de".into(), scope: AlertScope::Jobs, query: "q=Erzieher".into(), frequency: Frequency::Daily, consent: true };
        let Requested::Created { alert, .. } = mutations::request(&app.db, &alert, now).await.unwrap() else { panic!("a new alert") };
        mutations::confirm(&app.db, alert.id, now).await.unwrap();
        let p = app.publish(draft("Z-6", "Erzieher Krippe (m/w/d)", PostingKind::Job), "borsdorf").await;
        app.wait_for("/stellen?q=Erzieher", "Krippe").await;
        let run = app.run_alerts("w", now + chrono::Duration::days(2)).await;
        assert_eq!(run.mailed, 1, "{run:?}");
        let mail = crate::hr::mails(&app).join("\n").replace("=3D", "=");
        assert!(mail.contains(&format!("/stellen/{}?quelle=suchauftrag", p.slug)), "{mail}");
        let listed = jobboard_domain::stats::counts::series(&app.db, p.id).await.unwrap();
        let listed: Vec<_> = listed.iter().filter(|r| r.event == CountEvent::AlertMail).map(|r| (r.source, r.count)).collect();
        assert_eq!(listed, [(TrafficSource::Alert, 1)]);
    }
}

e2e_tests! {
    async fn the_workspace_view_of_an_internal_posting_links_straight_to_the_application(app) {
        use crate::hr::{account, get_as, sign_in};
        let mut d = draft("Z-7", "Sachgebietsleitung intern (m/w/d)", PostingKind::Job);
        d.internal = true;
        d.apply_url = Some("https://karriere.borsdorf.de/bewerben/z-7".into());
        let internal = app.publish(d, "borsdorf").await;
        let mut d = draft("Z-8", "Auszubildende intern (m/w/d)", PostingKind::Apprenticeship);
        d.internal = true;
        d.apply_url = None;
        let by_mail = app.publish(d, "borsdorf").await;
        account(&app, "personal@brandis.de", Some("brandis")).await;
        let brandis = sign_in(&app, "personal@brandis.de").await;
        for (p, target) in [(&internal, "https://karriere.borsdorf.de/bewerben/z-7".to_owned()), (&by_mail, format!("mailto:{}?subject=Z-8", by_mail.apply_email.clone().unwrap()))] {
            let page = get_as(&app, &brandis, &format!("/verwaltung/intern/{}", p.id)).await.text().await.unwrap();
            assert!(page.contains(&format!("<a class=\"button\" href=\"{target}\" rel=\"nofollow\">Jetzt bewerben</a>")), "{page}");
            assert!(!page.contains(&format!("/stellen/{}/bewerben", p.slug)), "no link to the counting route, which is 404 here");
            assert_eq!(app.get(&format!("/stellen/{}/bewerben", p.slug)).await.status(), StatusCode::NOT_FOUND);
        }
    }

    async fn the_editor_offers_besetzt_only_for_a_posting_that_was_online(app) {
        use crate::hr::{account, get_as, sign_in};
        use jobboard_domain::postings::publishing::{Request, transition};
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        // A planned publication was never online: the editor offers no „besetzt“.
        let owner = crate::hr::municipality_id(&app, "borsdorf").await;
        let now = chrono::Utc::now();
        let system = jobboard_domain::Actor::system("test");
        let planned = jobboard_domain::postings::mutations::create_posting(&app.db, owner, draft("Z-9", "Hausmeister (m/w/d)", PostingKind::Job), &system, now).await.unwrap();
        let planned = transition(&app.db, planned.id, planned.version, Request::Schedule(now + chrono::Duration::days(2)), &system, now).await.unwrap();
        let hr = sign_in(&app, "personal@borsdorf.de").await;
        let editor = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{}", planned.id)).await.text().await.unwrap();
        assert!(editor.contains("Geplant") || editor.contains("geplant"), "{editor}");
        assert!(!editor.contains("Als besetzt vermerken"), "{editor}");
        let published = app.publish(draft("Z-10", "Gärtner (m/w/d)", PostingKind::Job), "borsdorf").await;
        let editor = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{}", published.id)).await.text().await.unwrap();
        assert!(editor.contains("Als besetzt vermerken"), "{editor}");
    }
}
