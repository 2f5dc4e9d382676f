//! Registrations: seats are confirmed while free (within a municipality's quota), everyone else
//! waits in the order they joined; a cancellation promotes the first person waiting who fits.
//! Every function locks the course row first, so changes to one course are serialised.

use chrono::{DateTime, Utc};
use email_address::EmailAddress;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait, prelude::*,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::types::{CourseStatus, RegistrationStatus};
use super::{Course, Notice, Registration, format_cost};
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::entities::{course_attendance, course_quota, course_registration, course_session};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::{NOTE_MAX, SHORT_TEXT_MAX, ValidationErrors};
use crate::record::{self, lock};
use crate::{berlin, municipalities};

/// A staff member an officer signs up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationDraft {
    pub name: String,
    pub email: String,
    pub note: Option<String>,
}

impl RegistrationDraft {
    fn normalized(mut self) -> Self {
        use crate::text::clean;
        self.name = clean(self.name.trim()).trim().to_owned();
        self.email = clean(self.email.trim()).trim().to_owned();
        self.note = self
            .note
            .map(|n| clean(n.trim()).trim().to_owned())
            .filter(|n| !n.is_empty());
        self
    }

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.name.is_empty() {
            e.add("name", "Bitte geben Sie den Namen der Person an.");
        } else if self.name.chars().count() > SHORT_TEXT_MAX {
            e.add(
                "name",
                format!("Der Name darf höchstens {SHORT_TEXT_MAX} Zeichen lang sein."),
            );
        }
        if !EmailAddress::is_valid(&self.email) {
            e.add(
                "email",
                "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. m.muster@gemeinde.de.",
            );
        }
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > NOTE_MAX)
        {
            e.add(
                "note",
                format!("Die Bemerkung darf höchstens {NOTE_MAX} Zeichen lang sein."),
            );
        }
        e.into_result()
    }
}

/// Register a staff member of `municipality_id` for course `course_id`: a confirmed seat when
/// one is free within the municipality's quota, otherwise a place on the waiting list.
pub async fn register<C>(
    db: &C,
    course_id: i64,
    municipality_id: i64,
    draft: RegistrationDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Registration, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    draft.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let course: Course = lock(&txn, course_id).await?;
    check_open(&course, now)?;
    municipalities::find_by_id(&txn, municipality_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let active = active_registrations(&txn, course_id).await?;
    let email = draft.email.to_lowercase();
    if active.iter().any(|r| r.email.to_lowercase() == email) {
        let mut e = ValidationErrors::default();
        e.add(
            "email",
            "Diese Person ist für den Lehrgang bereits angemeldet oder steht auf der Warteliste.",
        );
        return Err(e.into());
    }
    // Joining order is the order of these serialised transactions, even if the callers' clocks
    // were read in another order.
    let joined_at = active
        .iter()
        .map(|r| r.joined_at)
        .max()
        .map_or(now, |latest| latest.max(now));
    let quota = quota_of(&txn, course_id, municipality_id).await?;
    let status = if has_room(&course, &active, municipality_id, quota) {
        RegistrationStatus::Confirmed
    } else {
        RegistrationStatus::Waiting
    };
    let created = course_registration::ActiveModel {
        course_id: Set(course_id),
        municipality_id: Set(municipality_id),
        name: Set(draft.name),
        email: Set(draft.email),
        note: Set(draft.note),
        status: Set(status),
        joined_at: Set(joined_at),
        confirmed_at: Set((status == RegistrationStatus::Confirmed).then_some(now)),
        cancelled_at: Set(None),
        created_by: Set(actor.as_str().to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    trail(&txn, &course, &created, AuditAction::Registered, actor, now).await?;
    let notice = if status == RegistrationStatus::Confirmed {
        confirmation(&course, &created)
    } else {
        let position = active
            .iter()
            .filter(|r| r.status == RegistrationStatus::Waiting)
            .count()
            + 1;
        waiting(&course, &created, position)
    };
    txn.commit().await?;
    Ok((created, vec![notice]))
}

/// Registration is possible: the course is open and its deadline not over. A draft course
/// does not exist for anyone but its provider.
fn check_open(course: &Course, now: DateTime<Utc>) -> DomainResult<()> {
    match course.status {
        CourseStatus::Open => {}
        CourseStatus::Draft => return Err(DomainError::NotFound),
        other => {
            return Err(DomainError::Refused(format!(
                "Für diesen Lehrgang ist keine Anmeldung möglich (Status: {}).",
                other.label()
            )));
        }
    }
    if now >= course.registration_closes_at {
        return Err(DomainError::Refused(format!(
            "Der Anmeldeschluss ({}) ist vorbei.",
            berlin::format_date(course.registration_deadline)
        )));
    }
    Ok(())
}

/// Cancel registration `id`. Allowed for officers of the person's municipality and of the
/// course's provider (`acting_municipality_id`); anyone else gets `NotFound`. A freed seat goes
/// to the first person waiting who fits.
pub async fn cancel<C>(
    db: &C,
    id: i64,
    acting_municipality_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Registration, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let found = course_registration::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let course: Course = lock(&txn, found.course_id).await?;
    // Re-read under the lock: a concurrent cancellation may have changed it.
    let reg = course_registration::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    if reg.municipality_id != acting_municipality_id
        && course.municipality_id != acting_municipality_id
    {
        return Err(DomainError::NotFound);
    }
    if reg.status == RegistrationStatus::Cancelled {
        return Ok((reg, Vec::new()));
    }
    let mut am = reg.clone().into_active_model();
    am.status = Set(RegistrationStatus::Cancelled);
    am.cancelled_at = Set(Some(now));
    let cancelled = am.update(&txn).await?;
    trail(
        &txn,
        &course,
        &cancelled,
        AuditAction::Cancelled,
        actor,
        now,
    )
    .await?;
    let notices = if matches!(course.status, CourseStatus::Cancelled | CourseStatus::Held) {
        Vec::new()
    } else {
        promote_waiting(&txn, &course, actor, now).await?
    };
    txn.commit().await?;
    Ok((cancelled, notices))
}

/// Fill free seats from the waiting list, in joining order, skipping people whose
/// municipality's quota is used up. The caller holds the course lock.
pub(crate) async fn promote_waiting(
    txn: &impl ConnectionTrait,
    course: &Course,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Notice>> {
    let mut notices = Vec::new();
    let mut active = active_registrations(txn, course.id).await?;
    let quotas = course_quota::Entity::find()
        .filter(course_quota::Column::CourseId.eq(course.id))
        .all(txn)
        .await?;
    loop {
        let next = active
            .iter()
            .filter(|r| r.status == RegistrationStatus::Waiting)
            .find(|r| {
                let quota = quotas
                    .iter()
                    .find(|q| q.municipality_id == r.municipality_id)
                    .map(|q| q.seats);
                has_room(course, &active, r.municipality_id, quota)
            })
            .cloned();
        let Some(next) = next else { break };
        let mut am = next.clone().into_active_model();
        am.status = Set(RegistrationStatus::Confirmed);
        am.confirmed_at = Set(Some(now));
        let promoted = am.update(txn).await?;
        trail(txn, course, &promoted, AuditAction::Promoted, actor, now).await?;
        notices.push(promotion(course, &promoted));
        if let Some(slot) = active.iter_mut().find(|r| r.id == promoted.id) {
            *slot = promoted;
        }
    }
    Ok(notices)
}

fn has_room(
    course: &Course,
    active: &[Registration],
    municipality_id: i64,
    quota: Option<i32>,
) -> bool {
    let confirmed = |filter: &dyn Fn(&Registration) -> bool| {
        active
            .iter()
            .filter(|r| r.status == RegistrationStatus::Confirmed && filter(r))
            .count()
    };
    let total = confirmed(&|_| true);
    if total >= usize::try_from(course.seats).unwrap_or(0) {
        return false;
    }
    quota.is_none_or(|q| {
        confirmed(&|r| r.municipality_id == municipality_id) < usize::try_from(q).unwrap_or(0)
    })
}

/// Confirmed and waiting registrations of a course: confirmed first, then the waiting list in
/// joining order.
pub async fn active_registrations(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> DomainResult<Vec<Registration>> {
    let mut rows = course_registration::Entity::find()
        .filter(course_registration::Column::CourseId.eq(course_id))
        .filter(course_registration::Column::Status.ne(RegistrationStatus::Cancelled))
        .order_by_asc(course_registration::Column::JoinedAt)
        .order_by_asc(course_registration::Column::Id)
        .all(db)
        .await?;
    rows.sort_by_key(|r| r.status != RegistrationStatus::Confirmed);
    Ok(rows)
}

/// Every registration of a course (also cancelled ones), for its provider.
pub async fn list_for_course(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> DomainResult<Vec<Registration>> {
    Ok(course_registration::Entity::find()
        .filter(course_registration::Column::CourseId.eq(course_id))
        .order_by_asc(course_registration::Column::JoinedAt)
        .order_by_asc(course_registration::Column::Id)
        .all(db)
        .await?)
}

/// The registrations of one municipality's staff for a course.
pub async fn list_for_municipality(
    db: &impl ConnectionTrait,
    course_id: i64,
    municipality_id: i64,
) -> DomainResult<Vec<Registration>> {
    Ok(course_registration::Entity::find()
        .filter(course_registration::Column::CourseId.eq(course_id))
        .filter(course_registration::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(course_registration::Column::JoinedAt)
        .order_by_asc(course_registration::Column::Id)
        .all(db)
        .await?)
}

/// 1-based place on the waiting list of every person waiting, by registration id.
pub fn waiting_positions(active: &[Registration]) -> Vec<(i64, usize)> {
    active
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waiting)
        .enumerate()
        .map(|(i, r)| (r.id, i + 1))
        .collect()
}

pub(crate) async fn count_with_status(
    db: &impl ConnectionTrait,
    course_id: i64,
    status: RegistrationStatus,
) -> Result<u64, DbErr> {
    course_registration::Entity::find()
        .filter(course_registration::Column::CourseId.eq(course_id))
        .filter(course_registration::Column::Status.eq(status))
        .count(db)
        .await
}

async fn quota_of(
    db: &impl ConnectionTrait,
    course_id: i64,
    municipality_id: i64,
) -> Result<Option<i32>, DbErr> {
    Ok(
        course_quota::Entity::find_by_id((course_id, municipality_id))
            .one(db)
            .await?
            .map(|q| q.seats),
    )
}

/// The provider records who attended session `session_id`: `(registration id, attended)`.
/// Only confirmed registrations of this course can be marked; only after the session started.
pub async fn record_attendance<C>(
    db: &C,
    course_id: i64,
    acting_municipality_id: i64,
    session_id: i64,
    entries: &[(i64, bool)],
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let course: Course = lock(&txn, course_id).await?;
    if course.municipality_id != acting_municipality_id {
        return Err(DomainError::NotFound);
    }
    let session = course_session::Entity::find_by_id(session_id)
        .one(&txn)
        .await?
        .filter(|s| s.course_id == course_id)
        .ok_or(DomainError::NotFound)?;
    if now < session.starts_at {
        return Err(DomainError::Refused(
            "Die Anwesenheit kann erst ab Beginn des Termins erfasst werden.".into(),
        ));
    }
    let confirmed: Vec<i64> = active_registrations(&txn, course_id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Confirmed)
        .map(|r| r.id)
        .collect();
    for &(registration_id, attended) in entries {
        if !confirmed.contains(&registration_id) {
            return Err(DomainError::NotFound);
        }
        course_attendance::Entity::delete_by_id((registration_id, session_id))
            .exec(&txn)
            .await?;
        course_attendance::ActiveModel {
            registration_id: Set(registration_id),
            session_id: Set(session_id),
            attended: Set(attended),
            recorded_by: Set(actor.as_str().to_owned()),
            recorded_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    let mut changes = serde_json::Map::new();
    changes.insert(
        "attendance".into(),
        json!({ "from": null, "to": { "session": session_id, "entries": entries } }),
    );
    record::trail(&txn, &course, AuditAction::Attendance, actor, changes, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Attendance recorded for a course: `(registration id, session id, attended)`.
pub async fn attendance_of(
    db: &impl ConnectionTrait,
    course_id: i64,
) -> DomainResult<Vec<(i64, i64, bool)>> {
    let sessions: Vec<i64> = super::queries::sessions_of(db, course_id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok(course_attendance::Entity::find()
        .filter(course_attendance::Column::SessionId.is_in(sessions))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.registration_id, a.session_id, a.attended))
        .collect())
}

/// The audit entry of a registration: its new status, and the course it belongs to.
async fn trail(
    db: &impl ConnectionTrait,
    course: &Course,
    reg: &Registration,
    action: AuditAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let mut changes = serde_json::Map::new();
    changes.insert("status".into(), json!({ "from": null, "to": reg.status }));
    changes.insert("course_id".into(), json!({ "from": null, "to": course.id }));
    record::trail(db, reg, action, actor, changes, now).await
}

fn confirmation(c: &Course, r: &Registration) -> Notice {
    Notice {
        to_name: r.name.clone(),
        to_email: r.email.clone(),
        subject: format!("Anmeldung bestätigt: {}", c.title),
        body: format!(
            "Guten Tag {},\n\nIhr Platz im Lehrgang „{}“ ist bestätigt. Kosten: {}.\n\nPartheland Stellenbörse",
            r.name,
            c.title,
            format_cost(c.cost_cents)
        ),
    }
}

fn waiting(c: &Course, r: &Registration, position: usize) -> Notice {
    Notice {
        to_name: r.name.clone(),
        to_email: r.email.clone(),
        subject: format!("Warteliste: {}", c.title),
        body: format!(
            "Guten Tag {},\n\nder Lehrgang „{}“ ist ausgebucht. Sie stehen auf Platz {position} der Warteliste. Wird ein Platz frei, rücken Sie automatisch nach und erhalten eine Nachricht.\n\nPartheland Stellenbörse",
            r.name, c.title
        ),
    }
}

fn promotion(c: &Course, r: &Registration) -> Notice {
    Notice {
        to_name: r.name.clone(),
        to_email: r.email.clone(),
        subject: format!("Nachgerückt: {}", c.title),
        body: format!(
            "Guten Tag {},\n\nim Lehrgang „{}“ ist ein Platz frei geworden. Sie sind von der Warteliste nachgerückt; Ihr Platz ist bestätigt. Kosten: {}.\n\nPartheland Stellenbörse",
            r.name,
            c.title,
            format_cost(c.cost_cents)
        ),
    }
}
