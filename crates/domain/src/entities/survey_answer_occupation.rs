use sea_orm::entity::prelude::*;

/// Apprentices or dual students a member wants to start per year, in half places.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_answer_occupations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub answer_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation: String,
    pub starts1: i32,
    pub starts2: i32,
    pub starts3: i32,
    pub hosts_all: bool,
    pub stations: String,
    pub offers_lead: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
