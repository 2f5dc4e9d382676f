//! Writing postings. Each function runs in its own transaction (a savepoint when the caller
//! already holds one) and writes the change, its audit entry and its search-outbox row together.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::{Value, json};

use super::draft::PostingDraft;
use super::lifecycle::{self, LifecycleState};
use super::queries::{self, Posting};
use super::record::slug_base;
use super::types::PostingStatus;
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::entities::{municipality, posting, posting_partner};
use crate::error::{DomainError, DomainResult};
use crate::{berlin, record};

/// Create a draft posting owned by `municipality_id`.
pub async fn create_posting<C>(
    db: &C,
    municipality_id: i64,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    insert_posting(db, municipality_id, draft, actor, now, Creation::Created).await
}

/// Create a draft posting that a municipality's own system pushed under `external_id` (unique
/// per owner).
pub async fn create_pushed_posting<C>(
    db: &C,
    municipality_id: i64,
    external_id: &str,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    insert_posting(
        db,
        municipality_id,
        draft,
        actor,
        now,
        Creation::Pushed(external_id.to_owned()),
    )
    .await
}

/// Where an imported posting comes from: its import source and the item's guid there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOrigin {
    pub source_id: i64,
    pub guid: String,
}

/// Create a posting harvested from an import source and publish it at once: one row, one
/// audit entry ("imported") and one outbox row. A deadline that is already over is refused
/// like a manual publication would be.
pub async fn create_imported_posting<C>(
    db: &C,
    municipality_id: i64,
    origin: ImportOrigin,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    insert_posting(
        db,
        municipality_id,
        draft,
        actor,
        now,
        Creation::Imported(origin),
    )
    .await
}

/// A new draft with the content of posting `id` and a free reference number derived from its
/// own ("BOR-2026-01-Kopie").
pub async fn duplicate_posting<C>(
    db: &C,
    id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let original = queries::find_by_id(&txn, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let partners = partner_drafts(&txn, id).await?;
    let mut draft = PostingDraft::from_model(&original, partners);
    draft.reference_number =
        free_reference(&txn, original.municipality_id, &original.reference_number).await?;
    // The copy stays internal if the original is; a public day already begun is not copied.
    draft.public_from = draft.public_from.filter(|d| *d >= berlin::today(now));
    let copy = insert_posting(
        &txn,
        original.municipality_id,
        draft,
        actor,
        now,
        Creation::Duplicated(id),
    )
    .await?;
    txn.commit().await?;
    Ok(copy)
}

/// How a new posting comes about: its audit action and what is recorded with it.
enum Creation {
    Created,
    Duplicated(i64),
    /// Imported postings are published at once.
    Imported(ImportOrigin),
    /// Pushed by the municipality's own system under this external id.
    Pushed(String),
}

async fn insert_posting<C>(
    db: &C,
    municipality_id: i64,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
    creation: Creation,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let owner = municipality::Entity::find_by_id(municipality_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let slug = record::free_slug::<Posting>(&txn, slug_base(&draft, &owner.slug)).await?;
    let deadline = draft.application_deadline;
    let mut extra = serde_json::Map::new();
    if let Creation::Duplicated(from) = creation {
        extra.insert(
            "duplicated_from".into(),
            json!({ "from": Value::Null, "to": from }),
        );
    }
    let action = creation.action();
    let prepare = |am: &mut posting::ActiveModel| {
        let mut state = LifecycleState {
            status: PostingStatus::Draft,
            published_at: None,
            expires_at: berlin::end_of_day(deadline),
        };
        match creation {
            Creation::Imported(origin) => {
                state = lifecycle::publish(state, now)?;
                am.source_id = Set(Some(origin.source_id));
                am.external_guid = Set(Some(origin.guid));
            }
            Creation::Pushed(external_id) => am.external_id = Set(Some(external_id)),
            Creation::Created | Creation::Duplicated(_) => {}
        }
        am.slug = Set(slug);
        am.status = Set(state.status);
        am.published_at = Set(state.published_at);
        Ok(())
    };
    let created = record::create::<Posting>(
        &txn,
        Some(municipality_id),
        &draft,
        prepare,
        action,
        extra,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

impl Creation {
    fn action(&self) -> AuditAction {
        match self {
            Self::Created | Self::Pushed(_) => AuditAction::Created,
            Self::Duplicated(_) => AuditAction::Duplicated,
            Self::Imported(_) => AuditAction::Imported,
        }
    }
}

/// Replace the content of posting `id`, if it is still at `expected_version`. A stale version
/// is refused with [`DomainError::Conflict`] and nothing is written. Saving unchanged content
/// writes nothing and keeps the version.
pub async fn update_posting<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let saved = record::update::<Posting>(&txn, id, expected_version, &draft, actor, now).await?;
    txn.commit().await?;
    Ok(saved.row)
}

/// A partner municipality confirms (or withdraws) its part in a shared offer. Only confirmed
/// partners are shown publicly.
pub async fn set_partner_confirmation<C>(
    db: &C,
    posting_id: i64,
    partner_municipality_id: i64,
    confirmed: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let posting = queries::find_by_id(&txn, posting_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let partner = posting_partner::Entity::find_by_id((posting_id, partner_municipality_id))
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    if partner.confirmed == confirmed {
        return Ok(());
    }
    let mut am = partner.into_active_model();
    am.confirmed = Set(confirmed);
    am.update(&txn).await?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        format!("partners.{partner_municipality_id}.confirmed"),
        json!({ "from": !confirmed, "to": confirmed }),
    );
    let action = if confirmed {
        AuditAction::PartnerConfirmed
    } else {
        AuditAction::PartnerDeclined
    };
    record::trail(&txn, &posting, action, actor, changes, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The partners of posting `posting_id` as a draft names them.
pub(crate) async fn partner_drafts(
    db: &impl ConnectionTrait,
    posting_id: i64,
) -> DomainResult<Vec<super::PartnerDraft>> {
    Ok(queries::partners_of(db, posting_id)
        .await?
        .into_iter()
        .map(|p| super::PartnerDraft {
            municipality_id: p.municipality_id,
            note: p.note,
        })
        .collect())
}

async fn free_reference(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    original: &str,
) -> DomainResult<String> {
    let stem: String = original
        .chars()
        .take(super::validation::REFERENCE_MAX - 10)
        .collect();
    first_free_reference(
        db,
        municipality_id,
        std::iter::once(format!("{stem}-Kopie")).chain((2..).map(|n| format!("{stem}-Kopie{n}"))),
    )
    .await
}

/// The first of `candidates` that member `municipality_id` does not use as a reference yet
/// (references are unique per member). `candidates` must not end.
pub(crate) async fn first_free_reference(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    candidates: impl Iterator<Item = String>,
) -> DomainResult<String> {
    for candidate in candidates {
        let taken = posting::Entity::find()
            .filter(posting::Column::MunicipalityId.eq(municipality_id))
            .filter(posting::Column::ReferenceNumber.eq(candidate.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    unreachable!("an endless list of candidates")
}
