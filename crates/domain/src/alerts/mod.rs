//! Search alerts (Suchaufträge): a saved search of a results page whose new postings are
//! mailed to an address, daily or weekly, after double opt-in. No account: the alert is
//! managed through links whose tokens are stored only as hashes ([`tokens`]).
//!
//! - An alert is an instance of the audited-change pipeline ([`record`]) without a
//!   municipality; its author is [`crate::Actor::public`]. The address is
//!   [`crate::record::Audited::PERSONAL`]: no trail entry holds it, so deleting the row leaves
//!   it nowhere.
//! - [`mutations`]: request (pending, at most one per address), confirm, change, pause, resume,
//!   keep, delete, switch off an address that bounces, and the purge of requests nobody
//!   confirmed and alerts nobody kept.
//! - [`schedule`]: when a mail is due (a fixed morning hour in Europe/Berlin).
//! - [`runs`]: the sender's side: due alerts are claimed like the search outbox (a lease per
//!   run, `FOR UPDATE SKIP LOCKED` on PostgreSQL), and the sent-log says which postings an
//!   alert already mailed.

pub mod mutations;
pub mod record;
pub mod runs;
pub mod schedule;
pub mod tokens;

use sea_orm::entity::prelude::*;

use crate::entities::search_alert;
use crate::mailbox;
use crate::postings::types::vocabulary;
use crate::postings::validation::ValidationErrors;

pub use search_alert::Model as SearchAlert;

/// Version of the consent text on the sign-up form; stored with every alert (DSGVO Art. 7(1)).
/// Change it whenever the text changes.
pub const CONSENT_VERSION: &str = "2026-12-01";
/// Longest stored search (its query string).
pub const MAX_QUERY_BYTES: usize = 1024;
/// Unconfirmed requests are deleted after this many days.
pub const PENDING_DAYS: i64 = 7;
/// After this many days without confirmation or use, one mail asks to keep the alert.
pub const KEEP_AFTER_DAYS: i64 = 365;
/// Without an answer this many days after that mail, the alert is deleted.
pub const KEEP_ANSWER_DAYS: i64 = 30;
/// An alert switched off because mail to its address bounces is deleted this many days after
/// the switch-off (its last change): long enough to answer a question about it, not longer.
pub const BOUNCED_DAYS: i64 = 30;

vocabulary! {
    /// The results page a search belongs to.
    AlertScope {
        Jobs = "stellen" => "Stellen",
        Training = "ausbildung" => "Ausbildung & Studium",
    }
}

impl AlertScope {
    /// The address of its results page.
    pub fn path(self) -> &'static str {
        match self {
            Self::Jobs => "/stellen",
            Self::Training => "/ausbildung",
        }
    }
}

vocabulary! {
    /// How often new postings are mailed.
    Frequency {
        Daily = "daily" => "täglich",
        Weekly = "weekly" => "wöchentlich",
    }
}

vocabulary! {
    /// Pending: requested, not confirmed, nothing is sent. Bounced: switched off by the
    /// platform admin because mail to the address bounces.
    AlertStatus {
        Pending = "pending" => "unbestätigt",
        Active = "active" => "aktiv",
        Paused = "paused" => "pausiert",
        Bounced = "bounced" => "abgeschaltet (unzustellbar)",
    }
}

impl AlertStatus {
    /// Confirmed and not switched off.
    pub fn is_confirmed(self) -> bool {
        matches!(self, Self::Active | Self::Paused)
    }
}

/// What the applicant decides: address (only when asking), search, frequency, consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertDraft {
    pub email: String,
    pub scope: AlertScope,
    /// The search as the results page's query string, already checked by the caller's parser
    /// (unknown values refused).
    pub query: String,
    pub frequency: Frequency,
    /// The consent checkbox of the sign-up form.
    pub consent: bool,
}

/// The address as stored and compared: trimmed, lower case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Every problem with a draft; `new` also checks address and consent (a stored alert keeps
/// both).
pub fn validate(d: &AlertDraft, new: bool) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    if new {
        let email = normalize_email(&d.email);
        if email.is_empty() {
            e.add("email", "Bitte geben Sie Ihre E-Mail-Adresse an.");
        } else if !mailbox::is_public(&email) {
            e.add(
                "email",
                "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
            );
        }
        if !d.consent {
            e.add(
                "consent",
                "Bitte stimmen Sie zu, dass wir Ihre Adresse für den Suchauftrag verwenden.",
            );
        }
    }
    if d.query.len() > MAX_QUERY_BYTES {
        e.add(
            "query",
            "Die Suche ist zu umfangreich für einen Suchauftrag. Bitte entfernen Sie Filter oder kürzen Sie den Suchbegriff.",
        );
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AlertDraft {
        AlertDraft {
            email: " Eva@Example.de ".into(),
            scope: AlertScope::Jobs,
            query: "q=Erzieher".into(),
            frequency: Frequency::Daily,
            consent: true,
        }
    }

    #[test]
    fn a_valid_request_passes_and_the_address_is_compared_in_lower_case() {
        assert!(validate(&draft(), true).0.is_empty());
        assert_eq!(normalize_email(&draft().email), "eva@example.de");
    }

    #[test]
    fn address_consent_and_size_are_reported_at_once() {
        let d = AlertDraft {
            email: "eva@example.de?bcc=x@y.de".into(),
            query: "q=".to_owned() + &"x".repeat(MAX_QUERY_BYTES),
            consent: false,
            ..draft()
        };
        let fields: Vec<_> = validate(&d, true).0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "consent", "query"]);
        // A stored alert is not asked for its address or consent again.
        let fields: Vec<_> = validate(&d, false).0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["query"]);
    }
}
