//! What the Bundesagentur für Arbeit has been sent of each municipality's postings (HR-BA-XML
//! export): the version last sent, so a delta load sends only what changed and a deletion for
//! what ended.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BaExportPostings::Table)
                    .col(big_integer(BaExportPostings::MunicipalityId))
                    .col(big_integer(BaExportPostings::PostingId))
                    .col(integer(BaExportPostings::Version))
                    .col(timestamp_with_time_zone(BaExportPostings::SentAt))
                    .primary_key(
                        Index::create()
                            .col(BaExportPostings::MunicipalityId)
                            .col(BaExportPostings::PostingId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BaExportPostings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum BaExportPostings {
    Table,
    MunicipalityId,
    PostingId,
    Version,
    SentAt,
}
