//! The search outbox: a row per changed posting, written in the same transaction as the change.
//! The indexer (jobboard-search) consumes it and always re-reads the current posting, so a row
//! only says "look at posting N again".

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    Statement, prelude::*,
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

/// A claimed outbox row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub posting_id: i64,
    pub attempts: i32,
}

/// Lease up to `limit` pending rows to `worker` until `lease_until`, oldest first. Rows leased
/// to another worker (or waiting after a failure) are skipped; on PostgreSQL concurrent
/// claimers never block each other (`FOR UPDATE SKIP LOCKED`).
pub async fn claim(
    db: &impl ConnectionTrait,
    worker: &str,
    limit: u64,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Claim>, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE search_outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM search_outbox \
                          WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $3) \
                          ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id, posting_id, attempts"
        }
        _ => {
            "UPDATE search_outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM search_outbox \
                          WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?) \
                          ORDER BY id LIMIT ?) \
             RETURNING id, posting_id, attempts"
        }
    };
    let stmt = Statement::from_sql_and_values(
        backend,
        sql,
        [
            worker.into(),
            lease_until.into(),
            now.into(),
            (limit as i64).into(),
        ],
    );
    let mut claims = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        claims.push(Claim {
            id: row.try_get("", "id")?,
            posting_id: row.try_get("", "posting_id")?,
            attempts: row.try_get("", "attempts")?,
        });
    }
    claims.sort_by_key(|c| c.id);
    Ok(claims)
}

/// The engine confirmed: these rows are done (if the lease is still `worker`'s).
pub async fn complete(
    db: &impl ConnectionTrait,
    ids: &[i64],
    worker: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    search_outbox::Entity::update_many()
        .col_expr(search_outbox::Column::ProcessedAt, Expr::value(now))
        .col_expr(
            search_outbox::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            search_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(search_outbox::Column::Id.is_in(ids.to_vec()))
        .filter(search_outbox::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await
        .map(drop)
}

/// The engine failed: give the rows back, to be retried from `retry_at`.
pub async fn release(
    db: &impl ConnectionTrait,
    ids: &[i64],
    worker: &str,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(2000).collect();
    search_outbox::Entity::update_many()
        .col_expr(search_outbox::Column::ClaimedUntil, Expr::value(retry_at))
        .col_expr(
            search_outbox::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(search_outbox::Column::LastError, Expr::value(error))
        .filter(search_outbox::Column::Id.is_in(ids.to_vec()))
        .filter(search_outbox::Column::ClaimedBy.eq(worker))
        .exec(db)
        .await
        .map(drop)
}

/// Make rows processed since `since` pending again (a rebuild read the database before them).
pub async fn requeue_processed_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    search_outbox::Entity::update_many()
        .col_expr(
            search_outbox::Column::ProcessedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            search_outbox::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(search_outbox::Column::ProcessedAt.gte(since))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}

/// Forget rows processed before `before`.
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    search_outbox::Entity::delete_many()
        .filter(search_outbox::Column::ProcessedAt.lt(before))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}

/// Ids of all rows pending now (committed, not processed), oldest first.
pub async fn pending_ids(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    search_outbox::Entity::find()
        .select_only()
        .column(search_outbox::Column::Id)
        .filter(search_outbox::Column::ProcessedAt.is_null())
        .order_by_asc(search_outbox::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Mark rows done regardless of who holds them: a full rebuild that read the database after
/// these rows were committed has covered them.
pub async fn mark_processed(
    db: &impl ConnectionTrait,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in ids.chunks(1000) {
        search_outbox::Entity::update_many()
            .col_expr(search_outbox::Column::ProcessedAt, Expr::value(now))
            .col_expr(
                search_outbox::Column::ClaimedBy,
                Expr::value(Option::<String>::None),
            )
            .filter(search_outbox::Column::Id.is_in(chunk.to_vec()))
            .filter(search_outbox::Column::ProcessedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}
