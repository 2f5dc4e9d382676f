//! Postings: vacancies and shared training offers.

pub mod bulk;
pub mod draft;
pub mod lifecycle;
pub mod mutations;
pub mod overview;
pub mod publishing;
pub mod push;
pub mod queries;
pub mod record;
pub mod types;
pub mod validation;

pub use draft::{DraftBuilder, PartnerDraft, PostingDraft};
pub use types::{Category, Contract, Employment, PayScheme, PostingKind, PostingStatus};
