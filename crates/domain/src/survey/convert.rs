//! One click from a proposal to a draft: a shared posting („Ausbildung im Verbund“) owned by
//! the leading member with the partners and their stations as notes, or a course provided by
//! the member the admin chose, seats = total demand, a quota per member = its demand. The
//! draft goes through the posting's or course's own pipeline; the round remembers it (one
//! draft per proposal) and its trail says which proposal became which draft.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::json;

use super::planning::{self, Planning, course_key, place_key};
use crate::actor::Actor;
use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::courses::draft::SEATS_MAX;
use crate::courses::{Course, CourseDraft, QuotaDraft, SessionDraft};
use crate::entities::survey_conversion;
use crate::error::{DomainError, DomainResult};
use crate::municipalities::Municipality;
use crate::postings::draft::{PartnerDraft, PostingDraft};
use crate::postings::queries::Posting;
use crate::postings::types::Contract;
use crate::postings::validation::REFERENCE_MAX;
use crate::survey::Round;
use crate::{berlin, courses, postings};

/// Turn the shared-place proposal for `occupation` in `year` of round `round_id` into a draft
/// posting owned by its leading member.
pub async fn to_posting<C>(
    db: &C,
    round_id: i64,
    occupation: &str,
    year: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    // One conversion of a round at a time: a second click waits, then finds the proposal taken.
    crate::record::lock::<Round>(&txn, round_id).await?;
    let data = planning::load(&txn, round_id).await?;
    let plan = planning::plan(&data);
    let key = place_key(occupation, year);
    let p = plan
        .places
        .iter()
        .find(|p| p.key == key)
        .ok_or_else(no_proposal)?;
    refuse_if_taken(p.taken.as_ref())?;
    let occ = data
        .catalog
        .occupation(occupation)
        .ok_or(DomainError::NotFound)?;
    let lead = member(&data.members, p.place.lead)?;
    let mut d = PostingDraft::with_defaults(application_deadline(year, now));
    d.kind = occ.kind;
    d.category = occ.category;
    d.title = format!("Ausbildung im Verbund: {} ({year})", occ.name);
    d.reference_number = free_reference(
        &txn,
        lead.id,
        &format!("VERBUND-{year}-{}", occ.code.to_ascii_uppercase()),
    )
    .await?;
    d.contract = Contract::FixedTerm;
    d.start_date = NaiveDate::from_ymd_opt(year, 8, 1);
    d.contract_end_date = NaiveDate::from_ymd_opt(year + 3, 7, 31);
    d.location_place = lead.place.clone();
    d.location_postcode = lead.postcode.clone();
    d.apply_email = Some(lead.contact_email.clone());
    d.description = description(&plan, p.place.lead, &p.place.partners, &occ.name);
    d.partners = p
        .place
        .partners
        .iter()
        .map(|(id, note)| PartnerDraft {
            municipality_id: *id,
            note: note.clone(),
        })
        .collect();
    let posting = postings::mutations::create_posting(&txn, lead.id, d, actor, now).await?;
    remember(&txn, round_id, &key, Some(posting.id), None, actor, now).await?;
    txn.commit().await?;
    Ok(posting)
}

/// Turn the joint-course proposal for `course_type` of round `round_id` into a draft course
/// provided by `provider_id` on `day`.
pub async fn to_course<C>(
    db: &C,
    round_id: i64,
    course_type: &str,
    provider_id: i64,
    day: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Course>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    crate::record::lock::<Round>(&txn, round_id).await?;
    let data = planning::load(&txn, round_id).await?;
    let plan = planning::plan(&data);
    let key = course_key(course_type);
    let p = plan
        .joint_courses
        .iter()
        .find(|p| p.key == key)
        .ok_or_else(no_proposal)?;
    refuse_if_taken(p.taken.as_ref())?;
    let kind = data
        .catalog
        .course_type(course_type)
        .ok_or(DomainError::NotFound)?;
    let provider = member(&data.members, provider_id)?;
    let today = berlin::today(now);
    let deadline = day
        .checked_sub_days(Days::new(14))
        .filter(|d| *d >= today)
        .unwrap_or(today);
    let (seats, quotas) = capped(&p.course.quotas, SEATS_MAX);
    let total = p.course.seats;
    let share = if seats < total {
        format!(
            "Gemeldet wurden {total} Plätze; ein Lehrgang hat höchstens {SEATS_MAX} Plätze. Dieser Entwurf hat daher {seats} Plätze, und die Kontingente sind anteilig gekürzt. Für den übrigen Bedarf bitte weitere Lehrgänge anlegen."
        )
    } else {
        "Jede Kommune hat ein Kontingent in Höhe ihres gemeldeten Bedarfs.".to_owned()
    };
    let d = CourseDraft {
        title: format!("{} – gemeinsamer Lehrgang {}", kind.name, plan.round.year),
        category: kind.category,
        target_group: format!(
            "Beschäftigte der Mitgliedskommunen (Bedarfsabfrage {})",
            plan.round.year
        ),
        description: format!(
            "Gemeinsamer Lehrgang aus der Bedarfsabfrage {}: {} Beschäftigte aus {} Kommunen brauchen „{}“. {share}",
            plan.round.year,
            total,
            p.course.quotas.len(),
            kind.name
        ),
        seats,
        registration_deadline: deadline,
        cost_cents: 0,
        contact_email: Some(provider.contact_email.clone()),
        partners: p
            .course
            .quotas
            .iter()
            .map(|q| q.0)
            .filter(|id| *id != provider_id)
            .collect(),
        quotas: quotas
            .into_iter()
            .map(|(municipality_id, seats)| QuotaDraft {
                municipality_id,
                seats,
            })
            .collect(),
        sessions: vec![SessionDraft {
            day,
            start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default(),
            place: format!("{} {}", provider.postcode, provider.place)
                .trim()
                .to_owned(),
        }],
    };
    let course = courses::mutations::create_course(&txn, provider_id, d, actor, now).await?;
    remember(&txn, round_id, &key, None, Some(course.id), actor, now).await?;
    txn.commit().await?;
    Ok(course)
}

/// `stem` if the member `municipality_id` has no posting with that reference yet, else
/// `stem-2`, `stem-3`, … (references are unique per member; rounds and years repeat stems).
async fn free_reference(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    stem: &str,
) -> DomainResult<String> {
    let stem: String = stem.chars().take(REFERENCE_MAX - 6).collect();
    crate::postings::mutations::first_free_reference(
        db,
        municipality_id,
        std::iter::once(stem.clone()).chain((2..).map(|n| format!("{stem}-{n}"))),
    )
    .await
}

/// Seats and quotas for `quotas` (member, demand) within `max` seats: as demanded when the
/// total fits, else `max` seats shared in proportion to demand (largest remainders first, at
/// least one seat each).
pub fn capped(quotas: &[(i64, i32)], max: i32) -> (i32, Vec<(i64, i32)>) {
    let total: i64 = quotas.iter().map(|q| i64::from(q.1)).sum();
    if total <= i64::from(max) {
        return (total as i32, quotas.to_vec());
    }
    let max64 = i64::from(max);
    let mut shares: Vec<(i64, i32, i64)> = quotas
        .iter()
        .map(|&(id, demand)| {
            let exact = i64::from(demand) * max64;
            let seats = (exact / total).max(1);
            (id, seats as i32, exact % total)
        })
        .collect();
    let given: i64 = shares.iter().map(|s| i64::from(s.1)).sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(shares[i].2), shares[i].0));
    for &i in order.iter().take((max64 - given).max(0) as usize) {
        shares[i].1 += 1;
    }
    (
        max,
        shares
            .into_iter()
            .map(|(id, seats, _)| (id, seats))
            .collect(),
    )
}

fn no_proposal() -> DomainError {
    DomainError::Refused("Zu dieser Auswahl gibt es keinen Vorschlag (mehr).".into())
}

fn refuse_if_taken(taken: Option<&planning::Taken>) -> DomainResult<()> {
    match taken {
        None | Some(planning::Taken::Gone) => Ok(()),
        Some(_) => Err(DomainError::Refused(
            "Aus diesem Vorschlag wurde bereits ein Entwurf angelegt.".into(),
        )),
    }
}

fn member(members: &[Municipality], id: i64) -> DomainResult<&Municipality> {
    members
        .iter()
        .find(|m| m.id == id)
        .ok_or(DomainError::NotFound)
}

/// 31 March of the starting year, or four weeks from today when that is too close.
fn application_deadline(year: i32, now: DateTime<Utc>) -> NaiveDate {
    let today = berlin::today(now);
    let soon = today + Days::new(28);
    NaiveDate::from_ymd_opt(year, 3, 31)
        .filter(|d| *d >= soon)
        .unwrap_or(soon)
}

fn description(
    plan: &Planning,
    lead: i64,
    partners: &[(i64, Option<String>)],
    occupation: &str,
) -> String {
    let name = |id: i64| {
        plan.members
            .iter()
            .find(|m| m.0 == id)
            .map_or("", |m| m.1.as_str())
            .to_owned()
    };
    let mut text = format!(
        "Gemeinsamer Ausbildungsplatz „{occupation}“ aus der Bedarfsabfrage {}. Ausbildende Kommune ist {}; die Ausbildung führt durch die Partnerkommunen:\n\n",
        plan.round.year,
        name(lead)
    );
    for (id, note) in partners {
        text.push_str(&format!(
            "- {}{}\n",
            name(*id),
            note.as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        ));
    }
    text
}

async fn remember(
    db: &impl ConnectionTrait,
    round_id: i64,
    key: &str,
    posting_id: Option<i64>,
    course_id: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    use sea_orm::{EntityTrait, QueryFilter};
    survey_conversion::Entity::delete_many()
        .filter(survey_conversion::Column::RoundId.eq(round_id))
        .filter(survey_conversion::Column::ProposalKey.eq(key))
        .exec(db)
        .await?;
    survey_conversion::ActiveModel {
        round_id: Set(round_id),
        proposal_key: Set(key.to_owned()),
        posting_id: Set(posting_id),
        course_id: Set(course_id),
        created_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut changes = serde_json::Map::new();
    changes.insert("proposal".into(), json!({ "from": null, "to": key }));
    if let Some(id) = posting_id {
        changes.insert("posting_id".into(), json!({ "from": null, "to": id }));
    }
    if let Some(id) = course_id {
        changes.insert("course_id".into(), json!({ "from": null, "to": id }));
    }
    let record = AuditRecord {
        entity_type: AuditEntity::SurveyRound,
        entity_id: round_id,
        municipality_id: None,
        action: AuditAction::ProposalTaken,
        actor,
        changes,
    };
    audit::record(db, record, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_within_the_seats_of_a_course_keeps_its_quotas() {
        assert_eq!(capped(&[(1, 3), (2, 2)], 500), (5, vec![(1, 3), (2, 2)]));
        assert_eq!(capped(&[(1, 500)], 500), (500, vec![(1, 500)]));
    }

    #[test]
    fn demand_beyond_the_seats_of_a_course_is_shared_in_proportion() {
        // 1000 + 400 + 1 = 1401 for 500 seats: 356,9 / 142,8 / 0,36 → at least one each.
        let (seats, quotas) = capped(&[(1, 1000), (2, 400), (3, 1)], 500);
        assert_eq!(seats, 500);
        assert_eq!(quotas, [(1, 357), (2, 142), (3, 1)]);
        assert_eq!(quotas.iter().map(|q| q.1).sum::<i32>(), 500);
        assert!(quotas.iter().all(|q| (1..=500).contains(&q.1)));
        // Ties: the lower id first.
        assert_eq!(capped(&[(2, 1000), (1, 1000)], 501).1, [(2, 250), (1, 251)]);
    }
}
