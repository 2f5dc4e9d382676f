//! The start page: search box, latest postings, the seven municipalities, teasers.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;
use jobboard_search::query::Dimension;
use jobboard_search::{SearchIndex, SearchQuery, Sort};

use crate::page::{Meta, Section, render};
use crate::search_params::{SearchParam, TRAINING, search_error, sort_value};
use crate::stats::Visit;
use crate::view::{Card, cards};
use crate::{AppResult, AppState};

pub struct MemberLink {
    pub slug: String,
    pub name: String,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "pages/start.html")]
struct StartPage {
    meta: Meta,
    total: u64,
    latest: Vec<Card>,
    members: Vec<MemberLink>,
    training: u64,
    feeds: Vec<crate::feeds::FeedLink>,
    /// All postings, newest first.
    newest: String,
}

/// The start page; the newest postings it lists count a search impression (`visit`).
pub async fn show_start(
    State(state): State<AppState>,
    Visit(visit): Visit,
) -> AppResult<Html<String>> {
    let members = state.members().await?;
    let query = SearchQuery {
        sort: Sort::Newest,
        per_page: 6,
        ..SearchQuery::new(Utc::now())
    };
    let results = state.search.search(&query).await.map_err(search_error)?;
    if let Some(source) = visit {
        state.counter.listed(&results.hits, source);
    }
    let training = TRAINING
        .iter()
        .map(|k| results.facets.count(Dimension::Kind, k.code()))
        .sum();
    let page = StartPage {
        meta: Meta::new(
            &state.site,
            "Partheland Stellenbörse",
            "Stellen, Ausbildung und duales Studium bei Borsdorf, Brandis, Großpösna, Naunhof, Belgershain, Parthenstein und Machern.",
            Some("/"),
            Section::Start,
        ),
        total: results.total,
        latest: cards(&members, &results.hits, query.now),
        members: members
            .iter()
            .map(|m| MemberLink {
                slug: m.slug.clone(),
                name: m.name.clone(),
                count: results
                    .facets
                    .count(Dimension::Municipality, &m.id.to_string()),
            })
            .collect(),
        training,
        feeds: crate::feeds::links("/stellen", "", "Alle Angebote"),
        newest: format!(
            "/stellen?{}={}",
            SearchParam::Sort,
            sort_value(Sort::Newest)
        ),
    };
    Ok(render(&page)?)
}
