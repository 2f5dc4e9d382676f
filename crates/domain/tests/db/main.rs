//! Persistence tests of the domain, each on SQLite and on PostgreSQL.

#![expect(clippy::unwrap_used, reason = "tests")]

mod fixtures;

mod audit_outbox;
mod imports;
mod locking;
mod migrations;
mod outbox;
mod postings;
mod scheduling;
