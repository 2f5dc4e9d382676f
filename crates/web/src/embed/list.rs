//! The embedded list: the results of a search without the site around it, for a frame on a
//! member's website. Links open in a new tab; no cookie is set.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jobboard_search::SearchIndex;

use super::{EmbedOptions, frame_ancestors, list_title};
use crate::page::render;
use crate::search_params::{SearchParam, parse, search_error};
use crate::stats::Visit;
use crate::view::{Card, cards};
use crate::{AppError, AppResult, AppState};
use jobboard_domain::stats::{SOURCE_PARAM, TrafficSource};

#[derive(Template)]
#[template(path = "embed/list.html")]
struct EmbeddedList {
    title: String,
    stylesheet: String,
    /// The board's address, before every link (the links leave the frame).
    base: String,
    /// The allowed parent origins, space-separated, for `hoehe.js`.
    parents: String,
    search_box: bool,
    compact: bool,
    action: &'static str,
    text: String,
    /// Everything of the search but its text, and the options: hidden in the search box's form.
    hidden: Vec<(String, String)>,
    total: u64,
    cards: Vec<Card>,
    /// The whole search on the board.
    more: String,
    /// `?quelle=kommune` on every link to the board: views from the frame are counted as from a
    /// member's website (see `stats`).
    quelle: String,
}

pub async fn embedded_postings(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Visit(visit): Visit,
) -> AppResult<Response> {
    embedded_list(state, raw, false, visit.is_some()).await
}

pub async fn embedded_training(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Visit(visit): Visit,
) -> AppResult<Response> {
    embedded_list(state, raw, true, visit.is_some()).await
}

/// `counted`: the postings listed count a search impression, always from a member's website
/// (the frame is allowed on those and the origins named in `JOBBOARD_EMBED_ORIGINS` only).
async fn embedded_list(
    state: AppState,
    raw: Option<String>,
    training: bool,
    counted: bool,
) -> AppResult<Response> {
    let members = state.members().await?;
    let options = EmbedOptions::read(raw.as_deref());
    // A search that cannot be served (a page number „abc“, a text too long) shows the list
    // without the page and text (still of its municipality), or else the default list, rather
    // than the site's error page, which may not be framed: like the options, a pasted address
    // never breaks the host page.
    let (query, params) = match parse(raw.as_deref(), &members, training, options.count) {
        Ok(parsed) => parsed,
        Err(e) => {
            tracing::debug!(error = %e, "embedded list: unusable search, served without it");
            let filters = without_page_and_text(raw.as_deref().unwrap_or_default());
            parse(Some(&filters), &members, training, options.count)
                .or_else(|_| parse(None, &members, training, options.count))
                .map_err(|e| AppError::BadRequest(e.to_string()))?
        }
    };
    let results = state.search.search(&query).await.map_err(search_error)?;
    if counted {
        state.counter.listed(&results.hits, TrafficSource::Member);
    }
    let quelle = format!("?{SOURCE_PARAM}={}", TrafficSource::Member.param());
    let (action, list) = if training {
        ("/einbetten/ausbildung", "/ausbildung")
    } else {
        ("/einbetten/stellen", "/stellen")
    };
    let hidden = params
        .kept
        .iter()
        .filter(|(k, _)| *k != SearchParam::Text)
        .map(|(k, v)| (k.name().to_owned(), v.clone()))
        .chain(options.pairs().into_iter().map(|(k, v)| (k.to_owned(), v)))
        .collect();
    let ancestors = frame_ancestors(&members, &state.site);
    let page = EmbeddedList {
        title: list_title(&params, &members, training),
        stylesheet: state.site.stylesheet.clone(),
        base: state.site.base_url.clone(),
        parents: ancestors.0.join(" "),
        search_box: options.search_box,
        compact: options.compact,
        action,
        text: query.text.clone(),
        hidden,
        total: results.total,
        cards: cards(&members, &results.hits, query.now),
        more: state.site.url(&params.link(list, &[], None)),
        quelle,
    };
    let mut response = (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        render(&page)?,
    )
        .into_response();
    response.extensions_mut().insert(ancestors);
    Ok(response)
}

/// `raw` without the page number and the search text: the filters that are left.
fn without_page_and_text(raw: &str) -> String {
    let dropped = [SearchParam::Page.name(), SearchParam::Text.name()];
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            url::form_urlencoded::parse(raw.as_bytes())
                .filter(|(k, _)| !dropped.contains(&k.as_ref())),
        )
        .finish()
}
