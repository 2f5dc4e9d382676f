//! The regional picture of a round: starts per occupation, member and year; leavers against
//! planned intake per staff group; course demand per type; and the proposals of
//! [`super::proposals`] with what became of them. [`load`] reads a round in a handful of
//! queries, [`plan`] adds it up without touching the database.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use super::catalog::{self, Catalog};
use super::draft::AnswerDraft;
use super::proposals::{self, JointCourse, PlaceNeed, SharedPlace};
use super::record::load_many;
use super::{LEAVER_YEARS, Round, START_YEARS, rounds};
use crate::courses::CourseStatus;
use crate::entities::{course, posting, survey_answer, survey_conversion};
use crate::error::DomainResult;
use crate::municipalities::{self, Municipality};
use crate::postings::types::PostingStatus;

/// What became of a proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Taken {
    Posting {
        id: i64,
        /// The member that owns it (whose officers may open it).
        owner: i64,
        reference: String,
        status: PostingStatus,
        /// The day it was marked filled („besetzt“; it is archived then).
        filled_on: Option<NaiveDate>,
    },
    Course {
        id: i64,
        /// The member that provides it (whose officers may open it).
        owner: i64,
        status: CourseStatus,
    },
    /// Its posting or course was deleted since.
    Gone,
}

/// A round with everything planning needs.
#[derive(Clone, Debug)]
pub struct RoundData {
    pub round: Round,
    pub catalog: Catalog,
    pub members: Vec<Municipality>,
    /// `(member, answer)` of every member that answered.
    pub answers: Vec<(i64, AnswerDraft)>,
    /// Proposal key → what it was turned into.
    pub taken: HashMap<String, Taken>,
}

pub async fn load(db: &impl ConnectionTrait, round_id: i64) -> DomainResult<RoundData> {
    let round = rounds::find(db, round_id).await?;
    let catalog = catalog::of_round(db, round_id).await?;
    let members = municipalities::list(db).await?;
    let rows = survey_answer::Entity::find()
        .filter(survey_answer::Column::RoundId.eq(round_id))
        .order_by_asc(survey_answer::Column::MunicipalityId)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let member_of: HashMap<i64, i64> = rows.iter().map(|a| (a.id, a.municipality_id)).collect();
    let answers = load_many(db, &ids)
        .await?
        .into_iter()
        .map(|(id, d)| (member_of[&id], d))
        .collect();
    Ok(RoundData {
        round,
        catalog,
        members,
        answers,
        taken: taken(db, round_id).await?,
    })
}

async fn taken(db: &impl ConnectionTrait, round_id: i64) -> DomainResult<HashMap<String, Taken>> {
    let conversions = survey_conversion::Entity::find()
        .filter(survey_conversion::Column::RoundId.eq(round_id))
        .all(db)
        .await?;
    let posting_ids: Vec<i64> = conversions.iter().filter_map(|c| c.posting_id).collect();
    let course_ids: Vec<i64> = conversions.iter().filter_map(|c| c.course_id).collect();
    let postings: HashMap<i64, Taken> = posting::Entity::find()
        .filter(posting::Column::Id.is_in(posting_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let t = Taken::Posting {
                id: p.id,
                owner: p.municipality_id,
                reference: p.reference_number,
                status: p.status,
                filled_on: p.filled_on,
            };
            (p.id, t)
        })
        .collect();
    let courses: HashMap<i64, Taken> = course::Entity::find()
        .filter(course::Column::Id.is_in(course_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let t = Taken::Course {
                id: c.id,
                owner: c.municipality_id,
                status: c.status,
            };
            (c.id, t)
        })
        .collect();
    Ok(conversions
        .into_iter()
        .map(|c| {
            let t = match (c.posting_id, c.course_id) {
                (Some(id), _) if postings.contains_key(&id) => postings[&id].clone(),
                (_, Some(id)) if courses.contains_key(&id) => courses[&id].clone(),
                _ => Taken::Gone,
            };
            (c.proposal_key, t)
        })
        .collect())
}

/// The key a shared-place proposal is remembered by.
pub fn place_key(occupation: &str, year: i32) -> String {
    format!("place:{occupation}:{year}")
}

/// The key a joint-course proposal is remembered by.
pub fn course_key(course_type: &str) -> String {
    format!("course:{course_type}")
}

/// One row of the starts table: an occupation in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartsRow {
    pub occupation: String,
    pub name: String,
    pub year: i32,
    /// Half places per member, in the order of [`Planning::members`].
    pub per_member: Vec<i32>,
    pub total: i32,
}

/// Leavers against planned intake for one staff group, over the round's years.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub name: String,
    pub retiring: [i32; LEAVER_YEARS],
    pub other: [i32; LEAVER_YEARS],
    pub new_positions: i32,
    /// Starts in the group's occupations over the next three years, in half places.
    pub intake_halves: i32,
}

impl GroupRow {
    pub fn leavers(&self) -> i32 {
        self.retiring.iter().chain(&self.other).sum()
    }
}

/// Demand for one course type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseRow {
    pub course_type: String,
    pub name: String,
    pub per_member: Vec<i32>,
    pub total: i32,
    /// Members that gave it high priority.
    pub high: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlaceProposal {
    pub key: String,
    pub occupation: String,
    pub name: String,
    pub year: i32,
    pub place: SharedPlace,
    pub taken: Option<Taken>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseProposal {
    pub key: String,
    pub course_type: String,
    pub name: String,
    pub course: JointCourse,
    pub taken: Option<Taken>,
}

/// The regional picture of one round.
#[derive(Clone, Debug)]
pub struct Planning {
    pub round: Round,
    /// `(id, name)` of every member, in list order (the columns of the tables).
    pub members: Vec<(i64, String)>,
    pub answered: Vec<bool>,
    pub starts: Vec<StartsRow>,
    pub groups: Vec<GroupRow>,
    pub courses: Vec<CourseRow>,
    pub places: Vec<PlaceProposal>,
    pub joint_courses: Vec<CourseProposal>,
}

/// Add up the answers of `data`.
pub fn plan(data: &RoundData) -> Planning {
    let members: Vec<(i64, String)> = data
        .members
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect();
    let column: HashMap<i64, usize> = members.iter().enumerate().map(|(i, m)| (m.0, i)).collect();
    let answers: Vec<(usize, &AnswerDraft)> = data
        .answers
        .iter()
        .filter_map(|(m, d)| column.get(m).map(|&c| (c, d)))
        .collect();
    let mut answered = vec![false; members.len()];
    for (c, _) in &answers {
        answered[*c] = true;
    }
    let starts = starts_rows(data, &answers, members.len());
    let places = place_proposals(data, &answers, &members);
    Planning {
        round: data.round.clone(),
        groups: group_rows(data, &answers, &starts),
        courses: course_rows(data, &answers, members.len()),
        joint_courses: course_proposals(data, &answers, &members),
        starts,
        places,
        answered,
        members,
    }
}

fn starts_rows(data: &RoundData, answers: &[(usize, &AnswerDraft)], n: usize) -> Vec<StartsRow> {
    let mut rows = Vec::new();
    for o in &data.catalog.occupations {
        for y in 0..START_YEARS {
            let mut per_member = vec![0; n];
            for (c, d) in answers {
                if let Some(a) = d.occupations.iter().find(|a| a.occupation == o.code) {
                    per_member[*c] = a.starts_halves[y];
                }
            }
            rows.push(StartsRow {
                occupation: o.code.clone(),
                name: o.name.clone(),
                year: data.round.year + y as i32,
                total: per_member.iter().sum(),
                per_member,
            });
        }
    }
    rows
}

fn group_rows(
    data: &RoundData,
    answers: &[(usize, &AnswerDraft)],
    starts: &[StartsRow],
) -> Vec<GroupRow> {
    data.catalog
        .groups
        .iter()
        .map(|g| {
            let mut row = GroupRow {
                name: g.name.clone(),
                retiring: [0; LEAVER_YEARS],
                other: [0; LEAVER_YEARS],
                new_positions: 0,
                intake_halves: 0,
            };
            for a in answers
                .iter()
                .flat_map(|(_, d)| d.groups.iter().filter(|a| a.group == g.code))
            {
                for y in 0..LEAVER_YEARS {
                    row.retiring[y] += a.retiring[y];
                    row.other[y] += a.other[y];
                }
                row.new_positions += a.new_positions;
            }
            row.intake_halves = starts
                .iter()
                .filter(|s| {
                    data.catalog
                        .occupation(&s.occupation)
                        .is_some_and(|o| o.staff_group == g.code)
                })
                .map(|s| s.total)
                .sum();
            row
        })
        .collect()
}

fn course_rows(data: &RoundData, answers: &[(usize, &AnswerDraft)], n: usize) -> Vec<CourseRow> {
    data.catalog
        .course_types
        .iter()
        .map(|t| {
            let mut per_member = vec![0; n];
            let mut high = 0;
            for (c, d) in answers {
                if let Some(a) = d.courses.iter().find(|a| a.course_type == t.code) {
                    per_member[*c] = a.staff;
                    high += usize::from(a.staff > 0 && a.priority == super::Priority::High);
                }
            }
            CourseRow {
                course_type: t.code.clone(),
                name: t.name.clone(),
                total: per_member.iter().sum(),
                per_member,
                high,
            }
        })
        .collect()
}

fn place_proposals(
    data: &RoundData,
    answers: &[(usize, &AnswerDraft)],
    members: &[(i64, String)],
) -> Vec<PlaceProposal> {
    let mut out = Vec::new();
    for o in &data.catalog.occupations {
        for y in 0..START_YEARS {
            let needs: Vec<PlaceNeed> = answers
                .iter()
                .filter_map(|(c, d)| {
                    let a = d.occupations.iter().find(|a| a.occupation == o.code)?;
                    Some(PlaceNeed {
                        municipality_id: members[*c].0,
                        halves: a.starts_halves[y],
                        hosts_all: a.hosts_all,
                        stations: a.station_list().into_iter().map(str::to_owned).collect(),
                        offers_lead: a.offers_lead,
                    })
                })
                .collect();
            if let Some(place) = proposals::shared_place(&needs) {
                let year = data.round.year + y as i32;
                let key = place_key(&o.code, year);
                out.push(PlaceProposal {
                    taken: data.taken.get(&key).cloned(),
                    key,
                    occupation: o.code.clone(),
                    name: o.name.clone(),
                    year,
                    place,
                });
            }
        }
    }
    out
}

fn course_proposals(
    data: &RoundData,
    answers: &[(usize, &AnswerDraft)],
    members: &[(i64, String)],
) -> Vec<CourseProposal> {
    data.catalog
        .course_types
        .iter()
        .filter_map(|t| {
            let demand: Vec<(i64, i32)> = answers
                .iter()
                .filter_map(|(c, d)| {
                    let a = d.courses.iter().find(|a| a.course_type == t.code)?;
                    Some((members[*c].0, a.staff))
                })
                .collect();
            let course = proposals::joint_course(&demand)?;
            let key = course_key(&t.code);
            Some(CourseProposal {
                taken: data.taken.get(&key).cloned(),
                key,
                course_type: t.code.clone(),
                name: t.name.clone(),
                course,
            })
        })
        .collect()
}

/// A round against the one before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub previous_year: i32,
    /// `(occupation, starts wanted over three years then, now)` in half places.
    pub starts: Vec<(String, i32, i32)>,
    /// Shared places the previous round proposed, how many became postings, and of those how
    /// many were marked filled („besetzt“, archived with the day) and how many of the others
    /// are published now and how many expired.
    pub proposed: usize,
    pub posted: usize,
    pub filled: usize,
    pub published: usize,
    pub expired: usize,
}

/// Compare `now` with `before` (the previous round's planning).
pub fn compare(now: &Planning, before: &Planning) -> Comparison {
    let total = |p: &Planning, code: &str| -> i32 {
        p.starts
            .iter()
            .filter(|s| s.occupation == code)
            .map(|s| s.total)
            .sum()
    };
    let mut names: Vec<(String, String)> = Vec::new();
    for s in now.starts.iter().chain(&before.starts) {
        if !names.iter().any(|n| n.0 == s.occupation) {
            names.push((s.occupation.clone(), s.name.clone()));
        }
    }
    let posting_status = |p: &PlaceProposal| match &p.taken {
        Some(Taken::Posting {
            status, filled_on, ..
        }) => Some((*status, filled_on.is_some())),
        _ => None,
    };
    let statuses: Vec<(PostingStatus, bool)> =
        before.places.iter().filter_map(posting_status).collect();
    let open_in = |wanted: PostingStatus| {
        statuses
            .iter()
            .filter(|(status, filled)| *status == wanted && !filled)
            .count()
    };
    Comparison {
        previous_year: before.round.year,
        starts: names
            .into_iter()
            .map(|(code, name)| (name, total(before, &code), total(now, &code)))
            .collect(),
        proposed: before.places.len(),
        posted: statuses.len(),
        filled: statuses.iter().filter(|(_, filled)| *filled).count(),
        published: open_in(PostingStatus::Published),
        expired: open_in(PostingStatus::Expired),
    }
}
