use sea_orm::entity::prelude::*;

use crate::courses::types::{CourseCategory, CourseStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The providing municipality.
    pub municipality_id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub category: CourseCategory,
    pub target_group: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub seats: i32,
    pub registration_deadline: Date,
    /// End of the deadline day in Europe/Berlin: registration is closed from this instant on.
    pub registration_closes_at: DateTimeUtc,
    pub cost_cents: i32,
    pub contact_email: Option<String>,
    pub status: CourseStatus,
    pub version: i32,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
    #[sea_orm(has_many = "super::course_session::Entity")]
    Sessions,
    #[sea_orm(has_many = "super::course_registration::Entity")]
    Registrations,
}

impl Related<super::course_session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl Related<super::course_registration::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Registrations.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
