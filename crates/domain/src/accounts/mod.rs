//! Accounts of the HR workspace: users and their roles, password hashing (argon2id), server-side
//! sessions, one-time tokens for invitations and password resets, and sign-in throttling.
//!
//! Secrets that identify someone (session ids, invitation and reset tokens) are random, handed
//! out once and stored only as SHA-256 hashes, so a copy of the database opens no session.

pub mod password;
pub mod secret;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use sea_orm::DbErr;

pub use sessions::{SessionPolicy, SignedIn};
pub use tokens::TokenPurpose;
pub use users::{NewUser, Role, User};

/// What an account operation can refuse or fail with. Messages are German and fit for people.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Wrong password, unknown or deactivated account: deliberately one message.
    #[error("E-Mail-Adresse oder Passwort ist falsch.")]
    InvalidCredentials,
    #[error(
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut."
    )]
    Throttled,
    #[error("{0}")]
    WeakPassword(&'static str),
    #[error("Dieser Link ist ungültig, abgelaufen oder wurde schon verwendet.")]
    InvalidToken,
    #[error("Für diese E-Mail-Adresse gibt es schon ein Konto.")]
    EmailTaken,
    #[error("Bitte geben Sie eine gültige E-Mail-Adresse an.")]
    InvalidEmail,
    #[error("Bitte geben Sie einen Namen an (höchstens 200 Zeichen).")]
    InvalidName,
    #[error("Personalverantwortliche gehören zu genau einer Kommune; Administratoren zu keiner.")]
    InvalidMunicipality,
    #[error("nicht gefunden")]
    NotFound,
    #[error("Datenbankfehler: {0}")]
    Db(#[from] DbErr),
    #[error("Passwort-Hash: {0}")]
    Hash(String),
}

pub type AccountResult<T> = Result<T, AccountError>;
