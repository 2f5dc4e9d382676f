//! The job-posting and training model of the Partheland Stellenbörse.
//!
//! Everything the board knows about postings lives here: the vocabularies, validation with German
//! messages, the publication lifecycle as pure functions, and the persistence functions over a
//! sea-orm connection. Every change writes its audit entry and a search-outbox row in the same
//! transaction. Nothing here knows about HTTP, templates or the search engine.

pub mod accounts;
pub mod actor;
pub mod alerts;
pub mod api_tokens;
pub mod audit;
pub mod ba_export;
pub mod berlin;
pub mod courses;
pub mod cover;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod imports;
pub mod mailbox;
pub mod markdown;
pub mod municipalities;
pub mod outbox;
pub mod postings;
pub mod record;
pub mod search_params;
pub mod stats;
pub mod survey;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;

pub use actor::Actor;
pub use error::{DomainError, DomainResult};
