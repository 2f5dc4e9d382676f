use sea_orm::entity::prelude::*;

use crate::postings::types::{Category, PostingKind};

/// An occupation one trains for (controlled list): its staff group, and the category and kind
/// a shared posting for it gets.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "survey_occupations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub staff_group: String,
    pub category: Category,
    pub kind: PostingKind,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
