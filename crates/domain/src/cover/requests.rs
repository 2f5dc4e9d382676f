//! Cover requests as an instance of the audited-change pipeline ([`crate::record`]): a request
//! is made once (the rules that need the database: an agreement in force with a partner for
//! its task area and period, no overlapping request of the same area) and later covered or
//! cancelled, each step a [`record::change`].

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait, prelude::*,
};
use serde_json::Map;

use super::notices::{self, Notice};
use super::request_draft::{CoverRequestDraft, validate_reason, validate_request};
use super::types::{CoverStatus, DayPart, OfferStatus};
use super::visibility::partners_for;
use super::{CoverRequest, Offer, format_hours};
use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::{cover_offer, cover_request, municipality};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{self, Audited, NoChildren, Target, Versioned};

impl Audited for CoverRequest {
    const ENTITY: AuditEntity = AuditEntity::CoverRequest;
}

impl Versioned for CoverRequest {
    type Draft = CoverRequestDraft;
    type Children = NoChildren;

    fn apply(am: &mut cover_request::ActiveModel, d: &CoverRequestDraft) {
        am.task_area = Set(d.task_area);
        am.starts_on = Set(d.starts_on);
        am.ends_on = Set(d.ends_on);
        am.day_part = Set(d.day_part);
        am.minutes_per_day = Set(d.minutes_per_day);
        am.place = Set(d.place.clone());
        am.skills = Set(d.skills.clone());
        am.requirements = Set(d.requirement_codes());
        am.urgency = Set(d.urgency);
        am.reason = Set(d.reason);
    }

    async fn check(
        db: &impl ConnectionTrait,
        d: &CoverRequestDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        let Target::New { municipality_id } = target else {
            return Err(DomainError::Refused(
                "Eine Vertretungsanfrage kann nicht geändert werden; bitte sagen Sie sie ab und stellen Sie eine neue.".into(),
            ));
        };
        let municipality_id = record::owner(municipality_id)?;
        let mut errors = validate_request(d).err().unwrap_or_default();
        if !errors.is_empty() {
            return Ok(errors);
        }
        let partners =
            partners_for(db, municipality_id, d.task_area, d.starts_on, d.ends_on).await?;
        if partners.is_empty() {
            errors.add(
                "task_area",
                format!(
                    "Für „{}“ gibt es im gewählten Zeitraum keine Vereinbarung, die alle beteiligten Kommunen bestätigt haben und die noch gilt. Ohne sie kann keine Partnerkommune die Anfrage sehen.",
                    d.task_area.label()
                ),
            );
        }
        // A morning and an afternoon of the same day do not clash; a full day clashes with both.
        let clashing_parts: &[DayPart] = match d.day_part {
            DayPart::Full => &[DayPart::Full, DayPart::Morning, DayPart::Afternoon],
            DayPart::Morning => &[DayPart::Full, DayPart::Morning],
            DayPart::Afternoon => &[DayPart::Full, DayPart::Afternoon],
        };
        let overlapping = cover_request::Entity::find()
            .filter(cover_request::Column::MunicipalityId.eq(municipality_id))
            .filter(cover_request::Column::TaskArea.eq(d.task_area))
            .filter(cover_request::Column::Status.ne(CoverStatus::Cancelled))
            .filter(cover_request::Column::StartsOn.lte(d.ends_on))
            .filter(cover_request::Column::EndsOn.gte(d.starts_on))
            .filter(cover_request::Column::DayPart.is_in(clashing_parts.iter().copied()))
            .one(db)
            .await?;
        if let Some(o) = overlapping {
            errors.add(
                "starts_on",
                format!(
                    "Für „{}“ gibt es schon eine Anfrage, die sich mit diesem Zeitraum überschneidet ({} bis {}, {}).",
                    d.task_area.label(),
                    berlin::format_date(o.starts_on),
                    berlin::format_date(o.ends_on),
                    o.day_part.label()
                ),
            );
        }
        Ok(errors)
    }

    crate::no_children!();
}

pub(crate) async fn municipality_name(db: &impl ConnectionTrait, id: i64) -> DomainResult<String> {
    Ok(municipality::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.name)
        .unwrap_or_default())
}

/// Ask the partners of `requester` for cover; every officer of a partner that may see it is
/// told.
pub async fn create_request<C>(
    db: &C,
    requester: i64,
    draft: CoverRequestDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(CoverRequest, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let prepare = |am: &mut cover_request::ActiveModel| {
        am.status = Set(CoverStatus::Open);
        Ok(())
    };
    let created = record::create::<CoverRequest>(
        &txn,
        Some(requester),
        &draft,
        prepare,
        AuditAction::Created,
        Map::new(),
        actor,
        now,
    )
    .await?;
    let partners: Vec<i64> = partners_for(
        &txn,
        requester,
        draft.task_area,
        draft.starts_on,
        draft.ends_on,
    )
    .await?
    .into_iter()
    .map(|(m, _)| m)
    .collect();
    let name = municipality_name(&txn, requester).await?;
    let text = format!(
        "Guten Tag,\n\n{name} bittet um Vertretung im Bereich {} vom {} bis {} ({}, {} je Tag, Dringlichkeit: {}).\n\nSie sehen die Anfrage und können Vertretung anbieten im Verwaltungsbereich unter „Zusammenarbeit“.\n\nPartheland Stellenbörse",
        created.task_area.label(),
        berlin::format_date(created.starts_on),
        berlin::format_date(created.ends_on),
        created.day_part.label(),
        format_hours(i64::from(created.minutes_per_day)),
        created.urgency.label()
    );
    let subject = format!("Vertretungsanfrage {}: {}", name, created.task_area.label());
    let notices = notices::to_officers(&txn, &partners, &subject, &text).await?;
    txn.commit().await?;
    Ok((created, notices))
}

/// The requester calls request `id` off; every municipality with a live offer is told.
pub async fn cancel_request<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    municipality_id: i64,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Notice>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let reason = validate_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let edit = |before: &CoverRequest, am: &mut cover_request::ActiveModel| {
        if before.municipality_id != municipality_id {
            return Err(DomainError::NotFound);
        }
        if before.status == CoverStatus::Cancelled {
            return Err(DomainError::Refused(
                "Die Anfrage ist bereits abgesagt.".into(),
            ));
        }
        am.status = Set(CoverStatus::Cancelled);
        am.cancel_reason = Set(Some(reason.clone()));
        Ok(())
    };
    let saved = record::change::<CoverRequest>(
        &txn,
        id,
        expected_version,
        AuditAction::Cancelled,
        actor,
        now,
        edit,
    )
    .await?;
    let mut told = Vec::new();
    for o in live_offers(&txn, id).await? {
        let version = o.version;
        record::change::<Offer>(
            &txn,
            o.id,
            version,
            AuditAction::Cancelled,
            actor,
            now,
            |_, am| {
                am.status = Set(OfferStatus::Cancelled);
                am.cancel_reason = Set(Some(format!("Anfrage abgesagt: {reason}")));
                Ok(())
            },
        )
        .await?;
        told.push(o.municipality_id);
    }
    told.sort_unstable();
    told.dedup();
    let r = saved.row;
    let text = format!(
        "Guten Tag,\n\ndie Vertretungsanfrage im Bereich {} vom {} bis {} wurde abgesagt. Grund: {reason}\n\nIhr Angebot ist damit gegenstandslos.\n\nPartheland Stellenbörse",
        r.task_area.label(),
        berlin::format_date(r.starts_on),
        berlin::format_date(r.ends_on)
    );
    let notices = notices::to_officers(&txn, &told, "Vertretungsanfrage abgesagt", &text).await?;
    txn.commit().await?;
    Ok(notices)
}

/// The offers on request `id` that are still offered or accepted.
pub async fn live_offers(db: &impl ConnectionTrait, id: i64) -> DomainResult<Vec<Offer>> {
    Ok(cover_offer::Entity::find()
        .filter(cover_offer::Column::RequestId.eq(id))
        .filter(cover_offer::Column::Status.is_in([OfferStatus::Offered, OfferStatus::Accepted]))
        .order_by_asc(cover_offer::Column::Id)
        .all(db)
        .await?)
}

/// Every offer on request `id`, oldest first.
pub async fn offers_on(db: &impl ConnectionTrait, id: i64) -> DomainResult<Vec<Offer>> {
    Ok(cover_offer::Entity::find()
        .filter(cover_offer::Column::RequestId.eq(id))
        .order_by_asc(cover_offer::Column::Id)
        .all(db)
        .await?)
}

/// The requests of `municipality_id`, newest first.
pub async fn list_own(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> DomainResult<Vec<CoverRequest>> {
    Ok(cover_request::Entity::find()
        .filter(cover_request::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(cover_request::Column::Id)
        .all(db)
        .await?)
}

/// Request `id` if `municipality_id` may see it; `None` (as if it did not exist) otherwise.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    id: i64,
    municipality_id: i64,
) -> DomainResult<Option<CoverRequest>> {
    let Some(r) = cover_request::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(super::visibility::can_see(db, &r, municipality_id)
        .await?
        .then_some(r))
}
