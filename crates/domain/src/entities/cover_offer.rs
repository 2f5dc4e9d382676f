use sea_orm::entity::prelude::*;

use crate::cover::types::OfferStatus;

/// A partner offers cover on a request, under one agreement. `municipality_id` offers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cover_offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub request_id: i64,
    pub agreement_id: i64,
    pub starts_on: Date,
    pub ends_on: Date,
    pub minutes_per_day: i32,
    pub person_name: Option<String>,
    pub person_contact: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub status: OfferStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
