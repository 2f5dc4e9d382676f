use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(big_pk_auto(Municipalities::Id))
                    .col(string_len_uniq(Municipalities::Slug, 64))
                    .col(string_len(Municipalities::Name, 200))
                    .col(string_len(Municipalities::Website, 500))
                    .col(string_len(Municipalities::ContactEmail, 254))
                    .col(double(Municipalities::Latitude))
                    .col(double(Municipalities::Longitude))
                    .col(string_len_null(Municipalities::LogoUrl, 500))
                    .col(text_null(Municipalities::EmployerProfile))
                    .col(timestamp_with_time_zone(Municipalities::CreatedAt))
                    .col(timestamp_with_time_zone(Municipalities::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Municipalities::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Municipalities {
    Table,
    Id,
    Slug,
    Name,
    Website,
    ContactEmail,
    Latitude,
    Longitude,
    LogoUrl,
    EmployerProfile,
    CreatedAt,
    UpdatedAt,
}
