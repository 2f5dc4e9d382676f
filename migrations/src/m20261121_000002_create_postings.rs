use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_municipalities::Municipalities;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Feed sources own imported postings; the harvester fills in the rest of this table later.
        manager
            .create_table(
                Table::create()
                    .table(ImportSources::Table)
                    .col(big_pk_auto(ImportSources::Id))
                    .col(big_integer(ImportSources::MunicipalityId))
                    .col(string_len(ImportSources::Url, 2000))
                    .col(string_len(ImportSources::Format, 32))
                    .col(timestamp_with_time_zone(ImportSources::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ImportSources::Table, ImportSources::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Postings::Table)
                    .col(big_pk_auto(Postings::Id))
                    .col(big_integer(Postings::MunicipalityId))
                    .col(string_len(Postings::Kind, 32))
                    .col(string_len(Postings::ReferenceNumber, 64))
                    .col(string_len(Postings::Title, 200))
                    .col(string_len_uniq(Postings::Slug, 300))
                    .col(string_len_null(Postings::Department, 200))
                    .col(string_len(Postings::Category, 32))
                    .col(string_len(Postings::Employment, 32))
                    .col(double_null(Postings::WeeklyHours))
                    .col(string_len(Postings::Contract, 32))
                    .col(date_null(Postings::ContractEndDate))
                    .col(string_len(Postings::PayScheme, 32))
                    .col(string_len_null(Postings::PayGradeFrom, 8))
                    .col(string_len_null(Postings::PayGradeTo, 8))
                    .col(integer_null(Postings::PayMonthlyMinEur))
                    .col(integer_null(Postings::PayMonthlyMaxEur))
                    .col(string_len(Postings::LocationPlace, 200))
                    .col(string_len(Postings::LocationPostcode, 5))
                    .col(double_null(Postings::Latitude))
                    .col(double_null(Postings::Longitude))
                    .col(date_null(Postings::StartDate))
                    .col(date(Postings::ApplicationDeadline))
                    .col(text(Postings::Description))
                    .col(text(Postings::Tasks))
                    .col(text(Postings::Profile))
                    .col(text(Postings::Benefits))
                    .col(string_len_null(Postings::ContactName, 200))
                    .col(string_len_null(Postings::ContactPhone, 64))
                    .col(string_len_null(Postings::ContactEmail, 254))
                    .col(string_len_null(Postings::ApplyUrl, 2000))
                    .col(string_len_null(Postings::ApplyEmail, 254))
                    .col(string_len(Postings::Status, 16))
                    .col(timestamp_with_time_zone_null(Postings::PublishedAt))
                    .col(timestamp_with_time_zone(Postings::ExpiresAt))
                    .col(integer(Postings::Version))
                    .col(big_integer_null(Postings::SourceId))
                    .col(string_len_null(Postings::ExternalGuid, 2000))
                    .col(string_len(Postings::CreatedBy, 100))
                    .col(string_len(Postings::UpdatedBy, 100))
                    .col(timestamp_with_time_zone(Postings::CreatedAt))
                    .col(timestamp_with_time_zone(Postings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Postings::Table, Postings::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Postings::Table, Postings::SourceId)
                            .to(ImportSources::Table, ImportSources::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        let indexes = [
            Index::create()
                .name("ux_postings_municipality_reference")
                .table(Postings::Table)
                .col(Postings::MunicipalityId)
                .col(Postings::ReferenceNumber)
                .unique()
                .to_owned(),
            Index::create()
                .name("ux_postings_source_guid")
                .table(Postings::Table)
                .col(Postings::SourceId)
                .col(Postings::ExternalGuid)
                .unique()
                .to_owned(),
            // The public listing and the scheduler both filter on status and a point in time.
            Index::create()
                .name("ix_postings_status_expires")
                .table(Postings::Table)
                .col(Postings::Status)
                .col(Postings::ExpiresAt)
                .to_owned(),
            Index::create()
                .name("ix_postings_status_published")
                .table(Postings::Table)
                .col(Postings::Status)
                .col(Postings::PublishedAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(PostingPartners::Table)
                    .col(big_integer(PostingPartners::PostingId))
                    .col(big_integer(PostingPartners::MunicipalityId))
                    .col(text_null(PostingPartners::Note))
                    .col(boolean(PostingPartners::Confirmed))
                    .primary_key(
                        Index::create()
                            .col(PostingPartners::PostingId)
                            .col(PostingPartners::MunicipalityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingPartners::Table, PostingPartners::PostingId)
                            .to(Postings::Table, Postings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingPartners::Table, PostingPartners::MunicipalityId)
                            .to(Municipalities::Table, Municipalities::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_posting_partners_municipality")
                    .table(PostingPartners::Table)
                    .col(PostingPartners::MunicipalityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PostingPartners::Table.into_iden(),
            Postings::Table.into_iden(),
            ImportSources::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum ImportSources {
    Table,
    Id,
    MunicipalityId,
    Url,
    Format,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Postings {
    Table,
    Id,
    MunicipalityId,
    Kind,
    ReferenceNumber,
    Title,
    Slug,
    Department,
    Category,
    Employment,
    WeeklyHours,
    Contract,
    ContractEndDate,
    PayScheme,
    PayGradeFrom,
    PayGradeTo,
    PayMonthlyMinEur,
    PayMonthlyMaxEur,
    LocationPlace,
    LocationPostcode,
    Latitude,
    Longitude,
    StartDate,
    ApplicationDeadline,
    Description,
    Tasks,
    Profile,
    Benefits,
    ContactName,
    ContactPhone,
    ContactEmail,
    ApplyUrl,
    ApplyEmail,
    Status,
    PublishedAt,
    ExpiresAt,
    Version,
    SourceId,
    ExternalGuid,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum PostingPartners {
    Table,
    PostingId,
    MunicipalityId,
    Note,
    Confirmed,
}
