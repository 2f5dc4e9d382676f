//! Internal vacancies (issue 17): a posting can be offered to the member municipalities' own
//! staff first (`internal`), optionally until a day from which it also goes public
//! (`public_from`, a calendar day in Europe/Berlin). While internal it is in no public channel.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .add_column(boolean(Postings::Internal).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .add_column(date_null(Postings::PublicFrom))
                    .to_owned(),
            )
            .await?;
        // The scheduler looks for internal postings whose public day has come.
        manager
            .create_index(
                Index::create()
                    .name("idx_postings_internal_public_from")
                    .table(Postings::Table)
                    .col(Postings::Internal)
                    .col(Postings::PublicFrom)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_postings_internal_public_from")
                    .table(Postings::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Postings::PublicFrom, Postings::Internal] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Postings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Postings {
    Table,
    Internal,
    PublicFrom,
}
