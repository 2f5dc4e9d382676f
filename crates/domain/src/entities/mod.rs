//! sea-orm entities, one file per table: the stored shape only, no behaviour.

pub mod audit_entry;
pub mod import_source;
pub mod municipality;
pub mod posting;
pub mod posting_partner;
pub mod search_outbox;
