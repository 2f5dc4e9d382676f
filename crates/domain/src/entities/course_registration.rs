use sea_orm::entity::prelude::*;

use crate::courses::types::RegistrationStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "course_registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    /// The municipality whose staff member this is (and whose officers manage the entry).
    pub municipality_id: i64,
    pub name: String,
    pub email: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub status: RegistrationStatus,
    /// When the person joined the list: the waiting list is ordered by it (then by id).
    pub joined_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::course::Entity",
        from = "Column::CourseId",
        to = "super::course::Column::Id"
    )]
    Course,
}

impl Related<super::course::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Course.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
