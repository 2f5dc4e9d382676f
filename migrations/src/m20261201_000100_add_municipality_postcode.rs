//! A municipality's postcode and place: what a posting of it shows as its location when the
//! posting names none (imported postings, say). Before, the importer looked the postcode up in
//! the demo data by slug, and every municipality added later got Borsdorf's.
//!
//! The seven members get their values; a municipality added before this migration keeps an empty
//! postcode until it is entered, and its name as the place.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// slug, postcode, place (the seat of the administration).
const MEMBERS: [(&str, &str, &str); 7] = [
    ("borsdorf", "04451", "Borsdorf"),
    ("brandis", "04821", "Brandis"),
    ("grosspoesna", "04463", "Großpösna"),
    ("naunhof", "04683", "Naunhof"),
    ("belgershain", "04683", "Belgershain"),
    ("parthenstein", "04668", "Parthenstein"),
    ("machern", "04827", "Machern"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for mut column in [
            string_len(Municipalities::Postcode, 5)
                .default("")
                .to_owned(),
            string_len(Municipalities::Place, 200)
                .default("")
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Municipalities::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for (slug, postcode, place) in MEMBERS {
            manager
                .exec_stmt(
                    Query::update()
                        .table(Municipalities::Table)
                        .value(Municipalities::Postcode, postcode)
                        .value(Municipalities::Place, place)
                        .and_where(Expr::col(Municipalities::Slug).eq(slug))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(Municipalities::Table)
                    .value(Municipalities::Place, Expr::col(Municipalities::Name))
                    .and_where(Expr::col(Municipalities::Place).eq(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Municipalities::Place, Municipalities::Postcode] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Municipalities::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Slug,
    Name,
    Postcode,
    Place,
}
