use sea_orm::entity::prelude::*;

use crate::stats::{CountEvent, TrafficSource};

/// Days older than the retention folded into their month (`month` is its first day).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posting_counts_monthly")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event: CountEvent,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source: TrafficSource,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
