use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEntries::Table)
                    .col(big_pk_auto(AuditEntries::Id))
                    .col(string_len(AuditEntries::EntityType, 32))
                    .col(big_integer(AuditEntries::EntityId))
                    .col(big_integer_null(AuditEntries::MunicipalityId))
                    .col(string_len(AuditEntries::Action, 32))
                    .col(string_len(AuditEntries::Actor, 100))
                    .col(timestamp_with_time_zone(AuditEntries::At))
                    .col(json(AuditEntries::Changes))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_entries_entity")
                    .table(AuditEntries::Table)
                    .col(AuditEntries::EntityType)
                    .col(AuditEntries::EntityId)
                    .to_owned(),
            )
            .await?;

        // No foreign key to postings: the outbox must be able to announce any id, including one
        // whose row is gone, so the indexer can remove it.
        manager
            .create_table(
                Table::create()
                    .table(SearchOutbox::Table)
                    .col(big_pk_auto(SearchOutbox::Id))
                    .col(big_integer(SearchOutbox::PostingId))
                    .col(timestamp_with_time_zone(SearchOutbox::EnqueuedAt))
                    .col(timestamp_with_time_zone_null(SearchOutbox::ProcessedAt))
                    .col(integer(SearchOutbox::Attempts).default(0))
                    .col(text_null(SearchOutbox::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_search_outbox_pending")
                    .table(SearchOutbox::Table)
                    .col(SearchOutbox::ProcessedAt)
                    .col(SearchOutbox::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchOutbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditEntries::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEntries {
    Table,
    Id,
    EntityType,
    EntityId,
    MunicipalityId,
    Action,
    Actor,
    At,
    Changes,
}

#[derive(DeriveIden)]
enum SearchOutbox {
    Table,
    Id,
    PostingId,
    EnqueuedAt,
    ProcessedAt,
    Attempts,
    LastError,
}
