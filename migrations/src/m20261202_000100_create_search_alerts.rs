//! Search alerts (Suchaufträge): a saved search whose new postings are mailed to an address
//! after double opt-in. An alert belongs to no municipality. Management links are tokens of
//! which only the SHA-256 hash is stored (one per mail, so older links keep working); the
//! sent-log remembers which posting each alert already mailed. Deleting an alert deletes its
//! tokens and sent-log with it: nothing keeps the address.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000002_create_postings::Postings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(alerts()).await?;
        for (name, col) in [
            ("search_alerts_email_idx", SearchAlerts::Email),
            ("search_alerts_due_idx", SearchAlerts::NextDueAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SearchAlerts::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SearchAlertTokens::Table)
                    .col(big_pk_auto(SearchAlertTokens::Id))
                    .col(big_integer(SearchAlertTokens::AlertId))
                    .col(string_len_uniq(SearchAlertTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(SearchAlertTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SearchAlertTokens::Table, SearchAlertTokens::AlertId)
                            .to(SearchAlerts::Table, SearchAlerts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("search_alert_tokens_alert_idx")
                    .table(SearchAlertTokens::Table)
                    .col(SearchAlertTokens::AlertId)
                    .to_owned(),
            )
            .await?;
        manager.create_table(sent_log()).await?;
        manager
            .create_index(
                Index::create()
                    .name("search_alert_sent_posting_idx")
                    .table(SearchAlertSent::Table)
                    .col(SearchAlertSent::PostingId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SearchAlertSent::Table.into_iden(),
            SearchAlertTokens::Table.into_iden(),
            SearchAlerts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn alerts() -> TableCreateStatement {
    Table::create()
        .table(SearchAlerts::Table)
        .col(big_pk_auto(SearchAlerts::Id))
        .col(string_len(SearchAlerts::Email, 254))
        .col(string_len(SearchAlerts::Scope, 32))
        .col(string_len(SearchAlerts::Query, 1024))
        .col(string_len(SearchAlerts::Frequency, 32))
        .col(string_len(SearchAlerts::Status, 32))
        .col(string_len(SearchAlerts::ConsentVersion, 32))
        .col(timestamp_with_time_zone_null(SearchAlerts::ConfirmedAt))
        .col(timestamp_with_time_zone(SearchAlerts::WindowStart))
        .col(timestamp_with_time_zone_null(SearchAlerts::NextDueAt))
        .col(timestamp_with_time_zone_null(SearchAlerts::LastSentAt))
        .col(timestamp_with_time_zone(SearchAlerts::LastActivityAt))
        .col(timestamp_with_time_zone_null(SearchAlerts::KeepAskedAt))
        .col(string_len_null(SearchAlerts::ClaimedBy, 100))
        .col(timestamp_with_time_zone_null(SearchAlerts::ClaimedUntil))
        .col(integer(SearchAlerts::Version))
        .col(string_len(SearchAlerts::CreatedBy, 100))
        .col(string_len(SearchAlerts::UpdatedBy, 100))
        .col(timestamp_with_time_zone(SearchAlerts::CreatedAt))
        .col(timestamp_with_time_zone(SearchAlerts::UpdatedAt))
        .to_owned()
}

fn sent_log() -> TableCreateStatement {
    Table::create()
        .table(SearchAlertSent::Table)
        .col(big_integer(SearchAlertSent::AlertId))
        .col(big_integer(SearchAlertSent::PostingId))
        .col(timestamp_with_time_zone(SearchAlertSent::SentAt))
        .primary_key(
            Index::create()
                .col(SearchAlertSent::AlertId)
                .col(SearchAlertSent::PostingId),
        )
        .foreign_key(
            ForeignKey::create()
                .from(SearchAlertSent::Table, SearchAlertSent::AlertId)
                .to(SearchAlerts::Table, SearchAlerts::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(SearchAlertSent::Table, SearchAlertSent::PostingId)
                .to(Postings::Table, Postings::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum SearchAlerts {
    Table,
    Id,
    Email,
    Scope,
    Query,
    Frequency,
    Status,
    ConsentVersion,
    ConfirmedAt,
    WindowStart,
    NextDueAt,
    LastSentAt,
    LastActivityAt,
    KeepAskedAt,
    ClaimedBy,
    ClaimedUntil,
    Version,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SearchAlertTokens {
    Table,
    Id,
    AlertId,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SearchAlertSent {
    Table,
    AlertId,
    PostingId,
    SentAt,
}
