use sea_orm::entity::prelude::*;

/// An error file of the Bundesagentur für Arbeit, fetched and kept in the data directory, with
/// what could be read from it without knowing its format (see `crate::ba_export`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ba_error_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub fetched_at: DateTimeUtc,
    pub bytes: i64,
    pub well_formed: bool,
    pub root: Option<String>,
    /// Elements whose name contains `Error`, `Fehler` or `Warning`.
    pub error_elements: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub first_message: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
