//! Realistic postings and instants for the persistence tests.

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::municipalities;
use sea_orm::DatabaseConnection;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

pub async fn municipality_id(db: &DatabaseConnection, slug: &str) -> i64 {
    municipalities::find_by_slug(db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

pub use jobboard_domain::testing::sample_draft as draft;
