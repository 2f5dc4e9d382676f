//! The seven Partheland members exist in every installation: postings cannot be made without them.

use sea_orm_migration::prelude::*;

use crate::m20261121_000001_create_municipalities::Municipalities;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// slug, name, website, contact e-mail, latitude, longitude (town centre).
const MEMBERS: [(&str, &str, &str, &str, f64, f64); 7] = [
    (
        "borsdorf",
        "Borsdorf",
        "https://www.borsdorf.de",
        "info@borsdorf.de",
        51.3478,
        12.5378,
    ),
    (
        "brandis",
        "Brandis",
        "https://www.stadt-brandis.de",
        "info@stadt-brandis.de",
        51.3347,
        12.6108,
    ),
    (
        "grosspoesna",
        "Großpösna",
        "https://www.grosspoesna.de",
        "info@grosspoesna.de",
        51.2653,
        12.4986,
    ),
    (
        "naunhof",
        "Naunhof",
        "https://www.naunhof.de",
        "info@naunhof.de",
        51.2772,
        12.5883,
    ),
    (
        "belgershain",
        "Belgershain",
        "https://www.belgershain.de",
        "info@belgershain.de",
        51.2267,
        12.5558,
    ),
    (
        "parthenstein",
        "Parthenstein",
        "https://www.parthenstein.de",
        "info@parthenstein.de",
        51.2631,
        12.6550,
    ),
    (
        "machern",
        "Machern",
        "https://www.machern.de",
        "info@machern.de",
        51.3650,
        12.6256,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = Expr::current_timestamp();
        let mut insert = Query::insert();
        insert.into_table(Municipalities::Table).columns([
            Municipalities::Slug,
            Municipalities::Name,
            Municipalities::Website,
            Municipalities::ContactEmail,
            Municipalities::Latitude,
            Municipalities::Longitude,
            Municipalities::CreatedAt,
            Municipalities::UpdatedAt,
        ]);
        for (slug, name, website, email, lat, lon) in MEMBERS {
            insert.values_panic([
                slug.into(),
                name.into(),
                website.into(),
                email.into(),
                lat.into(),
                lon.into(),
                now.clone(),
                now.clone(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let slugs = MEMBERS.iter().map(|m| m.0);
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Municipalities::Table)
                    .and_where(Expr::col(Municipalities::Slug).is_in(slugs))
                    .to_owned(),
            )
            .await
    }
}
