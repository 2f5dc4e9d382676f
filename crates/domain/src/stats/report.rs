//! The figures of the statistics pages: per kind of posting how many were published in a period,
//! the median views and apply clicks of those postings, where the events came from, and the
//! median time to fill of the postings filled in the period.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::counts;
use super::filling::{days_to_fill, first_publications};
use super::{CountEvent, TrafficSource};
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::{audit_entry, posting};
use crate::postings::queries;
use crate::postings::types::{PostingKind, PostingStatus};

/// Days `from..=to` (Berlin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One posting in a report.
#[derive(Clone, Debug)]
pub struct PostingFigures {
    pub id: i64,
    pub municipality_id: i64,
    pub reference_number: String,
    pub title: String,
    pub kind: PostingKind,
    /// Its first publication (Berlin day), if it was ever online.
    pub first_published: Option<NaiveDate>,
    pub filled_on: Option<NaiveDate>,
    /// Whether it was first published in the period (else it is here as filled in it).
    pub published_in_period: bool,
    /// Counts in the period.
    pub views: i64,
    pub impressions: i64,
    pub apply: i64,
    pub alert_mails: i64,
}

impl PostingFigures {
    pub fn days_to_fill(&self) -> Option<i64> {
        Some(days_to_fill(self.first_published?, self.filled_on?))
    }
}

/// The figures of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct KindFigures {
    pub kind: PostingKind,
    pub published: u64,
    pub median_views: Option<f64>,
    pub median_apply: Option<f64>,
    pub filled: u64,
    pub median_days_to_fill: Option<f64>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub kinds: Vec<KindFigures>,
    /// Per source: the events of every kind in the period.
    pub sources: Vec<(TrafficSource, BTreeMap<CountEvent, i64>)>,
    pub postings: Vec<PostingFigures>,
}

/// The median of `values` (`None` for none).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The posting ids that may have been first published in `start..end`: a publication in the
/// trail in it, or (postings imported as published have no such entry) a publication instant in
/// it. Which of them really were first published then is decided by [`first_published`].
fn maybe_first_published(start: DateTime<Utc>, end: DateTime<Utc>) -> Condition {
    let in_trail = Query::select()
        .column(audit_entry::Column::EntityId)
        .from(audit_entry::Entity)
        .and_where(audit_entry::Column::EntityType.eq(AuditEntity::Posting))
        .and_where(
            audit_entry::Column::Action
                .is_in([AuditAction::Published, AuditAction::PublishedScheduled]),
        )
        .and_where(audit_entry::Column::At.gte(start))
        .and_where(audit_entry::Column::At.lt(end))
        .to_owned();
    Condition::any()
        .add(posting::Column::Id.in_subquery(in_trail))
        .add(
            Condition::all()
                .add(posting::Column::PublishedAt.gte(start))
                .add(posting::Column::PublishedAt.lt(end))
                .add(
                    posting::Column::Status
                        .is_not_in([PostingStatus::Draft, PostingStatus::Scheduled]),
                ),
        )
}

/// The day `p` first went online: the first publication in the trail, else (imported as
/// published, no such entry) its publication instant unless that is still to come.
fn first_published(p: &posting::Model, firsts: &HashMap<i64, NaiveDate>) -> Option<NaiveDate> {
    firsts.get(&p.id).copied().or_else(|| {
        p.published_at
            .filter(|_| !matches!(p.status, PostingStatus::Draft | PostingStatus::Scheduled))
            .map(berlin::today)
    })
}

/// The report of one municipality (`None`: the whole region) for `period`: the postings first
/// published in it (by the trail: republishing or an internal posting's public day does not
/// move it) or filled in it; the sources are those of every event in the period, whichever
/// of the municipality's postings it concerned.
pub async fn report(
    db: &impl ConnectionTrait,
    municipality: Option<i64>,
    period: Period,
) -> Result<Report, DbErr> {
    let start = berlin::start_of_day(period.from);
    let end = berlin::end_of_day(period.to);
    let mut find = posting::Entity::find().filter(
        Condition::any()
            .add(maybe_first_published(start, end))
            .add(posting::Column::FilledOn.between(period.from, period.to)),
    );
    if let Some(m) = municipality {
        find = find.filter(posting::Column::MunicipalityId.eq(m));
    }
    let candidates = find.all(db).await?;
    let ids: Vec<i64> = candidates.iter().map(|p| p.id).collect();
    let firsts = first_publications(db, &ids).await?;
    let in_period = |d: NaiveDate| d >= period.from && d <= period.to;
    let rows: Vec<(posting::Model, Option<NaiveDate>)> = candidates
        .into_iter()
        .map(|p| {
            let first = first_published(&p, &firsts);
            (p, first)
        })
        .filter(|(p, first)| first.is_some_and(in_period) || p.filled_on.is_some_and(in_period))
        .collect();
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let totals = counts::totals(db, &ids, period.from, period.to).await?;
    let sum = |id: i64, event: CountEvent| -> i64 {
        totals
            .range((id, event, TrafficSource::ALL[0])..)
            .take_while(|((i, e, _), _)| *i == id && *e == event)
            .map(|(_, n)| *n)
            .sum()
    };
    let postings: Vec<PostingFigures> = rows
        .into_iter()
        .map(|(p, first)| PostingFigures {
            first_published: first,
            published_in_period: first.is_some_and(in_period),
            views: sum(p.id, CountEvent::View),
            impressions: sum(p.id, CountEvent::Impression),
            apply: sum(p.id, CountEvent::Apply),
            alert_mails: sum(p.id, CountEvent::AlertMail),
            id: p.id,
            municipality_id: p.municipality_id,
            reference_number: p.reference_number,
            title: p.title,
            kind: p.kind,
            filled_on: p.filled_on,
        })
        .collect();
    let kinds = PostingKind::ALL
        .iter()
        .map(|&kind| {
            let published: Vec<&PostingFigures> = postings
                .iter()
                .filter(|p| p.kind == kind && p.published_in_period)
                .collect();
            let mut views: Vec<f64> = published.iter().map(|p| p.views as f64).collect();
            let mut apply: Vec<f64> = published.iter().map(|p| p.apply as f64).collect();
            let mut fill: Vec<f64> = postings
                .iter()
                .filter(|p| p.kind == kind && p.filled_on.is_some_and(in_period))
                .filter_map(|p| p.days_to_fill().map(|d| d as f64))
                .collect();
            KindFigures {
                kind,
                published: published.len() as u64,
                median_views: median(&mut views),
                median_apply: median(&mut apply),
                filled: fill.len() as u64,
                median_days_to_fill: median(&mut fill),
            }
        })
        .collect();
    let mut by_source: BTreeMap<TrafficSource, BTreeMap<CountEvent, i64>> = BTreeMap::new();
    for ((event, source), n) in
        counts::totals_by_source(db, municipality, period.from, period.to).await?
    {
        *by_source
            .entry(source)
            .or_default()
            .entry(event)
            .or_default() += n;
    }
    Ok(Report {
        kinds,
        sources: by_source.into_iter().collect(),
        postings,
    })
}

/// For the public page: postings first published (by the trail, as in [`report`]) from `since`
/// to `now`, per municipality and kind; drafts, planned publications and postings still only
/// for the members' staff at `now` (the one visibility rule's internal condition) left out.
pub async fn published_per_municipality_and_kind(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, PostingKind, i64)>, DbErr> {
    let candidates = posting::Entity::find()
        .filter(maybe_first_published(since, now))
        .filter(posting::Column::Status.is_not_in([PostingStatus::Draft, PostingStatus::Scheduled]))
        .filter(queries::internal_at(now).not())
        .all(db)
        .await?;
    let ids: Vec<i64> = candidates.iter().map(|p| p.id).collect();
    let firsts = first_publications(db, &ids).await?;
    let (from, to) = (berlin::today(since), berlin::today(now));
    let mut out: BTreeMap<(i64, PostingKind), i64> = BTreeMap::new();
    for p in &candidates {
        if first_published(p, &firsts).is_some_and(|d| d >= from && d <= to) {
            *out.entry((p.municipality_id, p.kind)).or_default() += 1;
        }
    }
    Ok(out.into_iter().map(|((m, k), n)| (m, k, n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
