//! The filter part of a query: visibility at the query's instant, the facet dimensions, pay
//! grade, dates and the radius around a place.

use std::ops::Bound;

use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use tantivy::Term;
use tantivy::query::doc_predicate_query::{DocPredicateQuery, FunctionPredicate};
use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::super::ordinal;
use super::super::schema::Fields;
use super::day_number;
use crate::query::{Dimension, GeoFilter, SearchQuery, distance_km};

type Filters = Vec<Box<dyn Query>>;

/// All filters of the query, leaving out dimension `except` (for its disjunctive facet counts).
pub(super) fn filters(f: &Fields, q: &SearchQuery, except: Option<Dimension>) -> Filters {
    let mut out = visibility(f, q.now.timestamp());
    for (dim, values) in dimension_values(q) {
        if except != Some(dim) && !values.is_empty() {
            out.push(any_of(f, dim, values));
        }
    }
    pay_grade(f, q, &mut out);
    dates(f, q, &mut out);
    if let Some(near) = q.near
        && let Some(radius) = near.radius_km
    {
        within_radius(f, near, radius, &mut out);
    }
    out
}

/// Visibility is checked at query time too: a deadline passes between scheduler runs.
fn visibility(f: &Fields, now: i64) -> Filters {
    vec![
        Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(f.expires, now)),
            Bound::Unbounded,
        )),
        Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_i64(f.published, now)),
        )),
    ]
}

/// The selected values of each facet dimension, as their indexed numbers.
fn dimension_values(q: &SearchQuery) -> [(Dimension, Vec<u64>); 6] {
    fn ordinals<T: PartialEq + Copy>(all: &[T], selected: &[T]) -> Vec<u64> {
        selected.iter().map(|v| ordinal(all, *v)).collect()
    }
    [
        (Dimension::Kind, ordinals(PostingKind::ALL, &q.kinds)),
        (
            Dimension::Municipality,
            q.municipalities.iter().map(|m| *m as u64).collect(),
        ),
        (Dimension::Category, ordinals(Category::ALL, &q.categories)),
        (
            Dimension::Employment,
            ordinals(Employment::ALL, &q.employments),
        ),
        (Dimension::Contract, ordinals(Contract::ALL, &q.contracts)),
        (
            Dimension::PayScheme,
            ordinals(PayScheme::ALL, &q.pay_schemes),
        ),
    ]
}

/// A handful of values: a plain disjunction (TermSetQuery builds an FST per query).
fn any_of(f: &Fields, dim: Dimension, values: Vec<u64>) -> Box<dyn Query> {
    let field = f.dimension(dim);
    let terms: Filters = values
        .into_iter()
        .map(|v| {
            Box::new(TermQuery::new(
                Term::from_field_u64(field, v),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>
        })
        .collect();
    Box::new(BooleanQuery::union(terms))
}

fn pay_grade(f: &Fields, q: &SearchQuery, out: &mut Filters) {
    let Some(g) = q.grade else { return };
    out.push(Box::new(TermQuery::new(
        Term::from_field_u64(f.pay_scheme, ordinal(PayScheme::ALL, g.scheme)),
        IndexRecordOption::Basic,
    )));
    if let Some(from) = g.from_rank {
        out.push(at_least(f.grade_max, from as i64));
    }
    if let Some(to) = g.to_rank {
        out.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_i64(f.grade_min, to as i64)),
        )));
    }
}

fn dates(f: &Fields, q: &SearchQuery, out: &mut Filters) {
    if let Some(day) = q.deadline_from {
        out.push(at_least(f.deadline, day_number(day)));
    }
    if let Some(days) = q.published_within_days {
        let since = q.now.timestamp() - i64::from(days) * 86_400;
        out.push(at_least(f.published, since));
    }
}

fn at_least(field: tantivy::schema::Field, value: i64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_i64(field, value)),
        Bound::Unbounded,
    ))
}

/// A bounding box on the coordinate columns first: cheap, and the exact distance is then
/// computed only for documents inside it.
fn within_radius(f: &Fields, near: GeoFilter, radius: f64, out: &mut Filters) {
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
