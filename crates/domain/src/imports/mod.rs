//! Imports (pull sync): the feeds a municipality already publishes elsewhere, harvested into
//! postings owned by that municipality.
//!
//! - [`sources`]: the configured sources, their lease and the outcome of their last run.
//! - [`item`]: a harvested item in a format-neutral shape and its mapping onto a
//!   [`PostingDraft`](crate::postings::PostingDraft), with guesses and defaults.
//! - [`apply`]: the upsert by (source, guid): new items are created and published, changed ones
//!   updated, unchanged ones not touched at all, vanished ones archived; all through the posting
//!   mutations, so each change carries its audit entry and outbox row, actor `import:<id>`.
//!
//! Imported postings are read-only for officers: the source is their master copy and the next
//! run would overwrite an edit. [`is_imported`] tells the editor.

pub mod apply;
pub mod item;
pub mod sources;

pub use apply::{ApplyOptions, Harvest, Held, ImportReport, ItemFailure, apply_harvest};
pub use item::HarvestedItem;
pub use sources::{ImportFormat, ImportSource, NewSource};

use crate::postings::queries::Posting;

/// Whether `posting` came from an import source (and is therefore read-only for officers).
pub fn is_imported(posting: &Posting) -> bool {
    posting.source_id.is_some()
}

/// The source an imported posting came from.
pub async fn source_of(
    db: &impl sea_orm::ConnectionTrait,
    posting: &Posting,
) -> Result<Option<ImportSource>, sea_orm::DbErr> {
    match posting.source_id {
        Some(id) => sources::find(db, id).await,
        None => Ok(None),
    }
}
