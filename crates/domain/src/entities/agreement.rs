use sea_orm::entity::prelude::*;

use crate::cover::types::LegalForm;

/// An agreement between two or more member municipalities. `municipality_id` recorded it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub title: String,
    pub legal_form: LegalForm,
    pub valid_from: Date,
    pub valid_until: Option<Date>,
    pub hourly_rate_cents: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Last day in force after a party ended it.
    pub ended_on: Option<Date>,
    /// The municipality that ended it.
    pub ended_by: Option<i64>,
    /// File name of the signed document as uploaded; stored under the data directory by id.
    pub document_name: Option<String>,
    pub document_sha256: Option<String>,
    pub version: i32,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
