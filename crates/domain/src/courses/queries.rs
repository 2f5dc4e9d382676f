//! Reading courses: the public catalogue and what providers and officers see.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    prelude::*,
};

use super::types::{CourseStatus, RegistrationStatus};
use super::{Course, Session};
use crate::entities::{course, course_partner, course_registration, course_session};

/// A course with what the catalogue shows beside it.
#[derive(Clone, Debug)]
pub struct CourseListing {
    pub course: Course,
    pub sessions: Vec<Session>,
    pub partner_ids: Vec<i64>,
    pub confirmed: u64,
    pub waiting: u64,
}

impl CourseListing {
    pub fn free_seats(&self) -> u64 {
        u64::try_from(self.course.seats)
            .unwrap_or(0)
            .saturating_sub(self.confirmed)
    }

    pub fn status(&self, now: DateTime<Utc>) -> CourseStatus {
        super::effective_status(&self.course, self.confirmed, now)
    }

    pub fn first_start(&self) -> Option<DateTime<Utc>> {
        self.sessions.first().map(|s| s.starts_at)
    }

    pub fn last_end(&self) -> Option<DateTime<Utc>> {
        self.sessions.iter().map(|s| s.ends_at).max()
    }
}

/// Courses the public sees: every course that is not a draft and whose last session has not
/// ended yet (cancelled ones too, marked as such), by first session.
pub async fn list_public(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<CourseListing>, DbErr> {
    let courses = course::Entity::find()
        .filter(course::Column::Status.is_in([
            CourseStatus::Open,
            CourseStatus::Closed,
            CourseStatus::Cancelled,
        ]))
        .all(db)
        .await?;
    let mut listings = listings(db, courses).await?;
    listings.retain(|l| l.last_end().is_some_and(|end| end > now));
    listings.sort_by_key(|l| (l.first_start(), l.course.id));
    Ok(listings)
}

/// Courses a municipality provides (every status), newest first.
pub async fn list_provided_by(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> Result<Vec<CourseListing>, DbErr> {
    let courses = course::Entity::find()
        .filter(course::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(course::Column::Id)
        .all(db)
        .await?;
    listings(db, courses).await
}

/// A course that the public may see (not a draft).
pub async fn find_public_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<CourseListing>, DbErr> {
    let Some(c) = course::Entity::find()
        .filter(course::Column::Slug.eq(slug))
        .filter(course::Column::Status.ne(CourseStatus::Draft))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(listings(db, vec![c]).await?.pop())
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Course>, DbErr> {
    course::Entity::find_by_id(id).one(db).await
}

pub async fn listing_of(db: &impl ConnectionTrait, c: Course) -> Result<CourseListing, DbErr> {
    let mut all = listings(db, vec![c]).await?;
    all.pop()
        .ok_or_else(|| DbErr::Custom("course listing vanished".into()))
}

pub async fn sessions_of(db: &impl ConnectionTrait, course_id: i64) -> Result<Vec<Session>, DbErr> {
    course_session::Entity::find()
        .filter(course_session::Column::CourseId.eq(course_id))
        .order_by_asc(course_session::Column::StartsAt)
        .order_by_asc(course_session::Column::Id)
        .all(db)
        .await
}

#[derive(FromQueryResult)]
struct StatusCount {
    course_id: i64,
    status: String,
    n: i64,
}

async fn listings(
    db: &impl ConnectionTrait,
    courses: Vec<Course>,
) -> Result<Vec<CourseListing>, DbErr> {
    if courses.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = courses.iter().map(|c| c.id).collect();
    let mut sessions: HashMap<i64, Vec<Session>> = HashMap::new();
    for s in course_session::Entity::find()
        .filter(course_session::Column::CourseId.is_in(ids.clone()))
        .order_by_asc(course_session::Column::StartsAt)
        .order_by_asc(course_session::Column::Id)
        .all(db)
        .await?
    {
        sessions.entry(s.course_id).or_default().push(s);
    }
    let mut partners: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in course_partner::Entity::find()
        .filter(course_partner::Column::CourseId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        partners
            .entry(p.course_id)
            .or_default()
            .push(p.municipality_id);
    }
    let counts = course_registration::Entity::find()
        .select_only()
        .column(course_registration::Column::CourseId)
        .column(course_registration::Column::Status)
        .column_as(course_registration::Column::Id.count(), "n")
        .filter(course_registration::Column::CourseId.is_in(ids))
        .group_by(course_registration::Column::CourseId)
        .group_by(course_registration::Column::Status)
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    let count = |id: i64, status: RegistrationStatus| {
        counts
            .iter()
            .find(|c| c.course_id == id && c.status == status.code())
            .map_or(0, |c| u64::try_from(c.n).unwrap_or(0))
    };
    Ok(courses
        .into_iter()
        .map(|c| CourseListing {
            sessions: sessions.remove(&c.id).unwrap_or_default(),
            partner_ids: partners.remove(&c.id).unwrap_or_default(),
            confirmed: count(c.id, RegistrationStatus::Confirmed),
            waiting: count(c.id, RegistrationStatus::Waiting),
            course: c,
        })
        .collect())
}
