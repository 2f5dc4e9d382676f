//! A survey answer as an instance of the audited-change pipeline ([`crate::record`]): the row
//! holds only the round, the member and the bookkeeping; its content are the child rows per
//! occupation, staff group and course type, which the trail compares under those names.
//! Answers do not feed search.

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, prelude::*,
};

use super::Answer;
use super::catalog::Catalog;
use super::draft::{AnswerDraft, CourseAnswer, GroupAnswer, OccupationAnswer, validate};
use crate::audit::AuditEntity;
use crate::entities::{
    survey_answer, survey_answer_course, survey_answer_group, survey_answer_occupation,
};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{Audited, Target, Versioned};

impl Audited for Answer {
    const ENTITY: AuditEntity = AuditEntity::SurveyAnswer;
}

/// An answer for one round, with what that round asks about (read in the same transaction).
#[derive(Clone, Debug)]
pub struct RoundAnswer {
    pub round_id: i64,
    pub year: i32,
    pub catalog: Catalog,
    pub answer: AnswerDraft,
}

impl Versioned for Answer {
    type Draft = RoundAnswer;
    type Children = AnswerDraft;

    fn apply(am: &mut survey_answer::ActiveModel, d: &RoundAnswer) {
        am.round_id = Set(d.round_id);
    }

    async fn check(
        _db: &impl ConnectionTrait,
        d: &RoundAnswer,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        if let Target::Existing(before) = target
            && before.round_id != d.round_id
        {
            return Err(DomainError::NotFound);
        }
        Ok(validate(&d.answer, &d.catalog, d.year))
    }

    async fn children(db: &impl ConnectionTrait, row: &Self) -> DomainResult<AnswerDraft> {
        load_rows(db, row.id).await
    }

    fn plan_children(_id: i64, d: &RoundAnswer, _before: &AnswerDraft) -> AnswerDraft {
        d.answer.clone()
    }

    async fn write_children(
        db: &impl ConnectionTrait,
        id: i64,
        _before: &AnswerDraft,
        after: &AnswerDraft,
    ) -> DomainResult<()> {
        replace_rows(db, id, after).await
    }
}

/// The stored content of answer `id`.
pub async fn load_rows(db: &impl ConnectionTrait, id: i64) -> DomainResult<AnswerDraft> {
    let mut all = load_many(db, &[id]).await?;
    Ok(all.pop().map(|(_, d)| d).unwrap_or_default())
}

/// The stored content of every answer in `ids`, in the order of `ids`.
pub async fn load_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> DomainResult<Vec<(i64, AnswerDraft)>> {
    use std::collections::HashMap;
    let mut by_id: HashMap<i64, AnswerDraft> =
        ids.iter().map(|&id| (id, AnswerDraft::default())).collect();
    let occupations = survey_answer_occupation::Entity::find()
        .filter(survey_answer_occupation::Column::AnswerId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    for o in occupations {
        if let Some(d) = by_id.get_mut(&o.answer_id) {
            d.occupations.push(OccupationAnswer {
                occupation: o.occupation,
                starts_halves: [o.starts1, o.starts2, o.starts3],
                hosts_all: o.hosts_all,
                stations: o.stations,
                offers_lead: o.offers_lead,
            });
        }
    }
    let groups = survey_answer_group::Entity::find()
        .filter(survey_answer_group::Column::AnswerId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    for g in groups {
        if let Some(d) = by_id.get_mut(&g.answer_id) {
            d.groups.push(GroupAnswer {
                group: g.staff_group,
                retiring: [
                    g.retiring1,
                    g.retiring2,
                    g.retiring3,
                    g.retiring4,
                    g.retiring5,
                ],
                other: [g.other1, g.other2, g.other3, g.other4, g.other5],
                new_positions: g.new_positions,
            });
        }
    }
    let courses = survey_answer_course::Entity::find()
        .filter(survey_answer_course::Column::AnswerId.is_in(ids.to_vec()))
        .all(db)
        .await?;
    for c in courses {
        if let Some(d) = by_id.get_mut(&c.answer_id) {
            d.courses.push(CourseAnswer {
                course_type: c.course_type,
                staff: c.staff,
                priority: c.priority,
            });
        }
    }
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id).map(|d| (*id, d.normalized())))
        .collect())
}

async fn replace_rows(db: &impl ConnectionTrait, id: i64, d: &AnswerDraft) -> DomainResult<()> {
    survey_answer_occupation::Entity::delete_many()
        .filter(survey_answer_occupation::Column::AnswerId.eq(id))
        .exec(db)
        .await?;
    survey_answer_group::Entity::delete_many()
        .filter(survey_answer_group::Column::AnswerId.eq(id))
        .exec(db)
        .await?;
    survey_answer_course::Entity::delete_many()
        .filter(survey_answer_course::Column::AnswerId.eq(id))
        .exec(db)
        .await?;
    if !d.occupations.is_empty() {
        let rows = d.occupations.iter().map(|o| {
            let [s1, s2, s3] = o.starts_halves;
            survey_answer_occupation::Model {
                answer_id: id,
                occupation: o.occupation.clone(),
                starts1: s1,
                starts2: s2,
                starts3: s3,
                hosts_all: o.hosts_all,
                stations: o.stations.clone(),
                offers_lead: o.offers_lead,
            }
            .into_active_model()
        });
        survey_answer_occupation::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    if !d.groups.is_empty() {
        let rows = d.groups.iter().map(|g| {
            let [r1, r2, r3, r4, r5] = g.retiring;
            let [o1, o2, o3, o4, o5] = g.other;
            survey_answer_group::Model {
                answer_id: id,
                staff_group: g.group.clone(),
                retiring1: r1,
                retiring2: r2,
                retiring3: r3,
                retiring4: r4,
                retiring5: r5,
                other1: o1,
                other2: o2,
                other3: o3,
                other4: o4,
                other5: o5,
                new_positions: g.new_positions,
            }
            .into_active_model()
        });
        survey_answer_group::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    if !d.courses.is_empty() {
        let rows = d.courses.iter().map(|c| {
            survey_answer_course::Model {
                answer_id: id,
                course_type: c.course_type.clone(),
                staff: c.staff,
                priority: c.priority,
            }
            .into_active_model()
        });
        survey_answer_course::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
