//! Feeds of any search: `/stellen/feed.rss`, `/stellen/feed.atom`, `/stellen/feed.json` and the
//! same under `/ausbildung/`, with the query parameters of the search page. Rendering lives in
//! `jobboard-feeds`; here: the search, which postings are still visible, and conditional GET.
//!
//! - `ETag` (weak, a hash of the body) and, when the search index has caught up with every change,
//!   `Last-Modified` (the last change of anything the public sees); `If-None-Match` and
//!   `If-Modified-Since` are answered with 304.
//! - `Cache-Control: public, max-age=300`.
//! - At most [`FEED_ITEMS`] items; `seite` pages through longer results.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use jobboard_domain::outbox;
use jobboard_domain::postings::queries;
use jobboard_feeds::export::{self, FeedEntry, FeedMeta, Format};
use jobboard_search::{SearchIndex, SearchQuery};
use sha2::{Digest, Sha256};

use crate::search_params::{ParamError, Params, parse, search_error};
use crate::{AppError, AppResult, AppState};

pub const FEED_ITEMS: u32 = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/stellen/feed.rss",
            get(|s, q, h| feed(s, q, h, Format::Rss, false)),
        )
        .route(
            "/stellen/feed.atom",
            get(|s, q, h| feed(s, q, h, Format::Atom, false)),
        )
        .route(
            "/stellen/feed.json",
            get(|s, q, h| feed(s, q, h, Format::JsonFeed, false)),
        )
        .route(
            "/ausbildung/feed.rss",
            get(|s, q, h| feed(s, q, h, Format::Rss, true)),
        )
        .route(
            "/ausbildung/feed.atom",
            get(|s, q, h| feed(s, q, h, Format::Atom, true)),
        )
        .route(
            "/ausbildung/feed.json",
            get(|s, q, h| feed(s, q, h, Format::JsonFeed, true)),
        )
}

/// One `<link rel="alternate">` for the page head.
pub struct FeedLink {
    pub media_type: &'static str,
    pub title: String,
    pub href: String,
}

/// Autodiscovery links of the three formats for the search `query` ("" or "?kommune=…") under
/// `section` (`/stellen` or `/ausbildung`).
pub fn links(section: &str, query: &str, what: &str) -> Vec<FeedLink> {
    Format::ALL
        .iter()
        .map(|f| FeedLink {
            media_type: f.media_type(),
            title: format!("{what} ({})", f.label()),
            href: format!("{section}/feed.{}{query}", f.extension()),
        })
        .collect()
}

/// A feed's answer to a query string it cannot serve: the error page, as for the search page.
fn bad_request(e: ParamError) -> AppError {
    AppError::BadRequest(e.to_string())
}

async fn feed(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    format: Format,
    training: bool,
) -> AppResult<Response> {
    let members = state.members().await?;
    let (query, params) =
        parse(raw.as_deref(), &members, training, FEED_ITEMS).map_err(bad_request)?;
    if let Some(e) = params.unknown_error(&members, training) {
        return Err(bad_request(e));
    }
    // Read before searching: a change after this point makes the next response newer anyway.
    let index_behind = outbox::pending_count(&state.db).await? > 0;
    let last_change = queries::last_public_change(&state.db, query.now).await?;
    let body = render_search(
        &state,
        &members,
        &query,
        &params,
        format,
        training,
        last_change,
    )
    .await?;

    let etag = format!("W/\"{}\"", hex_prefix(&Sha256::digest(body.as_bytes()), 16));
    let last_modified = last_change.filter(|_| !index_behind);
    let not_modified = match headers.get(header::IF_NONE_MATCH) {
        Some(v) => v.to_str().is_ok_and(|v| etag_matches(v, &etag)),
        None => match (headers.get(header::IF_MODIFIED_SINCE), last_modified) {
            (Some(since), Some(modified)) => since
                .to_str()
                .ok()
                .and_then(|s| DateTime::parse_from_rfc2822(s).ok())
                .is_some_and(|since| modified.timestamp() <= since.timestamp()),
            _ => false,
        },
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            )],
            body,
        )
            .into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(t) = last_modified
        && let Ok(v) = HeaderValue::from_str(&http_date(t))
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    Ok(response)
}

/// The feed document of a search.
async fn render_search(
    state: &AppState,
    members: &[jobboard_domain::municipalities::Municipality],
    query: &SearchQuery,
    params: &Params,
    format: Format,
    training: bool,
    last_change: Option<DateTime<Utc>>,
) -> AppResult<String> {
    let results = state.search.search(query).await.map_err(search_error)?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let mut postings = queries::find_many(&state.db, &ids).await?;
    // The index may lag behind: what is no longer visible leaves the feed right away.
    postings.retain(|p| queries::is_publicly_visible(p, query.now));
    postings.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
    let partners = queries::confirmed_partners(&state.db, &ids).await?;
    let entries: Vec<FeedEntry<'_>> = postings
        .iter()
        .filter_map(|p| {
            Some(FeedEntry {
                posting: p,
                municipality: members.iter().find(|m| m.id == p.municipality_id)?,
                partners: partners
                    .get(&p.id)
                    .map(|list| {
                        list.iter()
                            .filter_map(|id| members.iter().find(|m| m.id == *id))
                            .collect()
                    })
                    .unwrap_or_default(),
                // `quelle=feed`: a view from a feed reader is counted as such (see `stats`).
                url: state.site.url(&format!(
                    "/stellen/{}?{}={}",
                    p.slug,
                    jobboard_domain::stats::SOURCE_PARAM,
                    jobboard_domain::stats::TrafficSource::Feed.param()
                )),
            })
        })
        .collect();
    let section = if training { "/ausbildung" } else { "/stellen" };
    let filters = params.query();
    let what = if training {
        "Ausbildung & Studium"
    } else {
        "Stellenangebote"
    };
    let meta = FeedMeta {
        title: if filters.is_empty() {
            format!("{what} – Partheland Stellenbörse")
        } else {
            format!("{what} (gefiltert) – Partheland Stellenbörse")
        },
        description: "Stellen, Ausbildung und duales Studium der sieben Partheland-Kommunen."
            .into(),
        page_url: state.site.url(&format!("{section}{filters}")),
        self_url: state
            .site
            .url(&format!("{section}/feed.{}{filters}", format.extension())),
        updated: last_change.unwrap_or(DateTime::UNIX_EPOCH),
    };
    export::render(format, &meta, &entries).map_err(|e| AppError::Internal(e.to_string()))
}

fn etag_matches(header: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    header.trim() == "*" || header.split(',').any(|t| bare(t) == bare(etag))
}

fn hex_prefix(bytes: &[u8], n: usize) -> String {
    bytes.iter().take(n).map(|b| format!("{b:02x}")).collect()
}

/// IMF-fixdate, as HTTP wants it.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}
