//! Search for the Partheland Stellenbörse: the `SearchIndex` abstraction with an embedded
//! engine (zero-setup default, index files under the data directory) and a Meilisearch backend
//! (production), the search document built from a posting, German synonyms, and the indexer that
//! consumes the domain's search outbox.
//!
//! Filled by the search issue; the domain already writes an outbox row for every change.
