//! Import sources get what the harvester needs: a switch, the validators of the last response
//! for conditional GET, a lease so that only one process harvests a source at a time, and the
//! outcome of the last run for the status view.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            boolean(ImportSources::Enabled).default(true).to_owned(),
            string_len_null(ImportSources::Etag, 500).to_owned(),
            string_len_null(ImportSources::LastModified, 100).to_owned(),
            timestamp_with_time_zone_null(ImportSources::ClaimedUntil).to_owned(),
            timestamp_with_time_zone_null(ImportSources::LastRunAt).to_owned(),
            timestamp_with_time_zone_null(ImportSources::LastSuccessAt).to_owned(),
            integer(ImportSources::LastNew).default(0).to_owned(),
            integer(ImportSources::LastUpdated).default(0).to_owned(),
            integer(ImportSources::LastArchived).default(0).to_owned(),
            integer(ImportSources::LastUnchanged).default(0).to_owned(),
            integer(ImportSources::LastFailed).default(0).to_owned(),
            text_null(ImportSources::LastError).to_owned(),
            text_null(ImportSources::LastFailingItem).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportSources::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ImportSources::LastFailingItem,
            ImportSources::LastError,
            ImportSources::LastFailed,
            ImportSources::LastUnchanged,
            ImportSources::LastArchived,
            ImportSources::LastUpdated,
            ImportSources::LastNew,
            ImportSources::LastSuccessAt,
            ImportSources::LastRunAt,
            ImportSources::ClaimedUntil,
            ImportSources::LastModified,
            ImportSources::Etag,
            ImportSources::Enabled,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportSources::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ImportSources {
    Table,
    Enabled,
    Etag,
    LastModified,
    ClaimedUntil,
    LastRunAt,
    LastSuccessAt,
    LastNew,
    LastUpdated,
    LastArchived,
    LastUnchanged,
    LastFailed,
    LastError,
    LastFailingItem,
}
