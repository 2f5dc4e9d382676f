//! The full-text part of a query: the applicant's words with typos and prefixes, and synonym
//! variants of the whole query.

use std::sync::{Arc, Mutex, OnceLock};

use tantivy::Term;
use tantivy::query::{
    AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery, Occur,
    Query, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::super::analyzer;
use super::super::schema::Fields;
use crate::synonyms;

/// Full text: every word (or a synonym variant of the whole query) must match in some field.
/// The applicant's own words match exactly, with typos (1 from 4 letters of the stem, 2 from 8)
/// or as a prefix in the short fields (title, classification, places), and exactly in the text;
/// synonym variants match exactly. Typos on synonyms would mostly find noise and cost the most.
pub(super) fn text_query(f: &Fields, text: &str) -> Option<Box<dyn Query>> {
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
