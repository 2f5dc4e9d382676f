use sea_orm::entity::prelude::*;

/// Expected leavers of a staff group in each of the next five years, and new positions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_answer_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub answer_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_group: String,
    pub retiring1: i32,
    pub retiring2: i32,
    pub retiring3: i32,
    pub retiring4: i32,
    pub retiring5: i32,
    pub other1: i32,
    pub other2: i32,
    pub other3: i32,
    pub other4: i32,
    pub other5: i32,
    pub new_positions: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
