//! One conformance suite for every search backend: each test runs on the embedded engine, and on
//! Meilisearch when `MEILI_URL` (and `MEILI_MASTER_KEY` where needed) is set — with an index of its
//! own that is deleted afterwards.

#![expect(clippy::unwrap_used, reason = "tests")]

mod engine;
mod fixtures;

mod documents;
mod outbox;
mod queries;
mod snippets;
