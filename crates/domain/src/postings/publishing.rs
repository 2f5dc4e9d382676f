//! Persisting lifecycle transitions, and the scheduler step that publishes due postings and
//! expires those whose deadline day is over.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionSession, TransactionTrait, prelude::*,
};

use super::lifecycle::{self, LifecycleError, LifecycleState, Transition};
use super::queries::Posting;
use super::types::PostingStatus;
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::entities::posting;
use crate::error::{DomainError, DomainResult};
use crate::record;

/// What the caller asks for; `Schedule` carries the planned instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    Publish,
    Schedule(DateTime<Utc>),
    PublishScheduled,
    Unpublish,
    Archive,
    Republish,
    Expire,
}

impl Request {
    pub fn transition(self) -> Transition {
        match self {
            Self::Publish => Transition::Publish,
            Self::Schedule(_) => Transition::Schedule,
            Self::PublishScheduled => Transition::PublishScheduled,
            Self::Unpublish => Transition::Unpublish,
            Self::Archive => Transition::Archive,
            Self::Republish => Transition::Republish,
            Self::Expire => Transition::Expire,
        }
    }

    fn apply(
        self,
        s: LifecycleState,
        now: DateTime<Utc>,
    ) -> Result<LifecycleState, LifecycleError> {
        match self {
            Self::Publish => lifecycle::publish(s, now),
            Self::Schedule(at) => lifecycle::schedule(s, at, now),
            Self::PublishScheduled => lifecycle::publish_scheduled(s, now),
            Self::Unpublish => lifecycle::unpublish(s),
            Self::Archive => lifecycle::archive(s),
            Self::Republish => lifecycle::republish(s, now),
            Self::Expire => lifecycle::expire(s, now),
        }
    }
}

pub fn state_of(p: &Posting) -> LifecycleState {
    LifecycleState {
        status: p.status,
        published_at: p.published_at,
        expires_at: p.expires_at,
    }
}

/// Apply `request` to posting `id` at `expected_version`, writing the posting, its audit entry
/// and its outbox row in one transaction.
pub async fn transition<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    request: Request,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let action = request.transition().audit_action();
    let saved = record::change::<Posting>(
        &txn,
        id,
        expected_version,
        action,
        actor,
        now,
        |before, am| {
            let next = request.apply(state_of(before), now)?;
            am.status = Set(next.status);
            am.published_at = Set(next.published_at);
            // Online again: the position is open again.
            if request == Request::Republish {
                am.filled_on = Set(None);
            }
            Ok(())
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved.row)
}

/// What one scheduler run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DueReport {
    pub published: u64,
    pub expired: u64,
    /// Internal postings whose public day has come.
    pub made_public: u64,
}

/// Publish scheduled postings whose time has come and expire postings whose deadline day is
/// over. Idempotent: a second run at the same instant does nothing; a posting changed by someone
/// else meanwhile (another process, an officer) is left alone until the next run.
pub async fn run_due<C>(db: &C, now: DateTime<Utc>) -> DomainResult<DueReport>
where
    C: ConnectionTrait + TransactionTrait,
{
    const BATCH: u64 = 500;
    let actor = Actor::system("scheduler");
    let mut report = DueReport::default();

    // Expire first: a scheduled posting whose deadline passed must never go online.
    loop {
        let due = posting::Entity::find()
            .filter(
                posting::Column::Status.is_in([PostingStatus::Published, PostingStatus::Scheduled]),
            )
            .filter(posting::Column::ExpiresAt.lte(now))
            .order_by_asc(posting::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let n = due.len() as u64;
        report.expired += apply_all(db, due, Request::Expire, &actor, now).await?;
        if n < BATCH {
            break;
        }
    }
    loop {
        let due = posting::Entity::find()
            .filter(posting::Column::Status.eq(PostingStatus::Scheduled))
            .filter(posting::Column::PublishedAt.lte(now))
            .order_by_asc(posting::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let n = due.len() as u64;
        report.published += apply_all(db, due, Request::PublishScheduled, &actor, now).await?;
        if n < BATCH {
            break;
        }
    }
    report.made_public = make_public_due(db, &actor, now).await?;
    if report != DueReport::default() {
        tracing::info!(
            published = report.published,
            expired = report.expired,
            made_public = report.made_public,
            "scheduler run"
        );
    }
    Ok(report)
}

/// Internal postings whose public day (Europe/Berlin) has begun become public: `internal` off,
/// the day cleared (the trail keeps it), a published one dated from now on, audited as [`AuditAction::MadePublic`] with an outbox
/// row so the index takes them in. Idempotent: a second run finds none; a posting changed
/// meanwhile is left to the next run. Expired and archived postings are left as they are.
async fn make_public_due<C>(db: &C, actor: &Actor, now: DateTime<Utc>) -> DomainResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    const BATCH: u64 = 500;
    let today = crate::berlin::today(now);
    let mut done = 0;
    // Rows left behind by a conflict are skipped by id, so the loop always ends.
    let mut after_id = 0;
    loop {
        let due = posting::Entity::find()
            .filter(posting::Column::Internal.eq(true))
            .filter(posting::Column::PublicFrom.lte(today))
            .filter(
                posting::Column::Status
                    .is_not_in([PostingStatus::Expired, PostingStatus::Archived]),
            )
            .filter(posting::Column::Id.gt(after_id))
            .order_by_asc(posting::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let n = due.len() as u64;
        for p in due {
            after_id = p.id;
            let txn = crate::db::begin_write(db).await?;
            let changed = record::change::<Posting>(
                &txn,
                p.id,
                p.version,
                AuditAction::MadePublic,
                actor,
                now,
                |before, am| {
                    if !before.internal || before.public_from.is_none_or(|d| d > today) {
                        return Err(DomainError::NotFound);
                    }
                    am.internal = Set(false);
                    am.public_from = Set(None);
                    // For the public it is new today: search alerts, „newest first“ and the
                    // feeds date it from the switch, not from its internal publication.
                    if before.status == PostingStatus::Published {
                        am.published_at = Set(Some(now));
                    }
                    Ok(())
                },
            )
            .await;
            match changed {
                Ok(_) => {
                    txn.commit().await?;
                    done += 1;
                }
                Err(DomainError::Conflict { .. } | DomainError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        if n < BATCH {
            break;
        }
    }
    Ok(done)
}

async fn apply_all<C>(
    db: &C,
    due: Vec<Posting>,
    request: Request,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut done = 0;
    for p in due {
        match transition(db, p.id, p.version, request, actor, now).await {
            Ok(_) => done += 1,
            // Someone else got there first; the next run sees the new state.
            Err(
                DomainError::Conflict { .. } | DomainError::Lifecycle(_) | DomainError::NotFound,
            ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
