//! Database schema of the Partheland Stellenbörse as sea-orm migrations.
//!
//! Every migration runs on SQLite and PostgreSQL; each `down` is exercised by the test suite.
//! Enumerations are stored as short text codes (checked in the domain), never as database enum
//! types, so adding a category is a code change and not a schema change.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_municipalities;
mod m20261121_000002_create_postings;
mod m20261121_000003_create_audit_and_outbox;
mod m20261121_000004_seed_member_municipalities;
mod m20261121_000005_add_outbox_claims;
mod m20261121_000010_create_accounts;
mod m20261121_000020_add_posting_external_id;
mod m20261121_000021_create_api_tokens;
mod m20261121_000030_extend_import_sources;
mod m20261121_000040_create_courses;
mod m20261201_000100_add_municipality_postcode;
mod m20261201_000200_add_api_token_expiry;
mod m20261202_000100_create_search_alerts;
mod m20261202_000200_create_cover;
mod m20261202_000300_create_needs_survey;
mod m20261202_000500_add_import_reading_counts;
mod m20261202_000510_create_ba_export_postings;
mod m20261203_000100_create_posting_counts;
mod m20261203_000300_add_posting_internal;
mod m20261203_000400_create_ba_export_runs;
mod m20261204_000100_add_search_alert_pending_unique;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_municipalities::Migration),
            Box::new(m20261121_000002_create_postings::Migration),
            Box::new(m20261121_000003_create_audit_and_outbox::Migration),
            Box::new(m20261121_000004_seed_member_municipalities::Migration),
            Box::new(m20261121_000005_add_outbox_claims::Migration),
            Box::new(m20261121_000010_create_accounts::Migration),
            Box::new(m20261121_000020_add_posting_external_id::Migration),
            Box::new(m20261121_000021_create_api_tokens::Migration),
            Box::new(m20261121_000030_extend_import_sources::Migration),
            Box::new(m20261121_000040_create_courses::Migration),
            Box::new(m20261201_000100_add_municipality_postcode::Migration),
            Box::new(m20261201_000200_add_api_token_expiry::Migration),
            Box::new(m20261202_000200_create_cover::Migration),
            Box::new(m20261202_000500_add_import_reading_counts::Migration),
            Box::new(m20261202_000510_create_ba_export_postings::Migration),
            Box::new(m20261202_000300_create_needs_survey::Migration),
            Box::new(m20261202_000100_create_search_alerts::Migration),
            Box::new(m20261203_000400_create_ba_export_runs::Migration),
            Box::new(m20261203_000300_add_posting_internal::Migration),
            Box::new(m20261203_000100_create_posting_counts::Migration),
            Box::new(m20261204_000100_add_search_alert_pending_unique::Migration),
        ]
    }
}
