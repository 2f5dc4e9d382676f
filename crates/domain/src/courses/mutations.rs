//! Writing courses: create, edit and move through their status, each through the audited-change
//! pipeline ([`crate::record`]) in one write transaction that locks the course row.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionSession,
    TransactionTrait, prelude::*,
};

use super::draft::CourseDraft;
use super::record::slug_base;
use super::registrations::promote_waiting;
use super::types::{CourseStatus, RegistrationStatus};
use super::{Course, Notice};
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::entities::{course, course_registration, course_session, municipality};
use crate::error::{DomainError, DomainResult};
use crate::record;

pub use super::record::draft_of;

/// What a provider does with a course.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CourseAction {
    /// Open registration (from draft, or again after closing it).
    Open,
    /// Close registration before the deadline.
    Close,
    /// Call the course off; everyone registered is told.
    Cancel,
    /// Record that the course took place (after its last session).
    MarkHeld,
}

impl CourseAction {
    pub const ALL: [Self; 4] = [Self::Open, Self::Close, Self::Cancel, Self::MarkHeld];

    /// The code forms and links use.
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Close => "close",
            Self::Cancel => "cancel",
            Self::MarkHeld => "held",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Create a draft course provided by `provider_id`.
pub async fn create_course<C>(
    db: &C,
    provider_id: i64,
    draft: CourseDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Course>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let provider = municipality::Entity::find_by_id(provider_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    let slug = record::free_slug::<Course>(&txn, slug_base(&draft.title, &provider.slug)).await?;
    let prepare = |am: &mut course::ActiveModel| {
        am.slug = Set(slug);
        am.status = Set(CourseStatus::Draft);
        Ok(())
    };
    let created = record::create::<Course>(
        &txn,
        Some(provider_id),
        &draft,
        prepare,
        AuditAction::Created,
        serde_json::Map::new(),
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Replace the content of course `id` if it is still at `expected_version`. More seats or a
/// larger quota promote people from the waiting list; fewer seats than are already confirmed
/// are refused.
pub async fn update_course<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    draft: CourseDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Course, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let draft = draft.normalized();
    let txn = crate::db::begin_write(db).await?;
    let saved = record::update::<Course>(&txn, id, expected_version, &draft, actor, now).await?;
    if !saved.changed {
        return Ok((saved.row, Vec::new()));
    }
    let notices = promote_waiting(&txn, &saved.row, actor, now).await?;
    txn.commit().await?;
    Ok((saved.row, notices))
}

/// Move course `id` on; see [`CourseAction`] for what each step allows.
pub async fn change_status<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    action: CourseAction,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<(Course, Vec<Notice>)>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let before: Course = record::lock_version(&txn, id, expected_version).await?;
    let next = next_status(&txn, &before, action, now).await?;
    let mut am: course::ActiveModel = before.clone().into();
    am.status = Set(next);
    let saved = record::write(&txn, &before, am, None, AuditAction::Status, actor, now).await?;
    let notices = if next == CourseStatus::Cancelled {
        cancellation_notices(&txn, &saved.row).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    Ok((saved.row, notices))
}

/// The status `action` moves `before` to, or why it may not.
async fn next_status(
    db: &impl ConnectionTrait,
    before: &Course,
    action: CourseAction,
    now: DateTime<Utc>,
) -> DomainResult<CourseStatus> {
    use CourseStatus as S;
    let refused = |what: &str| {
        DomainError::Refused(format!(
            "Ein Lehrgang mit dem Status „{}“ kann nicht {what} werden.",
            before.status.label()
        ))
    };
    match (action, before.status) {
        (CourseAction::Open, S::Draft | S::Closed) => {
            if now >= before.registration_closes_at {
                return Err(DomainError::Refused(
                    "Der Anmeldeschluss ist bereits vorbei. Bitte verschieben Sie ihn, bevor Sie die Anmeldung öffnen.".into(),
                ));
            }
            Ok(S::Open)
        }
        (CourseAction::Open, _) => Err(refused("geöffnet")),
        (CourseAction::Close, S::Open) => Ok(S::Closed),
        (CourseAction::Close, _) => Err(refused("geschlossen")),
        (CourseAction::Cancel, S::Draft | S::Open | S::Closed | S::Full) => Ok(S::Cancelled),
        (CourseAction::Cancel, _) => Err(refused("abgesagt")),
        (CourseAction::MarkHeld, S::Open | S::Closed | S::Full) => {
            let last_end = course_session::Entity::find()
                .filter(course_session::Column::CourseId.eq(before.id))
                .order_by_desc(course_session::Column::EndsAt)
                .one(db)
                .await?
                .map(|s| s.ends_at);
            if last_end.is_none_or(|end| now < end) {
                return Err(DomainError::Refused(
                    "Ein Lehrgang kann erst nach seinem letzten Termin als durchgeführt gelten."
                        .into(),
                ));
            }
            Ok(S::Held)
        }
        (CourseAction::MarkHeld, _) => Err(refused("als durchgeführt markiert")),
    }
}

async fn cancellation_notices(db: &impl ConnectionTrait, c: &Course) -> DomainResult<Vec<Notice>> {
    let people = course_registration::Entity::find()
        .filter(course_registration::Column::CourseId.eq(c.id))
        .filter(course_registration::Column::Status.ne(RegistrationStatus::Cancelled))
        .order_by_asc(course_registration::Column::Id)
        .all(db)
        .await?;
    Ok(people
        .into_iter()
        .map(|r| Notice {
            subject: format!("Abgesagt: {}", c.title),
            body: format!(
                "Guten Tag {},\n\nder Lehrgang „{}“ wurde vom Anbieter abgesagt. Ihre Anmeldung ist damit gegenstandslos; es entstehen Ihnen keine Kosten.\n\nBei Fragen wenden Sie sich bitte an Ihre Personalstelle.\n\nPartheland Stellenbörse",
                r.name, c.title
            ),
            to_name: r.name,
            to_email: r.email,
        })
        .collect())
}
