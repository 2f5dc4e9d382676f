//! Turning a [`SearchQuery`] into tantivy queries and collecting hits, facets and snippets.

mod filters;
mod hits;
mod text;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::facets::DimensionCounts;
use super::schema::Fields;
use crate::SearchError;
use crate::query::{Dimension, Facets, Match, SearchQuery, SearchResults, Sort, distance_km};
use filters::filters;

pub use crate::query::day_number;

pub fn run(searcher: &Searcher, f: &Fields, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    let text = text::text_query(f, &q.text);
    let main = combine(text.as_deref(), filters(f, q, None));
    let inactive: Vec<Dimension> = Dimension::ALL
        .into_iter()
        .filter(|d| d.selected(q).is_empty())
        .collect();
    let (addresses, total, counted) = page(
        searcher,
        &main,
        q,
        text.is_some(),
        DimensionCounts(inactive),
    )?;
    let facets = facets(searcher, f, q, text.as_deref(), counted)?;
    let hits = hits::hits(searcher, f, q, text.as_deref(), &addresses)?;
    Ok(SearchResults {
        total: total as u64,
        hits,
        facets,
    })
}

/// What `q` matches, newest first, at most `limit`: the same query as [`run`]'s, collected
/// from the fast fields alone (no facets, no stored documents, no snippets).
pub fn matching(
    searcher: &Searcher,
    f: &Fields,
    q: &SearchQuery,
    limit: usize,
) -> Result<Vec<Match>, SearchError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let text = text::text_query(f, &q.text);
    let main = combine(text.as_deref(), filters(f, q, None));
    let newest = TopDocs::with_limit(limit).order_by_fast_field::<i64>("published", Order::Desc);
    let found = searcher.search(&main, &newest)?;
    let mut ids: HashMap<u32, Column<i64>> = HashMap::new();
    let mut out = Vec::with_capacity(found.len());
    for (published_ts, address) in found {
        // Every indexed posting has one; a document without cannot be new for anybody.
        let Some(published_ts) = published_ts else {
            continue;
        };
        let column = match ids.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => v.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64("id")?,
            ),
        };
        let id = column
            .first(address.doc_id)
            .ok_or_else(|| SearchError::Engine("indexed posting without id".into()))?;
        out.push(Match { id, published_ts });
    }
    Ok(out)
}

type Counted = <DimensionCounts as tantivy::collector::Collector>::Fruit;

/// One pass over the matches: the requested page in the requested order, the total, and the
/// facet counts of the dimensions without a selection.
fn page(
    searcher: &Searcher,
    main: &BooleanQuery,
    q: &SearchQuery,
    has_text: bool,
    counts: DimensionCounts,
) -> Result<(Vec<DocAddress>, usize, Counted), SearchError> {
    let page = TopDocs::with_limit(q.per_page as usize).and_offset(q.offset()?);
    match (q.sort, has_text) {
        (Sort::Relevance, true) => collect(searcher, main, page.order_by_score(), counts),
        (Sort::Relevance | Sort::Newest, _) => {
            let newest = page.order_by_fast_field::<i64>("published", Order::Desc);
            collect(searcher, main, newest, counts)
        }
        (Sort::Deadline, _) => {
            let soonest = page.order_by_fast_field::<i64>("deadline", Order::Asc);
            collect(searcher, main, soonest, counts)
        }
        (Sort::Distance, _) => {
            let near = q.near.ok_or_else(|| {
                SearchError::InvalidQuery("distance sort needs a location".into())
            })?;
            let nearest_first = move |segment: &tantivy::SegmentReader| {
                let lat = segment.fast_fields().f64("lat").ok();
                let lng = segment.fast_fields().f64("lng").ok();
                move |doc: tantivy::DocId| -> f64 {
                    match (
                        lat.as_ref().and_then(|c| c.first(doc)),
                        lng.as_ref().and_then(|c| c.first(doc)),
                    ) {
                        (Some(a), Some(b)) => -distance_km(near.lat, near.lng, a, b),
                        _ => f64::NEG_INFINITY,
                    }
                }
            };
            collect(searcher, main, page.order_by(nearest_first), counts)
        }
    }
}

fn collect<S, C>(
    searcher: &Searcher,
    main: &BooleanQuery,
    order: C,
    counts: DimensionCounts,
) -> Result<(Vec<DocAddress>, usize, Counted), SearchError>
where
    C: tantivy::collector::Collector<Fruit = Vec<(S, DocAddress)>>,
{
    let (hits, total, counted) = searcher.search(main, &(order, Count, counts))?;
    Ok((hits.into_iter().map(|(_, a)| a).collect(), total, counted))
}

/// Disjunctive facets: a dimension with a selection is counted without its own filter.
fn facets(
    searcher: &Searcher,
    f: &Fields,
    q: &SearchQuery,
    text: Option<&dyn Query>,
    mut counted: Counted,
) -> Result<Facets, SearchError> {
    for dim in Dimension::ALL
        .into_iter()
        .filter(|d| !d.selected(q).is_empty())
    {
        let without = combine(text, filters(f, q, Some(dim)));
        let mut one = searcher.search(&without, &DimensionCounts(vec![dim]))?;
        if let Some(c) = one.remove(&dim) {
            counted.insert(dim, c);
        }
    }
    let mut facets = Facets::default();
    for dim in Dimension::ALL {
        let values = counted.remove(&dim).unwrap_or_default();
        facets.insert(
            dim,
            values
                .into_iter()
                .filter_map(|(v, n)| Some((value_code(dim, v)?, n))),
        );
    }
    Ok(facets)
}

fn combine(text: Option<&dyn Query>, filters: Vec<Box<dyn Query>>) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(filters.len() + 1);
    match text {
        Some(t) => clauses.push((Occur::Must, t.box_clone())),
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    clauses.extend(filters.into_iter().map(|q| {
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>,
        )
    }));
    BooleanQuery::new(clauses)
}

fn value_code(dim: Dimension, v: u64) -> Option<String> {
    let i = v as usize;
    Some(match dim {
        Dimension::Kind => PostingKind::ALL.get(i)?.code().to_owned(),
        Dimension::Municipality => v.to_string(),
        Dimension::Category => Category::ALL.get(i)?.code().to_owned(),
        Dimension::Employment => Employment::ALL.get(i)?.code().to_owned(),
        Dimension::Contract => Contract::ALL.get(i)?.code().to_owned(),
        Dimension::PayScheme => PayScheme::ALL.get(i)?.code().to_owned(),
    })
}
