//! Survey rounds: the platform admin opens one a year and may move its deadline (which reopens
//! a closed round). Both are recorded in the trail; a round belongs to no single member.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::json;

use super::Round;
use super::catalog;
use crate::actor::Actor;
use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::berlin;
use crate::entities::{
    survey_answer, survey_round, survey_round_course_type, survey_round_occupation,
};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;

/// What the admin decides when opening a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundDraft {
    /// The first year answers give starts and leavers for.
    pub year: i32,
    pub deadline: NaiveDate,
    pub occupations: Vec<String>,
    pub course_types: Vec<String>,
}

/// Whether members can still change their answers at `now`.
pub fn is_open(round: &Round, now: DateTime<Utc>) -> bool {
    now < round.closes_at
}

/// Open a round; the year is unique, the deadline not past, the codes known.
pub async fn open_round<C>(
    db: &C,
    draft: RoundDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Round>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let all = catalog::all(&txn).await?;
    let mut e = ValidationErrors::default();
    if !(2000..=2100).contains(&draft.year) {
        e.add("year", "Bitte ein Jahr zwischen 2000 und 2100 angeben.");
    } else if survey_round::Entity::find()
        .filter(survey_round::Column::Year.eq(draft.year))
        .count(&txn)
        .await?
        > 0
    {
        e.add(
            "year",
            format!("Für {} gibt es schon eine Bedarfsabfrage.", draft.year),
        );
    }
    check_deadline(&mut e, draft.deadline, now);
    if draft.occupations.is_empty() && draft.course_types.is_empty() {
        e.add(
            "occupations",
            "Bitte mindestens einen Ausbildungsberuf oder eine Lehrgangsart wählen.",
        );
    }
    if draft
        .occupations
        .iter()
        .any(|c| all.occupation(c).is_none())
    {
        e.add(
            "occupations",
            "Mindestens ein gewählter Ausbildungsberuf ist nicht bekannt.",
        );
    }
    if draft
        .course_types
        .iter()
        .any(|c| all.course_type(c).is_none())
    {
        e.add(
            "course_types",
            "Mindestens eine gewählte Lehrgangsart ist nicht bekannt.",
        );
    }
    e.into_result()?;
    let round = survey_round::ActiveModel {
        year: Set(draft.year),
        deadline: Set(draft.deadline),
        closes_at: Set(berlin::end_of_day(draft.deadline)),
        created_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for code in &draft.occupations {
        survey_round_occupation::ActiveModel {
            round_id: Set(round.id),
            occupation: Set(code.clone()),
        }
        .insert(&txn)
        .await?;
    }
    for code in &draft.course_types {
        survey_round_course_type::ActiveModel {
            round_id: Set(round.id),
            course_type: Set(code.clone()),
        }
        .insert(&txn)
        .await?;
    }
    let mut changes = serde_json::Map::new();
    for (k, v) in [
        ("year", json!(draft.year)),
        ("deadline", json!(draft.deadline)),
        ("occupations", json!(draft.occupations)),
        ("course_types", json!(draft.course_types)),
    ] {
        changes.insert(k.into(), json!({ "from": null, "to": v }));
    }
    trail(&txn, round.id, AuditAction::Created, actor, changes, now).await?;
    txn.commit().await?;
    Ok(round)
}

/// Move the deadline of round `id`; a later deadline reopens a closed round.
pub async fn change_deadline<C>(
    db: &C,
    id: i64,
    deadline: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Round>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let before: Round = crate::record::lock(&txn, id).await?;
    let mut e = ValidationErrors::default();
    check_deadline(&mut e, deadline, now);
    e.into_result()?;
    if before.deadline == deadline {
        return Ok(before);
    }
    let mut am = before.clone().into_active_model();
    am.deadline = Set(deadline);
    am.closes_at = Set(berlin::end_of_day(deadline));
    am.updated_at = Set(now);
    let after = am.update(&txn).await?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "deadline".into(),
        json!({ "from": before.deadline, "to": deadline }),
    );
    trail(&txn, id, AuditAction::DeadlineChanged, actor, changes, now).await?;
    txn.commit().await?;
    Ok(after)
}

fn check_deadline(e: &mut ValidationErrors, deadline: NaiveDate, now: DateTime<Utc>) {
    if deadline < berlin::today(now) {
        e.add(
            "deadline",
            "Die Frist darf nicht in der Vergangenheit liegen.",
        );
    }
}

async fn trail(
    db: &impl ConnectionTrait,
    id: i64,
    action: AuditAction,
    actor: &Actor,
    changes: serde_json::Map<String, serde_json::Value>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let record = AuditRecord {
        entity_type: AuditEntity::SurveyRound,
        entity_id: id,
        municipality_id: None,
        action,
        actor,
        changes,
    };
    Ok(audit::record(db, record, now).await?)
}

impl crate::record::Audited for Round {
    const ENTITY: AuditEntity = AuditEntity::SurveyRound;
}

/// Every round, newest year first.
pub async fn list(db: &impl ConnectionTrait) -> DomainResult<Vec<Round>> {
    Ok(survey_round::Entity::find()
        .order_by_desc(survey_round::Column::Year)
        .all(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> DomainResult<Round> {
    survey_round::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The round of the latest year before `round`'s.
pub async fn previous(db: &impl ConnectionTrait, round: &Round) -> DomainResult<Option<Round>> {
    Ok(survey_round::Entity::find()
        .filter(survey_round::Column::Year.lt(round.year))
        .order_by_desc(survey_round::Column::Year)
        .one(db)
        .await?)
}

/// The members that have answered round `round_id`.
pub async fn answered(db: &impl ConnectionTrait, round_id: i64) -> DomainResult<Vec<i64>> {
    Ok(survey_answer::Entity::find()
        .filter(survey_answer::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.municipality_id)
        .collect())
}
