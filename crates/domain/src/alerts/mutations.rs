//! Changes to search alerts, each through the audited-change pipeline in one write
//! transaction. The author is [`Actor::public`] (the applicant, or whoever holds the link), the
//! platform admin for a bounce, or `system:alerts` for the purge.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryFilter, TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::Map;

use super::{
    AlertDraft, AlertStatus, BOUNCED_DAYS, CONSENT_VERSION, KEEP_AFTER_DAYS, KEEP_ANSWER_DAYS,
    PENDING_DAYS, SearchAlert, normalize_email, schedule, tokens, validate,
};
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::entities::search_alert;
use crate::error::{DomainError, DomainResult};
use crate::record::{self, Saved};

/// What became of a request.
#[derive(Debug)]
pub enum Requested {
    /// A new pending alert and the token for its confirmation link.
    Created {
        alert: Box<SearchAlert>,
        token: String,
    },
    /// The address already has an unconfirmed request: nothing was stored or sent, so the
    /// form cannot flood someone else's mailbox.
    AlreadyPending,
}

/// Ask for an alert: stored as pending (nothing is sent before confirmation), with the consent
/// version and the time of the request.
pub async fn request<C>(db: &C, draft: &AlertDraft, now: DateTime<Utc>) -> DomainResult<Requested>
where
    C: ConnectionTrait + TransactionTrait,
{
    validate(draft, true).into_result()?;
    let email = normalize_email(&draft.email);
    let txn = crate::db::begin_write(db).await?;
    let pending = search_alert::Entity::find()
        .filter(search_alert::Column::Email.eq(email.as_str()))
        .filter(search_alert::Column::Status.eq(AlertStatus::Pending))
        .count(&txn)
        .await?;
    if pending > 0 {
        txn.commit().await?;
        return Ok(Requested::AlreadyPending);
    }
    let prepare = |am: &mut search_alert::ActiveModel| {
        am.status = Set(AlertStatus::Pending);
        am.consent_version = Set(CONSENT_VERSION.to_owned());
        am.confirmed_at = Set(None);
        am.window_start = Set(now);
        am.next_due_at = Set(None);
        am.last_sent_at = Set(None);
        am.last_activity_at = Set(now);
        am.keep_asked_at = Set(None);
        am.claimed_by = Set(None);
        am.claimed_until = Set(None);
        Ok(())
    };
    let created = record::create::<SearchAlert>(
        &txn,
        None,
        draft,
        prepare,
        AuditAction::Created,
        Map::new(),
        &Actor::public(),
        now,
    )
    .await;
    let alert = match created {
        Ok(alert) => alert,
        // A parallel request of the same address inserted first (the count above does not see
        // it under READ COMMITTED): the unique index of pending addresses refuses this one.
        Err(DomainError::Db(e)) if is_unique_violation(&e) => {
            txn.rollback().await?;
            return Ok(Requested::AlreadyPending);
        }
        Err(e) => return Err(e),
    };
    let token = tokens::issue(&txn, alert.id, now).await?;
    txn.commit().await?;
    Ok(Requested::Created {
        alert: Box::new(alert),
        token,
    })
}

/// Confirm alert `id` (double opt-in). Only postings published from now on are mailed.
/// Confirming twice changes nothing.
pub async fn confirm<C>(db: &C, id: i64, now: DateTime<Utc>) -> DomainResult<SearchAlert>
where
    C: ConnectionTrait + TransactionTrait,
{
    edit(
        db,
        id,
        AuditAction::Confirmed,
        &Actor::public(),
        now,
        |a, am| {
            if a.status != AlertStatus::Pending {
                return Ok(());
            }
            am.status = Set(AlertStatus::Active);
            am.confirmed_at = Set(Some(now));
            am.window_start = Set(now);
            am.next_due_at = Set(Some(schedule::next_due(a.frequency, now)));
            am.last_activity_at = Set(now);
            Ok(())
        },
    )
    .await
}

/// Change search or frequency of alert `id` at `expected_version`.
pub async fn update<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    draft: &AlertDraft,
    now: DateTime<Utc>,
) -> DomainResult<Saved<SearchAlert>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let before: SearchAlert = record::lock_version(&txn, id, expected_version).await?;
    <SearchAlert as record::Versioned>::check(&txn, draft, record::Target::Existing(&before))
        .await?
        .into_result()?;
    let mut am = before.clone().into_active_model();
    <SearchAlert as record::Versioned>::apply(&mut am, draft);
    if before.status == AlertStatus::Active && draft.frequency != before.frequency {
        am.next_due_at = Set(Some(schedule::next_due(draft.frequency, now)));
    }
    am.last_activity_at = Set(now);
    am.keep_asked_at = Set(None);
    let actor = Actor::public();
    let saved = record::write(&txn, &before, am, None, AuditAction::Updated, &actor, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Pause alert `id`: nothing is sent until it is resumed.
pub async fn pause<C>(db: &C, id: i64, now: DateTime<Utc>) -> DomainResult<SearchAlert>
where
    C: ConnectionTrait + TransactionTrait,
{
    edit(
        db,
        id,
        AuditAction::Paused,
        &Actor::public(),
        now,
        |a, am| {
            if a.status != AlertStatus::Active {
                return Err(refused(a.status));
            }
            am.status = Set(AlertStatus::Paused);
            am.next_due_at = Set(None);
            am.last_activity_at = Set(now);
            Ok(())
        },
    )
    .await
}

/// Resume a paused alert: postings published while it was paused are not sent afterwards.
pub async fn resume<C>(db: &C, id: i64, now: DateTime<Utc>) -> DomainResult<SearchAlert>
where
    C: ConnectionTrait + TransactionTrait,
{
    edit(
        db,
        id,
        AuditAction::Resumed,
        &Actor::public(),
        now,
        |a, am| {
            if a.status != AlertStatus::Paused {
                return Err(refused(a.status));
            }
            am.status = Set(AlertStatus::Active);
            am.window_start = Set(now);
            am.next_due_at = Set(Some(schedule::next_due(a.frequency, now)));
            am.last_activity_at = Set(now);
            Ok(())
        },
    )
    .await
}

/// The answer to "keep this alert?": the 12 months start again.
pub async fn keep<C>(db: &C, id: i64, now: DateTime<Utc>) -> DomainResult<SearchAlert>
where
    C: ConnectionTrait + TransactionTrait,
{
    edit(db, id, AuditAction::Kept, &Actor::public(), now, |_, am| {
        am.last_activity_at = Set(now);
        am.keep_asked_at = Set(None);
        Ok(())
    })
    .await
}

/// Delete alert `id` with its tokens and sent-log: the address is gone. The trail keeps only
/// that alert `id` was deleted (`action`: deleted, unsubscribed or expired) and by whom.
pub async fn delete<C>(
    db: &C,
    id: i64,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    delete_if(db, id, action, actor, now, |_| true)
        .await
        .map(drop)
}

/// [`delete`] if the locked row still satisfies `still`: a purge decided on a row read
/// earlier, and the owner may have confirmed or kept it in between. `false`: kept.
async fn delete_if<C>(
    db: &C,
    id: i64,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
    still: impl FnOnce(&SearchAlert) -> bool,
) -> DomainResult<bool>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let row: SearchAlert = record::lock(&txn, id).await?;
    if !still(&row) {
        txn.commit().await?;
        return Ok(false);
    }
    record::trail(&txn, &row, action, actor, Map::new(), now).await?;
    row.delete(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// Switch off every alert of `email` (mail to it bounces): nothing is sent to it any more.
/// Confirmed alerts become [`AlertStatus::Bounced`] (deleted by [`purge`] after
/// [`BOUNCED_DAYS`]); an unconfirmed request is deleted at once (it was never wanted for
/// sure, and nothing keeps its address). Returns how many alerts were switched off or deleted.
pub async fn switch_off_address<C>(
    db: &C,
    email: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    let alerts = search_alert::Entity::find()
        .filter(search_alert::Column::Email.eq(normalize_email(email)))
        .filter(search_alert::Column::Status.ne(AlertStatus::Bounced))
        .all(db)
        .await?;
    let mut done = 0;
    for a in alerts {
        let result = if a.status == AlertStatus::Pending {
            // Checked again under the lock: confirmed in between means switched off instead.
            let pending = |row: &SearchAlert| row.status == AlertStatus::Pending;
            match delete_if(db, a.id, AuditAction::Deleted, actor, now, pending).await {
                Ok(true) => Ok(()),
                Ok(false) => bounce(db, a.id, actor, now).await,
                Err(e) => Err(e),
            }
        } else {
            bounce(db, a.id, actor, now).await
        };
        match result {
            Ok(()) => done += 1,
            // Deleted in between by its owner.
            Err(DomainError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

async fn bounce<C>(db: &C, id: i64, actor: &Actor, now: DateTime<Utc>) -> DomainResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    edit(db, id, AuditAction::Deactivated, actor, now, |_, am| {
        am.status = Set(AlertStatus::Bounced);
        am.next_due_at = Set(None);
        Ok(())
    })
    .await
    .map(drop)
}

/// What [`purge`] deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub unconfirmed: u64,
    pub not_kept: u64,
    /// Switched off (bounced) [`BOUNCED_DAYS`] ago.
    pub switched_off: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.unconfirmed + self.not_kept + self.switched_off
    }
}

/// Delete requests nobody confirmed within [`PENDING_DAYS`], alerts whose "keep?" mail went
/// unanswered for [`KEEP_ANSWER_DAYS`] and alerts switched off [`BOUNCED_DAYS`] ago; forget
/// old tokens.
pub async fn purge<C>(db: &C, now: DateTime<Utc>) -> DomainResult<Purged>
where
    C: ConnectionTrait + TransactionTrait,
{
    let pending_before = now - Duration::days(PENDING_DAYS);
    let unconfirmed =
        |a: &SearchAlert| a.status == AlertStatus::Pending && a.created_at <= pending_before;
    let asked_before = now - Duration::days(KEEP_ANSWER_DAYS);
    let idle_before = now - Duration::days(KEEP_AFTER_DAYS);
    let not_kept = |a: &SearchAlert| {
        a.keep_asked_at.is_some_and(|t| t <= asked_before) && a.last_activity_at <= idle_before
    };
    let bounced_before = now - Duration::days(BOUNCED_DAYS);
    let switched_off =
        |a: &SearchAlert| a.status == AlertStatus::Bounced && a.updated_at <= bounced_before;
    let candidates = search_alert::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(search_alert::Column::Status.eq(AlertStatus::Pending))
                        .add(search_alert::Column::CreatedAt.lte(pending_before)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(search_alert::Column::KeepAskedAt.lte(asked_before))
                        .add(search_alert::Column::LastActivityAt.lte(idle_before)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(search_alert::Column::Status.eq(AlertStatus::Bounced))
                        .add(search_alert::Column::UpdatedAt.lte(bounced_before)),
                ),
        )
        .all(db)
        .await?;
    let actor = Actor::system("alerts");
    let mut purged = Purged::default();
    for a in candidates {
        let (was_pending, was_switched_off) = (unconfirmed(&a), switched_off(&a));
        // Checked again under the lock: confirmed or kept in between means kept.
        let still = |row: &SearchAlert| unconfirmed(row) || not_kept(row) || switched_off(row);
        match delete_if(db, a.id, AuditAction::Expired, &actor, now, still).await {
            Ok(true) if was_pending => purged.unconfirmed += 1,
            Ok(true) if was_switched_off => purged.switched_off += 1,
            Ok(true) => purged.not_kept += 1,
            // Kept, or deleted in between by its owner or another process.
            Ok(false) | Err(DomainError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    tokens::prune(db, now).await?;
    Ok(purged)
}

/// Lock alert `id`, let `f` change it (or refuse), and write it through the pipeline.
async fn edit<C>(
    db: &C,
    id: i64,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
    f: impl FnOnce(&SearchAlert, &mut search_alert::ActiveModel) -> DomainResult<()> + Send,
) -> DomainResult<SearchAlert>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let before: SearchAlert = record::lock(&txn, id).await?;
    let saved =
        record::change::<SearchAlert>(&txn, id, before.version, action, actor, now, f).await?;
    txn.commit().await?;
    Ok(saved.row)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

fn refused(status: AlertStatus) -> DomainError {
    DomainError::Refused(format!(
        "Das ist bei einem Suchauftrag mit dem Status „{}“ nicht möglich.",
        status.label()
    ))
}
