//! Saving a member's answer: as often as its officers like until the deadline, each save
//! through the audited-change pipeline with optimistic locking; the last saved state counts.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait, prelude::*,
};

use super::draft::AnswerDraft;
use super::record::{RoundAnswer, load_rows};
use super::{Answer, catalog, rounds};
use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::survey_answer;
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{self, Saved};

/// The answer of `municipality_id` to round `round_id`, with its content, if it answered.
pub async fn answer_of(
    db: &impl ConnectionTrait,
    round_id: i64,
    municipality_id: i64,
) -> DomainResult<Option<(Answer, AnswerDraft)>> {
    let Some(a) = survey_answer::Entity::find()
        .filter(survey_answer::Column::RoundId.eq(round_id))
        .filter(survey_answer::Column::MunicipalityId.eq(municipality_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rows = load_rows(db, a.id).await?;
    Ok(Some((a, rows)))
}

/// Save the answer of `municipality_id` to round `round_id`. `expected_version` is the version
/// the form was loaded at, 0 when there was no answer yet. A closed round, a count below 0 or
/// above 1,000, or a code the round does not ask about: field errors, nothing stored.
pub async fn save_answer<C>(
    db: &C,
    round_id: i64,
    municipality_id: i64,
    expected_version: i32,
    draft: AnswerDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Saved<Answer>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let round = rounds::find(&txn, round_id).await?;
    if !rounds::is_open(&round, now) {
        let mut e = ValidationErrors::default();
        e.add(
            "round",
            format!(
                "Die Bedarfsabfrage {} ist seit dem {} geschlossen; Antworten können nicht mehr geändert werden.",
                round.year,
                berlin::format_date(round.deadline)
            ),
        );
        return Err(e.into());
    }
    let d = RoundAnswer {
        round_id,
        year: round.year,
        catalog: catalog::of_round(&txn, round_id).await?,
        answer: draft.normalized(),
    };
    let existing = survey_answer::Entity::find()
        .filter(survey_answer::Column::RoundId.eq(round_id))
        .filter(survey_answer::Column::MunicipalityId.eq(municipality_id))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(a) => record::update::<Answer>(&txn, a.id, expected_version, &d, actor, now).await?,
        None if expected_version != 0 => return Err(DomainError::NotFound),
        None => {
            let row = record::create::<Answer>(
                &txn,
                Some(municipality_id),
                &d,
                |_| Ok(()),
                AuditAction::Created,
                serde_json::Map::new(),
                actor,
                now,
            )
            .await
            .map_err(|e| first_answer_taken(e, expected_version))?;
            Saved { row, changed: true }
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// A colleague's first answer committed between our look and our insert (PostgreSQL lets both
/// look at once; the unique index on round and member stops the second): the same conflict
/// as a stale form, nothing written.
fn first_answer_taken(e: DomainError, expected_version: i32) -> DomainError {
    match &e {
        DomainError::Db(db)
            if matches!(
                db.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            DomainError::Conflict {
                entity: AuditEntity::SurveyAnswer,
                expected: expected_version,
                current: expected_version + 1,
            }
        }
        _ => e,
    }
}
