use sea_orm::entity::prelude::*;

/// The transfer state of one municipality's HR-BA-XML files (see `crate::ba_export`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ba_export_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: i64,
    /// A run holds the municipality until then.
    pub claimed_until: Option<DateTimeUtc>,
    /// After a failed scheduled run: no scheduled run before then (runs by hand may).
    pub retry_at: Option<DateTimeUtc>,
    /// The schedule slot last handled successfully.
    pub slot: Option<DateTimeUtc>,
    pub last_attempt_at: Option<DateTimeUtc>,
    pub last_success_at: Option<DateTimeUtc>,
    /// Name of the file last uploaded.
    pub last_file: Option<String>,
    /// Why the last attempt failed; `None` after a success.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
