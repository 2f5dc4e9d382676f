//! The search page: one GET form, facets with counts, removable filters, pagination.
//!
//! Parameters (repeatable where a dimension allows several values): `q`, `art`, `kommune`,
//! `bereich`, `umfang`, `vertrag`, `verguetung`, `umkreis` with `ort`, `sortierung`, `seite`.
//! A value that names nothing (an unknown municipality, say) is left out of the search and shown
//! as ignored on the page; the API and the feeds refuse it (see [`Params::unknown_error`]), since
//! a website embedding a mistyped feed would otherwise show every municipality's postings.
//! A page number or text that cannot be served is a 400 page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use chrono::Utc;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use jobboard_search::query::{Dimension, GeoFilter};
use jobboard_search::{SearchIndex, SearchQuery, SearchResults, Sort};

use crate::page::{Meta, render};
use crate::view::{Card, cards};
use crate::{AppError, AppResult, AppState};

pub const PER_PAGE: u32 = 20;
const MAX_QUERY_BYTES: usize = 4096;
const TRAINING: [PostingKind; 4] = [
    PostingKind::Apprenticeship,
    PostingKind::DualStudy,
    PostingKind::Internship,
    PostingKind::VolunteerService,
];
const RADII: [u32; 5] = [5, 10, 20, 30, 50];

#[derive(Clone, Debug, Default)]
pub struct Params {
    /// The understood parameters, in the order given.
    pub(crate) kept: Vec<(&'static str, String)>,
    /// Values of known parameters that name nothing here, in the order given.
    pub(crate) unknown: Vec<(&'static str, String)>,
}

impl Params {
    fn get(&self, key: &str) -> Option<&str> {
        self.kept
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, key: &str, value: &str) -> bool {
        self.kept.iter().any(|(k, v)| *k == key && v == value)
    }

    /// Link to `path` with these parameters, minus `drop` (key, and value or all values).
    pub(crate) fn link(
        &self,
        path: &str,
        drop: &[(&str, Option<&str>)],
        page: Option<u32>,
    ) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.kept {
            let dropped = *k == "seite"
                || drop
                    .iter()
                    .any(|(dk, dv)| dk == k && dv.is_none_or(|dv| dv == v));
            if !dropped {
                out.append_pair(k, v);
            }
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            out.append_pair("seite", &p.to_string());
        }
        let query = out.finish();
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The ignored values as people read them: `Kommune „xyz“`.
    fn unknown_labels(&self) -> Vec<String> {
        self.unknown
            .iter()
            .map(|(k, v)| {
                let v: String = v.chars().take(60).collect();
                format!("{} „{v}“", label_of_key(k))
            })
            .collect()
    }

    /// For the API and the feeds: an unknown value is an error naming it and what is allowed.
    pub(crate) fn unknown_error(
        &self,
        members: &[Municipality],
        training: bool,
    ) -> Option<AppError> {
        let (key, value) = self.unknown.first()?;
        let value: String = value.chars().take(60).collect();
        let allowed: Vec<String> = match *key {
            "art" => PostingKind::ALL
                .iter()
                .filter(|k| !training || TRAINING.contains(k))
                .map(|k| k.code().to_owned())
                .collect(),
            "kommune" | "ort" => members.iter().map(|m| m.slug.clone()).collect(),
            "bereich" => Category::ALL.iter().map(|c| c.code().to_owned()).collect(),
            "umfang" => Employment::ALL
                .iter()
                .map(|c| c.code().to_owned())
                .collect(),
            "vertrag" => Contract::ALL.iter().map(|c| c.code().to_owned()).collect(),
            "verguetung" => PayScheme::ALL.iter().map(|c| c.code().to_owned()).collect(),
            "umkreis" => RADII.iter().map(u32::to_string).collect(),
            "sortierung" => ["relevanz", "neueste", "frist", "entfernung"]
                .map(str::to_owned)
                .into(),
            _ => Vec::new(),
        };
        Some(AppError::BadRequest(format!(
            "Unbekannter Wert „{value}“ für „{key}“. Möglich sind: {}.",
            allowed.join(", ")
        )))
    }
}

fn label_of_key(key: &str) -> &'static str {
    match key {
        "art" => "Art",
        "kommune" => "Kommune",
        "bereich" => "Bereich",
        "umfang" => "Arbeitszeit",
        "vertrag" => "Vertrag",
        "verguetung" => "Vergütung",
        "ort" => "Ort",
        "umkreis" => "Umkreis",
        "sortierung" => "Sortierung",
        _ => "Angabe",
    }
}

/// Add a filter value: `Ok(Some(key))` to keep it in links, `Ok(None)` for a repeat, `Err(key)`
/// when it names nothing.
fn add<T: PartialEq>(
    list: &mut Vec<T>,
    value: Option<T>,
    key: &'static str,
) -> Result<Option<&'static str>, &'static str> {
    match value {
        None => Err(key),
        Some(v) if list.contains(&v) => Ok(None),
        Some(v) => {
            list.push(v);
            Ok(Some(key))
        }
    }
}

/// Parse the query string into a search of `per_page` hits a page; `training` limits kinds to the
/// training offers.
pub fn parse(
    raw: Option<&str>,
    members: &[Municipality],
    training: bool,
    per_page: u32,
) -> Result<(SearchQuery, Params), AppError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(AppError::BadRequest("Die Suchanfrage ist zu lang. Bitte kürzen Sie den Suchbegriff oder entfernen Sie Filter.".into()));
    }
    let mut q = SearchQuery::new(Utc::now());
    q.per_page = per_page;
    let mut kept = Params::default();
    let mut centre: Option<&Municipality> = None;
    let mut radius: Option<u32> = None;
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let member = |slug: &str| members.iter().find(|m| m.slug == slug);
        let keep: Result<Option<&'static str>, &'static str> = match key.as_ref() {
            "q" => {
                if value.chars().count() > 200 {
                    return Err(AppError::BadRequest(
                        "Der Suchbegriff ist zu lang: höchstens 200 Zeichen.".into(),
                    ));
                }
                q.text = value.to_owned();
                Ok(Some("q"))
            }
            "art" => add(
                &mut q.kinds,
                PostingKind::from_code(value).filter(|k| !training || TRAINING.contains(k)),
                "art",
            ),
            "kommune" => add(
                &mut q.municipalities,
                member(value).map(|m| m.id),
                "kommune",
            ),
            "bereich" => add(&mut q.categories, Category::from_code(value), "bereich"),
            "umfang" => add(&mut q.employments, Employment::from_code(value), "umfang"),
            "vertrag" => add(&mut q.contracts, Contract::from_code(value), "vertrag"),
            "verguetung" => add(
                &mut q.pay_schemes,
                PayScheme::from_code(value),
                "verguetung",
            ),
            "ort" => match member(value) {
                Some(m) => {
                    centre = Some(m);
                    Ok(Some("ort"))
                }
                None => Err("ort"),
            },
            "umkreis" => match value.parse::<u32>().ok().filter(|r| RADII.contains(r)) {
                Some(r) => {
                    radius = Some(r);
                    Ok(Some("umkreis"))
                }
                None => Err("umkreis"),
            },
            "sortierung" => {
                let sort = match value {
                    "neueste" => Some(Sort::Newest),
                    "frist" => Some(Sort::Deadline),
                    "entfernung" => Some(Sort::Distance),
                    "relevanz" => Some(Sort::Relevance),
                    _ => None,
                };
                match sort {
                    Some(sort) => {
                        q.sort = sort;
                        Ok((sort != Sort::Relevance).then_some("sortierung"))
                    }
                    None => Err("sortierung"),
                }
            }
            "seite" => {
                let max =
                    (jobboard_search::query::MAX_RESULT_WINDOW / u64::from(per_page.max(1))) as u32;
                match value.parse::<u32>() {
                    Ok(p) if (1..=max).contains(&p) => q.page = p,
                    _ => {
                        return Err(AppError::BadRequest(format!(
                            "Die Seitenzahl „{}“ ist ungültig. Es gibt höchstens {max} Seiten.",
                            value.chars().take(20).collect::<String>()
                        )));
                    }
                }
                Ok(None)
            }
            _ => Ok(None),
        };
        match keep {
            Ok(Some(k)) => kept.kept.push((k, value.to_owned())),
            Ok(None) => {}
            Err(k) if kept.unknown.len() < 10 => kept.unknown.push((k, value.to_owned())),
            Err(_) => {}
        }
    }
    if training && q.kinds.is_empty() {
        q.kinds = TRAINING.to_vec();
    }
    if let Some(m) = centre {
        q.near = Some(GeoFilter {
            lat: m.latitude,
            lng: m.longitude,
            radius_km: radius.map(f64::from),
        });
    }
    if q.sort == Sort::Distance && q.near.is_none() {
        q.sort = Sort::Relevance;
    }
    Ok((q, kept))
}

pub struct FacetOption {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub checked: bool,
}

pub struct FacetGroup {
    pub param: &'static str,
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
}

pub async fn search_postings(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<Bytes>> {
    search_page(state, raw, false).await
}

pub async fn search_training(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<Bytes>> {
    search_page(state, raw, true).await
}

/// A results page, from the page cache when the index and the clock allow (see `page_cache`).
async fn search_page(
    state: AppState,
    raw: Option<String>,
    training: bool,
) -> AppResult<Html<Bytes>> {
    let members = state.members().await?;
    let (query, params) = parse(raw.as_deref(), &members, training, PER_PAGE)?;
    let path = if training { "/ausbildung" } else { "/stellen" };
    // Taken before searching: the answer is then at least as new as the snapshot.
    // A page naming ignored values says so, so it is not the cached page of its key.
    let snapshot = state
        .search
        .snapshot(query.now)
        .filter(|_| params.unknown.is_empty());
    let key = params.link(path, &[], Some(query.page));
    if let Some(s) = snapshot
        && let Some(page) = state.pages.get(&key, s, &members, query.now)
    {
        return Ok(Html(page));
    }
    let page = Bytes::from(
        render_page(&state, &members, &query, &params, training, path)
            .await?
            .0,
    );
    if let Some(s) = snapshot {
        state.pages.put(key, s, &members, query.now, page.clone());
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
) -> AppResult<Html<String>> {
    let results = state.search.search(query).await.map_err(search_error)?;
    let cards = cards(members, &results.hits, query.now);
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
    let page = SearchPage {
        // Filtered result pages are not indexed by search engines; the plain list is canonical.
        meta: Meta::new(
            &state.site,
            title,
            description,
            params.kept.is_empty().then_some(path),
            if training {
                crate::page::Section::Training
            } else {
                crate::page::Section::Jobs
            },
        ),
        heading,
        action: path,
        text: query.text.clone(),
        total: results.total,
        facets: facet_groups(&results, params, members, training),
        active: active_filters(params, members, path),
        ignored: params.unknown_labels(),
        places: std::iter::once(Choice {
            value: String::new(),
            label: "keine Angabe".into(),
            selected: params.get("ort").is_none(),
        })
        .chain(members.iter().map(|m| Choice {
            value: m.slug.clone(),
            label: m.name.clone(),
            selected: params.has("ort", &m.slug),
        }))
        .collect(),
        radii: std::iter::once(Choice {
            value: String::new(),
            label: "beliebig".into(),
            selected: params.get("umkreis").is_none(),
        })
        .chain(RADII.iter().map(|r| Choice {
            value: r.to_string(),
            label: format!("{r} km"),
            selected: params.has("umkreis", &r.to_string()),
        }))
        .collect(),
        sorts: [
            ("", "Relevanz"),
            ("neueste", "Neueste zuerst"),
            ("frist", "Bewerbungsfrist zuerst"),
            ("entfernung", "Entfernung (mit Ort)"),
        ]
        .iter()
        .map(|(v, l)| Choice {
            value: (*v).into(),
            label: (*l).into(),
            selected: params.get("sortierung").unwrap_or_default() == *v,
        })
        .collect(),
        page: query.page,
        pages,
        previous: if query.page > 1 {
            params.link(path, &[], Some(query.page - 1))
        } else {
            String::new()
        },
        next: if query.page < pages {
            params.link(path, &[], Some(query.page + 1))
        } else {
            String::new()
        },
        reset: path.to_owned(),
        feeds: crate::feeds::links(path, &crate::feeds::query_of(params), heading),
        cards,
    };
    Ok(render(&page)?)
}

pub fn search_error(e: jobboard_search::SearchError) -> AppError {
    match e {
        jobboard_search::SearchError::InvalidQuery(why) => {
            // The engine's reason is for the log; people get German.
            tracing::debug!(%why, "search refused");
            AppError::BadRequest(
                "Diese Suche ist nicht möglich. Bitte ändern Sie die Angaben.".into(),
            )
        }
        other => AppError::SearchUnavailable(other.to_string()),
    }
}

fn facet_groups(
    results: &SearchResults,
    params: &Params,
    members: &[Municipality],
    training: bool,
) -> Vec<FacetGroup> {
    /// One facet group over a vocabulary given as (code, label) pairs.
    fn group(
        results: &SearchResults,
        params: &Params,
        dim: Dimension,
        param: &'static str,
        legend: &'static str,
        values: Vec<(&'static str, &'static str)>,
    ) -> FacetGroup {
        let options = values
            .into_iter()
            .map(|(code, label)| FacetOption {
                value: code.into(),
                label: label.into(),
                count: results.facets.count(dim, code),
                checked: params.has(param, code),
            })
            .filter(|o| o.count > 0 || o.checked)
            .collect();
        FacetGroup {
            param,
            legend,
            options,
        }
    }
    macro_rules! vocab {
        ($all:expr) => {
            $all.iter().map(|v| (v.code(), v.label())).collect()
        };
    }
    let kinds: &[PostingKind] = if training {
        &TRAINING
    } else {
        PostingKind::ALL
    };
    let mut groups = vec![group(
        results,
        params,
        Dimension::Kind,
        "art",
        "Art des Angebots",
        vocab!(kinds),
    )];
    groups.push(FacetGroup {
        param: "kommune",
        legend: "Kommune",
        options: members
            .iter()
            .map(|m| FacetOption {
                value: m.slug.clone(),
                label: m.name.clone(),
                count: results
                    .facets
                    .count(Dimension::Municipality, &m.id.to_string()),
                checked: params.has("kommune", &m.slug),
            })
            .filter(|o| o.count > 0 || o.checked)
            .collect(),
    });
    groups.push(group(
        results,
        params,
        Dimension::Category,
        "bereich",
        "Bereich",
        vocab!(Category::ALL),
    ));
    groups.push(group(
        results,
        params,
        Dimension::Employment,
        "umfang",
        "Arbeitszeit",
        vocab!(Employment::ALL),
    ));
    groups.push(group(
        results,
        params,
        Dimension::Contract,
        "vertrag",
        "Vertrag",
        vocab!(Contract::ALL),
    ));
    groups.push(group(
        results,
        params,
        Dimension::PayScheme,
        "verguetung",
        "Vergütung",
        vocab!(PayScheme::ALL),
    ));
    groups
}

fn active_filters(params: &Params, members: &[Municipality], path: &str) -> Vec<ActiveFilter> {
    let name = |slug: &str| {
        members
            .iter()
            .find(|m| m.slug == slug)
            .map_or(slug.to_owned(), |m| m.name.clone())
    };
    params
        .kept
        .iter()
        .filter_map(|(k, v)| {
            let label = match *k {
                "q" => format!("Suchbegriff: {v}"),
                "art" => format!("Art: {}", PostingKind::from_code(v)?.label()),
                "kommune" => format!("Kommune: {}", name(v)),
                "bereich" => format!("Bereich: {}", Category::from_code(v)?.label()),
                "umfang" => format!("Arbeitszeit: {}", Employment::from_code(v)?.label()),
                "vertrag" => format!("Vertrag: {}", Contract::from_code(v)?.label()),
                "verguetung" => format!("Vergütung: {}", PayScheme::from_code(v)?.label()),
                "ort" => format!("Ort: {}", name(v)),
                "umkreis" => format!("Umkreis: {v} km"),
                _ => return None,
            };
            Some(ActiveFilter {
                label,
                remove: params.link(path, &[(k, Some(v))], None),
            })
        })
        .collect()
}
