//! Persistence tests of the domain, each on SQLite and on PostgreSQL.

#![expect(clippy::unwrap_used, reason = "tests")]

mod fixtures;

mod accounts;
mod alerts;
mod api_tokens;
mod audit_outbox;
mod courses;
mod cover;
mod imports;
mod internal;
mod locking;
mod migrations;
mod municipalities;
mod outbox;
mod overview;
mod postings;
mod record;
mod scheduling;
mod stats;
mod survey;
