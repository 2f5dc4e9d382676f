//! The search outbox: a row per changed posting, written in the same transaction as the change.
//! The indexer (jobboard-search) consumes it and always re-reads the current posting, so a row
//! only says "look at posting N again".

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, prelude::*,
};

use crate::entities::search_outbox;

pub async fn enqueue(
    db: &impl ConnectionTrait,
    posting_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    enqueue_many(db, &[posting_id], now).await
}

pub async fn enqueue_many(
    db: &impl ConnectionTrait,
    posting_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if posting_ids.is_empty() {
        return Ok(());
    }
    search_outbox::Entity::insert_many(posting_ids.iter().map(|&posting_id| {
        search_outbox::ActiveModel {
            posting_id: Set(posting_id),
            enqueued_at: Set(now),
            processed_at: Set(None),
            attempts: Set(0),
            last_error: Set(None),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await
    .map(drop)
}

/// Rows not yet confirmed by the search engine.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    search_outbox::Entity::find()
        .filter(search_outbox::Column::ProcessedAt.is_null())
        .count(db)
        .await
}
