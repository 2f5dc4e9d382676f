//! A [`SearchQuery`] as one Meilisearch multi-search: the main query (hits, and the counts of
//! the dimensions without a selection) plus one query per filtered dimension, whose counts ignore
//! that dimension's own filter.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::doc::{MeiliHit, RETRIEVED};
use super::settings::LOCALES;
use crate::query::{
    Dimension, Facets, Hit, Match, SearchQuery, SearchResults, Sort, day_number, distance_km,
    mark_html,
};
use crate::{SearchError, snippet};

/// Match markers that cannot occur in posting text; turned into `<mark>` after escaping.
const PRE: &str = "\u{1}";
const POST: &str = "\u{2}";
/// Where Meilisearch cut the body's excerpt.
const CROP: &str = "\u{3}";

/// The body of `POST /multi-search` for `q` against index `uid`.
pub(super) fn request(uid: &str, q: &SearchQuery) -> Value {
    let mut queries = vec![main_query(uid, q)];
    for dim in active(q) {
        queries.push(json!({
            "indexUid": uid,
            "q": q.text,
            "filter": filters(q, Some(dim)),
            "facets": [dim.field()],
            "limit": 0,
            "matchingStrategy": "all",
            "locales": LOCALES,
        }));
    }
    json!({ "queries": queries })
}

/// The body of `POST /multi-search` asking each of `queries` for what it matches: ids and
/// publication instants, newest first, at most `limit` each, nothing else computed.
pub(super) fn matching_request(uid: &str, queries: &[SearchQuery], limit: usize) -> Value {
    let queries: Vec<Value> = queries
        .iter()
        .map(|q| {
            json!({
                "indexUid": uid,
                "q": q.text,
                "filter": filters(q, None),
                "offset": 0,
                "limit": limit,
                "sort": ["published_ts:desc"],
                "attributesToRetrieve": ["id", "published_ts"],
                "matchingStrategy": "all",
                "locales": LOCALES,
            })
        })
        .collect();
    json!({ "queries": queries })
}

#[derive(Debug, Deserialize)]
pub(super) struct MatchResponse {
    results: Vec<MatchResult>,
}

#[derive(Debug, Deserialize)]
struct MatchResult {
    #[serde(default)]
    hits: Vec<Match>,
}

/// Each query's matches from Meilisearch's answer to [`matching_request`], in the order asked.
pub(super) fn matches(
    asked: usize,
    response: MatchResponse,
) -> Result<Vec<Vec<Match>>, SearchError> {
    if response.results.len() != asked {
        return Err(SearchError::Engine(format!(
            "multi-search answered {} of {asked} queries",
            response.results.len()
        )));
    }
    Ok(response.results.into_iter().map(|r| r.hits).collect())
}

fn active(q: &SearchQuery) -> Vec<Dimension> {
    Dimension::ALL
        .into_iter()
        .filter(|d| !d.selected(q).is_empty())
        .collect()
}

fn main_query(uid: &str, q: &SearchQuery) -> Value {
    let inactive: Vec<&str> = Dimension::ALL
        .iter()
        .filter(|d| d.selected(q).is_empty())
        .map(|d| d.field())
        .collect();
    let sort: Vec<String> = match (q.sort, q.text.trim().is_empty()) {
        (Sort::Relevance, false) => vec![],
        (Sort::Relevance | Sort::Newest, _) => vec!["published_ts:desc".into()],
        (Sort::Deadline, _) => vec!["deadline:asc".into()],
        (Sort::Distance, _) => match q.near {
            Some(n) => vec![format!("_geoPoint({}, {}):asc", n.lat, n.lng)],
            None => vec![],
        },
    };
    let mut main = json!({
        "indexUid": uid,
        "q": q.text,
        "filter": filters(q, None),
        "page": q.page,
        "hitsPerPage": q.per_page,
        "facets": inactive,
        "attributesToRetrieve": RETRIEVED,
        "attributesToHighlight": ["title", "body"],
        "attributesToCrop": ["body"],
        "cropLength": 40,
        "cropMarker": CROP,
        "highlightPreTag": PRE,
        "highlightPostTag": POST,
        // Every word (or a synonym of it) must match, as on the embedded engine: the default
        // ("last") drops words from the end until something matches, so a search for a posting's
        // old title would still find it by half of a compound word.
        "matchingStrategy": "all",
        "locales": LOCALES,
    });
    if !sort.is_empty() {
        main["sort"] = json!(sort);
    }
    main
}

#[derive(Debug, Deserialize)]
pub(super) struct MultiResponse {
    results: Vec<OneResult>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneResult {
    #[serde(default)]
    hits: Vec<RawHit>,
    total_hits: Option<u64>,
    estimated_total_hits: Option<u64>,
    facet_distribution: Option<HashMap<String, HashMap<String, u64>>>,
}

#[derive(Debug, Deserialize)]
struct RawHit {
    #[serde(flatten)]
    hit: MeiliHit,
    #[serde(rename = "_formatted", default)]
    formatted: HashMap<String, Value>,
}

/// The board's answer from Meilisearch's answer to [`request`].
pub(super) fn results(
    q: &SearchQuery,
    response: MultiResponse,
) -> Result<SearchResults, SearchError> {
    let mut results = response.results.into_iter();
    let first = results
        .next()
        .ok_or_else(|| SearchError::Engine("empty multi-search answer".into()))?;
    let mut distributions = first.facet_distribution.unwrap_or_default();
    for (dim, r) in active(q).into_iter().zip(results) {
        if let Some(d) = r.facet_distribution.and_then(|mut m| m.remove(dim.field())) {
            distributions.insert(dim.field().to_owned(), d);
        }
    }
    let mut facets = Facets::default();
    for dim in Dimension::ALL {
        facets.insert(dim, distributions.remove(dim.field()).unwrap_or_default());
    }
    let hits = first
        .hits
        .into_iter()
        .map(|h| hit(q, h))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SearchResults {
        total: first
            .total_hits
            .or(first.estimated_total_hits)
            .unwrap_or_default(),
        hits,
        facets,
    })
}

fn hit(q: &SearchQuery, h: RawHit) -> Result<Hit, SearchError> {
    let field = |name: &str| h.formatted.get(name).and_then(Value::as_str).map(marked);
    let title_html = field("title").unwrap_or_else(|| mark_html(&h.hit.title, PRE, POST));
    let snippet_html = match h.formatted.get("body").and_then(Value::as_str) {
        Some(body) if !q.text.trim().is_empty() && body.contains(PRE) => {
            snippet::snippet_from_marked(body, PRE, POST, CROP, 220)
        }
        _ => String::new(),
    };
    let distance_km = match (q.near, &h.hit.geo) {
        (Some(n), Some(g)) => Some(distance_km(n.lat, n.lng, g.lat, g.lng)),
        _ => None,
    };
    h.hit.into_hit(title_html, snippet_html, distance_km)
}

/// HTML with `<mark>` for Meilisearch's markers, each widened to whole words (Meilisearch marks
/// only as many characters as a query word that matched with a typo had) and touching marks
/// merged, as the embedded engine shows them.
fn marked(text: &str) -> String {
    snippet::highlight_marked(text, PRE, POST)
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Meilisearch filter expressions (ANDed), leaving out dimension `except`.
fn filters(q: &SearchQuery, except: Option<Dimension>) -> Vec<String> {
    let now = q.now.timestamp();
    let mut out = vec![
        format!("expires_ts > {now}"),
        format!("published_ts <= {now}"),
    ];
    for dim in Dimension::ALL {
        let selected = dim.selected(q);
        if except == Some(dim) || selected.is_empty() {
            continue;
        }
        out.push(match dim {
            Dimension::Municipality => format!("{} IN [{}]", dim.field(), selected.join(", ")),
            _ => format!("{} IN [{}]", dim.field(), quoted(&selected)),
        });
    }
    if let Some(g) = q.grade {
        out.push(format!("pay_scheme = \"{}\"", g.scheme.code()));
        if let Some(from) = g.from_rank {
            out.push(format!("grade_max_rank >= {from}"));
        }
        if let Some(to) = g.to_rank {
            out.push(format!("grade_min_rank <= {to}"));
        }
    }
    if let Some(day) = q.deadline_from {
        out.push(format!("deadline >= {}", day_number(day)));
    }
    if let Some(days) = q.published_within_days {
        out.push(format!(
            "published_ts >= {}",
            now - i64::from(days) * 86_400
        ));
    }
    if let Some(n) = q.near
        && let Some(r) = n.radius_km
    {
        out.push(format!(
            "_geoRadius({}, {}, {})",
            n.lat,
            n.lng,
            (r * 1000.0).round()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_that_touch_are_merged_and_text_is_escaped() {
        let text = format!("{PRE}Winter{POST}{PRE}dienst{POST} & <b>Pflege</b>");
        assert_eq!(
            marked(&text),
            "<mark>Winterdienst</mark> &amp; &lt;b&gt;Pflege&lt;/b&gt;"
        );
        let apart = format!("{PRE}Winter{POST} und {PRE}Dienst{POST}");
        assert_eq!(
            marked(&apart),
            "<mark>Winter</mark> und <mark>Dienst</mark>"
        );
    }

    #[test]
    fn every_query_of_a_search_asks_for_all_words_in_german() {
        let now = chrono::Utc::now();
        let mut q = SearchQuery::new(now).text("Erzieher Hort");
        q.kinds = vec![jobboard_domain::postings::PostingKind::Job];
        let body = request("postings", &q);
        let queries = body["queries"].as_array().unwrap_or(&Vec::new()).clone();
        assert_eq!(
            queries.len(),
            2,
            "main query and one for the filtered dimension"
        );
        for query in &queries {
            assert_eq!(query["matchingStrategy"], "all");
            assert_eq!(query["locales"], json!(["eng"]));
        }
        assert_eq!(queries[1]["facets"], json!(["kind"]));
    }
}
