//! The transfer of HR-BA-XML files to the Bundesagentur für Arbeit: `ba_export_runs`, one row
//! per municipality (the lease that keeps several processes from uploading at once, the
//! schedule slot last handled, when a failed scheduled upload is tried again, how the last
//! attempt ended), and `ba_error_files`, the BA's error files fetched so far with a summary
//! (the files themselves are kept in the data directory).

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
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BaErrorFiles::Table)
                    .col(string(BaErrorFiles::Name).primary_key())
                    .col(timestamp_with_time_zone(BaErrorFiles::FetchedAt))
                    .col(big_integer(BaErrorFiles::Bytes))
                    .col(boolean(BaErrorFiles::WellFormed))
                    .col(string_null(BaErrorFiles::Root))
                    .col(integer(BaErrorFiles::ErrorElements))
                    .col(text_null(BaErrorFiles::FirstMessage))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BaErrorFiles::Table).to_owned())
            .await?;
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

#[derive(DeriveIden)]
enum BaErrorFiles {
    Table,
    Name,
    FetchedAt,
    Bytes,
    WellFormed,
    Root,
    ErrorElements,
    FirstMessage,
}
