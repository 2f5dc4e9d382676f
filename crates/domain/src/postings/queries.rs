//! Reading postings: the public listing, the HR view of one municipality, single lookups.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    prelude::*,
};

use super::types::PostingStatus;
use crate::berlin;
use crate::entities::{municipality, posting, posting_partner};

pub use posting::Model as Posting;

/// The one rule of who may see a posting, as a database condition ([`publicly_visible`],
/// [`internally_listed`]) and as a test of a loaded row ([`is_publicly_visible`],
/// [`is_internal_at`]); a test holds the two encodings to the same answers.
///
/// - **Online** at `now`: published, online already, deadline not over. The expiry job also
///   flips the status, but visibility never waits for it.
/// - **Internal** at `now`: marked „nur für Beschäftigte der Partheland-Kommunen“ and its public
///   day (Europe/Berlin) has not begun. The scheduler turns `internal` off on that day, but
///   visibility never waits for it either.
/// - **Publicly visible** = online and not internal: page, search index, API, feeds, sitemap,
///   JSON-LD, embedded lists and the page cache all ask this.
/// - **Internally listed** = online and internal: the members' workspace and the internal feed.
fn online(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(posting::Column::Status.eq(PostingStatus::Published))
        .add(posting::Column::PublishedAt.lte(now))
        .add(posting::Column::ExpiresAt.gt(now))
}

fn is_online(p: &Posting, now: DateTime<Utc>) -> bool {
    p.status == PostingStatus::Published
        && p.published_at.is_some_and(|t| t <= now)
        && p.expires_at > now
}

/// Condition for "internal at `now`" (see [`publicly_visible`]).
pub fn internal_at(now: DateTime<Utc>) -> sea_orm::Condition {
    let today = berlin::today(now);
    sea_orm::Condition::all()
        .add(posting::Column::Internal.eq(true))
        .add(
            sea_orm::Condition::any()
                .add(posting::Column::PublicFrom.is_null())
                .add(posting::Column::PublicFrom.gt(today)),
        )
}

/// Is `p` still only for the members' staff at `now`?
pub fn is_internal_at(p: &Posting, now: DateTime<Utc>) -> bool {
    p.internal && p.public_from.is_none_or(|day| day > berlin::today(now))
}

/// Condition for "visible to the public at `now`": online and not internal.
pub fn publicly_visible(now: DateTime<Utc>) -> sea_orm::Condition {
    online(now).add(internal_at(now).not())
}

pub fn is_publicly_visible(p: &Posting, now: DateTime<Utc>) -> bool {
    is_online(p, now) && !is_internal_at(p, now)
}

/// Condition for "listed for the members' staff at `now`": online and internal.
pub fn internally_listed(now: DateTime<Utc>) -> sea_orm::Condition {
    online(now).add(internal_at(now))
}

pub fn is_internally_listed(p: &Posting, now: DateTime<Utc>) -> bool {
    is_online(p, now) && is_internal_at(p, now)
}

/// The internal postings online at `now`, of every member or (`Some`) of one, each with its
/// owner; the nearest deadline first.
pub async fn list_internal(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    municipality_id: Option<i64>,
) -> Result<Vec<Posting>, DbErr> {
    let mut q = posting::Entity::find().filter(internally_listed(now));
    if let Some(m) = municipality_id {
        q = q.filter(posting::Column::MunicipalityId.eq(m));
    }
    q.order_by_asc(posting::Column::ExpiresAt)
        .order_by_asc(posting::Column::Id)
        .limit(1000)
        .all(db)
        .await
}

/// A page of the public listing, newest first, each with its owning municipality.
pub async fn list_published(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
    offset: u64,
) -> Result<Vec<(Posting, Option<municipality::Model>)>, DbErr> {
    posting::Entity::find()
        .filter(publicly_visible(now))
        .order_by_desc(posting::Column::PublishedAt)
        .order_by_desc(posting::Column::Id)
        .limit(limit)
        .offset(offset)
        .find_also_related(municipality::Entity)
        .all(db)
        .await
}

pub async fn count_published(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    posting::Entity::find()
        .filter(publicly_visible(now))
        .count(db)
        .await
}

/// The postings a municipality owns, for its HR officers, optionally of one status; newest
/// change first.
pub async fn list_for_municipality(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    status: Option<PostingStatus>,
) -> Result<Vec<Posting>, DbErr> {
    let mut q = posting::Entity::find().filter(posting::Column::MunicipalityId.eq(municipality_id));
    if let Some(status) = status {
        q = q.filter(posting::Column::Status.eq(status));
    }
    q.order_by_desc(posting::Column::UpdatedAt)
        .order_by_desc(posting::Column::Id)
        .all(db)
        .await
}

/// Shared offers of other municipalities in which `municipality_id` is named as a partner.
pub async fn list_shared_with(
    db: &impl ConnectionTrait,
    municipality_id: i64,
) -> Result<Vec<(Posting, posting_partner::Model)>, DbErr> {
    let rows = posting_partner::Entity::find()
        .filter(posting_partner::Column::MunicipalityId.eq(municipality_id))
        .find_also_related(posting::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(partner, posting)| Some((posting?, partner)))
        .collect())
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Posting>, DbErr> {
    posting::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Posting>, DbErr> {
    posting::Entity::find()
        .filter(posting::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// Partners of a posting, in the order of their municipality ids.
pub async fn partners_of(
    db: &impl ConnectionTrait,
    posting_id: i64,
) -> Result<Vec<posting_partner::Model>, DbErr> {
    posting_partner::Entity::find()
        .filter(posting_partner::Column::PostingId.eq(posting_id))
        .order_by_asc(posting_partner::Column::MunicipalityId)
        .all(db)
        .await
}

/// Total number of postings, any status.
pub async fn count_all(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    posting::Entity::find().count(db).await
}

/// Several postings by id, in no particular order.
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Posting>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    posting::Entity::find()
        .filter(posting::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
}

/// Which of `ids` are visible to the public at `now` (reading the ids only).
pub async fn publicly_visible_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<std::collections::HashSet<i64>, DbErr> {
    let mut out = std::collections::HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let visible: Vec<i64> = posting::Entity::find()
            .select_only()
            .column(posting::Column::Id)
            .filter(posting::Column::Id.is_in(chunk.to_vec()))
            .filter(publicly_visible(now))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(visible);
    }
    Ok(out)
}

/// Confirmed partner municipalities of several postings: posting id → municipality ids.
pub async fn confirmed_partners(
    db: &impl ConnectionTrait,
    posting_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<i64>>, DbErr> {
    let mut map: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    if posting_ids.is_empty() {
        return Ok(map);
    }
    for p in posting_partner::Entity::find()
        .filter(posting_partner::Column::PostingId.is_in(posting_ids.to_vec()))
        .filter(posting_partner::Column::Confirmed.eq(true))
        .order_by_asc(posting_partner::Column::MunicipalityId)
        .all(db)
        .await?
    {
        map.entry(p.posting_id).or_default().push(p.municipality_id);
    }
    Ok(map)
}

/// The latest instant at which what the public sees may have changed, up to `now`: the last
/// write to any posting or municipality, the last publication and the last expiry that took
/// effect. Feeds send it as `Last-Modified`; a posting leaving a feed moves it forward too.
pub async fn last_public_change(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    async fn latest(
        db: &impl ConnectionTrait,
        column: posting::Column,
        up_to: Option<DateTime<Utc>>,
    ) -> Result<Option<DateTime<Utc>>, DbErr> {
        let mut q = posting::Entity::find()
            .select_only()
            .column(column)
            .filter(column.is_not_null());
        if let Some(t) = up_to {
            q = q.filter(column.lte(t));
        }
        q.order_by_desc(column)
            .limit(1)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(db)
            .await
            .map(Option::flatten)
    }
    let member = municipality::Entity::find()
        .select_only()
        .column(municipality::Column::UpdatedAt)
        .order_by_desc(municipality::Column::UpdatedAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok([
        latest(db, posting::Column::UpdatedAt, None).await?,
        latest(db, posting::Column::PublishedAt, Some(now)).await?,
        latest(db, posting::Column::ExpiresAt, Some(now)).await?,
        member,
    ]
    .into_iter()
    .flatten()
    .max())
}
