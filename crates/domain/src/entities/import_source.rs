use sea_orm::entity::prelude::*;

use crate::imports::ImportFormat;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "import_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub url: String,
    pub format: ImportFormat,
    pub created_at: DateTimeUtc,
    pub enabled: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// A harvester holds the source until this instant.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_run_at: Option<DateTimeUtc>,
    pub last_success_at: Option<DateTimeUtc>,
    pub last_new: i32,
    pub last_updated: i32,
    pub last_archived: i32,
    pub last_unchanged: i32,
    pub last_failed: i32,
    /// Items of the last run whose deadline neither a field nor the text named.
    pub last_defaulted_deadlines: i32,
    /// Thin items (title and link) of the last run completed from their linked page.
    pub last_completed_from_page: i32,
    /// Thin items of the last run imported with a pointer to their page instead.
    pub last_pointer_only: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_failing_item: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
