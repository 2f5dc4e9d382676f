//! Writing postings. Each function runs in its own transaction (a savepoint when the caller
//! already holds one) and writes the change, its audit entry and its search-outbox row together.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait, TryIntoModel, prelude::*,
};
use serde_json::{Value, json};

use super::draft::PostingDraft;
use super::lifecycle::{self, LifecycleState};
use super::queries::{self, Posting};
use super::types::PostingStatus;
use super::validation::{ValidationContext, ValidationErrors, validate};
use crate::actor::Actor;
use crate::audit::{self, AuditRecord};
use crate::entities::{municipality, posting, posting_partner};
use crate::error::{DomainError, DomainResult};
use crate::{berlin, outbox, text};

/// Bookkeeping fields left out of audit diffs.
const NOT_AUDITED: &[&str] = &[
    "id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

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
    let ctx = ValidationContext {
        owner_municipality_id: municipality_id,
        publication_day: None,
    };
    let mut errors = validate(&draft, ctx).err().unwrap_or_default();

    let txn = crate::db::begin_write(db).await?;
    let owner = municipality::Entity::find_by_id(municipality_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    check_references(&txn, &draft, municipality_id, None, &mut errors).await?;
    errors.into_result()?;

    let draft_state = LifecycleState {
        status: PostingStatus::Draft,
        published_at: None,
        expires_at: berlin::end_of_day(draft.application_deadline),
    };
    let (action, duplicated_from, origin, external_id) = match creation {
        Creation::Created => ("created", None, None, None),
        Creation::Duplicated(from) => ("duplicated", Some(from), None, None),
        Creation::Imported(origin) => ("imported", None, Some(origin), None),
        Creation::Pushed(external_id) => ("created", None, None, Some(external_id)),
    };
    let state = match &origin {
        Some(_) => lifecycle::publish(draft_state, now)?,
        None => draft_state,
    };
    let slug = free_slug(&txn, &draft, &owner.slug).await?;
    let mut am = posting::ActiveModel {
        municipality_id: Set(municipality_id),
        slug: Set(slug),
        status: Set(state.status),
        published_at: Set(state.published_at),
        version: Set(1),
        source_id: Set(origin.as_ref().map(|o| o.source_id)),
        external_guid: Set(origin.map(|o| o.guid)),
        external_id: Set(external_id),
        created_by: Set(actor.as_str().to_owned()),
        updated_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_draft(&mut am, &draft);
    let created = am.insert(&txn).await?;
    // A new row has no partners yet: only write when the draft names some.
    let partners = if draft.partners.is_empty() {
        Vec::new()
    } else {
        replace_partners(&txn, created.id, &draft).await?
    };

    let mut changes = audit::diff(&Value::Null, &snapshot(&created, &partners), NOT_AUDITED);
    if let Some(from) = duplicated_from {
        changes.insert(
            "duplicated_from".into(),
            json!({ "from": Value::Null, "to": from }),
        );
    }
    write_trail(&txn, &created, action, actor, changes, now).await?;
    txn.commit().await?;
    Ok(created)
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
    let before = queries::find_by_id(&txn, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if before.version != expected_version {
        return Err(DomainError::Conflict {
            expected: expected_version,
            current: before.version,
        });
    }
    let online = matches!(
        before.status,
        PostingStatus::Published | PostingStatus::Scheduled
    );
    let ctx = ValidationContext {
        owner_municipality_id: before.municipality_id,
        publication_day: before.published_at.filter(|_| online).map(berlin::today),
    };
    let mut errors = validate(&draft, ctx).err().unwrap_or_default();
    check_references(&txn, &draft, before.municipality_id, Some(id), &mut errors).await?;
    errors.into_result()?;

    let partners_before = queries::partners_of(&txn, id).await?;
    let mut am = before.clone().into_active_model();
    apply_draft(&mut am, &draft);
    am.version = Set(expected_version + 1);
    am.updated_by = Set(actor.as_str().to_owned());
    am.updated_at = Set(now);
    let candidate = am.clone().try_into_model()?;
    let partners_after = planned_partners(id, &draft, &partners_before);
    let changes = audit::diff(
        &snapshot(&before, &partners_before),
        &snapshot(&candidate, &partners_after),
        NOT_AUDITED,
    );
    if changes.is_empty() {
        return Ok(before);
    }

    let updated = save_versioned(&txn, am, id, expected_version).await?;
    replace_partners(&txn, id, &draft).await?;
    write_trail(&txn, &updated, "updated", actor, changes, now).await?;
    txn.commit().await?;
    Ok(updated)
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
        "partner_confirmed"
    } else {
        "partner_declined"
    };
    write_trail(&txn, &posting, action, actor, changes, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Update the row only if it still has `expected_version`; otherwise report the conflict.
pub(crate) async fn save_versioned(
    db: &impl ConnectionTrait,
    am: posting::ActiveModel,
    id: i64,
    expected_version: i32,
) -> DomainResult<Posting> {
    let result = posting::Entity::update_many()
        .set(am)
        .filter(posting::Column::Id.eq(id))
        .filter(posting::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    let current = queries::find_by_id(db, id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(DomainError::Conflict {
            expected: expected_version,
            current: current.version,
        });
    }
    Ok(current)
}

/// Audit entry and outbox row of a change to `posting`.
pub(crate) async fn write_trail(
    db: &impl ConnectionTrait,
    posting: &Posting,
    action: &str,
    actor: &Actor,
    changes: serde_json::Map<String, Value>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let record = AuditRecord {
        entity_type: "posting",
        entity_id: posting.id,
        municipality_id: Some(posting.municipality_id),
        action,
        actor,
        changes,
    };
    audit::record(db, record, now).await?;
    outbox::enqueue(db, posting.id, now).await?;
    Ok(())
}

fn apply_draft(am: &mut posting::ActiveModel, d: &PostingDraft) {
    am.kind = Set(d.kind);
    am.reference_number = Set(d.reference_number.clone());
    am.title = Set(d.title.clone());
    am.department = Set(d.department.clone());
    am.category = Set(d.category);
    am.employment = Set(d.employment);
    am.weekly_hours = Set(d.weekly_hours);
    am.contract = Set(d.contract);
    am.contract_end_date = Set(d.contract_end_date);
    am.pay_scheme = Set(d.pay_scheme);
    am.pay_grade_from = Set(d.pay_grade_from.clone());
    am.pay_grade_to = Set(d.pay_grade_to.clone());
    am.pay_monthly_min_eur = Set(d.pay_monthly_min_eur);
    am.pay_monthly_max_eur = Set(d.pay_monthly_max_eur);
    am.location_place = Set(d.location_place.clone());
    am.location_postcode = Set(d.location_postcode.clone());
    am.latitude = Set(d.latitude);
    am.longitude = Set(d.longitude);
    am.start_date = Set(d.start_date);
    am.application_deadline = Set(d.application_deadline);
    am.expires_at = Set(berlin::end_of_day(d.application_deadline));
    am.description = Set(d.description.clone());
    am.tasks = Set(d.tasks.clone());
    am.profile = Set(d.profile.clone());
    am.benefits = Set(d.benefits.clone());
    am.contact_name = Set(d.contact_name.clone());
    am.contact_phone = Set(d.contact_phone.clone());
    am.contact_email = Set(d.contact_email.clone());
    am.apply_url = Set(d.apply_url.clone());
    am.apply_email = Set(d.apply_email.clone());
}

/// The posting as the audit trail sees it: its columns plus its partners.
fn snapshot(p: &Posting, partners: &[posting_partner::Model]) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        let list: Vec<Value> = partners
            .iter()
            .map(|x| json!({ "municipality_id": x.municipality_id, "note": x.note, "confirmed": x.confirmed }))
            .collect();
        map.insert("partners".into(), Value::Array(list));
    }
    v
}

/// Partners after saving `draft`: confirmations of partners that stay are kept.
fn planned_partners(
    posting_id: i64,
    draft: &PostingDraft,
    before: &[posting_partner::Model],
) -> Vec<posting_partner::Model> {
    let confirmed: HashMap<i64, bool> = before
        .iter()
        .map(|p| (p.municipality_id, p.confirmed))
        .collect();
    let mut list: Vec<_> = draft
        .partners
        .iter()
        .map(|p| posting_partner::Model {
            posting_id,
            municipality_id: p.municipality_id,
            note: p.note.clone(),
            confirmed: confirmed.get(&p.municipality_id).copied().unwrap_or(false),
        })
        .collect();
    list.sort_by_key(|p| p.municipality_id);
    list
}

async fn replace_partners(
    db: &impl ConnectionTrait,
    posting_id: i64,
    draft: &PostingDraft,
) -> DomainResult<Vec<posting_partner::Model>> {
    let before = queries::partners_of(db, posting_id).await?;
    let after = planned_partners(posting_id, draft, &before);
    posting_partner::Entity::delete_many()
        .filter(posting_partner::Column::PostingId.eq(posting_id))
        .exec(db)
        .await?;
    if !after.is_empty() {
        posting_partner::Entity::insert_many(
            after
                .iter()
                .cloned()
                .map(IntoActiveModel::into_active_model),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(after)
}

async fn partner_drafts(
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

/// Rules that need the database: the reference number is free in the municipality and every
/// partner exists.
async fn check_references(
    db: &impl ConnectionTrait,
    d: &PostingDraft,
    municipality_id: i64,
    own_id: Option<i64>,
    errors: &mut ValidationErrors,
) -> DomainResult<()> {
    let mut same_reference = posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .filter(posting::Column::ReferenceNumber.eq(d.reference_number.as_str()));
    if let Some(id) = own_id {
        same_reference = same_reference.filter(posting::Column::Id.ne(id));
    }
    if !d.reference_number.is_empty() && same_reference.count(db).await? > 0 {
        errors.add(
            "reference_number",
            format!(
                "Die Kennziffer „{}“ ist in Ihrer Kommune schon vergeben. Bitte eine andere wählen.",
                d.reference_number
            ),
        );
    }
    if !d.partners.is_empty() {
        let ids: Vec<i64> = d.partners.iter().map(|p| p.municipality_id).collect();
        let known = municipality::Entity::find()
            .filter(municipality::Column::Id.is_in(ids.clone()))
            .count(db)
            .await?;
        let mut distinct = ids;
        distinct.sort_unstable();
        distinct.dedup();
        if known != distinct.len() as u64 {
            errors.add(
                "partners",
                "Eine gewählte Partnerkommune ist nicht bekannt.",
            );
        }
    }
    Ok(())
}

async fn free_slug(
    db: &impl ConnectionTrait,
    d: &PostingDraft,
    municipality_slug: &str,
) -> DomainResult<String> {
    let base = format!(
        "{}-{}-{}",
        text::slugify(&d.title, 120),
        municipality_slug,
        text::slugify(&d.reference_number, 60)
    );
    let mut candidate = base.clone();
    for n in 2.. {
        let taken = posting::Entity::find()
            .filter(posting::Column::Slug.eq(candidate.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
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
    let mut candidate = format!("{stem}-Kopie");
    for n in 2.. {
        let taken = posting::Entity::find()
            .filter(posting::Column::MunicipalityId.eq(municipality_id))
            .filter(posting::Column::ReferenceNumber.eq(candidate.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            break;
        }
        candidate = format!("{stem}-Kopie{n}");
    }
    Ok(candidate)
}
