use sea_orm::entity::prelude::*;

use crate::cover::types::FeedPurpose;

/// The secret address of one of a municipality's feeds; only its SHA-256 is kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "feed_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub purpose: FeedPurpose,
    #[serde(skip)]
    pub token_hash: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
