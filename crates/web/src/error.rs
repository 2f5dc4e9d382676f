//! One error type for every handler, and one description of every error ([`ErrorInfo`]): the
//! German error page and the API's problem+json (`api::problem`) are both rendered from it, so
//! the two cannot disagree on status, title or wording. Internal details are logged once and
//! never shown.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jobboard_domain::DomainError;
use jobboard_domain::accounts::AccountError;
use jobboard_domain::postings::validation::FieldError;

use crate::page::{Meta, Section, render};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error("search unavailable: {0}")]
    SearchUnavailable(String),
    /// Signed in, but not allowed here.
    #[error("forbidden")]
    Forbidden,
    /// A request refused with a status and a German reason (CSRF, oversized body, …).
    #[error("refused ({0}): {1}")]
    Refused(StatusCode, String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

/// A kind of error: its status, the slug of its problem `type` and its German title. Every
/// answer of a kind uses these three together, whichever renders it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: &'static str,
}

const fn kind(status: StatusCode, slug: &'static str, title: &'static str) -> Kind {
    Kind {
        status,
        slug,
        title,
    }
}

pub const NOT_FOUND: Kind = kind(StatusCode::NOT_FOUND, "not-found", "Seite nicht gefunden");
pub const BAD_REQUEST: Kind = kind(StatusCode::BAD_REQUEST, "bad-request", "Ungültige Anfrage");
pub const FORBIDDEN: Kind = kind(StatusCode::FORBIDDEN, "forbidden", "Kein Zugriff");
pub const VALIDATION: Kind = kind(
    StatusCode::UNPROCESSABLE_ENTITY,
    "validation",
    "Angaben unvollständig oder fehlerhaft",
);
pub const CONFLICT: Kind = kind(
    StatusCode::CONFLICT,
    "conflict",
    "Zwischenzeitlich geändert",
);
const LIFECYCLE: Kind = kind(StatusCode::CONFLICT, "lifecycle", "Nicht möglich");
const RULE: Kind = kind(StatusCode::CONFLICT, "not-possible", "Nicht möglich");
const ACCOUNT: Kind = kind(StatusCode::UNPROCESSABLE_ENTITY, "account", "Nicht möglich");
const THROTTLED: Kind = kind(StatusCode::TOO_MANY_REQUESTS, "throttled", "Bitte warten");
const INVALID_TOKEN: Kind = kind(StatusCode::GONE, "invalid-token", "Link ungültig");
const SEARCH_UNAVAILABLE: Kind = kind(
    StatusCode::SERVICE_UNAVAILABLE,
    "search-unavailable",
    "Suche vorübergehend nicht erreichbar",
);
pub const INTERNAL: Kind = kind(
    StatusCode::INTERNAL_SERVER_ERROR,
    "internal",
    "Ein Fehler ist aufgetreten",
);

const NOT_FOUND_DETAIL: &str = "Die aufgerufene Seite gibt es nicht (mehr).";
pub const INTERNAL_DETAIL: &str = "Bitte versuchen Sie es in einigen Minuten erneut.";
const SEARCH_DETAIL: &str =
    "Die Suche ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.";

/// How an error is logged before it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Log {
    /// The person's or client's mistake, or a rule of the board: nothing to log.
    No,
    /// A dependency is away (search); worth a warning, not an alarm.
    Warn,
    /// A fault of ours: logged with its details, shown only generically.
    Error,
}

/// Everything an answer says about one error; the HTML page and problem+json render this.
#[derive(Debug)]
pub struct ErrorInfo {
    pub kind: Kind,
    /// German explanation of this occurrence.
    pub detail: String,
    /// Every field with a problem, for validation errors.
    pub fields: Vec<FieldError>,
    pub log: Log,
}

impl ErrorInfo {
    pub fn new(kind: Kind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            fields: Vec::new(),
            log: Log::No,
        }
    }

    fn logged(mut self, log: Log) -> Self {
        self.log = log;
        self
    }
}

impl AppError {
    /// The description of this error. Pure: [`AppError::report`] also logs it.
    pub fn info(&self) -> ErrorInfo {
        match self {
            Self::NotFound => ErrorInfo::new(NOT_FOUND, NOT_FOUND_DETAIL),
            Self::BadRequest(why) => ErrorInfo::new(BAD_REQUEST, why.clone()),
            Self::Forbidden => {
                ErrorInfo::new(FORBIDDEN, "Diese Seite gehört nicht zu Ihrem Zugang.")
            }
            Self::Refused(status, why) => {
                ErrorInfo::new(kind(*status, "refused", "Nicht ausgeführt"), why.clone())
            }
            Self::Domain(e) => domain_info(e),
            Self::Account(e) => account_info(e),
            Self::SearchUnavailable(_) => {
                ErrorInfo::new(SEARCH_UNAVAILABLE, SEARCH_DETAIL).logged(Log::Warn)
            }
            Self::Db(_) | Self::Template(_) | Self::Internal(_) => internal(),
        }
    }

    /// The description, logged once as its [`Log`] says; what every rendering calls.
    pub fn report(self) -> ErrorInfo {
        let info = self.info();
        match info.log {
            Log::No => {}
            Log::Warn => tracing::warn!(error = %self, "request failed: dependency unavailable"),
            Log::Error => tracing::error!(error = %self, "request failed"),
        }
        info
    }
}

fn internal() -> ErrorInfo {
    ErrorInfo::new(INTERNAL, INTERNAL_DETAIL).logged(Log::Error)
}

/// The domain's errors carry their German wording in their `Display`; the detail is that text,
/// so whatever a variant holds (e.g. which kind of record conflicted) reaches both renderings.
fn domain_info(e: &DomainError) -> ErrorInfo {
    match e {
        DomainError::NotFound => ErrorInfo::new(NOT_FOUND, NOT_FOUND_DETAIL),
        DomainError::Validation(v) => ErrorInfo {
            fields: v.0.clone(),
            ..ErrorInfo::new(VALIDATION, v.to_string())
        },
        DomainError::Conflict { .. } => ErrorInfo::new(CONFLICT, e.to_string()),
        DomainError::Lifecycle(_) => ErrorInfo::new(LIFECYCLE, e.to_string()),
        DomainError::Refused(_) => ErrorInfo::new(RULE, e.to_string()),
        DomainError::Db(_) => internal(),
    }
}

fn account_info(e: &AccountError) -> ErrorInfo {
    match e {
        AccountError::NotFound => ErrorInfo::new(NOT_FOUND, NOT_FOUND_DETAIL),
        AccountError::Throttled => ErrorInfo::new(THROTTLED, e.to_string()),
        AccountError::InvalidToken => ErrorInfo::new(INVALID_TOKEN, e.to_string()),
        AccountError::InvalidCredentials
        | AccountError::WeakPassword(_)
        | AccountError::EmailTaken
        | AccountError::InvalidEmail
        | AccountError::InvalidName
        | AccountError::InvalidMunicipality => ErrorInfo::new(ACCOUNT, e.to_string()),
        AccountError::Db(_) | AccountError::Hash(_) => internal(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    meta: Meta,
    status: u16,
    heading: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let info = self.report();
        let (status, heading) = (info.kind.status, info.kind.title);
        let meta = Meta {
            title: heading.to_owned(),
            description: info.detail.clone(),
            canonical: String::new(),
            stylesheet: crate::site::stylesheet_path().to_owned(),
            section: Section::Other,
        };
        let page = ErrorPage {
            meta,
            status: status.as_u16(),
            heading,
            message: info.detail,
        };
        match render(&page) {
            Ok(html) => (status, html).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
