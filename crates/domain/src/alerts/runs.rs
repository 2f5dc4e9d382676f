//! The sender's side of search alerts: claiming due alerts, the sent-log, keep requests and
//! the admin's totals.
//!
//! A run claims due alerts like the search outbox claims rows: a lease to one worker until an
//! instant, skipped by every other claimer (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
//! single writer makes the `UPDATE … RETURNING` exclusive). After its mail is sent, [`complete`]
//! writes the sent-log and moves the alert to its next period in one transaction, guarded by
//! the lease. So every period gets at most one mail, with several processes too; a crash
//! between sending and [`complete`] lets the lease run out and the mail is sent once more
//! (at least once), with the same postings, since the sent-log is written only with the move.
//!
//! These are bookkeeping writes of the sender, not changes anyone made, so they do not go
//! through the audited-change pipeline.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Statement, TransactionSession, TransactionTrait, prelude::*,
};

use super::{AlertStatus, KEEP_AFTER_DAYS, SearchAlert, schedule};
use crate::berlin;
use crate::entities::{search_alert, search_alert_sent};

/// How far back the window of the next mail reaches before this run: a posting published
/// just before a run but indexed after it is still found next time (the sent-log keeps
/// everything already mailed out).
pub const OVERLAP_HOURS: i64 = 24;

/// Lease up to `limit` due alerts (active, due at `now`, not leased) to `worker` until
/// `lease_until`, oldest first.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    worker: &str,
    limit: u64,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<SearchAlert>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE search_alerts SET claimed_by = $1, claimed_until = $2 \
             WHERE id IN (SELECT id FROM search_alerts \
                          WHERE status = $3 AND next_due_at <= $4 \
                          AND (claimed_until IS NULL OR claimed_until <= $4) \
                          ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED) \
             RETURNING id"
        }
        _ => {
            "UPDATE search_alerts SET claimed_by = ?1, claimed_until = ?2 \
             WHERE id IN (SELECT id FROM search_alerts \
                          WHERE status = ?3 AND next_due_at <= ?4 \
                          AND (claimed_until IS NULL OR claimed_until <= ?4) \
                          ORDER BY id LIMIT ?5) \
             RETURNING id"
        }
    };
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [
            worker.into(),
            lease_until.into(),
            AlertStatus::Active.code().into(),
            now.into(),
            (limit as i64).into(),
        ],
    );
    let mut ids = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        ids.push(row.try_get::<i64>("", "id")?);
    }
    let mut alerts = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        alerts.extend(
            search_alert::Entity::find()
                .filter(search_alert::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    alerts.sort_by_key(|a| a.id);
    Ok(alerts)
}

/// Up to `limit` alerts due at `now` with an id above `after`, by id, without claiming them:
/// what a dry run lists and the benchmark computes.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    after: i64,
    limit: u64,
) -> Result<Vec<SearchAlert>, DbErr> {
    use sea_orm::QueryOrder;
    search_alert::Entity::find()
        .filter(search_alert::Column::Status.eq(AlertStatus::Active))
        .filter(search_alert::Column::NextDueAt.lte(now))
        .filter(search_alert::Column::Id.gt(after))
        .order_by_asc(search_alert::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Which of `posting_ids` the alerts `alert_ids` (a batch) already mailed: `(alert_id,
/// posting_id)` pairs. Only the batch's own rows are read (the sent-log's primary key), not
/// the rows of every alert that ever mailed one of these postings.
pub async fn already_sent(
    db: &impl ConnectionTrait,
    alert_ids: &[i64],
    posting_ids: &[i64],
) -> Result<HashSet<(i64, i64)>, DbErr> {
    let mut out = HashSet::new();
    for alerts in alert_ids.chunks(500) {
        for postings in posting_ids.chunks(500) {
            let rows: Vec<(i64, i64)> = search_alert_sent::Entity::find()
                .select_only()
                .column(search_alert_sent::Column::AlertId)
                .column(search_alert_sent::Column::PostingId)
                .filter(search_alert_sent::Column::AlertId.is_in(alerts.to_vec()))
                .filter(search_alert_sent::Column::PostingId.is_in(postings.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            out.extend(rows);
        }
    }
    Ok(out)
}

/// The alert's period is done: `sent` (possibly none) go into the sent-log, the next mail is
/// due a period later, the window moves on, the lease ends. `false` when the lease was lost
/// (another worker holds the alert now, or it was deleted): nothing is written then.
pub async fn complete<C>(
    db: &C,
    alert: &SearchAlert,
    worker: &str,
    sent: &[i64],
    now: DateTime<Utc>,
) -> Result<bool, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let after = alert.next_due_at.map_or(now, |d| d.max(now));
    let window_start = alert.window_start.max(now - Duration::hours(OVERLAP_HOURS));
    let mut update = search_alert::Entity::update_many()
        .col_expr(
            search_alert::Column::NextDueAt,
            Expr::value(schedule::next_due(alert.frequency, after)),
        )
        .col_expr(search_alert::Column::WindowStart, Expr::value(window_start))
        .col_expr(
            search_alert::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            search_alert::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    if !sent.is_empty() {
        update = update.col_expr(search_alert::Column::LastSentAt, Expr::value(now));
    }
    let written = update
        .filter(search_alert::Column::Id.eq(alert.id))
        .filter(search_alert::Column::ClaimedBy.eq(worker))
        .filter(search_alert::Column::Status.eq(AlertStatus::Active))
        .exec(&txn)
        .await?;
    if written.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    if !sent.is_empty() {
        search_alert_sent::Entity::insert_many(sent.iter().map(|&posting_id| {
            search_alert_sent::ActiveModel {
                alert_id: Set(alert.id),
                posting_id: Set(posting_id),
                sent_at: Set(now),
            }
        }))
        .on_conflict(
            OnConflict::columns([
                search_alert_sent::Column::AlertId,
                search_alert_sent::Column::PostingId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Just before a mail of alert `alert_id` goes out: is it still there, active and leased to
/// `worker`? Paused, switched off, deleted or taken over by another run (its lease ran out)
/// since the batch was claimed means `false`: no mail. With `renew_until` the lease is
/// extended to that instant in the same statement (guarded alike), so a long batch keeps the
/// alerts it has not sent yet; without it the check only reads.
pub async fn hold(
    db: &impl ConnectionTrait,
    alert_id: i64,
    worker: &str,
    renew_until: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let condition = sea_orm::Condition::all()
        .add(search_alert::Column::Id.eq(alert_id))
        .add(search_alert::Column::ClaimedBy.eq(worker))
        .add(search_alert::Column::Status.eq(AlertStatus::Active));
    let n = match renew_until {
        Some(until) => {
            search_alert::Entity::update_many()
                .col_expr(search_alert::Column::ClaimedUntil, Expr::value(until))
                .filter(condition)
                .exec(db)
                .await?
                .rows_affected
        }
        None => {
            search_alert::Entity::find()
                .filter(condition)
                .count(db)
                .await?
        }
    };
    Ok(n == 1)
}

/// Sending failed: give the alert back, to be tried again from `retry_at`.
pub async fn release(
    db: &impl ConnectionTrait,
    alert_id: i64,
    worker: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    search_alert::Entity::update_many()
        .col_expr(
            search_alert::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(search_alert::Column::ClaimedUntil, Expr::value(retry_at))
        .filter(search_alert::Column::Id.eq(alert_id))
        .filter(search_alert::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await
        .map(drop)
}

/// Confirmed alerts without confirmation or use for [`KEEP_AFTER_DAYS`] whose "keep?" mail has
/// not gone out yet.
pub async fn due_for_keep_request(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<SearchAlert>, DbErr> {
    search_alert::Entity::find()
        .filter(search_alert::Column::Status.is_in([AlertStatus::Active, AlertStatus::Paused]))
        .filter(search_alert::Column::KeepAskedAt.is_null())
        .filter(search_alert::Column::LastActivityAt.lte(now - Duration::days(KEEP_AFTER_DAYS)))
        .limit(limit)
        .all(db)
        .await
}

/// Mark the "keep?" mail of alert `id` as this run's to send; `false` when another run
/// already did (so it goes out once).
pub async fn mark_keep_requested(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = search_alert::Entity::update_many()
        .col_expr(search_alert::Column::KeepAskedAt, Expr::value(now))
        .filter(search_alert::Column::Id.eq(id))
        .filter(search_alert::Column::KeepAskedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The "keep?" mail this run marked ([`mark_keep_requested`]) did not go out: unmark it, so
/// the next run asks again (an alert is never deleted for not answering a mail it never got).
/// No other run marks it in between: marking needs it unmarked.
pub async fn unmark_keep_requested(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    search_alert::Entity::update_many()
        .col_expr(
            search_alert::Column::KeepAskedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(search_alert::Column::Id.eq(id))
        .exec(db)
        .await
        .map(drop)
}

/// The admin's totals: counts only, never addresses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Confirmed (active or paused).
    pub confirmed: u64,
    pub paused: u64,
    pub pending: u64,
    pub switched_off: u64,
    /// Mails sent since Monday 00:00 (Berlin) of this week.
    pub sent_this_week: u64,
}

pub async fn totals(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Totals, DbErr> {
    let count = |status: AlertStatus| {
        search_alert::Entity::find()
            .filter(search_alert::Column::Status.eq(status))
            .count(db)
    };
    let active = count(AlertStatus::Active).await?;
    let paused = count(AlertStatus::Paused).await?;
    let today = berlin::today(now);
    let monday = today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
    // One mail writes its postings with one `sent_at`: a mail is one (alert, instant) pair.
    let sent: Vec<(i64, DateTime<Utc>)> = search_alert_sent::Entity::find()
        .select_only()
        .column(search_alert_sent::Column::AlertId)
        .column(search_alert_sent::Column::SentAt)
        .distinct()
        .filter(search_alert_sent::Column::SentAt.gte(berlin::start_of_day(monday)))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Totals {
        confirmed: active + paused,
        paused,
        pending: count(AlertStatus::Pending).await?,
        switched_off: count(AlertStatus::Bounced).await?,
        sent_this_week: sent.len() as u64,
    })
}
