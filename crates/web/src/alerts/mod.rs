//! Search alerts on the public site: the sign-up form on every results page, the management
//! page behind each mail's link, and the one-click unsubscribe address (RFC 8058). The domain
//! (`jobboard_domain::alerts`) stores and audits them; the server sends their mails with
//! [`mail`] and [`matcher`].
//!
//! Sign-up and management routes are in the HR workspace's `ROUTES` (public, so the origin
//! check of every write applies). The one-click address is not: a mail client POSTs to it from
//! anywhere, without a page of the board, and the unguessable token is the authorisation. Its
//! GET only asks; it never unsubscribes by itself (link scanners follow links).

mod describe;
pub mod mail;
pub(crate) mod manage;
pub mod matcher;
pub(crate) mod signup;
mod unsubscribe;

use axum::Router;
use axum::routing::get;
use jobboard_domain::alerts::AlertScope;
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_feeds::export::Format;

use crate::AppState;

pub use describe::{describe, stored_query};

use jobboard_domain::municipalities::Municipality;

use crate::search_params::{PER_PAGE, ParamError, parse};

/// The error of a frequency that is neither daily nor weekly.
const FREQUENCY_ERROR: &str = "Bitte wählen Sie „täglich“ oder „wöchentlich“.";

/// The stored form of the search `raw` of `scope`, or why it cannot be an alert (a value that
/// names nothing, text or query too long for the results page).
fn alert_query(
    raw: &str,
    scope: AlertScope,
    members: &[Municipality],
) -> Result<String, ParamError> {
    let training = scope == AlertScope::Training;
    let (_, params) = parse(Some(raw), members, training, PER_PAGE)?;
    match params.unknown_error(members, training) {
        Some(e) => Err(e),
        None => Ok(stored_query(&params)),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/suchauftrag/abmelden/{token}",
        get(unsubscribe::show_unsubscribe).post(unsubscribe::unsubscribe),
    )
}

/// A link to one feed format of a search.
pub struct FeedAnchor {
    pub href: String,
    pub label: &'static str,
}

/// The feeds of the search `query` of `scope`: the alert without e-mail.
pub fn feeds_of(scope: AlertScope, query: &str) -> Vec<FeedAnchor> {
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Format::ALL
        .iter()
        .map(|f| FeedAnchor {
            href: format!("{}/feed.{}{query}", scope.path(), f.extension()),
            label: f.label(),
        })
        .collect()
}

/// The sign-up form as a page shows it: the search it keeps, what was typed, the errors.
pub struct AlertForm {
    pub scope: &'static str,
    pub query: String,
    pub description: String,
    pub email: String,
    pub weekly: bool,
    pub consent: bool,
    pub errors: ValidationErrors,
    pub feeds: Vec<FeedAnchor>,
}

impl AlertForm {
    /// An empty form for the search `query` of `scope`.
    pub fn new(scope: AlertScope, query: String, description: String) -> Self {
        Self {
            scope: scope.code(),
            feeds: feeds_of(scope, &query),
            query,
            description,
            email: String::new(),
            weekly: false,
            consent: false,
            errors: ValidationErrors::default(),
        }
    }

    /// The messages for `field`, joined; `None` without.
    pub fn error(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self.errors.for_field(field).collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
}
