//! Storing and reading the numbers: [`flush`] adds a batch to the days, [`fold_old_days`] folds
//! days past the retention into months, [`series`] and [`totals`] read them back (days and
//! folded months together).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};

use super::{CountEvent, RETENTION_MONTHS, TrafficSource};
use crate::entities::{posting, posting_count_daily as daily, posting_count_monthly as monthly};

/// One number to add: `count` events of `event` from `source` for a posting on `day`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub day: NaiveDate,
    pub posting_id: i64,
    pub event: CountEvent,
    pub source: TrafficSource,
    pub count: u64,
}

/// Rows a statement: 5 values each, well under SQLite's limit of bound values.
const CHUNK: usize = 1000;

/// Add `counts` to the stored days, in one transaction: a row that exists grows by the number
/// (so processes flushing side by side add up), a new one starts with it. Rows are written in
/// the order of their key (day, posting, event, source), whatever order the batch came in, so
/// two processes flushing the same rows lock them in the same order and cannot deadlock.
pub async fn flush<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    counts: &[Count],
) -> Result<(), DbErr> {
    if counts.is_empty() {
        return Ok(());
    }
    let mut counts = counts.to_vec();
    counts.sort_by_key(|c| (c.day, c.posting_id, c.event, c.source));
    let txn = crate::db::begin_write(db).await?;
    for chunk in counts.chunks(CHUNK) {
        let rows = chunk.iter().map(|c| daily::ActiveModel {
            day: Set(c.day),
            posting_id: Set(c.posting_id),
            event: Set(c.event),
            source: Set(c.source),
            count: Set(i64::try_from(c.count).unwrap_or(i64::MAX)),
        });
        daily::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    daily::Column::Day,
                    daily::Column::PostingId,
                    daily::Column::Event,
                    daily::Column::Source,
                ])
                .value(
                    daily::Column::Count,
                    Expr::cust("posting_counts_daily.count + excluded.count"),
                )
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

/// The first day that is kept as a day at `today`: the first of the month
/// [`RETENTION_MONTHS`] back (so only whole months are folded).
pub fn retention_start(today: NaiveDate) -> NaiveDate {
    let back = today
        .checked_sub_months(Months::new(RETENTION_MONTHS))
        .unwrap_or(today);
    back.with_day(1).unwrap_or(back)
}

/// Fold every day before [`retention_start`] into its month, a day per transaction; returns
/// the days folded. Safe beside other processes: a day's rows are claimed by deleting them
/// (`DELETE … RETURNING`), and only what the delete returned is added to the month, in the same
/// transaction — a second process folding the same day at once gets its rows only after the
/// first committed, by which time they are gone, so no day is added twice. Month rows are
/// written in key order, so two processes folding days of one month lock them alike.
pub async fn fold_old_days<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    today: NaiveDate,
) -> Result<u64, DbErr> {
    let cutoff = retention_start(today);
    let mut folded = 0;
    loop {
        let txn = crate::db::begin_write(db).await?;
        let Some(oldest) = daily::Entity::find()
            .filter(daily::Column::Day.lt(cutoff))
            .order_by_asc(daily::Column::Day)
            .one(&txn)
            .await?
        else {
            txn.commit().await?;
            return Ok(folded);
        };
        let mut rows = daily::Entity::delete_many()
            .filter(daily::Column::Day.eq(oldest.day))
            .exec_with_returning(&txn)
            .await?;
        rows.sort_by_key(|r| (r.posting_id, r.event, r.source));
        let month = oldest.day.with_day(1).unwrap_or(oldest.day);
        for chunk in rows.chunks(CHUNK) {
            let add = chunk.iter().map(|r| monthly::ActiveModel {
                month: Set(month),
                posting_id: Set(r.posting_id),
                event: Set(r.event),
                source: Set(r.source),
                count: Set(r.count),
            });
            monthly::Entity::insert_many(add)
                .on_conflict(
                    OnConflict::columns([
                        monthly::Column::Month,
                        monthly::Column::PostingId,
                        monthly::Column::Event,
                        monthly::Column::Source,
                    ])
                    .value(
                        monthly::Column::Count,
                        Expr::cust("posting_counts_monthly.count + excluded.count"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        if !rows.is_empty() {
            folded += 1;
        }
    }
}

/// Everything counted for one posting, oldest first: days, and folded months as their first
/// day (`monthly` true).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub day: NaiveDate,
    pub monthly: bool,
    pub event: CountEvent,
    pub source: TrafficSource,
    pub count: i64,
}

pub async fn series(db: &impl ConnectionTrait, posting_id: i64) -> Result<Vec<Stored>, DbErr> {
    let months = monthly::Entity::find()
        .filter(monthly::Column::PostingId.eq(posting_id))
        .all(db)
        .await?;
    let days = daily::Entity::find()
        .filter(daily::Column::PostingId.eq(posting_id))
        .all(db)
        .await?;
    let mut out: Vec<Stored> = months
        .into_iter()
        .map(|m| Stored {
            day: m.month,
            monthly: true,
            event: m.event,
            source: m.source,
            count: m.count,
        })
        .chain(days.into_iter().map(|d| Stored {
            day: d.day,
            monthly: false,
            event: d.event,
            source: d.source,
            count: d.count,
        }))
        .collect();
    out.sort_by_key(|s| (s.day, s.event, s.source));
    Ok(out)
}

/// Sums per posting, event and source over the days `from..=to` of the postings `ids` (a folded
/// month counts when its first day is in the range).
pub type Totals = BTreeMap<(i64, CountEvent, TrafficSource), i64>;

pub async fn totals(
    db: &impl ConnectionTrait,
    ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Totals, DbErr> {
    let mut out = Totals::new();
    for chunk in ids.chunks(CHUNK) {
        let days: Vec<(i64, CountEvent, TrafficSource, i64)> = daily::Entity::find()
            .select_only()
            .column(daily::Column::PostingId)
            .column(daily::Column::Event)
            .column(daily::Column::Source)
            .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
            .filter(daily::Column::PostingId.is_in(chunk.iter().copied()))
            .filter(daily::Column::Day.between(from, to))
            .group_by(daily::Column::PostingId)
            .group_by(daily::Column::Event)
            .group_by(daily::Column::Source)
            .into_tuple()
            .all(db)
            .await?;
        let months: Vec<(i64, CountEvent, TrafficSource, i64)> = monthly::Entity::find()
            .select_only()
            .column(monthly::Column::PostingId)
            .column(monthly::Column::Event)
            .column(monthly::Column::Source)
            .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
            .filter(monthly::Column::PostingId.is_in(chunk.iter().copied()))
            .filter(monthly::Column::Month.between(from, to))
            .group_by(monthly::Column::PostingId)
            .group_by(monthly::Column::Event)
            .group_by(monthly::Column::Source)
            .into_tuple()
            .all(db)
            .await?;
        for (id, event, source, n) in days.into_iter().chain(months) {
            *out.entry((id, event, source)).or_default() += n;
        }
    }
    Ok(out)
}

/// Sums per event and source over the days `from..=to` of every posting of `municipality`
/// (`None`: of every municipality), whenever the posting was published (a folded month counts
/// when its first day is in the range).
pub async fn totals_by_source(
    db: &impl ConnectionTrait,
    municipality: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<(CountEvent, TrafficSource), i64>, DbErr> {
    let owned = || {
        let mut q = Query::select();
        q.column(posting::Column::Id).from(posting::Entity);
        if let Some(m) = municipality {
            q.and_where(posting::Column::MunicipalityId.eq(m));
        }
        q.to_owned()
    };
    let days: Vec<(CountEvent, TrafficSource, i64)> = daily::Entity::find()
        .select_only()
        .column(daily::Column::Event)
        .column(daily::Column::Source)
        .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
        .filter(daily::Column::PostingId.in_subquery(owned()))
        .filter(daily::Column::Day.between(from, to))
        .group_by(daily::Column::Event)
        .group_by(daily::Column::Source)
        .into_tuple()
        .all(db)
        .await?;
    let months: Vec<(CountEvent, TrafficSource, i64)> = monthly::Entity::find()
        .select_only()
        .column(monthly::Column::Event)
        .column(monthly::Column::Source)
        .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
        .filter(monthly::Column::PostingId.in_subquery(owned()))
        .filter(monthly::Column::Month.between(from, to))
        .group_by(monthly::Column::Event)
        .group_by(monthly::Column::Source)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = BTreeMap::new();
    for (event, source, n) in days.into_iter().chain(months) {
        *out.entry((event, source)).or_default() += n;
    }
    Ok(out)
}
