//! Postings pushed by a municipality's own system under its own id (`external_id`): create or
//! replace, and archive. Built on the ordinary mutations and transitions, so every write has its
//! audit entry and outbox row in the same transaction. Replaying the same push writes nothing.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait, prelude::*,
};

use super::draft::PostingDraft;
use super::mutations;
use super::publishing::{Request, transition};
use super::queries::Posting;
use super::types::PostingStatus;
use crate::actor::Actor;
use crate::entities::posting;
use crate::error::{DomainError, DomainResult};

pub const EXTERNAL_ID_MAX: usize = 200;

/// The status the pushing system asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PushStatus {
    /// Online now (or again, after it expired or was archived).
    #[default]
    Published,
    /// Kept offline.
    Draft,
}

/// What a push did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    Created,
    Updated,
    /// Same content and status as stored: nothing written.
    Unchanged,
}

/// The posting `municipality_id` pushed as `external_id`, if any.
pub async fn find_pushed(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    external_id: &str,
) -> Result<Option<Posting>, DbErr> {
    posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .filter(posting::Column::ExternalId.eq(external_id))
        .one(db)
        .await
}

/// Create or replace the posting `municipality_id` knows as `external_id` and bring it to
/// `status`. All or nothing: a refused draft or transition leaves everything as it was.
pub async fn put_posting<C>(
    db: &C,
    municipality_id: i64,
    external_id: &str,
    draft: PostingDraft,
    status: PushStatus,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Posting, PushOutcome)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let (mut current, mut outcome) = match find_pushed(&txn, municipality_id, external_id).await? {
        None => {
            let created = mutations::create_pushed_posting(
                &txn,
                municipality_id,
                external_id,
                draft,
                actor,
                now,
            )
            .await?;
            (created, PushOutcome::Created)
        }
        Some(existing) => {
            let version = existing.version;
            // The push API does not carry the audience: an officer's choice to offer the
            // posting internally first stays.
            let draft = PostingDraft {
                internal: existing.internal,
                public_from: existing.public_from,
                ..draft
            };
            let updated =
                mutations::update_posting(&txn, existing.id, version, draft, actor, now).await?;
            let outcome = if updated.version == version {
                PushOutcome::Unchanged
            } else {
                PushOutcome::Updated
            };
            (updated, outcome)
        }
    };
    let request = match (status, current.status) {
        (PushStatus::Published, PostingStatus::Draft) => Some(Request::Publish),
        (PushStatus::Published, PostingStatus::Expired | PostingStatus::Archived) => {
            Some(Request::Republish)
        }
        (PushStatus::Draft, PostingStatus::Published | PostingStatus::Scheduled) => {
            Some(Request::Unpublish)
        }
        _ => None,
    };
    if let Some(request) = request {
        current = transition(&txn, current.id, current.version, request, actor, now).await?;
        if outcome == PushOutcome::Unchanged {
            outcome = PushOutcome::Updated;
        }
    }
    txn.commit().await?;
    Ok((current, outcome))
}

/// Archive the posting `municipality_id` pushed as `external_id`: it leaves the board, search and
/// feeds. Archiving an archived posting changes nothing; an unknown id is
/// [`DomainError::NotFound`].
pub async fn archive_pushed<C>(
    db: &C,
    municipality_id: i64,
    external_id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Posting, PushOutcome)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let existing = find_pushed(&txn, municipality_id, external_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if existing.status == PostingStatus::Archived {
        return Ok((existing, PushOutcome::Unchanged));
    }
    let archived = transition(
        &txn,
        existing.id,
        existing.version,
        Request::Archive,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((archived, PushOutcome::Updated))
}
