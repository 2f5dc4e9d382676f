//! A real HTTP server on 127.0.0.1 serving fixture feeds, each path a different behaviour.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::fixtures;

/// What the mutable `/live.xml` serves, so a test can change the feed between runs.
#[derive(Clone, Default)]
pub struct Live {
    pub body: Arc<Mutex<String>>,
}

/// A change made to the API's postings.
pub type Change = Box<dyn FnOnce(&mut Vec<serde_json::Value>) + Send>;

/// What `/api/postings` serves: postings paged like this board's API (`seite` from 1,
/// `pro_seite` 1 to 100, default 20), with an ETag that changes with the page and the count.
#[derive(Clone, Default)]
pub struct Api {
    pub items: Arc<Mutex<Vec<serde_json::Value>>>,
    /// Made once when page 2 is next requested, before it is answered: the source changing
    /// in the middle of a harvest.
    pub on_page_2: Arc<Mutex<Option<Change>>>,
    /// Announced instead of the real total (and the pages computed from it).
    pub claimed_total: Arc<Mutex<Option<u64>>>,
    /// The query string of every request, in order.
    pub requests: Arc<Mutex<Vec<String>>>,
    /// How long the answer for a page (`seite`, 1 when not given) is delayed.
    pub delays: Arc<Mutex<HashMap<u64, Duration>>>,
}

impl Api {
    fn delay(&self, query: Option<&str>) -> Option<Duration> {
        let page = query
            .unwrap_or_default()
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == "seite")
            .map_or(Some(1), |(_, v)| v.parse::<u64>().ok())?;
        self.delays.lock().expect("lock").get(&page).copied()
    }

    fn respond(&self, query: Option<String>, headers: &HeaderMap) -> Response {
        let query = query.unwrap_or_default();
        self.requests.lock().expect("lock").push(query.clone());
        let number = |name: &str, default: u64| match query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| *k == name)
        {
            Some((_, v)) => v.parse::<u64>().ok(),
            None => Some(default),
        };
        let (Some(page @ 1..), Some(per_page @ 1..=100)) =
            (number("seite", 1), number("pro_seite", 20))
        else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        if page == 2
            && let Some(change) = self.on_page_2.lock().expect("lock").take()
        {
            change(&mut self.items.lock().expect("lock"));
        }
        let items = self.items.lock().expect("lock").clone();
        let total = self
            .claimed_total
            .lock()
            .expect("lock")
            .unwrap_or(items.len() as u64);
        let from = usize::try_from((page - 1) * per_page).expect("offset");
        let on_page: Vec<_> = items
            .into_iter()
            .skip(from)
            .take(usize::try_from(per_page).expect("size"))
            .collect();
        let etag = format!("\"p{page}-{per_page}-{total}\"");
        if headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v == etag.as_str())
        {
            return StatusCode::NOT_MODIFIED.into_response();
        }
        let body = serde_json::json!({
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": total.div_ceil(per_page),
            "items": on_page,
            "facets": []
        });
        (
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::ETAG, etag),
            ],
            body.to_string(),
        )
            .into_response()
    }
}

pub struct FixtureServer {
    pub base: String,
    pub live: Live,
    pub api: Api,
}

impl FixtureServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

pub async fn start() -> FixtureServer {
    start_on("127.0.0.1").await
}

pub async fn start_on(ip: &str) -> FixtureServer {
    let live = Live::default();
    let api = Api::default();
    let paged = api.clone();
    let app = Router::new()
        .route("/rss.xml", get(|| async { xml(fixtures::rss()) }))
        .route(
            "/atom.xml",
            get(|| async { typed("application/atom+xml", fixtures::atom()) }),
        )
        .route(
            "/feed.json",
            get(|| async { typed("application/feed+json", fixtures::json_feed()) }),
        )
        .route(
            "/api.json",
            get(|| async { typed("application/json", fixtures::api()) }),
        )
        .route(
            "/stellen.html",
            get(|| async { typed("text/html; charset=utf-8", fixtures::json_ld_page()) }),
        )
        .route(
            "/malformed.xml",
            get(|| async { xml(fixtures::malformed_rss()) }),
        )
        .route(
            "/truncated.xml",
            get(|| async {
                let full = fixtures::rss();
                xml(full[..full.len() - 120].to_owned())
            }),
        )
        .route("/huge.xml", get(|| async { xml(fixtures::huge_rss()) }))
        .route(
            "/huge-stream.xml",
            get(|| async {
                // No Content-Length: the limit must hold while reading.
                let chunk = "<!-- padding -->".repeat(4096);
                let stream = futures_util::stream::iter(
                    (0..120).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                );
                (
                    [(header::CONTENT_TYPE, "application/rss+xml")],
                    Body::from_stream(stream),
                )
                    .into_response()
            }),
        )
        .route(
            "/slow.xml",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                xml(fixtures::rss())
            }),
        )
        .route(
            "/redirect/{n}",
            get(|Path(n): Path<u32>| async move {
                let to = if n == 0 {
                    "/rss.xml".to_owned()
                } else {
                    format!("/redirect/{}", n - 1)
                };
                redirect(&to)
            }),
        )
        .route(
            "/to/{*target}",
            get(|Path(target): Path<String>| async move { redirect(&format!("http://{target}")) }),
        )
        .route("/bomb.xml", get(|| async { xml(fixtures::entity_bomb()) }))
        .route(
            "/image.png",
            get(|| async { typed("image/png", fixtures::rss()) }),
        )
        .route(
            "/plain.txt",
            get(|| async { typed("text/plain", fixtures::rss()) }),
        )
        .route(
            "/nonsense",
            get(|| async { typed("text/plain", "Hallo Welt".to_owned()) }),
        )
        .route(
            "/latin1.xml",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/rss+xml")],
                    fixtures::latin1_rss(),
                )
                    .into_response()
            }),
        )
        .route(
            "/latin1.html",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=ISO-8859-1")],
                    fixtures::latin1_page(),
                )
                    .into_response()
            }),
        )
        .route(
            "/etag.xml",
            get(|headers: HeaderMap| async move {
                if headers
                    .get(header::IF_NONE_MATCH)
                    .is_some_and(|v| v == "\"v1\"")
                {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                (
                    [
                        (header::CONTENT_TYPE, "application/rss+xml"),
                        (header::ETAG, "\"v1\""),
                    ],
                    fixtures::rss(),
                )
                    .into_response()
            }),
        )
        .route(
            "/live.xml",
            get(|State(live): State<Live>| async move {
                let body = live.body.lock().expect("lock").clone();
                xml(body)
            }),
        )
        .route(
            "/api/postings",
            get(move |RawQuery(query): RawQuery, headers: HeaderMap| {
                let api = paged.clone();
                async move {
                    if let Some(delay) = api.delay(query.as_deref()) {
                        tokio::time::sleep(delay).await;
                    }
                    api.respond(query, &headers)
                }
            }),
        )
        .route("/gone.xml", get(|| async { StatusCode::NOT_FOUND }))
        .with_state(live.clone());
    let listener = tokio::net::TcpListener::bind((ip, 0))
        .await
        .expect("bind fixture server");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FixtureServer {
        base: format!("http://{addr}"),
        live,
        api,
    }
}

fn xml(body: String) -> Response {
    typed("application/rss+xml; charset=utf-8", body)
}

fn typed(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
}
