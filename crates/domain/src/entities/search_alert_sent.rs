use sea_orm::entity::prelude::*;

/// The sent-log: posting `posting_id` was mailed for alert `alert_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_alert_sent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub alert_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
