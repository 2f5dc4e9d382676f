//! The search page: one GET form, facets with counts, removable filters, pagination.
//!
//! The query string is read by [`crate::search_params`]; a value that names nothing is left out
//! of the search and shown as ignored on the page. A page number or text that cannot be served is
//! a 400 page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_search::query::Dimension;
use jobboard_search::{Facets, SearchIndex, SearchQuery, Sort};

use jobboard_domain::alerts::AlertScope;

use crate::alerts::{AlertForm, describe, stored_query};
use crate::page::{Meta, Section, render};
use crate::search_params::{
    PER_PAGE, ParamError, Params, RADII, SORTS, SearchParam, TRAINING, dimension_param, parse,
    search_error,
};
use crate::stats::Visit;
use crate::view::{Card, cards};
use crate::{AppError, AppResult, AppState};
use jobboard_domain::stats::{CountEvent, TrafficSource};

pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub checked: bool,
}

pub struct FacetGroup {
    pub param: SearchParam,
    pub legend: &'static str,
    pub options: Vec<FacetOption>,
}

pub struct ActiveFilter {
    pub label: String,
    pub remove: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "pages/search.html")]
struct SearchPage {
    meta: Meta,
    heading: &'static str,
    action: &'static str,
    text: String,
    total: u64,
    cards: Vec<Card>,
    facets: Vec<FacetGroup>,
    active: Vec<ActiveFilter>,
    /// Values that name nothing and were left out, e.g. `Kommune „xyz“`.
    ignored: Vec<String>,
    places: Vec<Choice>,
    radii: Vec<Choice>,
    sorts: Vec<Choice>,
    page: u32,
    pages: u32,
    previous: String,
    next: String,
    reset: String,
    feeds: Vec<crate::feeds::FeedLink>,
    /// The „Einbinden“ page for this search.
    embed: String,
    /// The sign-up form of a search alert for this search.
    alert: crate::alerts::AlertForm,
}

/// The page's answer to a query string it cannot serve.
fn bad_request(e: ParamError) -> AppError {
    AppError::BadRequest(e.to_string())
}

pub async fn search_postings(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Visit(visit): Visit,
) -> AppResult<Html<Bytes>> {
    search_page(state, raw, false, visit).await
}

pub async fn search_training(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Visit(visit): Visit,
) -> AppResult<Html<Bytes>> {
    search_page(state, raw, true, visit).await
}

/// A results page, from the page cache when the index and the clock allow (see `page_cache`).
/// Every posting listed counts a search impression (`visit`: whether and from where).
async fn search_page(
    state: AppState,
    raw: Option<String>,
    training: bool,
    visit: Option<TrafficSource>,
) -> AppResult<Html<Bytes>> {
    let members = state.members().await?;
    let (query, params) =
        parse(raw.as_deref(), &members, training, PER_PAGE).map_err(bad_request)?;
    let path = if training { "/ausbildung" } else { "/stellen" };
    // Taken before searching: the answer is then at least as new as the snapshot.
    // A page naming ignored values says so, so it is not the cached page of its key.
    let snapshot = state
        .search
        .snapshot(query.now)
        .filter(|_| params.unknown.is_empty());
    let key = params.link(path, &[], Some(query.page));
    if let Some(s) = snapshot
        && let Some((page, ids)) = state.pages.get(&key, s, &members, query.now)
    {
        if let Some(source) = visit {
            state.counter.add_many(&ids, CountEvent::Impression, source);
        }
        return Ok(Html(page));
    }
    let (page, ids) = render_page(&state, &members, &query, &params, training, path).await?;
    let page = Bytes::from(page.0);
    if let Some(source) = visit {
        state.counter.add_many(&ids, CountEvent::Impression, source);
    }
    if let Some(s) = snapshot {
        state
            .pages
            .put(key, s, &members, query.now, page.clone(), ids);
    }
    Ok(Html(page))
}

async fn render_page(
    state: &AppState,
    members: &[Municipality],
    query: &SearchQuery,
    params: &Params,
    training: bool,
    path: &'static str,
) -> AppResult<(Html<String>, std::sync::Arc<[i64]>)> {
    let results = state.search.search(query).await.map_err(search_error)?;
    let ids: std::sync::Arc<[i64]> = results.hits.iter().map(|h| h.id).collect();
    let pages = results
        .total
        .div_ceil(u64::from(PER_PAGE))
        .min(u64::from(u32::MAX)) as u32;
    let (heading, title, description) = if training {
        (
            "Ausbildung & Studium",
            "Ausbildung, duales Studium, Praktikum und Freiwilligendienst",
            "Ausbildungsplätze, duale Studiengänge, Praktika und Freiwilligendienste der Partheland-Kommunen, oft im Verbund.",
        )
    } else {
        (
            "Stellenangebote",
            "Stellen suchen",
            "Alle Stellenangebote und Ausbildungsplätze der sieben Partheland-Kommunen.",
        )
    };
    // Filtered result pages are not indexed by search engines; the plain list is canonical.
    let canonical = params.kept.is_empty().then_some(path);
    let section = if training {
        Section::Training
    } else {
        Section::Jobs
    };
    let page_link = |page: u32| params.link(path, &[], Some(page));
    let page = SearchPage {
        meta: Meta::new(&state.site, title, description, canonical, section),
        heading,
        action: path,
        text: query.text.clone(),
        total: results.total,
        cards: cards(members, &results.hits, query.now),
        facets: filter_groups(params, members, training, Some(&results.facets)),
        active: active_filters(params, members, path),
        ignored: unknown_labels(params),
        places: places(params, members),
        radii: radii(params),
        sorts: sorts(params),
        page: query.page,
        pages,
        previous: if query.page > 1 {
            page_link(query.page - 1)
        } else {
            String::new()
        },
        next: if query.page < pages {
            page_link(query.page + 1)
        } else {
            String::new()
        },
        reset: path.to_owned(),
        feeds: crate::feeds::links(path, &params.query(), heading),
        embed: embed_link(params, training),
        alert: alert_form(params, members, training),
    };
    Ok((render(&page)?, ids))
}

/// `/einbinden` with this search (and `liste=ausbildung` for the training offers).
fn embed_link(params: &Params, training: bool) -> String {
    let link = params.link("/einbinden", &[], None);
    if training {
        let sep = if link.contains('?') { '&' } else { '?' };
        format!("{link}{sep}liste=ausbildung")
    } else {
        link
    }
}

fn alert_form(params: &Params, members: &[Municipality], training: bool) -> AlertForm {
    let scope = if training {
        AlertScope::Training
    } else {
        AlertScope::Jobs
    };
    let query = stored_query(params);
    let description = describe(scope, &query, members);
    AlertForm::new(scope, query, description)
}

/// The choices of `ort`: none, or one of the members.
pub(crate) fn places(params: &Params, members: &[Municipality]) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: "keine Angabe".into(),
        selected: params.get(SearchParam::Place).is_none(),
    })
    .chain(members.iter().map(|m| Choice {
        value: m.slug.clone(),
        label: m.name.clone(),
        selected: params.has(SearchParam::Place, &m.slug),
    }))
    .collect()
}

/// The choices of `umkreis`: any, or one of [`RADII`].
pub(crate) fn radii(params: &Params) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: "beliebig".into(),
        selected: params.get(SearchParam::Radius).is_none(),
    })
    .chain(RADII.iter().map(|r| Choice {
        value: r.to_string(),
        label: format!("{r} km"),
        selected: params.has(SearchParam::Radius, &r.to_string()),
    }))
    .collect()
}

/// The choices of `sortierung`; relevance, the default, has no value.
fn sorts(params: &Params) -> Vec<Choice> {
    let chosen = params.get(SearchParam::Sort).unwrap_or_default();
    SORTS
        .iter()
        .map(|(sort, value, label)| {
            let value = if *sort == Sort::Relevance { "" } else { value };
            Choice {
                value: value.into(),
                label: (*label).into(),
                selected: chosen == value,
            }
        })
        .collect()
}

/// How people read a parameter, e.g. `Kommune`.
fn label_of(param: SearchParam) -> &'static str {
    match param {
        SearchParam::Kind => "Art",
        SearchParam::Municipality => "Kommune",
        SearchParam::Category => "Bereich",
        SearchParam::Employment => "Arbeitszeit",
        SearchParam::Contract => "Vertrag",
        SearchParam::PayScheme => "Vergütung",
        SearchParam::Place => "Ort",
        SearchParam::Radius => "Umkreis",
        SearchParam::Sort => "Sortierung",
        SearchParam::Text | SearchParam::Page | SearchParam::PerPage => "Angabe",
    }
}

/// The ignored values as people read them: `Kommune „xyz“`.
fn unknown_labels(params: &Params) -> Vec<String> {
    params
        .unknown
        .iter()
        .map(|(k, v)| {
            let v: String = v.chars().take(60).collect();
            format!("{} „{v}“", label_of(*k))
        })
        .collect()
}

/// A group of checkboxes per filter dimension, the values of `params` checked. With the
/// `facets` of a search (the results page) each value shows its count and values without hits
/// are left out unless checked; without (an alert's management page) every value is offered.
pub(crate) fn filter_groups(
    params: &Params,
    members: &[Municipality],
    training: bool,
    facets: Option<&Facets>,
) -> Vec<FacetGroup> {
    vocabularies(members, training)
        .into_iter()
        .map(|(dim, legend, values)| {
            let param = dimension_param(dim);
            let options = values
                .into_iter()
                .map(|(value, label, counted)| FacetOption {
                    count: facets.map_or(0, |f| f.count(dim, &counted)),
                    checked: params.has(param, &value),
                    value,
                    label,
                })
                .filter(|o| facets.is_none() || o.count > 0 || o.checked)
                .collect();
            FacetGroup {
                param,
                legend,
                options,
            }
        })
        .collect()
}

/// The values of one filter dimension: (value in the link, label, value counted by the index).
type Values = Vec<(String, String, String)>;

/// Every filter dimension with its legend and [`Values`].
fn vocabularies(
    members: &[Municipality],
    training: bool,
) -> Vec<(Dimension, &'static str, Values)> {
    macro_rules! vocab {
        ($all:expr) => {
            $all.iter()
                .map(|v| {
                    (
                        v.code().to_owned(),
                        v.label().to_owned(),
                        v.code().to_owned(),
                    )
                })
                .collect()
        };
    }
    let kinds: &[PostingKind] = if training {
        &TRAINING
    } else {
        PostingKind::ALL
    };
    // Municipalities are linked by slug and counted by id.
    let municipalities = members
        .iter()
        .map(|m| (m.slug.clone(), m.name.clone(), m.id.to_string()))
        .collect();
    vec![
        (Dimension::Kind, "Art des Angebots", vocab!(kinds)),
        (Dimension::Municipality, "Kommune", municipalities),
        (Dimension::Category, "Bereich", vocab!(Category::ALL)),
        (
            Dimension::Employment,
            "Arbeitszeit",
            vocab!(Employment::ALL),
        ),
        (Dimension::Contract, "Vertrag", vocab!(Contract::ALL)),
        (Dimension::PayScheme, "Vergütung", vocab!(PayScheme::ALL)),
    ]
}

/// How people read one understood parameter, e.g. `Kommune: Naunhof`; `None` for the ones that
/// are no filter (sort, page).
pub(crate) fn filter_label(k: SearchParam, v: &str, members: &[Municipality]) -> Option<String> {
    let name = |slug: &str| {
        members
            .iter()
            .find(|m| m.slug == slug)
            .map_or(slug.to_owned(), |m| m.name.clone())
    };
    Some(match k {
        SearchParam::Text => format!("Suchbegriff: {v}"),
        SearchParam::Kind => format!("Art: {}", PostingKind::from_code(v)?.label()),
        SearchParam::Municipality => format!("Kommune: {}", name(v)),
        SearchParam::Category => format!("Bereich: {}", Category::from_code(v)?.label()),
        SearchParam::Employment => format!("Arbeitszeit: {}", Employment::from_code(v)?.label()),
        SearchParam::Contract => format!("Vertrag: {}", Contract::from_code(v)?.label()),
        SearchParam::PayScheme => format!("Vergütung: {}", PayScheme::from_code(v)?.label()),
        SearchParam::Place => format!("Ort: {}", name(v)),
        SearchParam::Radius => format!("Umkreis: {v} km"),
        SearchParam::Sort | SearchParam::Page | SearchParam::PerPage => return None,
    })
}

fn active_filters(params: &Params, members: &[Municipality], path: &str) -> Vec<ActiveFilter> {
    params
        .kept
        .iter()
        .filter_map(|(k, v)| {
            Some(ActiveFilter {
                label: filter_label(*k, v, members)?,
                remove: params.link(path, &[(*k, Some(v))], None),
            })
        })
        .collect()
}
