//! Outbox rows are claimed with a lease, so several indexers share the work and a crashed one's
//! rows are taken over when the lease runs out; a failed row waits until `claimed_until`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(SearchOutbox::Table)
                    .add_column(string_len_null(SearchOutbox::ClaimedBy, 100))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SearchOutbox::Table)
                    .add_column(timestamp_with_time_zone_null(SearchOutbox::ClaimedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [SearchOutbox::ClaimedUntil, SearchOutbox::ClaimedBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SearchOutbox::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SearchOutbox {
    Table,
    ClaimedBy,
    ClaimedUntil,
}
