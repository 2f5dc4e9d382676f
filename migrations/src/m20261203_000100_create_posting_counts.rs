//! Cookie-free counting (issue 20): per posting, day, event and source a number — never a
//! person, an address or a browser. Days older than 25 months are folded into months by the
//! scheduler. And the day a posting was filled („besetzt“).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostingCountsDaily::Table)
                    .col(date(PostingCountsDaily::Day))
                    .col(big_integer(PostingCountsDaily::PostingId))
                    .col(string_len(PostingCountsDaily::Event, 32))
                    .col(string_len(PostingCountsDaily::Source, 32))
                    .col(big_integer(PostingCountsDaily::Count))
                    .primary_key(
                        Index::create()
                            .col(PostingCountsDaily::Day)
                            .col(PostingCountsDaily::PostingId)
                            .col(PostingCountsDaily::Event)
                            .col(PostingCountsDaily::Source),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_posting_counts_daily_posting")
                    .table(PostingCountsDaily::Table)
                    .col(PostingCountsDaily::PostingId)
                    .col(PostingCountsDaily::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostingCountsMonthly::Table)
                    .col(date(PostingCountsMonthly::Month))
                    .col(big_integer(PostingCountsMonthly::PostingId))
                    .col(string_len(PostingCountsMonthly::Event, 32))
                    .col(string_len(PostingCountsMonthly::Source, 32))
                    .col(big_integer(PostingCountsMonthly::Count))
                    .primary_key(
                        Index::create()
                            .col(PostingCountsMonthly::Month)
                            .col(PostingCountsMonthly::PostingId)
                            .col(PostingCountsMonthly::Event)
                            .col(PostingCountsMonthly::Source),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_posting_counts_monthly_posting")
                    .table(PostingCountsMonthly::Table)
                    .col(PostingCountsMonthly::PostingId)
                    .col(PostingCountsMonthly::Month)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .add_column(date_null(Postings::FilledOn))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Postings::Table)
                    .drop_column(Postings::FilledOn)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PostingCountsMonthly::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PostingCountsDaily::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PostingCountsDaily {
    Table,
    Day,
    PostingId,
    Event,
    Source,
    Count,
}

#[derive(DeriveIden)]
enum PostingCountsMonthly {
    Table,
    Month,
    PostingId,
    Event,
    Source,
    Count,
}

#[derive(DeriveIden)]
enum Postings {
    Table,
    FilledOn,
}
