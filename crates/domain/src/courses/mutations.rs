//! Writing courses: create, edit and move through their status. Each function runs in one write
//! transaction that locks the course row, and writes its audit entry in that transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::{Value, json};

use super::draft::{CourseDraft, validate};
use super::registrations::{self, promote_waiting};
use super::types::{CourseStatus, RegistrationStatus};
use super::{Course, Notice};
use crate::actor::Actor;
use crate::audit::{self, AuditRecord};
use crate::entities::{
    course, course_partner, course_quota, course_registration, course_session, municipality,
};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;
use crate::{berlin, text};

const NOT_AUDITED: &[&str] = &[
    "id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "registration_closes_at",
];

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
    let mut errors = validate(&draft, provider_id).err().unwrap_or_default();
    let txn = crate::db::begin_write(db).await?;
    let provider = municipality::Entity::find_by_id(provider_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;
    check_municipalities(&txn, &draft, &mut errors).await?;
    errors.into_result()?;

    let slug = free_slug(&txn, &draft.title, &provider.slug).await?;
    let mut am = course::ActiveModel {
        municipality_id: Set(provider_id),
        slug: Set(slug),
        status: Set(CourseStatus::Draft),
        version: Set(1),
        created_by: Set(actor.as_str().to_owned()),
        updated_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_draft(&mut am, &draft);
    let created = am.insert(&txn).await?;
    replace_children(&txn, created.id, &draft).await?;
    let changes = audit::diff(
        &Value::Null,
        &snapshot(&created, &draft_of(&txn, &created).await?),
        NOT_AUDITED,
    );
    trail(&txn, &created, "created", actor, changes, now).await?;
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
    let before = lock(&txn, id).await?;
    if before.version != expected_version {
        return Err(DomainError::Conflict {
            expected: expected_version,
            current: before.version,
        });
    }
    if matches!(before.status, CourseStatus::Cancelled | CourseStatus::Held) {
        return Err(DomainError::Refused(format!(
            "Ein Lehrgang mit dem Status „{}“ kann nicht mehr bearbeitet werden.",
            before.status.label()
        )));
    }
    let mut errors = validate(&draft, before.municipality_id)
        .err()
        .unwrap_or_default();
    check_municipalities(&txn, &draft, &mut errors).await?;
    let confirmed =
        registrations::count_with_status(&txn, id, RegistrationStatus::Confirmed).await?;
    if u64::try_from(draft.seats).unwrap_or(0) < confirmed {
        errors.add(
            "seats",
            format!(
                "Es sind bereits {confirmed} Plätze bestätigt; weniger Plätze sind nicht möglich."
            ),
        );
    }
    errors.into_result()?;

    let draft_before = draft_of(&txn, &before).await?;
    let mut am = before.clone().into_active_model();
    apply_draft(&mut am, &draft);
    am.version = Set(expected_version + 1);
    am.updated_by = Set(actor.as_str().to_owned());
    am.updated_at = Set(now);
    let candidate = sea_orm::TryIntoModel::try_into_model(am.clone())?;
    let changes = audit::diff(
        &snapshot(&before, &draft_before),
        &snapshot(&candidate, &draft),
        NOT_AUDITED,
    );
    if changes.is_empty() {
        return Ok((before, Vec::new()));
    }
    let updated = am.update(&txn).await?;
    replace_children(&txn, id, &draft).await?;
    trail(&txn, &updated, "updated", actor, changes, now).await?;
    let notices = promote_waiting(&txn, &updated, actor, now).await?;
    txn.commit().await?;
    Ok((updated, notices))
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
    let before = lock(&txn, id).await?;
    if before.version != expected_version {
        return Err(DomainError::Conflict {
            expected: expected_version,
            current: before.version,
        });
    }
    use CourseStatus as S;
    let refused = |what: &str| {
        DomainError::Refused(format!(
            "Ein Lehrgang mit dem Status „{}“ kann nicht {what} werden.",
            before.status.label()
        ))
    };
    let next = match (action, before.status) {
        (CourseAction::Open, S::Draft | S::Closed) => {
            if now >= before.registration_closes_at {
                return Err(DomainError::Refused(
                    "Der Anmeldeschluss ist bereits vorbei. Bitte verschieben Sie ihn, bevor Sie die Anmeldung öffnen.".into(),
                ));
            }
            S::Open
        }
        (CourseAction::Open, _) => return Err(refused("geöffnet")),
        (CourseAction::Close, S::Open) => S::Closed,
        (CourseAction::Close, _) => return Err(refused("geschlossen")),
        (CourseAction::Cancel, S::Draft | S::Open | S::Closed | S::Full) => S::Cancelled,
        (CourseAction::Cancel, _) => return Err(refused("abgesagt")),
        (CourseAction::MarkHeld, S::Open | S::Closed | S::Full) => {
            let last_end = course_session::Entity::find()
                .filter(course_session::Column::CourseId.eq(id))
                .order_by_desc(course_session::Column::EndsAt)
                .one(&txn)
                .await?
                .map(|s| s.ends_at);
            if last_end.is_none_or(|end| now < end) {
                return Err(DomainError::Refused(
                    "Ein Lehrgang kann erst nach seinem letzten Termin als durchgeführt gelten."
                        .into(),
                ));
            }
            S::Held
        }
        (CourseAction::MarkHeld, _) => return Err(refused("als durchgeführt markiert")),
    };
    let mut am = before.clone().into_active_model();
    am.status = Set(next);
    am.version = Set(expected_version + 1);
    am.updated_by = Set(actor.as_str().to_owned());
    am.updated_at = Set(now);
    let updated = am.update(&txn).await?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "status".into(),
        json!({ "from": before.status, "to": next }),
    );
    trail(&txn, &updated, "status", actor, changes, now).await?;
    let notices = if next == S::Cancelled {
        cancellation_notices(&txn, &updated).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    Ok((updated, notices))
}

/// Lock the course row for the rest of the transaction (PostgreSQL; SQLite's write transaction
/// already excludes every other writer).
pub(crate) async fn lock(db: &impl ConnectionTrait, id: i64) -> DomainResult<Course> {
    course::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)
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
            .map(|q| super::QuotaDraft {
                municipality_id: q.municipality_id,
                seats: q.seats,
            })
            .collect(),
        sessions: sessions
            .into_iter()
            .map(|s| {
                let start = s.starts_at.with_timezone(&chrono_tz::Europe::Berlin);
                let end = s.ends_at.with_timezone(&chrono_tz::Europe::Berlin);
                super::SessionDraft {
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
async fn replace_children(db: &impl ConnectionTrait, id: i64, d: &CourseDraft) -> DomainResult<()> {
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

async fn free_slug(db: &impl ConnectionTrait, title: &str, provider: &str) -> DomainResult<String> {
    let base = format!("{}-{}", text::slugify(title, 120), provider);
    let mut candidate = base.clone();
    for n in 2.. {
        let taken = course::Entity::find()
            .filter(course::Column::Slug.eq(candidate.as_str()))
            .count(db)
            .await?;
        if taken == 0 {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

fn snapshot(c: &Course, d: &CourseDraft) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("partners".into(), json!(d.partners));
        map.insert("quotas".into(), json!(d.quotas));
        map.insert("sessions".into(), json!(d.sessions));
    }
    v
}

async fn trail(
    db: &impl ConnectionTrait,
    c: &Course,
    action: &str,
    actor: &Actor,
    changes: serde_json::Map<String, Value>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    audit::record(
        db,
        AuditRecord {
            entity_type: "course",
            entity_id: c.id,
            municipality_id: Some(c.municipality_id),
            action,
            actor,
            changes,
        },
        now,
    )
    .await?;
    Ok(())
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
