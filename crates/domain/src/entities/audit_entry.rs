use sea_orm::entity::prelude::*;

use crate::audit::{AuditAction, AuditEntity};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_type: AuditEntity,
    pub entity_id: i64,
    pub municipality_id: Option<i64>,
    pub action: AuditAction,
    pub actor: String,
    pub at: DateTimeUtc,
    /// `{ "field": { "from": …, "to": … } }`
    pub changes: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
