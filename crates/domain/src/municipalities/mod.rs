//! The member municipalities and their employer profiles.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, prelude::*};

use crate::entities::municipality;

pub use municipality::Model as Municipality;

/// All members, alphabetically.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Municipality>, DbErr> {
    municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .all(db)
        .await
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Municipality>, DbErr> {
    municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(slug))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Municipality>, DbErr> {
    municipality::Entity::find_by_id(id).one(db).await
}
