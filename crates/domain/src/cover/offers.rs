//! Offers on cover requests, an instance of the audited-change pipeline ([`crate::record`]):
//! a partner offers (under the agreement it shares with the requester), the requester accepts
//! one or more offers and the others are told they are not needed, and either side cancels an
//! offer with a reason.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};
use serde_json::Map;

use super::agreements::list_for;
use super::notices::{self, Notice};
use super::request_draft::{OfferDraft, validate_offer, validate_reason};
use super::requests::{live_offers, municipality_name};
use super::types::{CoverStatus, OfferStatus};
use super::visibility::{agreement_for, load_view};
use super::{CoverRequest, Offer, format_hours, working_days};
use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::{agreement, cover_offer, cover_request};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{self, Audited, NoChildren, Target, Versioned};

impl Audited for Offer {
    const ENTITY: AuditEntity = AuditEntity::CoverOffer;
}

impl Versioned for Offer {
    type Draft = OfferDraft;
    type Children = NoChildren;

    fn apply(am: &mut cover_offer::ActiveModel, d: &OfferDraft) {
        am.request_id = Set(d.request_id);
        am.starts_on = Set(d.starts_on);
        am.ends_on = Set(d.ends_on);
        am.minutes_per_day = Set(d.minutes_per_day);
        am.person_name = Set(d.person_name.clone());
        am.person_contact = Set(d.person_contact.clone());
        am.note = Set(d.note.clone());
    }

    async fn check(
        db: &impl ConnectionTrait,
        d: &OfferDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        let Target::New { municipality_id } = target else {
            return Err(DomainError::Refused(
                "Ein Angebot kann nicht geändert werden; bitte ziehen Sie es zurück und bieten Sie neu an.".into(),
            ));
        };
        let municipality_id = record::owner(municipality_id)?;
        let request = cover_request::Entity::find_by_id(d.request_id)
            .one(db)
            .await?
            .ok_or(DomainError::NotFound)?;
        if request.status == CoverStatus::Cancelled {
            return Err(DomainError::Refused("Die Anfrage ist abgesagt.".into()));
        }
        let mut errors = validate_offer(d, &request).err().unwrap_or_default();
        let own = live_offers(db, request.id)
            .await?
            .into_iter()
            .filter(|o| o.municipality_id == municipality_id)
            .find(|o| o.starts_on <= d.ends_on && d.starts_on <= o.ends_on);
        if let Some(o) = own {
            errors.add(
                "starts_on",
                format!(
                    "Ihre Kommune hat für {} bis {} schon ein Angebot abgegeben; die Zeiträume dürfen sich nicht überschneiden.",
                    berlin::format_date(o.starts_on),
                    berlin::format_date(o.ends_on)
                ),
            );
        }
        Ok(errors)
    }

    crate::no_children!();
}

fn describe(o: &Offer) -> String {
    format!(
        "{} bis {}, {} je Werktag",
        berlin::format_date(o.starts_on),
        berlin::format_date(o.ends_on),
        format_hours(i64::from(o.minutes_per_day))
    )
}

/// Partner `offerer` offers cover on request `draft.request_id`. A request it may not see is
/// "not found", as one that does not exist.
pub async fn create_offer<C>(
    db: &C,
    offerer: i64,
    draft: OfferDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Offer, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let request: CoverRequest = record::lock(&txn, draft.request_id).await?;
    let views = list_for(&txn, offerer).await?;
    let agreement_id = agreement_for(&views, &request, offerer).ok_or(DomainError::NotFound)?;
    let prepare = |am: &mut cover_offer::ActiveModel| {
        am.agreement_id = Set(agreement_id);
        am.status = Set(OfferStatus::Offered);
        Ok(())
    };
    let created = record::create::<Offer>(
        &txn,
        Some(offerer),
        &draft,
        prepare,
        AuditAction::Created,
        Map::new(),
        actor,
        now,
    )
    .await?;
    let name = municipality_name(&txn, offerer).await?;
    let text = format!(
        "Guten Tag,\n\n{name} bietet Vertretung für Ihre Anfrage im Bereich {} an: {}.\n\nSie können das Angebot im Verwaltungsbereich unter „Zusammenarbeit“ annehmen.\n\nPartheland Stellenbörse",
        request.task_area.label(),
        describe(&created)
    );
    let subject = format!("Vertretungsangebot von {name}");
    let notices = notices::to_officers(&txn, &[request.municipality_id], &subject, &text).await?;
    txn.commit().await?;
    Ok((created, notices))
}

/// Minutes offered per working day, summed over `offers`.
fn minutes_by_day(offers: &[&Offer]) -> BTreeMap<NaiveDate, i32> {
    let mut by_day = BTreeMap::new();
    for o in offers {
        for d in working_days(o.starts_on, o.ends_on) {
            *by_day.entry(d).or_insert(0) += o.minutes_per_day;
        }
    }
    by_day
}

/// The requester accepts `chosen` offers on request `id` (at `expected_version`); the other
/// open offers are declined and everyone is told. More hours on a day than were asked for are
/// refused.
pub async fn accept_offers<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    requester: i64,
    chosen: &[i64],
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Notice>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let request: CoverRequest = record::lock_version(&txn, id, expected_version).await?;
    if request.municipality_id != requester {
        return Err(DomainError::NotFound);
    }
    if request.status == CoverStatus::Cancelled {
        return Err(DomainError::Refused("Die Anfrage ist abgesagt.".into()));
    }
    let live = live_offers(&txn, id).await?;
    let mut e = ValidationErrors::default();
    let picked: Vec<&Offer> = live
        .iter()
        .filter(|o| o.status == OfferStatus::Offered && chosen.contains(&o.id))
        .collect();
    if picked.is_empty() {
        e.add("offers", "Bitte wählen Sie mindestens ein offenes Angebot.");
    }
    // Cover is confirmed only under an agreement still in force over the offer's days: a
    // party may have ended it, or a new wording may wait for confirmation.
    for o in &picked {
        let in_force = match agreement::Entity::find_by_id(o.agreement_id)
            .one(&txn)
            .await?
        {
            Some(a) => load_view(&txn, a)
                .await?
                .in_force_over(o.starts_on, o.ends_on),
            None => false,
        };
        if !in_force {
            e.add(
                "offers",
                format!(
                    "Das Angebot für {} bis {} kann nicht angenommen werden: Die Vereinbarung, unter der es abgegeben wurde, ist für diesen Zeitraum nicht (mehr) in Kraft – sie wurde beendet oder wartet nach einer Änderung auf Bestätigung.",
                    berlin::format_date(o.starts_on),
                    berlin::format_date(o.ends_on)
                ),
            );
        }
    }
    let mut covering: Vec<&Offer> = live
        .iter()
        .filter(|o| o.status == OfferStatus::Accepted)
        .collect();
    covering.extend(picked.iter().copied());
    if let Some((day, _)) = minutes_by_day(&covering)
        .into_iter()
        .find(|(_, m)| *m > request.minutes_per_day)
    {
        e.add(
            "offers",
            format!(
                "Die gewählten Angebote überschneiden sich: Am {} wären mehr als die angefragten {} vergeben.",
                berlin::format_date(day),
                format_hours(i64::from(request.minutes_per_day))
            ),
        );
    }
    e.into_result()?;
    let mut notices = Vec::new();
    for o in &live {
        let (status, action) = match (o.status, picked.iter().any(|p| p.id == o.id)) {
            (OfferStatus::Offered, true) => (OfferStatus::Accepted, AuditAction::Accepted),
            (OfferStatus::Offered, false) => (OfferStatus::Declined, AuditAction::Declined),
            _ => continue,
        };
        record::change::<Offer>(&txn, o.id, o.version, action, actor, now, |_, am| {
            am.status = Set(status);
            Ok(())
        })
        .await?;
        let (subject, text) = if status == OfferStatus::Accepted {
            (
                "Vertretung bestätigt",
                format!(
                    "Guten Tag,\n\nIhr Angebot zur Vertretung im Bereich {} ({}) wurde angenommen. Die Termine stehen im Vertretungskalender beider Kommunen.\n\nPartheland Stellenbörse",
                    request.task_area.label(),
                    describe(o)
                ),
            )
        } else {
            (
                "Vertretung nicht benötigt",
                format!(
                    "Guten Tag,\n\nvielen Dank für Ihr Angebot zur Vertretung im Bereich {} ({}). Die anfragende Kommune hat die Vertretung anders geregelt; Ihr Angebot wird nicht benötigt.\n\nPartheland Stellenbörse",
                    request.task_area.label(),
                    describe(o)
                ),
            )
        };
        notices.extend(notices::to_officers(&txn, &[o.municipality_id], subject, &text).await?);
    }
    if request.status != CoverStatus::Covered {
        record::change::<CoverRequest>(
            &txn,
            id,
            request.version,
            AuditAction::Status,
            actor,
            now,
            |_, am| {
                am.status = Set(CoverStatus::Covered);
                Ok(())
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(notices)
}

/// The offerer or the requester cancels offer `id` with a reason; the other side is told. A
/// request whose last accepted offer is cancelled is open again.
pub async fn cancel_offer<C>(
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
    let offer: Offer = record::lock(&txn, id).await?;
    let request: CoverRequest = record::lock(&txn, offer.request_id).await?;
    if municipality_id != offer.municipality_id && municipality_id != request.municipality_id {
        return Err(DomainError::NotFound);
    }
    let edit = |before: &Offer, am: &mut cover_offer::ActiveModel| {
        if !matches!(before.status, OfferStatus::Offered | OfferStatus::Accepted) {
            return Err(DomainError::Refused(format!(
                "Ein Angebot mit dem Status „{}“ kann nicht mehr abgesagt werden.",
                before.status.label()
            )));
        }
        am.status = Set(OfferStatus::Cancelled);
        am.cancel_reason = Set(Some(reason.clone()));
        Ok(())
    };
    let saved = record::change::<Offer>(
        &txn,
        id,
        expected_version,
        AuditAction::Withdrawn,
        actor,
        now,
        edit,
    )
    .await?;
    let still_covered = live_offers(&txn, request.id)
        .await?
        .iter()
        .any(|o| o.status == OfferStatus::Accepted);
    if request.status == CoverStatus::Covered && !still_covered {
        record::change::<CoverRequest>(
            &txn,
            request.id,
            request.version,
            AuditAction::Status,
            actor,
            now,
            |_, am| {
                am.status = Set(CoverStatus::Open);
                Ok(())
            },
        )
        .await?;
    }
    let other = if municipality_id == offer.municipality_id {
        request.municipality_id
    } else {
        offer.municipality_id
    };
    let name = municipality_name(&txn, municipality_id).await?;
    let text = format!(
        "Guten Tag,\n\n{name} hat die Vertretung im Bereich {} ({}) abgesagt. Grund: {reason}\n\nPartheland Stellenbörse",
        request.task_area.label(),
        describe(&saved.row)
    );
    let notices = notices::to_officers(&txn, &[other], "Vertretung abgesagt", &text).await?;
    txn.commit().await?;
    Ok(notices)
}

/// Offer `id`, whoever made it (callers check who may see it).
pub async fn find(db: &impl ConnectionTrait, id: i64) -> DomainResult<Option<Offer>> {
    Ok(cover_offer::Entity::find_by_id(id).one(db).await?)
}
