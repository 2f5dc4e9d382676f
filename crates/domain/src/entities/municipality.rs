use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub website: String,
    pub contact_email: String,
    pub latitude: f64,
    pub longitude: f64,
    /// Postcode and place of the administration: the location of a posting that names none.
    /// The postcode is empty for a municipality created before it was asked for.
    pub postcode: String,
    pub place: String,
    pub logo_url: Option<String>,
    pub employer_profile: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::posting::Entity")]
    Postings,
}

impl Related<super::posting::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Postings.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
