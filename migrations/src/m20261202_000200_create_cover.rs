//! Working together between the member municipalities (issue 17): agreements
//! (Vereinbarungen) between two or more members with their parties and task areas, cover
//! requests (Vertretungsanfragen) and the partners' offers, and the secret feed addresses a
//! municipality reads its cover calendar and its internal vacancies from.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_municipalities::Municipalities;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn owned_by(table: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, Bookkeeping::MunicipalityId)
        .to(Municipalities::Table, Municipalities::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// The columns every audited record with drafts has (see `domain::record`).
fn bookkeeping(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(integer(Bookkeeping::Version))
        .col(string_len(Bookkeeping::CreatedBy, 100))
        .col(string_len(Bookkeeping::UpdatedBy, 100))
        .col(timestamp_with_time_zone(Bookkeeping::CreatedAt))
        .col(timestamp_with_time_zone(Bookkeeping::UpdatedAt))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                bookkeeping(
                    Table::create()
                        .table(Agreements::Table)
                        .col(big_pk_auto(Agreements::Id))
                        .col(big_integer(Bookkeeping::MunicipalityId))
                        .col(string_len(Agreements::Title, 200))
                        .col(string_len(Agreements::LegalForm, 32))
                        .col(date(Agreements::ValidFrom))
                        .col(date_null(Agreements::ValidUntil))
                        .col(integer_null(Agreements::HourlyRateCents))
                        .col(text_null(Agreements::Note))
                        .col(date_null(Agreements::EndedOn))
                        .col(big_integer_null(Agreements::EndedBy))
                        .col(string_len_null(Agreements::DocumentName, 200))
                        .col(string_len_null(Agreements::DocumentSha256, 64))
                        .foreign_key(&mut owned_by(Agreements::Table)),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgreementParties::Table)
                    .col(big_integer(AgreementParties::AgreementId))
                    .col(big_integer(Bookkeeping::MunicipalityId))
                    .col(timestamp_with_time_zone_null(AgreementParties::ConfirmedAt))
                    .col(string_len_null(AgreementParties::ConfirmedBy, 100))
                    .primary_key(
                        Index::create()
                            .col(AgreementParties::AgreementId)
                            .col(Bookkeeping::MunicipalityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgreementParties::Table, AgreementParties::AgreementId)
                            .to(Agreements::Table, Agreements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut owned_by(AgreementParties::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgreementAreas::Table)
                    .col(big_integer(AgreementAreas::AgreementId))
                    .col(string_len(AgreementAreas::TaskArea, 32))
                    .primary_key(
                        Index::create()
                            .col(AgreementAreas::AgreementId)
                            .col(AgreementAreas::TaskArea),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AgreementAreas::Table, AgreementAreas::AgreementId)
                            .to(Agreements::Table, Agreements::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_requests(manager).await?;
        create_offers(manager).await?;
        create_feed_tokens(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FeedTokens::Table.into_iden(),
            CoverOffers::Table.into_iden(),
            CoverRequests::Table.into_iden(),
            AgreementAreas::Table.into_iden(),
            AgreementParties::Table.into_iden(),
            Agreements::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_requests(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            bookkeeping(
                Table::create()
                    .table(CoverRequests::Table)
                    .col(big_pk_auto(CoverRequests::Id))
                    .col(big_integer(Bookkeeping::MunicipalityId))
                    .col(string_len(CoverRequests::TaskArea, 32))
                    .col(date(CoverRequests::StartsOn))
                    .col(date(CoverRequests::EndsOn))
                    .col(string_len(CoverRequests::DayPart, 16))
                    .col(integer(CoverRequests::MinutesPerDay))
                    .col(string_len(CoverRequests::Place, 300))
                    .col(text(CoverRequests::Skills))
                    .col(string_len(CoverRequests::Requirements, 500))
                    .col(string_len(CoverRequests::Urgency, 16))
                    .col(string_len(CoverRequests::Reason, 16))
                    .col(string_len(CoverRequests::Status, 16))
                    .col(text_null(CoverRequests::CancelReason))
                    .foreign_key(&mut owned_by(CoverRequests::Table)),
            )
            .to_owned(),
        )
        .await
}

async fn create_offers(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            bookkeeping(
                Table::create()
                    .table(CoverOffers::Table)
                    .col(big_pk_auto(CoverOffers::Id))
                    .col(big_integer(Bookkeeping::MunicipalityId))
                    .col(big_integer(CoverOffers::RequestId))
                    .col(big_integer(CoverOffers::AgreementId))
                    .col(date(CoverOffers::StartsOn))
                    .col(date(CoverOffers::EndsOn))
                    .col(integer(CoverOffers::MinutesPerDay))
                    .col(string_len_null(CoverOffers::PersonName, 200))
                    .col(string_len_null(CoverOffers::PersonContact, 254))
                    .col(text_null(CoverOffers::Note))
                    .col(string_len(CoverOffers::Status, 16))
                    .col(text_null(CoverOffers::CancelReason))
                    .foreign_key(&mut owned_by(CoverOffers::Table))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CoverOffers::Table, CoverOffers::RequestId)
                            .to(CoverRequests::Table, CoverRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CoverOffers::Table, CoverOffers::AgreementId)
                            .to(Agreements::Table, Agreements::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    ),
            )
            .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_cover_offers_request")
                .table(CoverOffers::Table)
                .col(CoverOffers::RequestId)
                .to_owned(),
        )
        .await
}

async fn create_feed_tokens(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(FeedTokens::Table)
                .col(big_pk_auto(FeedTokens::Id))
                .col(big_integer(Bookkeeping::MunicipalityId))
                .col(string_len(FeedTokens::Purpose, 16))
                .col(string_len_uniq(FeedTokens::TokenHash, 64))
                .col(string_len(FeedTokens::CreatedBy, 100))
                .col(timestamp_with_time_zone(FeedTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(FeedTokens::RevokedAt))
                .foreign_key(&mut owned_by(FeedTokens::Table))
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum Bookkeeping {
    MunicipalityId,
    Version,
    CreatedBy,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Agreements {
    Table,
    Id,
    Title,
    LegalForm,
    ValidFrom,
    ValidUntil,
    HourlyRateCents,
    Note,
    EndedOn,
    EndedBy,
    DocumentName,
    DocumentSha256,
}

#[derive(DeriveIden)]
enum AgreementParties {
    Table,
    AgreementId,
    ConfirmedAt,
    ConfirmedBy,
}

#[derive(DeriveIden)]
enum AgreementAreas {
    Table,
    AgreementId,
    TaskArea,
}

#[derive(DeriveIden)]
enum CoverRequests {
    Table,
    Id,
    TaskArea,
    StartsOn,
    EndsOn,
    DayPart,
    MinutesPerDay,
    Place,
    Skills,
    Requirements,
    Urgency,
    Reason,
    Status,
    CancelReason,
}

#[derive(DeriveIden)]
enum CoverOffers {
    Table,
    Id,
    RequestId,
    AgreementId,
    StartsOn,
    EndsOn,
    MinutesPerDay,
    PersonName,
    PersonContact,
    Note,
    Status,
    CancelReason,
}

#[derive(DeriveIden)]
enum FeedTokens {
    Table,
    Id,
    Purpose,
    TokenHash,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}
