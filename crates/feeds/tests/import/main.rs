//! The harvester against real HTTP servers on 127.0.0.1 serving fixture feeds; the database
//! tests run on SQLite and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "tests")]

mod fixtures;
mod harvest;
mod limits;
mod reading;
mod server;

use std::time::{Duration, Instant};

use jobboard_domain::imports::ImportFormat;
use jobboard_feeds::import::fetch::{Body, FetchError, Fetched};
use jobboard_feeds::import::parse::{self, ParseError, Parsed};
use jobboard_feeds::import::{AddressPolicy, FetchOptions, Fetcher};

fn fetcher(policy: AddressPolicy) -> Fetcher {
    Fetcher::new(FetchOptions {
        policy,
        timeout: Duration::from_secs(2),
        ..FetchOptions::default()
    })
    .unwrap()
}

async fn get(url: &str) -> Result<Body, FetchError> {
    match fetcher(AddressPolicy::loopback())
        .fetch(url, None, None)
        .await?
    {
        Fetched::Body(b) => Ok(b),
        Fetched::NotModified => panic!("unexpected 304"),
    }
}

async fn read(url: &str) -> Result<(ImportFormat, Parsed), ParseError> {
    parse::parse(&get(url).await.unwrap(), ImportFormat::Auto)
}

#[tokio::test]
async fn every_supported_format_is_recognised_and_read() {
    let s = server::start().await;
    let (format, rss) = read(&s.url("/rss.xml")).await.unwrap();
    assert_eq!(format, ImportFormat::Rss);
    assert_eq!(rss.items.len(), 3);
    assert_eq!(rss.items[0].guid, "brandis-1");
    assert_eq!(rss.items[0].title, "Sachbearbeiter Bauamt (m/w/d)");
    assert_eq!(
        rss.items[0].description,
        "Wir suchen Verstärkung im Bauamt."
    );
    assert_eq!(
        rss.items[0].url.as_deref(),
        Some("https://www.brandis.de/stellen/brandis-1")
    );

    let (format, atom) = read(&s.url("/atom.xml")).await.unwrap();
    assert_eq!(format, ImportFormat::Atom);
    assert_eq!(atom.items.len(), 2);
    assert_eq!(atom.items[0].guid, "urn:naunhof:stelle:17");
    assert_eq!(atom.items[0].labels, ["it_digitales"]);
    assert_eq!(atom.items[0].deadline, None);
    let ext = &atom.items[1];
    assert_eq!(
        ext.deadline.unwrap().to_string(),
        fixtures::deadline(),
        "extension element"
    );
    assert_eq!(
        ext.employment,
        Some(jobboard_domain::postings::Employment::PartTime)
    );
    assert_eq!(ext.weekly_hours, None, "another namespace is not ours");

    let (format, feed) = read(&s.url("/feed.json")).await.unwrap();
    assert_eq!(format, ImportFormat::JsonFeed);
    assert_eq!(feed.items.len(), 1, "the item without title is reported");
    assert_eq!(feed.failures[0].item, "machern-6");
    assert_eq!(
        feed.items[0].deadline.unwrap().to_string(),
        fixtures::deadline()
    );
    assert_eq!(feed.items[0].weekly_hours, Some(30.0));

    let (format, api) = read(&s.url("/api.json")).await.unwrap();
    assert_eq!(format, ImportFormat::JobboardApi);
    let k = &api.items[0];
    assert_eq!(
        (k.guid.as_str(), k.reference_number.as_deref()),
        ("42", Some("GRP-2026-07"))
    );
    assert_eq!(k.location_postcode.as_deref(), Some("04463"));
    assert_eq!(k.pay.as_ref().unwrap().grade_to.as_deref(), Some("12"));

    let (format, page) = read(&s.url("/stellen.html")).await.unwrap();
    assert_eq!(format, ImportFormat::JsonLdHtml);
    let p = &page.items[0];
    assert_eq!(p.guid, "PAR-2026-3");
    assert_eq!(p.title, "Sozialarbeiter Jugendclub (m/w/d)");
    assert_eq!(p.description, "Offene Jugendarbeit im Jugendclub.");
    assert_eq!(p.deadline.unwrap().to_string(), fixtures::deadline());
    assert_eq!(p.location_postcode.as_deref(), Some("04668"));
}

#[tokio::test]
async fn a_malformed_item_is_skipped_and_reported_the_rest_read() {
    let s = server::start().await;
    let (_, parsed) = read(&s.url("/malformed.xml")).await.unwrap();
    let guids: Vec<&str> = parsed.items.iter().map(|i| i.guid.as_str()).collect();
    assert_eq!(guids, ["m-1", "m-3"]);
    assert_eq!(parsed.failures.len(), 1);
    assert_eq!(parsed.failures[0].item, "m-2");
    assert!(parsed.failures[0].reason.contains("keinen Titel"));
}

#[tokio::test]
async fn a_truncated_feed_is_refused_as_a_whole() {
    let s = server::start().await;
    let err = read(&s.url("/truncated.xml")).await.unwrap_err();
    assert!(matches!(err, ParseError::Truncated), "{err}");
}

#[tokio::test]
async fn a_response_over_five_megabytes_is_refused() {
    let s = server::start().await;
    for path in ["/huge.xml", "/huge-stream.xml"] {
        let err = get(&s.url(path)).await.unwrap_err();
        assert!(matches!(err, FetchError::TooLarge(_)), "{path}: {err}");
        assert!(err.to_string().contains("größer als 5 MB"), "{err}");
    }
}

#[tokio::test]
async fn a_slow_source_times_out() {
    let s = server::start().await;
    let started = Instant::now();
    let err = get(&s.url("/slow.xml")).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout(2)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn redirects_are_followed_up_to_five_and_refused_beyond() {
    let s = server::start().await;
    let body = get(&s.url("/redirect/4")).await.unwrap();
    assert!(body.url.ends_with("/rss.xml"), "five hops: {}", body.url);
    let err = get(&s.url("/redirect/5")).await.unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "six hops: {err}");
    assert!(err.to_string().contains("Weiterleitungen"), "{err}");
}

#[tokio::test]
async fn a_redirect_to_an_internal_address_is_refused() {
    let s = server::start().await;
    // Only this one loopback address is allowed; the redirect points at another.
    let policy = AddressPolicy::parse("127.0.0.1/32").unwrap();
    let port = s.base.rsplit(':').next().unwrap();
    let hop = s.url(&format!("/to/127.0.0.2:{port}/rss.xml"));
    let err = fetcher(policy.clone())
        .fetch(&hop, None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
    assert!(err.to_string().contains("127.0.0.2"), "{err}");
    let metadata = s.url("/to/169.254.169.254/latest/meta-data");
    let err = fetcher(AddressPolicy::loopback())
        .fetch(&metadata, None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
}

#[tokio::test]
async fn loopback_is_refused_when_not_allowed_also_by_name() {
    let s = server::start().await;
    let strict = fetcher(AddressPolicy::default());
    let err = strict
        .fetch(&s.url("/rss.xml"), None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
    let port = s.base.rsplit(':').next().unwrap();
    let by_name = format!("http://localhost:{port}/rss.xml");
    let err = strict.fetch(&by_name, None, None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::Refused(_)),
        "resolved at connect time: {err}"
    );
    let err = strict
        .fetch("file:///etc/passwd", None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused(_)), "{err}");
}

#[tokio::test]
async fn an_entity_bomb_is_not_expanded() {
    let s = server::start().await;
    let started = Instant::now();
    let result = read(&s.url("/bomb.xml")).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    if let Ok((_, parsed)) = result {
        for item in &parsed.items {
            assert!(
                item.title.len() < 200 && !item.title.contains("lollol"),
                "{}",
                item.title
            );
            assert!(item.description.len() < 200, "{}", item.description.len());
        }
    }
}

#[tokio::test]
async fn the_content_type_is_checked_and_content_recognised() {
    let s = server::start().await;
    let err = read(&s.url("/image.png")).await.unwrap_err();
    assert!(
        matches!(err, ParseError::WrongContentType(ref t) if t == "image/png"),
        "{err}"
    );
    let (format, parsed) = read(&s.url("/plain.txt")).await.unwrap();
    assert_eq!(
        (format, parsed.items.len()),
        (ImportFormat::Rss, 3),
        "RSS served as text/plain"
    );
    let err = read(&s.url("/nonsense")).await.unwrap_err();
    assert!(matches!(err, ParseError::Unrecognised), "{err}");
    let err = get(&s.url("/gone.xml")).await.unwrap_err();
    assert!(matches!(err, FetchError::Status(404)), "{err}");
}

#[tokio::test]
async fn iso_8859_1_is_decoded_from_the_prolog_and_from_the_charset() {
    let s = server::start().await;
    let (_, rss) = read(&s.url("/latin1.xml")).await.unwrap();
    assert_eq!(rss.items[0].title, "Gärtner für Großpösna (m/w/d)");
    assert_eq!(
        rss.items[0].description,
        "Pflege der Grünflächen, Straßenbäume."
    );
    let (_, page) = read(&s.url("/latin1.html")).await.unwrap();
    assert_eq!(page.items[0].title, "Straßenwärter Großpösna (m/w/d)");
}

#[tokio::test]
async fn conditional_get_answers_not_modified() {
    let s = server::start().await;
    let f = fetcher(AddressPolicy::loopback());
    let Fetched::Body(first) = f.fetch(&s.url("/etag.xml"), None, None).await.unwrap() else {
        panic!("first fetch has a body");
    };
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    let second = f
        .fetch(&s.url("/etag.xml"), first.etag.as_deref(), None)
        .await
        .unwrap();
    assert_eq!(second, Fetched::NotModified);
}

#[test]
fn one_api_page_of_several_says_where_it_stands_and_names_items_by_page() {
    let body = Body {
        bytes: serde_json::json!({
            "total": 25, "page": 2, "per_page": 20, "pages": 2,
            "items": [{ "id": 1, "slug": "a", "title": "Koch (m/w/d)" }, { "title": "Ohne Kennung" }],
            "facets": []
        })
        .to_string()
        .into_bytes(),
        content_type: Some("application/json".into()),
        etag: None,
        last_modified: None,
        url: "https://stellen.example/api/v1/postings".into(),
    };
    let (format, parsed) = parse::parse(&body, ImportFormat::Auto).unwrap();
    assert_eq!(format, ImportFormat::JobboardApi);
    let page = parsed.page.unwrap();
    assert_eq!(
        page,
        parse::ApiPage {
            page: 2,
            pages: 2,
            total: Some(25)
        }
    );
    assert!(page.is_partial());
    assert_eq!(parsed.items.len(), 1);
    assert_eq!(parsed.failures[0].item, "Seite 2, Eintrag 2");
}
