//! The job list for the members' own websites: the „Einbinden“ page that writes the code a
//! webmaster pastes (`/einbinden`), the stripped list it frames (`/einbetten/stellen`,
//! `/einbetten/ausbildung`) and two small first-party scripts that fit the frame to its content.
//!
//! - The list takes the search parameters of the results pages plus its own options
//!   ([`EmbedOptions`]); it sets no cookie and opens every link in a new tab.
//! - Only the list may be framed, and only by the member websites (each municipality's
//!   `website`) and the origins of `JOBBOARD_EMBED_ORIGINS`: its handler hands a
//!   [`FrameAncestors`] to `headers`, every other response keeps `frame-ancestors 'none'`.
//! - Resizing (optional; the list scrolls without it): inside the frame `hoehe.js` posts the
//!   content height to the parent, addressed to the parent's origin only when that is one of the
//!   allowed origins; on the host page `rahmen.js` accepts only messages from the board's origin
//!   and from one of its own frames.

mod generator;
mod list;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use jobboard_domain::municipalities::Municipality;

use crate::headers::FrameAncestors;
use crate::search_params::{Params, SearchParam};
use crate::{AppState, Site};

/// Items of an embedded list unless `anzahl` says otherwise, and the most it shows.
pub const DEFAULT_COUNT: u32 = 10;
pub const MAX_COUNT: u32 = 50;

const FRAME_SCRIPT: &str = include_str!("../../static/embed-frame.js");
const HOST_SCRIPT: &str = include_str!("../../static/embed-host.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/einbinden", get(generator::show_generator))
        .route("/einbetten/stellen", get(list::embedded_postings))
        .route("/einbetten/ausbildung", get(list::embedded_training))
        .route("/einbetten/hoehe.js", get(|| script(FRAME_SCRIPT)))
        .route("/einbetten/rahmen.js", get(|| script(HOST_SCRIPT)))
}

async fn script(source: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        source,
    )
}

/// The options of an embedded list, beside the search parameters in its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    /// `anzahl`: items shown (1 to [`MAX_COUNT`]).
    pub count: u32,
    /// `darstellung=kompakt`: title, municipality and deadline only.
    pub compact: bool,
    /// `suchfeld=ja`: a search box above the list.
    pub search_box: bool,
    /// `liste=ausbildung`: the training offers (on the generator page; the list has its path).
    pub training: bool,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        Self {
            count: DEFAULT_COUNT,
            compact: false,
            search_box: false,
            training: false,
        }
    }
}

impl EmbedOptions {
    /// Read from a query string; a value that makes no sense keeps the default, so a pasted
    /// address never breaks the host page.
    pub fn read(raw: Option<&str>) -> Self {
        let mut o = Self::default();
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = v.trim();
            match &*k {
                "anzahl" => {
                    if let Ok(n) = v.parse::<u32>() {
                        o.count = n.clamp(1, MAX_COUNT);
                    }
                }
                "darstellung" => o.compact = v == "kompakt",
                "suchfeld" => o.search_box = v == "ja",
                "liste" => o.training = v == "ausbildung",
                _ => {}
            }
        }
        o
    }

    /// The options that differ from the default, as name and value (`liste` excluded).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.count != DEFAULT_COUNT {
            out.push(("anzahl", self.count.to_string()));
        }
        if self.compact {
            out.push(("darstellung", "kompakt".to_owned()));
        }
        if self.search_box {
            out.push(("suchfeld", "ja".to_owned()));
        }
        out
    }

    /// `link` (a path with or without a query) with these options appended.
    pub fn append_to(&self, link: &str) -> String {
        let mut out = link.to_owned();
        for (k, v) in self.pairs() {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(k);
            out.push('=');
            out.push_str(&v);
        }
        out
    }
}

/// `scheme://host[:port]` of an http(s) address, or `None` for anything else.
pub fn origin_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// Who may frame the list: every member's website and the configured extra origins.
pub(crate) fn frame_ancestors(members: &[Municipality], site: &Site) -> FrameAncestors {
    let mut origins: Vec<String> = members
        .iter()
        .filter_map(|m| origin_of(&m.website))
        .chain(site.embed_origins.iter().cloned())
        .collect();
    origins.sort();
    origins.dedup();
    FrameAncestors(origins)
}

/// How the list is named in its frame's `title` and heading, e.g. „Stellenangebote von Naunhof“
/// or „Ausbildung & Studium der Partheland-Kommunen (Suchbegriff: Verwaltung)“: different
/// searches get different names, so two lists on one host page are told apart.
pub(crate) fn list_title(params: &Params, members: &[Municipality], training: bool) -> String {
    let what = if training {
        "Ausbildung & Studium"
    } else {
        "Stellenangebote"
    };
    let names: Vec<&str> = params
        .kept
        .iter()
        .filter(|(k, _)| *k == SearchParam::Municipality)
        .filter_map(|(_, v)| members.iter().find(|m| &m.slug == v))
        .map(|m| m.name.as_str())
        .collect();
    let mut title = if names.is_empty() {
        format!("{what} der Partheland-Kommunen")
    } else {
        format!("{what} von {}", crate::view::list_de(&names))
    };
    let rest: Vec<String> = params
        .kept
        .iter()
        .filter(|(k, _)| *k != SearchParam::Municipality)
        .filter_map(|(k, v)| crate::pages::search::filter_label(*k, v, members))
        .collect();
    if !rest.is_empty() {
        title.push_str(&format!(" ({})", rest.join(", ")));
    }
    title
}

#[cfg(test)]
mod tests;
