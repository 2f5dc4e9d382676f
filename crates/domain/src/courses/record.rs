//! A course as an instance of the audited-change pipeline ([`crate::record`]): how a draft is
//! applied, the rules that need the database, and its sessions, partners and quotas as child
//! rows. Registrations are audited records too (without drafts). Courses do not feed search.

use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, prelude::*,
};
use serde::Serialize;

use super::draft::{CourseDraft, QuotaDraft, SessionDraft, validate};
use super::registrations;
use super::types::{CourseStatus, RegistrationStatus};
use super::{Course, Registration};
use crate::audit::AuditEntity;
use crate::entities::{course, course_partner, course_quota, course_session, municipality};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::record::{self, Audited, Target, Versioned};
use crate::{berlin, text};

impl Audited for Course {
    const ENTITY: AuditEntity = AuditEntity::Course;
}

impl Audited for Registration {
    const ENTITY: AuditEntity = AuditEntity::CourseRegistration;
}

/// Sessions, partners and quotas of a course, as the trail records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CourseChildren {
    pub partners: Vec<i64>,
    pub quotas: Vec<QuotaDraft>,
    pub sessions: Vec<SessionDraft>,
}

impl CourseChildren {
    fn of(d: &CourseDraft) -> Self {
        Self {
            partners: d.partners.clone(),
            quotas: d.quotas.clone(),
            sessions: d.sessions.clone(),
        }
    }
}

impl Versioned for Course {
    type Draft = CourseDraft;
    type Children = CourseChildren;
    /// Follows from the registration deadline.
    const DERIVED: &'static [&'static str] = &["registration_closes_at"];

    fn apply(am: &mut course::ActiveModel, d: &CourseDraft) {
        apply_draft(am, d);
    }

    async fn check(
        db: &impl ConnectionTrait,
        d: &CourseDraft,
        target: Target<'_, Self>,
    ) -> DomainResult<ValidationErrors> {
        let provider = match target {
            Target::New { municipality_id } => record::owner(municipality_id)?,
            Target::Existing(before) => {
                if matches!(before.status, CourseStatus::Cancelled | CourseStatus::Held) {
                    return Err(DomainError::Refused(format!(
                        "Ein Lehrgang mit dem Status „{}“ kann nicht mehr bearbeitet werden.",
                        before.status.label()
                    )));
                }
                before.municipality_id
            }
        };
        let mut errors = validate(d, provider).err().unwrap_or_default();
        check_municipalities(db, d, &mut errors).await?;
        if let Target::Existing(before) = target {
            check_seats(db, d, before, &mut errors).await?;
        }
        Ok(errors)
    }

    async fn children(db: &impl ConnectionTrait, row: &Self) -> DomainResult<CourseChildren> {
        Ok(CourseChildren::of(&draft_of(db, row).await?))
    }

    fn plan_children(_id: i64, draft: &CourseDraft, _before: &CourseChildren) -> CourseChildren {
        CourseChildren::of(draft)
    }

    async fn write_children(
        db: &impl ConnectionTrait,
        id: i64,
        _before: &CourseChildren,
        after: &CourseChildren,
    ) -> DomainResult<()> {
        replace_children(db, id, after).await
    }
}

/// Fewer seats than are already confirmed are refused.
async fn check_seats(
    db: &impl ConnectionTrait,
    d: &CourseDraft,
    before: &Course,
    errors: &mut ValidationErrors,
) -> DomainResult<()> {
    let confirmed =
        registrations::count_with_status(db, before.id, RegistrationStatus::Confirmed).await?;
    if u64::try_from(d.seats).unwrap_or(0) < confirmed {
        errors.add(
            "seats",
            format!(
                "Es sind bereits {confirmed} Plätze bestätigt; weniger Plätze sind nicht möglich."
            ),
        );
    }
    Ok(())
}

/// The slug a new course starts from: title and provider.
pub(crate) fn slug_base(title: &str, provider: &str) -> String {
    format!("{}-{}", text::slugify(title, 120), provider)
}

/// The draft of a stored course, e.g. to prefill the editor.
pub async fn draft_of(db: &impl ConnectionTrait, c: &Course) -> DomainResult<CourseDraft> {
    let sessions = super::queries::sessions_of(db, c.id).await?;
    let partners = course_partner::Entity::find()
        .filter(course_partner::Column::CourseId.eq(c.id))
        .order_by_asc(course_partner::Column::MunicipalityId)
        .all(db)
        .await?;
    let quotas = course_quota::Entity::find()
        .filter(course_quota::Column::CourseId.eq(c.id))
        .order_by_asc(course_quota::Column::MunicipalityId)
        .all(db)
        .await?;
    Ok(CourseDraft {
        title: c.title.clone(),
        category: c.category,
        target_group: c.target_group.clone(),
        description: c.description.clone(),
        seats: c.seats,
        registration_deadline: c.registration_deadline,
        cost_cents: c.cost_cents,
        contact_email: c.contact_email.clone(),
        partners: partners.into_iter().map(|p| p.municipality_id).collect(),
        quotas: quotas
            .into_iter()
            .map(|q| QuotaDraft {
                municipality_id: q.municipality_id,
                seats: q.seats,
            })
            .collect(),
        sessions: sessions
            .into_iter()
            .map(|s| {
                let start = s.starts_at.with_timezone(&chrono_tz::Europe::Berlin);
                let end = s.ends_at.with_timezone(&chrono_tz::Europe::Berlin);
                SessionDraft {
                    day: start.date_naive(),
                    start: start.time(),
                    end: end.time(),
                    place: s.place,
                }
            })
            .collect(),
    })
}

fn apply_draft(am: &mut course::ActiveModel, d: &CourseDraft) {
    am.title = Set(d.title.clone());
    am.category = Set(d.category);
    am.target_group = Set(d.target_group.clone());
    am.description = Set(d.description.clone());
    am.seats = Set(d.seats);
    am.registration_deadline = Set(d.registration_deadline);
    am.registration_closes_at = Set(berlin::end_of_day(d.registration_deadline));
    am.cost_cents = Set(d.cost_cents);
    am.contact_email = Set(d.contact_email.clone());
}

/// Sessions keep their ids by position (attendance refers to them); partners and quotas are
/// replaced.
async fn replace_children(
    db: &impl ConnectionTrait,
    id: i64,
    d: &CourseChildren,
) -> DomainResult<()> {
    let existing = super::queries::sessions_of(db, id).await?;
    for (i, s) in d.sessions.iter().enumerate() {
        let (starts_at, ends_at) = s.instants().ok_or_else(|| {
            let mut e = ValidationErrors::default();
            e.add(
                "sessions",
                "Diese Uhrzeit gibt es wegen der Zeitumstellung nicht.",
            );
            DomainError::Validation(e)
        })?;
        match existing.get(i) {
            Some(old) => {
                let mut am = old.clone().into_active_model();
                am.starts_at = Set(starts_at);
                am.ends_at = Set(ends_at);
                am.place = Set(s.place.clone());
                am.update(db).await?;
            }
            None => {
                course_session::ActiveModel {
                    course_id: Set(id),
                    starts_at: Set(starts_at),
                    ends_at: Set(ends_at),
                    place: Set(s.place.clone()),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    }
    let surplus: Vec<i64> = existing
        .iter()
        .skip(d.sessions.len())
        .map(|s| s.id)
        .collect();
    if !surplus.is_empty() {
        course_session::Entity::delete_many()
            .filter(course_session::Column::Id.is_in(surplus))
            .exec(db)
            .await?;
    }
    course_partner::Entity::delete_many()
        .filter(course_partner::Column::CourseId.eq(id))
        .exec(db)
        .await?;
    for &m in &d.partners {
        course_partner::ActiveModel {
            course_id: Set(id),
            municipality_id: Set(m),
        }
        .insert(db)
        .await?;
    }
    course_quota::Entity::delete_many()
        .filter(course_quota::Column::CourseId.eq(id))
        .exec(db)
        .await?;
    for q in &d.quotas {
        course_quota::ActiveModel {
            course_id: Set(id),
            municipality_id: Set(q.municipality_id),
            seats: Set(q.seats),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn check_municipalities(
    db: &impl ConnectionTrait,
    d: &CourseDraft,
    errors: &mut ValidationErrors,
) -> DomainResult<()> {
    let mut wanted: Vec<i64> = d
        .partners
        .iter()
        .copied()
        .chain(d.quotas.iter().map(|q| q.municipality_id))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let known = municipality::Entity::find()
        .filter(municipality::Column::Id.is_in(wanted.clone()))
        .count(db)
        .await?;
    if known != wanted.len() as u64 {
        errors.add(
            "partners",
            "Mindestens eine gewählte Kommune gibt es nicht.",
        );
    }
    Ok(())
}
