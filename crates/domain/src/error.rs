use sea_orm::DbErr;

use crate::audit::AuditEntity;
use crate::postings::{lifecycle::LifecycleError, validation::ValidationErrors};

/// Everything a domain operation can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error("nicht gefunden")]
    NotFound,
    /// Someone saved in between: the caller's version is stale and nothing was written. The
    /// message names the kind of record („Die Anzeige …“, „Der Lehrgang …“).
    #[error(
        "{} wurde inzwischen geändert (Version {current}, Ihre Version {expected}). Bitte laden Sie {} neu.",
        .entity.subject(),
        .entity.pronoun()
    )]
    Conflict {
        entity: AuditEntity,
        expected: i32,
        current: i32,
    },
    /// A rule of the board refuses the request (e.g. registration after the deadline); the
    /// message says why, in German, and nothing was written.
    #[error("{0}")]
    Refused(String),
    #[error("Datenbankfehler: {0}")]
    Db(#[from] DbErr),
}

pub type DomainResult<T> = Result<T, DomainError>;
