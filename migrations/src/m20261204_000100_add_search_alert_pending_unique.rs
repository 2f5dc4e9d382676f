//! At most one pending (unconfirmed) search alert per address, enforced by the database: a
//! partial unique index on `email` where `status = 'pending'` (PostgreSQL and SQLite both have
//! partial indexes). The request's count-then-insert alone let two parallel requests both
//! insert under READ COMMITTED; now the second one fails on the index and is answered like
//! any other second request („already pending“).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Requests that slipped through before: keep the first of an address, drop the others
        // (unconfirmed, so nothing was ever sent for them) with their tokens.
        let duplicates = "SELECT id FROM search_alerts a WHERE status = 'pending' \
             AND id > (SELECT MIN(id) FROM search_alerts b \
                       WHERE b.status = 'pending' AND b.email = a.email)";
        db.execute_unprepared(&format!(
            "DELETE FROM search_alert_tokens WHERE alert_id IN ({duplicates})"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "DELETE FROM search_alerts WHERE id IN ({duplicates})"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX search_alerts_one_pending_idx ON search_alerts (email) \
             WHERE status = 'pending'",
        )
        .await
        .map(drop)
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX search_alerts_one_pending_idx")
            .await
            .map(drop)
    }
}
