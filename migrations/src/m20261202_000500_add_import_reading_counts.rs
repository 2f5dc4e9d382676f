//! What the importer read from the items' text at the last run, for the source's status page:
//! how many items named no deadline the text reader could find (so the default applied), how
//! many thin items (title and link only) were completed from their linked page, and how many
//! were imported with a pointer to that page instead.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [ImportSources; 3] = [
    ImportSources::LastDefaultedDeadlines,
    ImportSources::LastCompletedFromPage,
    ImportSources::LastPointerOnly,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one thing at a time.
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImportSources::Table)
                        .add_column(integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
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

#[derive(DeriveIden, Clone, Copy)]
enum ImportSources {
    Table,
    LastDefaultedDeadlines,
    LastCompletedFromPage,
    LastPointerOnly,
}
