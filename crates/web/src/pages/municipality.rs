//! A member municipality: its employer profile, its postings and the shared offers it takes part in.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::Utc;
use jobboard_domain::markdown;
use jobboard_search::{SearchIndex, SearchQuery, Sort};

use crate::page::{Meta, Section, render};
use crate::search_params::{SearchParam, search_error};
use crate::stats::Visit;
use crate::view::{Card, cards};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "pages/municipality.html")]
struct MunicipalityPage {
    meta: Meta,
    name: String,
    slug: String,
    website: String,
    email: String,
    profile_html: String,
    total: u64,
    cards: Vec<Card>,
    feeds: Vec<crate::feeds::FeedLink>,
}

/// A member's page; every posting it lists counts a search impression (`visit`).
pub async fn show_municipality(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Visit(visit): Visit,
) -> AppResult<Html<String>> {
    let members = state.members().await?;
    let m = members
        .iter()
        .find(|m| m.slug == slug)
        .ok_or(AppError::NotFound)?;
    let query = SearchQuery {
        municipalities: vec![m.id],
        sort: Sort::Newest,
        per_page: 100,
        ..SearchQuery::new(Utc::now())
    };
    let results = state.search.search(&query).await.map_err(search_error)?;
    if let Some(source) = visit {
        state.counter.listed(&results.hits, source);
    }
    let page = MunicipalityPage {
        meta: Meta::new(
            &state.site,
            &format!("Arbeiten in {}", m.name),
            &format!(
                "Stellen, Ausbildung und gemeinsame Angebote von {} im Partheland.",
                m.name
            ),
            Some(&format!("/kommunen/{}", m.slug)),
            Section::Municipalities,
        ),
        name: m.name.clone(),
        slug: m.slug.clone(),
        website: m.website.clone(),
        email: m.contact_email.clone(),
        profile_html: m
            .employer_profile
            .as_deref()
            .map(markdown::render)
            .unwrap_or_default(),
        feeds: crate::feeds::links(
            "/stellen",
            &format!("?{}={}", SearchParam::Municipality, m.slug),
            &format!("Angebote von {}", m.name),
        ),
        total: results.total,
        cards: cards(&members, &results.hits, query.now),
    };
    Ok(render(&page)?)
}
