//! The figures of the statistics pages: per kind of posting how many were published in a period,
//! the median views and apply clicks of those postings, where the events came from, and the
//! median time to fill of the postings filled in the period.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::counts;
use super::filling::{days_to_fill, first_publications};
use super::{CountEvent, TrafficSource};
use crate::berlin;
use crate::entities::posting;
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

/// The report of one municipality (`None`: the whole region) for `period`: the postings first
/// published in it or filled in it.
pub async fn report(
    db: &impl ConnectionTrait,
    municipality: Option<i64>,
    period: Period,
) -> Result<Report, DbErr> {
    let start = berlin::start_of_day(period.from);
    let end = berlin::end_of_day(period.to);
    let mut find = posting::Entity::find().filter(
        Condition::any()
            .add(
                Condition::all()
                    .add(posting::Column::PublishedAt.gte(start))
                    .add(posting::Column::PublishedAt.lt(end))
                    .add(posting::Column::Status.ne(PostingStatus::Scheduled)),
            )
            .add(posting::Column::FilledOn.between(period.from, period.to)),
    );
    if let Some(m) = municipality {
        find = find.filter(posting::Column::MunicipalityId.eq(m));
    }
    let rows = find.all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let firsts = first_publications(db, &ids).await?;
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
        .map(|p| {
            let published_in_period = p
                .published_at
                .is_some_and(|t| t >= start && t < end && p.status != PostingStatus::Scheduled);
            PostingFigures {
                first_published: firsts
                    .get(&p.id)
                    .copied()
                    .or(p.published_at.map(berlin::today)),
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
                published_in_period,
            }
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
                .filter(|p| {
                    p.kind == kind
                        && p.filled_on
                            .is_some_and(|d| d >= period.from && d <= period.to)
                })
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
    for ((_, event, source), n) in &totals {
        *by_source
            .entry(*source)
            .or_default()
            .entry(*event)
            .or_default() += n;
    }
    Ok(Report {
        kinds,
        sources: by_source.into_iter().collect(),
        postings,
    })
}

/// For the public page: postings first published from `since` to `now`, per municipality and
/// kind (drafts and planned publications left out).
pub async fn published_per_municipality_and_kind(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, PostingKind, i64)>, DbErr> {
    posting::Entity::find()
        .select_only()
        .column(posting::Column::MunicipalityId)
        .column(posting::Column::Kind)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(posting::Column::PublishedAt.gte(since))
        .filter(posting::Column::PublishedAt.lte(now))
        .filter(posting::Column::Status.is_not_in([PostingStatus::Draft, PostingStatus::Scheduled]))
        .group_by(posting::Column::MunicipalityId)
        .group_by(posting::Column::Kind)
        .into_tuple()
        .all(db)
        .await
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
