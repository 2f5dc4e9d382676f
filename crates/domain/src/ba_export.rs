//! What goes to the Bundesagentur für Arbeit in the next HR-BA-XML file of a municipality, and
//! remembering what was sent. The file itself is written by `jobboard-feeds` (`export::hrbaxml`).
//!
//! - A full load carries every posting the municipality owns that the public sees now.
//! - A delta load carries those that are new or changed since they were last sent (by version),
//!   and a deletion for each posting sent earlier that the public no longer sees (expired,
//!   archived, withdrawn, deleted).
//! - [`record_sent`] is called once the file has reached its destination (written, or uploaded
//!   when the upload is configured), in one transaction. Until then nothing counts as sent: a
//!   file whose upload failed leaves the state as it was, so the next delta carries its changes
//!   and deletions again.
//! - Transfers are claimed per municipality ([`claim`]): a lease, and for scheduled runs the
//!   schedule slot ([`Schedule`]), so several `serve` processes never upload the same slot twice.

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};

use crate::entities::{ba_error_file, ba_export_posting, ba_export_run, posting};
use crate::postings::queries::{Posting, publicly_visible};

/// The content of the next file.
#[derive(Debug, Default)]
pub struct Plan {
    pub postings: Vec<Posting>,
    /// Ids of postings to delete at the BA.
    pub deletions: Vec<i64>,
}

/// What the next file of `municipality_id` carries (see the module doc).
pub async fn plan(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    full: bool,
    now: DateTime<Utc>,
) -> Result<Plan, DbErr> {
    let visible = posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .filter(publicly_visible(now))
        .order_by_asc(posting::Column::Id)
        .all(db)
        .await?;
    let sent = ba_export_posting::Entity::find()
        .filter(ba_export_posting::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?;
    let version_sent = |id: i64| sent.iter().find(|s| s.posting_id == id).map(|s| s.version);
    let deletions = sent
        .iter()
        .map(|s| s.posting_id)
        .filter(|id| !visible.iter().any(|p| p.id == *id))
        .collect();
    let postings = visible
        .into_iter()
        .filter(|p| full || version_sent(p.id) != Some(p.version))
        .collect();
    Ok(Plan {
        postings,
        deletions,
    })
}

/// Remember that `plan` was sent at `now`: the versions of its postings, its deletions gone.
pub async fn record_sent<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    municipality_id: i64,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let ids: Vec<i64> = plan
        .postings
        .iter()
        .map(|p| p.id)
        .chain(plan.deletions.iter().copied())
        .collect();
    if !ids.is_empty() {
        ba_export_posting::Entity::delete_many()
            .filter(ba_export_posting::Column::MunicipalityId.eq(municipality_id))
            .filter(ba_export_posting::Column::PostingId.is_in(ids))
            .exec(&txn)
            .await?;
    }
    let rows: Vec<ba_export_posting::ActiveModel> = plan
        .postings
        .iter()
        .map(|p| ba_export_posting::ActiveModel {
            municipality_id: Set(municipality_id),
            posting_id: Set(p.id),
            version: Set(p.version),
            sent_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        ba_export_posting::Entity::insert_many(rows)
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}

/// When `serve` transfers the files (`JOBBOARD_BA_SCHEDULE`), as wall-clock times in Berlin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every day at these times (sorted, at least one).
    Daily(Vec<NaiveTime>),
    /// Every so long, counted from midnight in Berlin (`every 4h`: 00:00, 04:00, 08:00, …).
    Every(chrono::Duration),
}

impl Schedule {
    /// `06:30`, `06:30,18:00` (daily) or `every 4h`, `every 90m` (at least 5 minutes, at most a
    /// day).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Some(every) = value.strip_prefix("every") {
            let every = every.trim();
            let (number, unit) = every.split_at(every.len().checked_sub(1)?);
            let number: i64 = number.trim().parse().ok()?;
            let length = match unit {
                "m" => chrono::Duration::minutes(number),
                "h" => chrono::Duration::hours(number),
                _ => return None,
            };
            return (chrono::Duration::minutes(5)..=chrono::Duration::days(1))
                .contains(&length)
                .then_some(Self::Every(length));
        }
        let mut times = value
            .split(',')
            .map(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok())
            .collect::<Option<Vec<_>>>()?;
        times.sort();
        times.dedup();
        (!times.is_empty()).then_some(Self::Daily(times))
    }

    /// The latest instant of the schedule at or before `now`: a run is due when the slot it
    /// last handled is earlier.
    pub fn slot(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = crate::berlin::today(now);
        match self {
            Self::Every(length) => {
                let start = crate::berlin::start_of_day(today);
                let n = (now - start).num_seconds() / std::cmp::max(length.num_seconds(), 1);
                start + *length * n as i32
            }
            Self::Daily(times) => [today.pred_opt(), Some(today)]
                .into_iter()
                .flatten()
                .flat_map(|day| times.iter().map(move |t| (day, *t)))
                .map(|(day, t)| {
                    // The hour skipped when clocks go forward: the slot is the first instant after.
                    crate::berlin::local_to_utc(day, t).unwrap_or_else(|| {
                        crate::berlin::local_to_utc(day, t + chrono::Duration::hours(1))
                            .unwrap_or(now)
                    })
                })
                .filter(|t| *t <= now)
                .max()
                .unwrap_or(now),
        }
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Every(length) if length.num_minutes() % 60 == 0 => {
                write!(f, "every {}h", length.num_hours())
            }
            Self::Every(length) => write!(f, "every {}m", length.num_minutes()),
            Self::Daily(times) => {
                let times: Vec<String> = times
                    .iter()
                    .map(|t| t.format("%H:%M").to_string())
                    .collect();
                f.write_str(&times.join(","))
            }
        }
    }
}

/// A run's hold on a municipality's transfer: no other process starts one until it ends or
/// `until` passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLease {
    pub municipality_id: i64,
    pub until: DateTime<Utc>,
    /// The schedule slot the run handles (`None`: a run by hand).
    pub slot: Option<DateTime<Utc>>,
}

/// At the microseconds PostgreSQL keeps, so the holder's value compares equal to the stored one.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

/// Take the transfer of `municipality_id` until `now + lease`. With a `slot` (a scheduled run),
/// only when the slot has not been handled yet and no retry time lies ahead. `None` when
/// another process holds it or, for a scheduled run, there is nothing due. The conditional update is atomic on both
/// databases: of several claimers exactly one wins.
pub async fn claim(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    slot: Option<DateTime<Utc>>,
    lease: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<Option<RunLease>, DbErr> {
    use ba_export_run::Column as C;
    ba_export_run::Entity::insert(ba_export_run::ActiveModel {
        municipality_id: Set(municipality_id),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(C::MunicipalityId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let until = micros(now + lease);
    let slot = slot.map(micros);
    let mut update = ba_export_run::Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(Some(until)))
        .col_expr(C::LastAttemptAt, Expr::value(Some(now)))
        .filter(C::MunicipalityId.eq(municipality_id))
        .filter(C::ClaimedUntil.is_null().or(C::ClaimedUntil.lte(now)));
    if let Some(slot) = slot {
        update = update
            .filter(C::Slot.is_null().or(C::Slot.lt(slot)))
            .filter(C::RetryAt.is_null().or(C::RetryAt.lte(now)));
    }
    let r = update.exec(db).await?;
    Ok((r.rows_affected == 1).then_some(RunLease {
        municipality_id,
        until,
        slot,
    }))
}

/// The run of `lease` delivered `file` (`None`: nothing to send): its slot is done, the
/// municipality free.
pub async fn finish_ok(
    db: &impl ConnectionTrait,
    lease: &RunLease,
    file: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use ba_export_run::Column as C;
    let mut update = ba_export_run::Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastSuccessAt, Expr::value(Some(now)))
        .col_expr(C::RetryAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastError, Expr::value(Option::<String>::None));
    if let Some(slot) = lease.slot {
        update = update.col_expr(C::Slot, Expr::value(Some(slot)));
    }
    if let Some(file) = file {
        update = update.col_expr(C::LastFile, Expr::value(Some(file.to_owned())));
    }
    update
        .filter(C::MunicipalityId.eq(lease.municipality_id))
        .filter(C::ClaimedUntil.eq(lease.until))
        .exec(db)
        .await?;
    Ok(())
}

/// The run of `lease` failed with `error`: nothing is recorded as sent, the slot stays due,
/// and no scheduled run starts before `retry_at`.
pub async fn finish_failed(
    db: &impl ConnectionTrait,
    lease: &RunLease,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    use ba_export_run::Column as C;
    ba_export_run::Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::RetryAt, Expr::value(Some(micros(retry_at))))
        .col_expr(C::LastError, Expr::value(Some(error.to_owned())))
        .filter(C::MunicipalityId.eq(lease.municipality_id))
        .filter(C::ClaimedUntil.eq(lease.until))
        .exec(db)
        .await?;
    Ok(())
}

/// The transfer state of every municipality that has had a run.
pub async fn runs(db: &impl ConnectionTrait) -> Result<Vec<ba_export_run::Model>, DbErr> {
    ba_export_run::Entity::find()
        .order_by_asc(ba_export_run::Column::MunicipalityId)
        .all(db)
        .await
}

/// Remember an error file fetched from the BA (once; a name seen before is left as it was).
pub async fn record_error_file(
    db: &impl ConnectionTrait,
    file: ba_error_file::Model,
) -> Result<(), DbErr> {
    let am: ba_error_file::ActiveModel = file.into();
    ba_error_file::Entity::insert(am)
        .on_conflict(
            OnConflict::column(ba_error_file::Column::Name)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The `limit` error files fetched last, newest first.
pub async fn error_files(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<ba_error_file::Model>, DbErr> {
    use sea_orm::QuerySelect;
    ba_error_file::Entity::find()
        .order_by_desc(ba_error_file::Column::FetchedAt)
        .order_by_desc(ba_error_file::Column::Name)
        .limit(limit)
        .all(db)
        .await
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn daily_slots_are_wall_clock_times_in_berlin_also_across_clock_changes() {
        let s = Schedule::parse(" 18:00, 06:30 ,06:30").unwrap();
        assert_eq!(s.to_string(), "06:30,18:00");
        // Winter (UTC+1): 06:30 Berlin is 05:30 UTC.
        assert_eq!(
            s.slot(at("2026-12-01T05:29:59Z")),
            at("2026-11-30T17:00:00Z")
        );
        assert_eq!(
            s.slot(at("2026-12-01T05:30:00Z")),
            at("2026-12-01T05:30:00Z")
        );
        assert_eq!(
            s.slot(at("2026-12-01T16:59:00Z")),
            at("2026-12-01T05:30:00Z")
        );
        // Summer (UTC+2), and the night clocks go back.
        assert_eq!(
            s.slot(at("2027-07-01T04:31:00Z")),
            at("2027-07-01T04:30:00Z")
        );
        assert_eq!(
            s.slot(at("2027-10-31T06:00:00Z")),
            at("2027-10-31T05:30:00Z")
        );
        // 02:30 does not exist on the day clocks go forward: the slot is 03:30 summer time.
        let night = Schedule::parse("02:30").unwrap();
        assert_eq!(
            night.slot(at("2027-03-28T02:00:00Z")),
            at("2027-03-28T01:30:00Z")
        );
    }

    #[test]
    fn intervals_count_from_midnight_in_berlin() {
        let s = Schedule::parse("every 4h").unwrap();
        assert_eq!(s, Schedule::Every(chrono::Duration::hours(4)));
        assert_eq!(s.to_string(), "every 4h");
        // 09:59 Berlin → the 08:00 slot.
        assert_eq!(
            s.slot(at("2026-12-01T08:59:00Z")),
            at("2026-12-01T07:00:00Z")
        );
        assert_eq!(
            s.slot(at("2026-12-01T10:59:59Z")),
            at("2026-12-01T07:00:00Z")
        );
        assert_eq!(
            s.slot(at("2026-12-01T11:00:00Z")),
            at("2026-12-01T11:00:00Z")
        );
        assert_eq!(
            Schedule::parse("every 90m").unwrap().to_string(),
            "every 90m"
        );
    }

    #[test]
    fn schedules_that_make_no_sense_are_refused() {
        for bad in [
            "",
            "täglich",
            "25:00",
            "6",
            "every",
            "every 4",
            "every 2m",
            "every 25h",
            "every -1h",
            "06:00,",
        ] {
            assert_eq!(Schedule::parse(bad), None, "{bad:?}");
        }
    }
}
