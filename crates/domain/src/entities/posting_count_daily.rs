use sea_orm::entity::prelude::*;

use crate::stats::{CountEvent, TrafficSource};

/// How often one thing happened to a posting on one day (Berlin), from one kind of source.
/// A number only: nothing about who.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posting_counts_daily")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
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
