//! One error type for every handler: a German error page for people; internal details are
//! logged once and never shown.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jobboard_domain::DomainError;
use jobboard_domain::accounts::AccountError;

use crate::page::{Meta, render};

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
    Account(#[from] jobboard_domain::accounts::AccountError),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

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
        let (status, heading, message) = match &self {
            Self::NotFound | Self::Domain(DomainError::NotFound) => (
                StatusCode::NOT_FOUND,
                "Seite nicht gefunden",
                "Die aufgerufene Seite gibt es nicht (mehr). Zur Startseite geht es über den Link oben.".to_owned(),
            ),
            Self::BadRequest(why) => (StatusCode::BAD_REQUEST, "Ungültige Anfrage", why.clone()),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "Kein Zugriff",
                "Diese Seite gehört nicht zu Ihrem Zugang.".to_owned(),
            ),
            Self::Refused(status, why) => (*status, "Nicht ausgeführt", why.clone()),
            Self::Account(AccountError::NotFound) => (
                StatusCode::NOT_FOUND,
                "Seite nicht gefunden",
                "Die aufgerufene Seite gibt es nicht (mehr).".to_owned(),
            ),
            Self::Account(AccountError::Db(_) | AccountError::Hash(_)) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Ein Fehler ist aufgetreten",
                    "Bitte versuchen Sie es in einigen Minuten erneut.".to_owned(),
                )
            }
            Self::Account(AccountError::Throttled) => {
                (StatusCode::TOO_MANY_REQUESTS, "Bitte warten", self.to_string())
            }
            Self::Account(AccountError::InvalidToken) => {
                (StatusCode::GONE, "Link ungültig", self.to_string())
            }
            Self::Account(e) => (StatusCode::UNPROCESSABLE_ENTITY, "Nicht möglich", e.to_string()),
            Self::Domain(DomainError::Conflict { .. }) => {
                (StatusCode::CONFLICT, "Zwischenzeitlich geändert", self.to_string())
            }
            Self::Domain(DomainError::Validation(e)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Angaben unvollständig", e.to_string())
            }
            Self::Domain(DomainError::Refused(why)) => {
                (StatusCode::CONFLICT, "Nicht möglich", why.clone())
            }
            Self::Domain(DomainError::Lifecycle(e)) => {
                (StatusCode::CONFLICT, "Nicht möglich", e.to_string())
            }
            Self::SearchUnavailable(why) => {
                tracing::warn!(error = %why, "search unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Suche vorübergehend nicht erreichbar",
                    "Die Suche ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.".to_owned(),
                )
            }
            Self::Domain(DomainError::Db(_)) | Self::Db(_) | Self::Template(_) | Self::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Ein Fehler ist aufgetreten",
                    "Bitte versuchen Sie es in einigen Minuten erneut.".to_owned(),
                )
            }
        };
        let meta = Meta {
            title: heading.to_owned(),
            description: message.clone(),
            canonical: String::new(),
            stylesheet: crate::site::stylesheet_path().to_owned(),
            section: "",
        };
        let page = ErrorPage {
            meta,
            status: status.as_u16(),
            heading,
            message,
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
