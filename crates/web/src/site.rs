//! Site-wide settings, the fingerprinted stylesheet, robots.txt and the sitemap.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use jobboard_domain::postings::queries;

use crate::{AppError, AppResult, AppState};

const STYLESHEET: &str = include_str!("../static/site.css");

/// What every page needs to know about the site.
#[derive(Clone, Debug)]
pub struct Site {
    /// Public address without trailing slash, for canonical links, the sitemap and sharing.
    pub base_url: String,
    /// `/static/site-<hash>.css`: the name changes with the content, so it can be cached forever.
    pub stylesheet: String,
    /// `JOBBOARD_EMBED_ORIGINS`: origins besides the member websites that may frame the
    /// embeddable job list (`https://www.partheland.de`).
    pub embed_origins: Vec<String>,
}

/// `/static/site-<hash>.css`: the name changes with the content, so it can be cached forever.
pub fn stylesheet_path() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| format!("/static/site-{}.css", fingerprint(STYLESHEET)))
}

impl Site {
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            stylesheet: stylesheet_path().to_owned(),
            embed_origins: Vec::new(),
        }
    }

    /// Further origins that may frame the embeddable job list (already plain origins, see
    /// [`crate::embed::origin_of`]).
    pub fn with_embed_origins(mut self, origins: Vec<String>) -> Self {
        self.embed_origins = origins;
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// FNV-1a: stable across builds and platforms, enough to tell versions of a file apart.
fn fingerprint(content: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in content.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{name}", get(static_file))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
}

async fn static_file(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    if format!("/static/{name}") != state.site.stylesheet {
        return AppError::NotFound.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        STYLESHEET,
    )
        .into_response()
}

async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /stellen?\n\nSitemap: {}\n",
            state.site.url("/sitemap.xml")
        ),
    )
}

async fn sitemap(State(state): State<AppState>) -> AppResult<Response> {
    let now = Utc::now();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut push = |path: &str, lastmod: Option<String>| {
        xml.push_str("<url><loc>");
        xml.push_str(&escape_xml(&state.site.url(path)));
        xml.push_str("</loc>");
        if let Some(l) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&l);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    for path in ["/", "/stellen", "/ausbildung"] {
        push(path, None);
    }
    for m in state.members().await?.iter() {
        push(&format!("/kommunen/{}", m.slug), None);
    }
    let total = queries::count_published(&state.db, now).await?;
    let mut offset = 0;
    while offset < total {
        for (p, _) in queries::list_published(&state.db, now, 1000, offset).await? {
            push(
                &format!("/stellen/{}", p.slug),
                Some(p.updated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            );
        }
        offset += 1000;
    }
    xml.push_str("</urlset>\n");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

pub fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
