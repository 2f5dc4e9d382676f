//! An agreement as an instance of the audited-change pipeline ([`crate::record`]): its parties
//! and task areas are child rows. Saving a wording clears every party's confirmation; the
//! municipality that saves confirms by saving, the others confirm on their own
//! ([`confirm_agreement`]). The platform admin may record an agreement too
//! ([`create_agreement_for_parties`]): then nobody has confirmed it yet, and its first party
//! (lowest id) holds the row as its recorder, who may edit its wording. Any party ends it on a
//! date ([`end_agreement`]).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait, prelude::*,
};
use serde::Serialize;
use serde_json::{Map, json};

use super::agreement_draft::{AgreementDraft, validate};
use super::notices::{self, Notice};
use super::types::TaskArea;
use super::visibility::{AgreementView, load_view};
use super::{Agreement, Party};
use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::{agreement, agreement_area, agreement_party, municipality};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{self, Audited, Target, Versioned};

impl Audited for Agreement {
    const ENTITY: AuditEntity = AuditEntity::Agreement;
}

/// Parties and task areas, as the trail records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AgreementChildren {
    pub parties: Vec<i64>,
    pub areas: Vec<TaskArea>,
}

impl Versioned for Agreement {
    type Draft = AgreementDraft;
    type Children = AgreementChildren;

    fn apply(am: &mut agreement::ActiveModel, d: &AgreementDraft) {
        am.title = Set(d.title.clone());
        am.legal_form = Set(d.legal_form);
        am.valid_from = Set(d.valid_from);
        am.valid_until = Set(d.valid_until);
        am.hourly_rate_cents = Set(d.hourly_rate_cents);
        am.note = Set(d.note.clone());
    }

    async fn check(
        db: &impl ConnectionTrait,
        d: &AgreementDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        let recorder = match target {
            Target::New { municipality_id } => record::owner(municipality_id)?,
            Target::Existing(before) => {
                if before.ended_on.is_some() {
                    return Err(DomainError::Refused(
                        "Eine beendete Vereinbarung kann nicht mehr geändert werden.".into(),
                    ));
                }
                before.municipality_id
            }
        };
        let mut errors = validate(d, Some(recorder)).err().unwrap_or_default();
        let known = municipality::Entity::find()
            .filter(municipality::Column::Id.is_in(d.parties.clone()))
            .count(db)
            .await?;
        if known != d.parties.len() as u64 {
            errors.add("parties", "Mindestens eine gewählte Kommune gibt es nicht.");
        }
        Ok(errors)
    }

    async fn children(db: &impl ConnectionTrait, row: &Self) -> DomainResult<AgreementChildren> {
        let parties = parties_of(db, row.id).await?;
        let areas = areas_of(db, row.id).await?;
        Ok(AgreementChildren {
            parties: parties.into_iter().map(|p| p.municipality_id).collect(),
            areas,
        })
    }

    fn plan_children(
        _id: i64,
        d: &AgreementDraft,
        _before: &AgreementChildren,
    ) -> AgreementChildren {
        AgreementChildren {
            parties: d.parties.clone(),
            areas: d.areas.clone(),
        }
    }

    /// A new wording: every confirmation is cleared (the saving party confirms afterwards).
    async fn write_children(
        db: &impl ConnectionTrait,
        id: i64,
        _before: &AgreementChildren,
        after: &AgreementChildren,
    ) -> DomainResult<()> {
        agreement_party::Entity::delete_many()
            .filter(agreement_party::Column::AgreementId.eq(id))
            .exec(db)
            .await?;
        for &m in &after.parties {
            agreement_party::ActiveModel {
                agreement_id: Set(id),
                municipality_id: Set(m),
                confirmed_at: Set(None),
                confirmed_by: Set(None),
            }
            .insert(db)
            .await?;
        }
        agreement_area::Entity::delete_many()
            .filter(agreement_area::Column::AgreementId.eq(id))
            .exec(db)
            .await?;
        for &a in &after.areas {
            agreement_area::ActiveModel {
                agreement_id: Set(id),
                task_area: Set(a),
            }
            .insert(db)
            .await?;
        }
        Ok(())
    }
}

pub async fn parties_of(db: &impl ConnectionTrait, id: i64) -> DomainResult<Vec<Party>> {
    Ok(agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(id))
        .order_by_asc(agreement_party::Column::MunicipalityId)
        .all(db)
        .await?)
}

pub async fn areas_of(db: &impl ConnectionTrait, id: i64) -> DomainResult<Vec<TaskArea>> {
    let mut areas: Vec<TaskArea> = agreement_area::Entity::find()
        .filter(agreement_area::Column::AgreementId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.task_area)
        .collect();
    areas.sort_unstable();
    Ok(areas)
}

/// The draft of a stored agreement, e.g. to prefill the editor.
pub async fn draft_of(db: &impl ConnectionTrait, a: &Agreement) -> DomainResult<AgreementDraft> {
    let children = Agreement::children(db, a).await?;
    Ok(AgreementDraft {
        title: a.title.clone(),
        legal_form: a.legal_form,
        areas: children.areas,
        parties: children.parties,
        valid_from: a.valid_from,
        valid_until: a.valid_until,
        hourly_rate_cents: a.hourly_rate_cents,
        note: a.note.clone(),
    })
}

/// Record an agreement of `recorder` with the parties of `draft`; the recorder's confirmation
/// is given by recording it, the others are asked by mail.
pub async fn create_agreement<C>(
    db: &C,
    recorder: i64,
    draft: AgreementDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    create(db, Some(recorder), draft, actor, now).await
}

/// The platform admin records an agreement between the two or more parties of `draft`: nobody
/// has confirmed it by that, every party is asked by mail.
pub async fn create_agreement_for_parties<C>(
    db: &C,
    draft: AgreementDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    create(db, None, draft, actor, now).await
}

async fn create<C>(
    db: &C,
    recorder: Option<i64>,
    draft: AgreementDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let owner = match recorder {
        Some(r) => r,
        None => {
            // Checked before a row has an owner: the parties decide who holds it.
            validate(&draft, None)?;
            *draft.parties.first().ok_or(DomainError::NotFound)?
        }
    };
    let txn = crate::db::begin_write(db).await?;
    let created = record::create::<Agreement>(
        &txn,
        Some(owner),
        &draft,
        |_| Ok(()),
        AuditAction::Created,
        Map::new(),
        actor,
        now,
    )
    .await?;
    if let Some(r) = recorder {
        mark_confirmed(&txn, &created, r, actor, now).await?;
    }
    let notices = please_confirm(&txn, &created, recorder).await?;
    txn.commit().await?;
    Ok((created, notices))
}

/// Save a new wording of agreement `id` (only its recorder edits it): every other party must
/// confirm again.
pub async fn update_agreement<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    draft: AgreementDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let saved = record::update::<Agreement>(&txn, id, expected_version, &draft, actor, now).await?;
    if !saved.changed {
        return Ok((saved.row, Vec::new()));
    }
    let recorder = saved.row.municipality_id;
    mark_confirmed(&txn, &saved.row, recorder, actor, now).await?;
    let notices = please_confirm(&txn, &saved.row, Some(recorder)).await?;
    txn.commit().await?;
    Ok((saved.row, notices))
}

/// Party `municipality_id` confirms agreement `id` as it stood at `expected_version`, so a
/// confirmation never covers a wording its officer did not see.
pub async fn confirm_agreement<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    municipality_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Notice>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let a: Agreement = record::lock_version(&txn, id, expected_version).await?;
    let parties = parties_of(&txn, id).await?;
    let Some(own) = parties
        .iter()
        .find(|p| p.municipality_id == municipality_id)
    else {
        return Err(DomainError::NotFound);
    };
    if a.ended_on.is_some() {
        return Err(DomainError::Refused(
            "Die Vereinbarung ist beendet und kann nicht mehr bestätigt werden.".into(),
        ));
    }
    if own.confirmed_at.is_some() {
        return Ok(Vec::new());
    }
    mark_confirmed(&txn, &a, municipality_id, actor, now).await?;
    let view = load_view(&txn, a.clone()).await?;
    let notices = if view.all_confirmed() {
        let others: Vec<i64> = view.party_ids();
        let text = format!(
            "Guten Tag,\n\nalle beteiligten Kommunen haben die Vereinbarung „{}“ bestätigt. Sie ist ab {} in Kraft.\n\nPartheland Stellenbörse",
            a.title,
            berlin::format_date(a.valid_from)
        );
        notices::to_officers(&txn, &others, &format!("In Kraft: {}", a.title), &text).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    Ok(notices)
}

/// Party `municipality_id` ends agreement `id`: `last_day` is the last day it is in force.
pub async fn end_agreement<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    municipality_id: i64,
    last_day: Option<NaiveDate>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Agreement, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let parties = parties_of(&txn, id).await?;
    if !parties.iter().any(|p| p.municipality_id == municipality_id) {
        return Err(DomainError::NotFound);
    }
    let edit = |before: &Agreement, am: &mut agreement::ActiveModel| {
        if before.ended_on.is_some() {
            return Err(DomainError::Refused(
                "Die Vereinbarung ist bereits beendet.".into(),
            ));
        }
        let mut e = ValidationErrors::default();
        match last_day {
            None => e.add(
                "ended_on",
                "Bitte geben Sie den letzten Tag der Vereinbarung an.",
            ),
            Some(d) if d < before.valid_from => e.add(
                "ended_on",
                "Der letzte Tag darf nicht vor dem Beginn der Vereinbarung liegen.",
            ),
            Some(d) if before.valid_until.is_some_and(|u| d > u) => e.add(
                "ended_on",
                "Der letzte Tag darf nicht nach dem vereinbarten Ende liegen.",
            ),
            Some(_) => {}
        }
        e.into_result()?;
        am.ended_on = Set(last_day);
        am.ended_by = Set(Some(municipality_id));
        Ok(())
    };
    let saved = record::change::<Agreement>(
        &txn,
        id,
        expected_version,
        AuditAction::Ended,
        actor,
        now,
        edit,
    )
    .await?;
    let others: Vec<i64> = parties
        .iter()
        .map(|p| p.municipality_id)
        .filter(|&m| m != municipality_id)
        .collect();
    let last = saved
        .row
        .ended_on
        .map(berlin::format_date)
        .unwrap_or_default();
    let text = format!(
        "Guten Tag,\n\neine beteiligte Kommune hat die Vereinbarung „{}“ beendet. Sie gilt bis einschließlich {last}; danach sind keine Vertretungsanfragen darüber mehr möglich, und zugesagte Vertretung an späteren Tagen zählt weder im Kalender noch im Stundennachweis.\n\nPartheland Stellenbörse",
        saved.row.title
    );
    let notices = notices::to_officers(
        &txn,
        &others,
        &format!("Beendet: {}", saved.row.title),
        &text,
    )
    .await?;
    txn.commit().await?;
    Ok((saved.row, notices))
}

/// The party row of `municipality_id` is confirmed now, with its audit entry.
async fn mark_confirmed(
    db: &impl ConnectionTrait,
    a: &Agreement,
    municipality_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    agreement_party::ActiveModel {
        agreement_id: Set(a.id),
        municipality_id: Set(municipality_id),
        confirmed_at: Set(Some(now)),
        confirmed_by: Set(Some(actor.as_str().to_owned())),
    }
    .update(db)
    .await?;
    let mut changes = Map::new();
    changes.insert(
        "confirmed_by_municipality".into(),
        json!({ "from": null, "to": municipality_id }),
    );
    record::trail(db, a, AuditAction::Confirmed, actor, changes, now).await
}

/// Every party but the one that confirmed by saving (`None`: every party) is asked by mail.
async fn please_confirm(
    db: &impl ConnectionTrait,
    a: &Agreement,
    recorder: Option<i64>,
) -> DomainResult<Vec<Notice>> {
    let others: Vec<i64> = parties_of(db, a.id)
        .await?
        .into_iter()
        .map(|p| p.municipality_id)
        .filter(|&m| Some(m) != recorder)
        .collect();
    let text = format!(
        "Guten Tag,\n\nin der Partheland Stellenbörse wurde die Vereinbarung „{}“ ({}) mit Ihrer Kommune erfasst oder geändert. Sie tritt erst in Kraft, wenn alle beteiligten Kommunen sie bestätigt haben.\n\nBitte prüfen und bestätigen Sie sie im Verwaltungsbereich unter „Zusammenarbeit“.\n\nPartheland Stellenbörse",
        a.title,
        a.legal_form.label()
    );
    notices::to_officers(
        db,
        &others,
        &format!("Bitte bestätigen: {}", a.title),
        &text,
    )
    .await
}

/// Every agreement `municipality_id` is a party of, newest first.
pub async fn list_for(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> DomainResult<Vec<AgreementView>> {
    let ids: Vec<i64> = agreement_party::Entity::find()
        .filter(agreement_party::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.agreement_id)
        .collect();
    let rows = agreement::Entity::find()
        .filter(agreement::Column::Id.is_in(ids))
        .order_by_desc(agreement::Column::Id)
        .all(db)
        .await?;
    load_views(db, rows).await
}

/// Agreement `id` if `municipality_id` is a party; `None` for everyone else.
pub async fn find_for(
    db: &impl ConnectionTrait,
    id: i64,
    municipality_id: i64,
) -> DomainResult<Option<AgreementView>> {
    Ok(find_any(db, id)
        .await?
        .filter(|view| view.has_party(municipality_id)))
}

/// Every agreement of the region, newest first (the platform admin's list).
pub async fn list_all(db: &impl ConnectionTrait) -> DomainResult<Vec<AgreementView>> {
    let rows = agreement::Entity::find()
        .order_by_desc(agreement::Column::Id)
        .all(db)
        .await?;
    load_views(db, rows).await
}

/// The views of `rows`, in their order.
async fn load_views(
    db: &impl ConnectionTrait,
    rows: Vec<agreement::Model>,
) -> DomainResult<Vec<AgreementView>> {
    let mut out = Vec::with_capacity(rows.len());
    for a in rows {
        out.push(load_view(db, a).await?);
    }
    Ok(out)
}

/// Agreement `id`, whoever its parties are (the platform admin's view).
pub async fn find_any(db: &impl ConnectionTrait, id: i64) -> DomainResult<Option<AgreementView>> {
    match agreement::Entity::find_by_id(id).one(db).await? {
        Some(a) => Ok(Some(load_view(db, a).await?)),
        None => Ok(None),
    }
}
