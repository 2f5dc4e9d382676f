//! The transfer of HR-BA-XML files to the Bundesagentur für Arbeit, one row per municipality:
//! the lease that keeps several processes from uploading at once, the schedule slot last
//! handled, when a failed scheduled upload is tried again, and how the last attempt ended.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BaExportRuns::Table)
                    .col(big_integer(BaExportRuns::MunicipalityId).primary_key())
                    .col(timestamp_with_time_zone_null(BaExportRuns::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(BaExportRuns::RetryAt))
                    .col(timestamp_with_time_zone_null(BaExportRuns::Slot))
                    .col(timestamp_with_time_zone_null(BaExportRuns::LastAttemptAt))
                    .col(timestamp_with_time_zone_null(BaExportRuns::LastSuccessAt))
                    .col(string_null(BaExportRuns::LastFile))
                    .col(text_null(BaExportRuns::LastError))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BaExportRuns::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum BaExportRuns {
    Table,
    MunicipalityId,
    ClaimedUntil,
    RetryAt,
    Slot,
    LastAttemptAt,
    LastSuccessAt,
    LastFile,
    LastError,
}
