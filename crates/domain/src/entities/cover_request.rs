use sea_orm::entity::prelude::*;

use crate::cover::types::{CoverReason, CoverStatus, DayPart, TaskArea, Urgency};

/// A municipality asks its partners for cover. `municipality_id` asks.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cover_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub task_area: TaskArea,
    pub starts_on: Date,
    pub ends_on: Date,
    pub day_part: DayPart,
    pub minutes_per_day: i32,
    pub place: String,
    #[sea_orm(column_type = "Text")]
    pub skills: String,
    /// Requirement codes, comma-separated, in the order of the vocabulary.
    pub requirements: String,
    pub urgency: Urgency,
    pub reason: CoverReason,
    pub status: CoverStatus,
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
