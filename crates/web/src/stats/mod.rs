//! Cookie-free counting on the public pages (issue 20): which request counts, and from which kind
//! of source. A request is looked at, never kept: no cookie is set, and neither the address,
//! the browser string nor the referring page is stored or logged — only the category the
//! referring host falls in ([`jobboard_domain::stats::classify`]).
//!
//! Not counted: HEAD requests, prefetches (`Sec-Purpose: prefetch`, `Purpose: prefetch`,
//! `X-Moz: prefetch`), requests without a browser string and those whose browser string names a
//! bot ([`is_bot`]).

pub mod apply;
pub mod counter;
pub mod public;

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use jobboard_domain::stats::{SOURCE_PARAM, TrafficSource, classify, host_of};

use crate::AppState;

pub use counter::Counter;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/stellen/{slug}/bewerben", axum::routing::get(apply::apply))
        .route("/zahlen", axum::routing::get(public::show_numbers))
}

/// Lower-case fragments of the browser strings of crawlers, link previews, monitors and HTTP
/// libraries. Kept short on purpose: the well-behaved bots name themselves.
const BOT_PATTERNS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "scrape",
    "preview",
    "facebookexternalhit",
    "feedfetcher",
    "headless",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
    "check_http",
    "curl/",
    "wget/",
    "python-",
    "python/",
    "aiohttp",
    "httpx",
    "go-http-client",
    "java/",
    "okhttp",
    "axios/",
    "node-fetch",
    "undici",
    "libwww",
    "httpclient",
    "reqwest",
    "ruby",
    "php/",
    "postman",
    "insomnia",
    "wordpress",
    "validator",
    "w3c_",
    "archive.org",
];

/// A browser string that names a bot, a library or a tool — or none at all.
pub fn is_bot(user_agent: Option<&str>) -> bool {
    let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return true;
    };
    let ua = ua.to_ascii_lowercase();
    BOT_PATTERNS.iter().any(|p| ua.contains(p))
}

/// Whether this request is a person's look at a page: not a HEAD, not a prefetch, not a bot.
pub fn countable(method: &Method, headers: &HeaderMap) -> bool {
    if method != Method::GET {
        return false;
    }
    let prefetch = ["sec-purpose", "purpose", "x-moz", "x-purpose"]
        .iter()
        .filter_map(|h| headers.get(*h))
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("prefetch") || v.contains("preview")
        });
    !prefetch
        && !is_bot(
            headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        )
}

/// The `quelle=` value of a query string.
pub fn quelle(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == SOURCE_PARAM)
        .map(|(_, v)| v.into_owned())
}

/// A request to count, with its kind of source; `None` when it is not counted (counting off,
/// HEAD, prefetch, bot).
pub struct Visit(pub Option<TrafficSource>);

impl FromRequestParts<AppState> for Visit {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        if !state.counter.is_enabled() || !countable(&parts.method, &parts.headers) {
            return Ok(Self(None));
        }
        Ok(Self(Some(source_of(parts, state).await)))
    }
}

async fn source_of(parts: &Parts, state: &AppState) -> TrafficSource {
    let quelle = quelle(parts.uri.query());
    let referrer = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(host_of);
    let own = host_of(&state.site.base_url).unwrap_or_default();
    // The members' hosts are needed only for a referring page of another site.
    let members: Vec<String> = match (&quelle, &referrer) {
        (None, Some(r)) if !r.ends_with(own.as_str()) => state
            .members()
            .await
            .map(|ms| ms.iter().filter_map(|m| host_of(&m.website)).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    classify(quelle.as_deref(), referrer.as_deref(), &own, &members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_tools_and_prefetches_are_not_counted() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert!(!is_bot(Some(firefox)));
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0)",
            "curl/8.5.0",
            "python-requests/2.31",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
            "",
        ] {
            assert!(is_bot(Some(ua)), "{ua}");
        }
        assert!(is_bot(None));
        let mut h = HeaderMap::new();
        h.insert(
            header::USER_AGENT,
            firefox.parse().unwrap_or_else(|_| unreachable!()),
        );
        assert!(countable(&Method::GET, &h));
        assert!(!countable(&Method::HEAD, &h));
        h.insert(
            "sec-purpose",
            "prefetch;prerender"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        assert!(!countable(&Method::GET, &h));
        assert_eq!(quelle(Some("a=b&quelle=feed")).as_deref(), Some("feed"));
    }
}
