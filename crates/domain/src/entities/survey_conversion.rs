use sea_orm::entity::prelude::*;

/// A proposal of a round that was turned into a draft posting or course.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_conversions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    /// `place:<occupation>:<year>` or `course:<course type>`.
    pub proposal_key: String,
    pub posting_id: Option<i64>,
    pub course_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
