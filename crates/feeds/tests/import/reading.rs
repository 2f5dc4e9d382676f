//! What the importer reads from realistic municipal feeds: a job-plugin feed with namespaces of
//! its own, a news feed in ISO-8859-1 whose job ads are news items, and a title+link-only feed
//! whose links serve pages with and without JSON-LD (and one that is gone). Dates are relative to
//! today, so the fixtures stay in the future.

use std::net::SocketAddr;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{Days, NaiveDate, Utc};
use jobboard_domain::db_tests;
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::imports::{HarvestedItem, ImportFormat};
use jobboard_domain::postings::{Contract, Employment, PayScheme, PostingKind};
use jobboard_feeds::import::guard::Guard;
use jobboard_feeds::import::{
    AddressPolicy, HarvestOptions, RunLimits, RunResult, reading, run_source, thin,
};
use sea_orm::DatabaseConnection;

use super::{fetcher, read};

fn today() -> NaiveDate {
    jobboard_domain::berlin::today(Utc::now())
}

fn in_days(n: u64) -> NaiveDate {
    today() + Days::new(n)
}

fn dot(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

const MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

fn spelled(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// A job-plugin feed (as WordPress job plugins write it): texts in `content:encoded`, the
/// plugin's own elements in its namespace.
fn plugin_feed() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:job_listing="https://wpjobmanager.com/ns/job_listing">
<channel><title>Jobs – Gemeinde Großpösna</title><link>https://www.grosspoesna.de/jobs</link><description>Stellenangebote</description>
<item><title>Erzieher/in (m/w/d) Kita Störmthal</title><link>https://www.grosspoesna.de/jobs/erzieher-kita</link>
<guid isPermaLink="false">https://www.grosspoesna.de/?post_type=job_listing&amp;p=411</guid>
<dc:creator>Hauptamt</dc:creator><job_listing:location>Großpösna OT Störmthal</job_listing:location><job_listing:job_type>Teilzeit</job_listing:job_type>
<description><![CDATA[Die Gemeinde Großpösna sucht eine Erzieherin oder einen Erzieher für die Kita Störmthal.]]></description>
<content:encoded><![CDATA[<p>Die Gemeinde Großpösna sucht zum {start} eine pädagogische Fachkraft (m/w/d) in Teilzeit mit 30 Std./Woche.</p>
<ul><li>Vergütung nach Entgeltgruppe S 8a TVöD SuE</li><li>Die Stelle ist befristet bis {end}.</li></ul>
<p>Bewerbungsfrist: {deadline}. Vorstellungsgespräche sind für den {talks} geplant.</p>]]></content:encoded></item>
</channel></rss>
"#,
        start = dot(in_days(90)),
        end = dot(in_days(800)),
        deadline = dot(in_days(40)),
        talks = dot(in_days(50)),
    )
}

/// A municipality's news feed in ISO-8859-1; its job ads are news items.
fn news_feed_latin1() -> Vec<u8> {
    let yy = in_days(45).format("%d.%m.%y").to_string();
    let text = format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Aktuelles aus Borsdorf</title><link>https://www.borsdorf.de</link><description>Neuigkeiten</description>
<item><title>Stellenausschreibung: Sachbearbeiter/in Bürgerbüro</title><link>https://www.borsdorf.de/aktuelles/2026/bb</link><guid>borsdorf-news-88</guid>
<description>&lt;p&gt;Die Gemeinde Borsdorf besetzt ab sofort eine unbefristete Stelle in Vollzeit (39 Stunden pro Woche), Vergütung nach EG 9a TVöD.&lt;/p&gt;&lt;p&gt;Ihre Bewerbung richten Sie bitte bis zum {named} an die Gemeindeverwaltung. Die Stelle war zuletzt am {past} ausgeschrieben.&lt;/p&gt;</description></item>
<item><title>Ausbildung Verwaltungsfachangestellte/r 2027</title><link>https://www.borsdorf.de/aktuelles/2026/azubi</link><guid>borsdorf-news-89</guid>
<description>Wir bilden aus! Ausbildungsbeginn ist der {begin}, die Vergütung richtet sich nach dem TVAöD. Die Ausbildung ist für 3 Jahre befristet. Unterlagen bitte bis spätestens {yy} einreichen.</description></item>
</channel></rss>
"#,
        named = spelled(in_days(35)),
        past = dot(today() - Days::new(200)),
        begin = dot(in_days(240)),
    );
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}

/// A feed of titles and links only.
fn thin_feed(base: &str) -> String {
    let item = |n: &str, title: &str| {
        format!(
            "<item><title>{title}</title><link>{base}/seite/{n}</link><guid>thin-{n}</guid></item>"
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Machern</title>\
         <link>{base}</link><description>Stellen</description>{}{}{}</channel></rss>\n",
        item("jsonld", "Hausmeister/in Grundschule"),
        item("text", "Sachgebietsleiter/in Ordnungsamt"),
        item("fehlt", "Gärtner/in Bauhof"),
    )
}

fn jsonld_page() -> String {
    let posting = serde_json::json!({
        "@context": "https://schema.org", "@type": "JobPosting",
        "title": "Hausmeister/in Grundschule (m/w/d)",
        "description": "<p>Sie betreuen das Schulgebäude und die Außenanlagen der Grundschule Machern, kleine Reparaturen inklusive.</p>",
        "validThrough": format!("{}T23:59:59+01:00", in_days(30)),
        "employmentType": "PART_TIME",
        "jobLocation": { "@type": "Place", "address": { "postalCode": "04827", "addressLocality": "Machern" } }
    });
    format!(
        "<!doctype html><html lang=\"de\"><head><title>Hausmeister</title><script type=\"application/ld+json\">{posting}</script></head><body><nav>Start · Rathaus</nav><main><h1>Hausmeister/in</h1><p>Kurz.</p></main></body></html>"
    )
}

fn text_page() -> String {
    format!(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Ordnungsamt</title></head><body>\
         <nav><a href=\"/\">Startseite</a> <a href=\"/rathaus\">Rathaus</a></nav>\
         <main><h1>Sachgebietsleiter/in Ordnungsamt (m/w/d)</h1><p>Die Gemeinde Machern sucht eine Leitung für das Sachgebiet Ordnung und Sicherheit.</p>\
         <p>Besoldung nach A 10 SächsBesG, Vollzeit. Bewerbungen bis {}.</p></main><footer>Impressum</footer></body></html>",
        dot(in_days(25))
    )
}

/// The fixture site: the three feeds and the pages the thin feed links.
async fn site() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let thin = thin_feed(&base);
    let html = |body: String| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body);
    let app = Router::new()
        .route(
            "/plugin.xml",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/rss+xml")],
                    plugin_feed(),
                )
            }),
        )
        .route(
            "/news.xml",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/rss+xml")],
                    news_feed_latin1(),
                )
            }),
        )
        .route(
            "/thin.xml",
            get(move || async move { ([(header::CONTENT_TYPE, "application/rss+xml")], thin) }),
        )
        .route(
            "/seite/jsonld",
            get(move || async move { html(jsonld_page()) }),
        )
        .route("/seite/text", get(move || async move { html(text_page()) }))
        .route(
            "/seite/fehlt",
            get(|| async { StatusCode::NOT_FOUND.into_response() }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A run's guard on a source of Machern at `url`, as `run_source` holds it.
async fn guard<'a>(db: &'a DatabaseConnection, url: &str, limits: RunLimits) -> Guard<'a> {
    let machern = jobboard_domain::municipalities::find_by_slug(db, "machern")
        .await
        .unwrap()
        .unwrap();
    let new = NewSource {
        municipality_id: machern.id,
        url: url.into(),
        format: ImportFormat::Auto,
    };
    let source = sources::add(db, new, Utc::now()).await.unwrap();
    let length = chrono::Duration::minutes(10);
    let lease = sources::claim(db, source.id, length, Utc::now())
        .await
        .unwrap()
        .unwrap();
    Guard::new(db, lease, length, limits)
}

async fn items(url: &str) -> Vec<HarvestedItem> {
    let (_, parsed) = read(url).await.unwrap();
    assert!(parsed.failures.is_empty(), "{:?}", parsed.failures);
    parsed.items
}

fn grade(item: &HarvestedItem) -> (PayScheme, Option<&str>) {
    let p = item.pay.as_ref().expect("pay read");
    (p.scheme, p.grade_from.as_deref())
}

#[tokio::test]
async fn job_plugin_feed_with_namespaces_is_read_from_its_text() {
    let base = site().await;
    let mut items = items(&format!("{base}/plugin.xml")).await;
    assert_eq!(
        reading::read_items(&mut items, today()),
        0,
        "every deadline found"
    );
    let i = &items[0];
    assert_eq!(i.deadline, Some(in_days(40)), "not the interview date");
    assert_eq!(i.weekly_hours, Some(30.0));
    assert_eq!(i.employment, Some(Employment::PartTime));
    assert_eq!(grade(i), (PayScheme::TvoedSueS, Some("8a")));
    assert_eq!(i.contract, Some((Contract::FixedTerm, Some(in_days(800)))));
    assert_eq!(i.start_date, Some(in_days(90)));
}

#[tokio::test]
async fn latin1_news_feed_items_are_read_as_job_ads() {
    let base = site().await;
    let mut items = items(&format!("{base}/news.xml")).await;
    assert_eq!(
        items[0].title,
        "Stellenausschreibung: Sachbearbeiter/in Bürgerbüro"
    );
    assert_eq!(reading::read_items(&mut items, today()), 0);
    let (job, azubi) = (&items[0], &items[1]);
    assert_eq!(
        job.deadline,
        Some(in_days(35)),
        "spelled month; the past date is ignored"
    );
    assert_eq!(job.employment, Some(Employment::FullTime));
    assert_eq!(job.weekly_hours, Some(39.0));
    assert_eq!(grade(job), (PayScheme::TvoedVkaEg, Some("9a")));
    assert_eq!(job.contract, Some((Contract::Permanent, None)));
    assert_eq!(job.start_date, None, "ab sofort");
    assert_eq!(azubi.deadline, Some(in_days(45)), "TT.MM.JJ");
    assert_eq!(grade(azubi).0, PayScheme::Tvaoed);
    assert_eq!(azubi.start_date, Some(in_days(240)));
    let end = in_days(240).checked_add_months(chrono::Months::new(36));
    assert_eq!(
        azubi.contract,
        Some((Contract::FixedTerm, end)),
        "three years from the start"
    );
}

db_tests! {
    async fn thin_items_are_completed_from_their_pages_or_point_to_them(t) {
        let db = &t.db;
        let base = site().await;
        let mut items = items(&format!("{base}/thin.xml")).await;
        assert!(items.iter().all(thin::is_thin));
        let mut guard = guard(db, &format!("{base}/thin.xml"), RunLimits::default()).await;
        let done = thin::complete(&fetcher(AddressPolicy::loopback()), &mut guard, &mut items).await.unwrap();
        assert_eq!((done.from_page, done.pointer_only), (2, 1));
        assert_eq!(
            reading::read_items(&mut items, today()),
            1,
            "the gone page named no deadline"
        );
        let (jsonld, text, gone) = (&items[0], &items[1], &items[2]);
        assert!(
            jsonld.description.contains("Schulgebäude"),
            "{}",
            jsonld.description
        );
        assert_eq!(jsonld.deadline, Some(in_days(30)));
        assert_eq!(
            jsonld.labels,
            ["part-time"],
            "the page's employment type, for the draft's guess"
        );
        assert_eq!(jsonld.location_postcode.as_deref(), Some("04827"));
        assert!(
            text.description
                .starts_with("Sachgebietsleiter/in Ordnungsamt"),
            "main text, no navigation: {}",
            text.description
        );
        assert!(!text.description.contains("Impressum") && !text.description.contains("Startseite"));
        assert_eq!(text.deadline, Some(in_days(25)));
        assert_eq!(grade(text), (PayScheme::BesoldungA, Some("10")));
        assert_eq!(
            gone.description,
            format!(
                "Die vollständige Ausschreibung steht auf der Website der Kommune: <{base}/seite/fehlt>"
            )
        );
        assert_eq!(gone.deadline, None);
    }

    async fn a_harvest_reports_what_it_read_and_completed_on_the_source(t) {
        let db = &t.db;
        let base = site().await;
        let machern = jobboard_domain::municipalities::find_by_slug(db, "machern").await.unwrap().unwrap();
        let source = sources::add(db, NewSource { municipality_id: machern.id, url: format!("{base}/thin.xml"), format: ImportFormat::Auto }, Utc::now()).await.unwrap();
        let result = run_source(db, &fetcher(AddressPolicy::loopback()), source.id, HarvestOptions::default(), |_| {}).await.unwrap();
        let RunResult::Imported { report, .. } = result else { panic!("{result:?}") };
        assert_eq!(report.new, 3, "no thin item refused: {report:?}");
        let s = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!((s.last_completed_from_page, s.last_pointer_only, s.last_defaulted_deadlines), (2, 1, 1));
        let postings = jobboard_domain::postings::queries::list_published(db, Utc::now(), 10, 0).await.unwrap();
        let hausmeister = postings.iter().find(|(p, _)| p.title.starts_with("Hausmeister")).unwrap();
        assert_eq!(hausmeister.0.application_deadline, in_days(30));
        assert_eq!(hausmeister.0.kind, PostingKind::Job);
        assert_eq!(hausmeister.0.employment, Employment::PartTime);
    }

    async fn thin_pages_share_the_runs_byte_budget_and_the_rest_point_to_their_pages(t) {
        let db = &t.db;
        let base = site().await;
        let size = |path: &'static str| {
            let url = format!("{base}{path}");
            async move { reqwest::get(url).await.unwrap().bytes().await.unwrap().len() as u64 }
        };
        // The feed and the first linked page fit; the second page does not.
        let budget = size("/thin.xml").await + size("/seite/jsonld").await + 10;
        assert!(size("/seite/text").await > 10);
        let machern = jobboard_domain::municipalities::find_by_slug(db, "machern").await.unwrap().unwrap();
        let source = sources::add(db, NewSource { municipality_id: machern.id, url: format!("{base}/thin.xml"), format: ImportFormat::Auto }, Utc::now()).await.unwrap();
        let options = HarvestOptions { limits: RunLimits { max_bytes: budget, max_items: 10_000 }, ..HarvestOptions::default() };
        let result = run_source(db, &fetcher(AddressPolicy::loopback()), source.id, options, |_| {}).await.unwrap();
        let RunResult::Imported { report, .. } = result else { panic!("{result:?}") };
        assert_eq!(report.new, 3, "a spent budget costs the pages, not the items: {report:?}");
        let s = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!((s.last_completed_from_page, s.last_pointer_only), (1, 2), "one page within the budget");
        let postings = jobboard_domain::postings::queries::list_published(db, Utc::now(), 10, 0).await.unwrap();
        let text = postings.iter().find(|(p, _)| p.title.starts_with("Sachgebietsleiter")).unwrap();
        assert_eq!(text.0.description, format!("Die vollständige Ausschreibung steht auf der Website der Kommune: <{base}/seite/text>"));
    }

    async fn completing_thin_items_renews_the_runs_lease_so_no_other_process_takes_the_source(t) {
        let db = &t.db;
        // Five thin items whose pages take 600 ms each: 3 s, well over the 2 s lease.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let feed = {
            let items: String = (1..=5).map(|n| format!("<item><title>Stelle {n}</title><link>{base}/langsam/{n}</link><guid>slow-{n}</guid></item>")).collect();
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Machern</title><link>{base}</link><description>Stellen</description>{items}</channel></rss>\n")
        };
        let app = Router::new()
            .route("/feed.xml", get(move || async move { ([(header::CONTENT_TYPE, "application/rss+xml")], feed) }))
            .route("/langsam/{n}", get(|| async {
                tokio::time::sleep(std::time::Duration::from_millis(600)).await;
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], text_page())
            }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        let machern = jobboard_domain::municipalities::find_by_slug(db, "machern").await.unwrap().unwrap();
        let source = sources::add(db, NewSource { municipality_id: machern.id, url: format!("{base}/feed.xml"), format: ImportFormat::Auto }, Utc::now()).await.unwrap();
        let options = HarvestOptions {
            lease: chrono::Duration::seconds(2),
            apply: jobboard_domain::imports::ApplyOptions { batch_size: 25, ..Default::default() },
            ..HarvestOptions::default()
        };
        let started = std::time::Instant::now();
        let fetcher = fetcher(AddressPolicy::loopback());
        let run = run_source(db, &fetcher, source.id, options, |_| {});
        // Another process tries to take the source every 50 ms until it gets it.
        let other = async {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if sources::claim(db, source.id, chrono::Duration::seconds(1), Utc::now()).await.unwrap().is_some() {
                    let row = sources::find(db, source.id).await.unwrap().unwrap();
                    assert!(row.last_success_at.is_some(), "another process took the source after {:?}, while the run still ran", started.elapsed());
                    return;
                }
            }
        };
        let (result, ()) = tokio::join!(run, other);
        assert!(started.elapsed() > std::time::Duration::from_secs(3), "the pages took longer than the lease");
        let RunResult::Imported { report, .. } = result.unwrap() else { panic!("the run stopped") };
        assert_eq!(report.new, 5, "{report:?}");
        let s = sources::find(db, source.id).await.unwrap().unwrap();
        assert_eq!(s.last_completed_from_page, 5);
    }
}
