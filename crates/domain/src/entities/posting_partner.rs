use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "posting_partners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: i64,
    pub note: Option<String>,
    pub confirmed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::posting::Entity",
        from = "Column::PostingId",
        to = "super::posting::Column::Id"
    )]
    Posting,
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
}

impl Related<super::posting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Posting.def()
    }
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
