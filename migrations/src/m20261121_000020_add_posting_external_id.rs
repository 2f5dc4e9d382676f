//! Postings pushed by a municipality's own system carry that system's id: unique per owner, so a
//! repeated push replaces the posting instead of creating a second one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "postings_municipality_external_id_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .add_column(string_len_null(Postings::ExternalId, 200))
                    .to_owned(),
            )
            .await?;
        // NULLs never collide, so postings written in the board itself are unaffected.
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Postings::Table)
                    .col(Postings::MunicipalityId)
                    .col(Postings::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Postings::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .drop_column(Postings::ExternalId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Postings {
    Table,
    MunicipalityId,
    ExternalId,
}
