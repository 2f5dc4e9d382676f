//! RFC 9457 problem details: the JSON twin of [`AppError`] for everything under `/api`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jobboard_domain::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;
use crate::error::{self, ErrorInfo, Kind};

/// An error answer (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short German summary of the kind of problem.
    pub title: String,
    pub status: u16,
    /// German explanation of this occurrence.
    pub detail: String,
    /// Every field with a problem, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An API error; answers as problem+json.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub slug: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            slug,
            title,
            detail: detail.into(),
            errors: vec![],
            retry_after: None,
        }
    }

    /// An answer of one of the shared kinds (the HTML pages use the same ones).
    fn of(kind: Kind, detail: impl Into<String>) -> Self {
        Self::new(kind.status, kind.slug, kind.title, detail)
    }

    pub fn not_found() -> Self {
        Self::of(
            error::NOT_FOUND,
            "Diese Adresse gibt es in der API nicht, oder der Eintrag ist nicht (mehr) öffentlich.",
        )
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::of(error::BAD_REQUEST, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Nicht angemeldet",
            detail,
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::of(error::FORBIDDEN, detail)
    }

    pub fn validation(errors: Vec<FieldProblem>) -> Self {
        Self {
            errors,
            ..Self::of(
                error::VALIDATION,
                "Bitte korrigieren Sie die unter „errors“ genannten Felder.",
            )
        }
    }

    pub fn internal() -> Self {
        Self::of(error::INTERNAL, error::INTERNAL_DETAIL)
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("urn:x-partheland:stellenboerse:problem:{}", self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self
                .errors
                .iter()
                .map(|e| FieldProblem {
                    field: e.field.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        }
    }
}

/// The problem+json rendering of the one description every error has (see [`ErrorInfo`]).
impl From<ErrorInfo> for ApiError {
    fn from(info: ErrorInfo) -> Self {
        Self {
            errors: info
                .fields
                .into_iter()
                .map(|e| FieldProblem {
                    field: e.field.to_owned(),
                    message: e.message,
                })
                .collect(),
            ..Self::of(info.kind, info.detail)
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        e.report().into()
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        // Two pushes of the same new posting at once: the second one hits the unique index.
        if let DomainError::Db(db) = &e
            && matches!(
                db.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            )
        {
            return Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "Gleichzeitig geändert",
                "Dieselbe Anzeige wurde gleichzeitig ein zweites Mal gesendet. Bitte senden Sie sie erneut.",
            );
        }
        AppError::Domain(e).into()
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        AppError::Db(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            h.insert(header::RETRY_AFTER, v);
        }
        response
    }
}

pub async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Methode nicht erlaubt",
        "Diese Adresse unterstützt die verwendete HTTP-Methode nicht.",
    )
}
