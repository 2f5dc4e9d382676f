use sea_orm::entity::prelude::*;

use crate::cover::types::TaskArea;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_area: TaskArea,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
