use sea_orm::entity::prelude::*;

/// A municipality bound by an agreement, and whether its officer has confirmed it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: i64,
    pub confirmed_at: Option<DateTimeUtc>,
    pub confirmed_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
