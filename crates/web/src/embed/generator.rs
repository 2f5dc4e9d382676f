//! The „Einbinden“ page: takes a search (from a results page or a municipality page) and writes
//! the code a webmaster pastes: the frame, a plain link beside it, the optional resize script,
//! and the feed and API addresses for sites that render the list themselves.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use jobboard_feeds::export::Format;

use super::{EmbedOptions, MAX_COUNT, frame_ancestors, list_title};
use crate::page::{Meta, Section, render};
use crate::search_params::{PER_PAGE, Params, SearchParam, TRAINING, parse};
use crate::{AppError, AppResult, AppState};

/// An address to copy, with what it is.
pub struct Address {
    pub label: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "embed/generator.html")]
struct GeneratorPage {
    meta: Meta,
    /// The list's name: the frame's title.
    title: String,
    options: EmbedOptions,
    max_count: u32,
    /// The search and `liste`, kept as hidden fields of the options form.
    hidden: Vec<(String, String)>,
    /// The search on the board, to change it.
    results: String,
    /// The embedded list's address (absolute) and the code around it.
    src: String,
    code: String,
    script: String,
    addresses: Vec<Address>,
    /// Sites allowed to frame the list.
    allowed: Vec<String>,
}

/// The search for the JSON API, which knows no training list: a training search that names no
/// kind names the training kinds (`art=apprenticeship&art=dual_study&…`), else the API would
/// answer with every posting.
fn api_query(params: &Params, training: bool) -> String {
    if !training || params.get(SearchParam::Kind).is_some() {
        return params.query();
    }
    let mut params = params.clone();
    params.kept.extend(
        TRAINING
            .iter()
            .map(|k| (SearchParam::Kind, k.code().to_owned())),
    );
    params.query()
}

pub async fn show_generator(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<String>> {
    let members = state.members().await?;
    let options = EmbedOptions::read(raw.as_deref());
    let training = options.training;
    let (_, params) = parse(raw.as_deref(), &members, training, PER_PAGE)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (embed_path, list_path) = if training {
        ("/einbetten/ausbildung", "/ausbildung")
    } else {
        ("/einbetten/stellen", "/stellen")
    };
    let site = &state.site;
    let title = list_title(&params, &members, training);
    let src = site.url(&options.append_to(&params.link(embed_path, &[], None)));
    let results = site.url(&params.link(list_path, &[], None));
    let mut hidden: Vec<(String, String)> = params
        .kept
        .iter()
        .map(|(k, v)| (k.name().to_owned(), v.clone()))
        .collect();
    if training {
        hidden.push(("liste".into(), "ausbildung".into()));
    }
    let query = params.query();
    let mut addresses: Vec<Address> = Format::ALL
        .iter()
        .map(|f| Address {
            label: format!("Feed ({})", f.label()),
            href: site.url(&format!("{list_path}/feed.{}{query}", f.extension())),
        })
        .collect();
    addresses.push(Address {
        label: "JSON-API (OpenAPI-Beschreibung unter /api/openapi.json)".into(),
        href: site.url(&format!("/api/v1/postings{}", api_query(&params, training))),
    });
    let page = GeneratorPage {
        meta: Meta::new(
            site,
            "Stellenliste einbinden",
            "Code, mit dem eine Website die Stellenangebote der Partheland-Kommunen zeigt.",
            None,
            Section::Other,
        ),
        code: frame_code(&src, &title, &results),
        script: format!(
            "<script src=\"{}\" async></script>",
            attr(&site.url("/einbetten/rahmen.js"))
        ),
        title,
        options,
        max_count: MAX_COUNT,
        hidden,
        results,
        src,
        addresses,
        allowed: frame_ancestors(&members, site).0,
    };
    Ok(render(&page)?)
}

/// The frame and the plain link after it (frames have no fallback content in HTML).
fn frame_code(src: &str, title: &str, results: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" loading=\"lazy\" style=\"width:100%;height:600px;border:0\" data-stellenboerse></iframe>\n<p><a href=\"{}\">{} auf der Partheland Stellenbörse</a></p>",
        attr(src),
        attr(title),
        attr(results),
        text(title),
    )
}

/// A value inside a double-quoted HTML attribute.
fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

/// Text inside an HTML element.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
