//! Turning a [`SearchQuery`] into tantivy queries and collecting hits, facets and snippets.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, ConstScoreQuery, DfaWrapper,
    EnableScoring, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, Term};

use super::facets::DimensionCounts;
use super::schema::Fields;
use super::{analyzer, ordinal};
use crate::query::{
    Dimension, Facets, Hit, SearchQuery, SearchResults, Sort, distance_km, mark_html,
};
use crate::{SearchError, synonyms};

pub use crate::query::day_number;

pub fn run(searcher: &Searcher, f: &Fields, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    let text = text_query(f, &q.text);
    let main = combine(text.as_deref(), filters(f, q, None));
    let offset = q.offset()?;
    let page = TopDocs::with_limit(q.per_page as usize).and_offset(offset);

    let inactive: Vec<Dimension> = Dimension::ALL
        .into_iter()
        .filter(|d| d.selected(q).is_empty())
        .collect();
    let counts = DimensionCounts(inactive.clone());
    let (addresses, total, mut counted) = match (q.sort, text.is_some()) {
        (Sort::Relevance, true) => {
            let (hits, total, counted) =
                searcher.search(&main, &(page.order_by_score(), Count, counts))?;
            (
                hits.into_iter().map(|(_, a)| a).collect::<Vec<_>>(),
                total,
                counted,
            )
        }
        (Sort::Relevance | Sort::Newest, _) => {
            let (hits, total, counted) = searcher.search(
                &main,
                &(
                    page.order_by_fast_field::<i64>("published", Order::Desc),
                    Count,
                    counts,
                ),
            )?;
            (hits.into_iter().map(|(_, a)| a).collect(), total, counted)
        }
        (Sort::Deadline, _) => {
            let (hits, total, counted) = searcher.search(
                &main,
                &(
                    page.order_by_fast_field::<i64>("deadline", Order::Asc),
                    Count,
                    counts,
                ),
            )?;
            (hits.into_iter().map(|(_, a)| a).collect(), total, counted)
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
            let (hits, total, counted) =
                searcher.search(&main, &(page.order_by(nearest_first), Count, counts))?;
            (hits.into_iter().map(|(_, a)| a).collect(), total, counted)
        }
    };

    // Disjunctive facets: a dimension with a selection is counted without its own filter.
    for dim in Dimension::ALL.into_iter().filter(|d| !inactive.contains(d)) {
        let without = combine(text.as_deref(), filters(f, q, Some(dim)));
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

    let hits = hits(searcher, f, q, text.as_deref(), &addresses)?;
    Ok(SearchResults {
        total: total as u64,
        hits,
        facets,
    })
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

/// Full text: every word (or a synonym variant of the whole query) must match in some field.
/// The applicant's own words match exactly, with typos (1 from 4 letters of the stem, 2 from 8)
/// or as a prefix in the short fields (title, classification, places), and exactly in the text;
/// synonym variants match exactly. Typos on synonyms would mostly find noise and cost the most.
fn text_query(f: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let variants: Vec<Box<dyn Query>> = synonyms::variants(text, 8)
        .iter()
        .enumerate()
        .filter_map(|(i, variant)| {
            let tokens: Vec<String> = analyzer::tokens(variant)
                .into_iter()
                .filter(|t| !analyzer::is_query_stopword(t))
                .collect();
            if tokens.is_empty() {
                return None;
            }
            let words: Vec<(Occur, Box<dyn Query>)> = tokens
                .iter()
                .map(|t| (Occur::Must, word_query(f, t, i == 0)))
                .collect();
            Some(Box::new(BooleanQuery::new(words)) as Box<dyn Query>)
        })
        .collect();
    match variants.len() {
        0 => None,
        1 => variants.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::union(variants))),
    }
}

fn word_query(f: &Fields, token: &str, tolerant: bool) -> Box<dyn Query> {
    let len = token.chars().count();
    let typos = match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    // One automaton per word, shared by the fields (building one for two typos is the most
    // expensive step of a text search).
    let fuzzy = (tolerant && typos > 0).then(|| automaton(token, typos, false));
    let prefix = (tolerant && len >= 3).then(|| automaton(token, 0, true));
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, weight) in f.weighted_text() {
        let term = Term::from_field_text(field, token);
        alternatives.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                weight,
            )),
        ));
        if field == f.body {
            continue;
        }
        for (automaton, factor) in [(&fuzzy, 0.3), (&prefix, 0.5)] {
            if let Some(Some(automaton)) = automaton {
                alternatives.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(SharedAutomatonQuery {
                            field,
                            automaton: Arc::clone(automaton),
                        }),
                        weight * factor,
                    )),
                ));
            }
        }
    }
    Box::new(BooleanQuery::new(alternatives))
}

/// The Levenshtein automaton of `word` (as [`FuzzyTermQuery`] builds it, transpositions counting
/// as one typo), from a small cache: applicants search for the same words again and again.
/// `None` if tantivy refuses the distance.
fn automaton(word: &str, distance: u8, prefix: bool) -> Option<Arc<DfaWrapper>> {
    /// An automaton for two typos can take a few hundred kB; this bounds the cache to a few MB.
    const CACHED: usize = 32;
    type Cache = lru::LruCache<(String, u8, bool), Arc<DfaWrapper>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        Mutex::new(lru::LruCache::new(
            std::num::NonZeroUsize::new(CACHED).expect("not zero"),
        ))
    });
    let key = (word.to_owned(), distance, prefix);
    if let Ok(mut c) = cache.lock()
        && let Some(a) = c.get(&key)
    {
        return Some(Arc::clone(a));
    }
    // Any text field: the automaton depends on the word only.
    let term = Term::from_field_text(Field::from_field_id(0), word);
    let query = if prefix {
        FuzzyTermQuery::new_prefix(term, distance, true)
    } else {
        FuzzyTermQuery::new(term, distance, true)
    };
    let built = Arc::new(query.automaton().ok()?);
    if let Ok(mut c) = cache.lock() {
        c.put(key, Arc::clone(&built));
    }
    Some(built)
}

/// A fuzzy or prefix match of one word in `field`, with an automaton built once for all fields:
/// what [`FuzzyTermQuery`] does, without building the automaton again for every field.
#[derive(Clone)]
struct SharedAutomatonQuery {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl std::fmt::Debug for SharedAutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedAutomatonQuery")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for SharedAutomatonQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

/// All filters of the query, leaving out dimension `except` (for its disjunctive facet counts).
fn filters(f: &Fields, q: &SearchQuery, except: Option<Dimension>) -> Vec<Box<dyn Query>> {
    let now = q.now.timestamp();
    let mut out: Vec<Box<dyn Query>> = vec![
        // Visibility is checked at query time too: a deadline passes between scheduler runs.
        Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(f.expires, now)),
            Bound::Unbounded,
        )),
        Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_i64(f.published, now)),
        )),
    ];
    let mut any_of = |dim: Dimension, values: Vec<u64>| {
        if except != Some(dim) && !values.is_empty() {
            let field = f.dimension(dim);
            // A handful of values: a plain disjunction (TermSetQuery builds an FST per query).
            let terms: Vec<Box<dyn Query>> = values
                .into_iter()
                .map(|v| {
                    Box::new(TermQuery::new(
                        Term::from_field_u64(field, v),
                        IndexRecordOption::Basic,
                    )) as Box<dyn Query>
                })
                .collect();
            out.push(Box::new(BooleanQuery::union(terms)));
        }
    };
    any_of(
        Dimension::Kind,
        q.kinds
            .iter()
            .map(|k| ordinal(PostingKind::ALL, *k))
            .collect(),
    );
    any_of(
        Dimension::Municipality,
        q.municipalities.iter().map(|m| *m as u64).collect(),
    );
    any_of(
        Dimension::Category,
        q.categories
            .iter()
            .map(|c| ordinal(Category::ALL, *c))
            .collect(),
    );
    any_of(
        Dimension::Employment,
        q.employments
            .iter()
            .map(|e| ordinal(Employment::ALL, *e))
            .collect(),
    );
    any_of(
        Dimension::Contract,
        q.contracts
            .iter()
            .map(|c| ordinal(Contract::ALL, *c))
            .collect(),
    );
    any_of(
        Dimension::PayScheme,
        q.pay_schemes
            .iter()
            .map(|p| ordinal(PayScheme::ALL, *p))
            .collect(),
    );
    if let Some(g) = q.grade {
        out.push(Box::new(TermQuery::new(
            Term::from_field_u64(f.pay_scheme, ordinal(PayScheme::ALL, g.scheme)),
            IndexRecordOption::Basic,
        )));
        if let Some(from) = g.from_rank {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.grade_max, from as i64)),
                Bound::Unbounded,
            )));
        }
        if let Some(to) = g.to_rank {
            out.push(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.grade_min, to as i64)),
            )));
        }
    }
    if let Some(day) = q.deadline_from {
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.deadline, day_number(day))),
            Bound::Unbounded,
        )));
    }
    if let Some(days) = q.published_within_days {
        let since = now - i64::from(days) * 86_400;
        out.push(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_i64(f.published, since)),
            Bound::Unbounded,
        )));
    }
    if let Some(near) = q.near
        && let Some(radius) = near.radius_km
    {
        let within: DocPredicateQuery =
            FunctionPredicate::from(move |segment: &tantivy::SegmentReader| {
                let lat = segment.fast_fields().f64("lat")?;
                let lng = segment.fast_fields().f64("lng")?;
                Ok(
                    move |doc: tantivy::DocId| match (lat.first(doc), lng.first(doc)) {
                        (Some(a), Some(b)) => distance_km(near.lat, near.lng, a, b) <= radius,
                        _ => false,
                    },
                )
            })
            .into();
        // A bounding box on the coordinate columns first: cheap, and the exact distance is then
        // computed only for documents inside it.
        let dlat = radius / 111.2;
        let dlng = radius / (111.2 * near.lat.to_radians().cos().abs().max(0.01));
        for (field, centre, delta) in [(f.lat, near.lat, dlat), (f.lng, near.lng, dlng)] {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_f64(field, centre - delta)),
                Bound::Included(Term::from_field_f64(field, centre + delta)),
            )));
        }
        out.push(Box::new(within));
    }
    out
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

fn hits(
    searcher: &Searcher,
    f: &Fields,
    q: &SearchQuery,
    text: Option<&dyn Query>,
    addresses: &[DocAddress],
) -> Result<Vec<Hit>, SearchError> {
    let snippets = match text {
        Some(t) => {
            let mut title = SnippetGenerator::create(searcher, t, f.title)?;
            title.set_max_num_chars(400);
            let mut body = SnippetGenerator::create(searcher, t, f.body)?;
            body.set_max_num_chars(220);
            Some((title, body))
        }
        None => None,
    };
    let mut out = Vec::with_capacity(addresses.len());
    let mut coordinates: HashMap<
        u32,
        (
            tantivy::columnar::Column<f64>,
            tantivy::columnar::Column<f64>,
        ),
    > = HashMap::new();
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let text_of = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let title = text_of(f.title);
        let (title_html, snippet_html) = match &snippets {
            Some((t, b)) => {
                let mut ts = t.snippet_from_doc(&doc);
                ts.set_snippet_prefix_postfix("<mark>", "</mark>");
                let mut bs = b.snippet_from_doc(&doc);
                bs.set_snippet_prefix_postfix("<mark>", "</mark>");
                let title_html = if ts.is_empty() {
                    mark_html(&title, "\u{1}", "\u{2}")
                } else {
                    ts.to_html()
                };
                (
                    title_html,
                    if bs.is_empty() {
                        String::new()
                    } else {
                        bs.to_html()
                    },
                )
            }
            None => (mark_html(&title, "\u{1}", "\u{2}"), String::new()),
        };
        let distance = match q.near {
            Some(near) => {
                let segment = searcher.segment_reader(address.segment_ord);
                let columns = match coordinates.entry(address.segment_ord) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => v.insert((
                        segment.fast_fields().f64("lat")?,
                        segment.fast_fields().f64("lng")?,
                    )),
                };
                Some(columns).and_then(|(lat, lng)| {
                    Some(distance_km(
                        near.lat,
                        near.lng,
                        lat.first(address.doc_id)?,
                        lng.first(address.doc_id)?,
                    ))
                })
            }
            None => None,
        };
        let int = |field: Field| doc.get_first(field).and_then(|v| v.as_i64());
        let vocab = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_u64())
                .unwrap_or(u64::MAX) as usize
        };
        let opt_text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let missing = |what: &str| SearchError::Engine(format!("stored {what} missing"));
        out.push(Hit {
            id: int(f.id).unwrap_or_default(),
            slug: text_of(f.slug),
            title,
            title_html,
            snippet_html,
            distance_km: distance,
            municipality_ids: doc
                .get_all(f.municipality)
                .filter_map(|v| v.as_u64())
                .map(|m| m as i64)
                .collect(),
            kind: *PostingKind::ALL
                .get(vocab(f.kind))
                .ok_or_else(|| missing("kind"))?,
            category: *Category::ALL
                .get(vocab(f.category))
                .ok_or_else(|| missing("category"))?,
            employment: *Employment::ALL
                .get(vocab(f.employment))
                .ok_or_else(|| missing("employment"))?,
            weekly_hours: doc.get_first(f.weekly_hours).and_then(|v| v.as_f64()),
            contract: *Contract::ALL
                .get(vocab(f.contract))
                .ok_or_else(|| missing("contract"))?,
            pay_scheme: *PayScheme::ALL
                .get(vocab(f.pay_scheme))
                .ok_or_else(|| missing("pay scheme"))?,
            pay_grade_from: opt_text(f.pay_grade_from),
            pay_grade_to: opt_text(f.pay_grade_to),
            pay_monthly_min_eur: int(f.pay_min).and_then(|v| i32::try_from(v).ok()),
            pay_monthly_max_eur: int(f.pay_max).and_then(|v| i32::try_from(v).ok()),
            deadline: int(f.deadline)
                .and_then(|d| i32::try_from(d).ok())
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| missing("deadline"))?,
            expires_ts: int(f.expires).unwrap_or_default(),
            published_ts: int(f.published).unwrap_or_default(),
        });
    }
    Ok(out)
}
