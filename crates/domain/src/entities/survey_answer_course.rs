use sea_orm::entity::prelude::*;

use crate::survey::Priority;

/// How many staff need a course type this year, and how urgently.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_answer_courses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub answer_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub course_type: String,
    pub staff: i32,
    pub priority: Priority,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
