//! Every error a handler can return, rendered both ways: the page and problem+json must agree.

#![expect(clippy::unwrap_used, reason = "tests")]

use axum::body::to_bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::Utc;
use jobboard_domain::DomainError;
use jobboard_domain::accounts::AccountError;
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::postings::lifecycle::{LifecycleError, Transition};
use jobboard_domain::postings::validation::{FieldError, ValidationErrors};
use sea_orm::DbErr;

use super::AppError;
use crate::api::problem::ApiError;

/// A stale version; the one place that names `Conflict`'s fields.
fn conflict() -> DomainError {
    DomainError::Conflict {
        entity: jobboard_domain::audit::AuditEntity::Course,
        expected: 1,
        current: 2,
    }
}

/// One value of every variant, nested ones included.
fn every_error() -> Vec<AppError> {
    use AccountError as A;
    use LifecycleError as L;
    let validation = ValidationErrors(vec![FieldError {
        field: "title",
        message: "Bitte geben Sie einen Titel an.".into(),
    }]);
    let lifecycle = [
        L::NotAllowed {
            transition: Transition::Unpublish,
            from: PostingStatus::Draft,
        },
        L::DeadlinePassed,
        L::ScheduleInPast,
        L::ScheduleAfterDeadline {
            expires_at: Utc::now(),
        },
        L::NotDue,
    ];
    let accounts = [
        A::InvalidCredentials,
        A::Throttled,
        A::WeakPassword("Das Passwort ist zu kurz."),
        A::InvalidToken,
        A::EmailTaken,
        A::InvalidEmail,
        A::InvalidName,
        A::InvalidMunicipality,
        A::NotFound,
        A::Db(DbErr::Custom("account table gone".into())),
        A::Hash("bad params".into()),
    ];
    let mut all = vec![
        AppError::NotFound,
        AppError::BadRequest("Die Versionsangabe des Formulars fehlt.".into()),
        AppError::Domain(DomainError::Validation(validation)),
        AppError::Domain(DomainError::NotFound),
        AppError::Domain(conflict()),
        AppError::Domain(DomainError::Refused(
            "Die Anmeldefrist ist abgelaufen.".into(),
        )),
        AppError::Domain(DomainError::Db(DbErr::Custom("disk full".into()))),
        AppError::Db(DbErr::Custom("disk full".into())),
        AppError::Template(askama::Error::Fmt),
        AppError::SearchUnavailable("connection refused".into()),
        AppError::Forbidden,
        AppError::Refused(
            StatusCode::FORBIDDEN,
            "Sicherheitsprüfung fehlgeschlagen.".into(),
        ),
        AppError::Internal("harvest task panicked".into()),
    ];
    all.extend(lifecycle.map(|e| AppError::Domain(e.into())));
    all.extend(accounts.map(AppError::Account));
    all
}

/// The variant's name. The match has no wildcard, so a new variant does not compile until it
/// is named here, and the count below fails until [`every_error`] has one of it.
fn variant(e: &AppError) -> String {
    let domain = |d: &DomainError| match d {
        DomainError::Validation(_) => "Validation".to_owned(),
        DomainError::Lifecycle(l) => format!("Lifecycle::{l:?}")
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_owned(),
        DomainError::NotFound => "NotFound".into(),
        DomainError::Conflict { .. } => "Conflict".into(),
        DomainError::Refused(_) => "Refused".into(),
        DomainError::Db(_) => "Db".into(),
    };
    match e {
        AppError::NotFound => "NotFound".into(),
        AppError::BadRequest(_) => "BadRequest".into(),
        AppError::Domain(d) => format!("Domain::{}", domain(d)),
        AppError::Db(_) => "Db".into(),
        AppError::Template(_) => "Template".into(),
        AppError::SearchUnavailable(_) => "SearchUnavailable".into(),
        AppError::Forbidden => "Forbidden".into(),
        AppError::Refused(..) => "Refused".into(),
        AppError::Account(a) => format!("Account::{a:?}")
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_owned(),
        AppError::Internal(_) => "Internal".into(),
    }
}

const INTERNAL: [&str; 6] = [
    "Db",
    "Template",
    "Internal",
    "Domain::Db",
    "Account::Db",
    "Account::Hash",
];

async fn html(e: AppError) -> (StatusCode, String) {
    let r = e.into_response();
    let status = r.status();
    let body = to_bytes(r.into_body(), usize::MAX).await.unwrap();
    let body = String::from_utf8(body.to_vec()).unwrap();
    let title = body
        .split("<h1>")
        .nth(1)
        .and_then(|s| s.split("</h1>").next())
        .unwrap_or_else(|| panic!("no heading: {body}"))
        .to_owned();
    (status, title)
}

async fn problem(e: impl Into<ApiError>) -> (StatusCode, serde_json::Value) {
    let r = e.into().into_response();
    let status = r.status();
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body = to_bytes(r.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn every_error_has_one_status_and_title_on_the_page_and_in_problem_json() {
    let names: Vec<String> = every_error().iter().map(variant).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        names.len(),
        "one value per variant: {names:?}"
    );
    // 8 plain AppError variants + 5 domain + 5 lifecycle + 11 account.
    assert_eq!(
        names.len(),
        29,
        "a new variant needs a value in every_error: {names:?}"
    );

    for ((page_err, api_err), name) in every_error().into_iter().zip(every_error()).zip(names) {
        let info = page_err.info();
        let (page_status, page_title) = html(page_err).await;
        let (api_status, body) = problem(api_err).await;
        assert_eq!(page_status, api_status, "{name}");
        assert_eq!(page_title, body["title"], "{name}");
        assert_eq!(body["status"], api_status.as_u16(), "{name}");
        assert_eq!(page_status, info.kind.status, "{name}");
        let kind = body["type"].as_str().unwrap();
        assert_eq!(
            kind,
            format!("urn:x-partheland:stellenboerse:problem:{}", info.kind.slug),
            "{name}"
        );
        assert!(!body["detail"].as_str().unwrap().is_empty(), "{name}");
        let internal = INTERNAL.contains(&name.as_str());
        assert_eq!(
            page_status == StatusCode::INTERNAL_SERVER_ERROR,
            internal,
            "only internal errors are 500: {name}"
        );
        if internal {
            // Shown generically: nothing of the cause reaches people or clients.
            let detail = body["detail"].as_str().unwrap();
            assert!(
                !detail.contains("disk") && !detail.contains("Datenbank"),
                "{name}: {detail}"
            );
        }
    }
}

/// Before there was one description, the API had no arm for these and answered 500.
#[tokio::test]
async fn the_api_answers_refusals_forbidden_and_account_errors_like_the_pages_not_with_500() {
    let why = "Die Anmeldefrist ist abgelaufen.";
    let (status, body) = problem(AppError::Domain(DomainError::Refused(why.into()))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["title"], "Nicht möglich");
    assert_eq!(body["detail"], why);
    let (status, _) = problem(DomainError::Refused(why.into())).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the same through From<DomainError>"
    );

    let (status, body) = problem(AppError::Forbidden).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["title"], "Kein Zugriff");

    let (status, body) = problem(AppError::Account(AccountError::EmailTaken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["detail"],
        "Für diese E-Mail-Adresse gibt es schon ein Konto."
    );
    let (status, _) = problem(AppError::Account(AccountError::Throttled)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _) = problem(AppError::Refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        "zu groß".into(),
    ))
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn validation_errors_keep_their_field_list_in_problem_json() {
    let mut v = ValidationErrors::default();
    v.add("title", "Bitte geben Sie einen Titel an.");
    v.add(
        "application_deadline",
        "Bitte geben Sie die Bewerbungsfrist an.",
    );
    let (status, body) = problem(DomainError::Validation(v)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "title");
    assert_eq!(body["errors"][1]["field"], "application_deadline");
    assert_eq!(
        body["errors"][1]["message"],
        "Bitte geben Sie die Bewerbungsfrist an."
    );
}

#[tokio::test]
async fn a_conflict_says_what_the_domain_says() {
    let e = conflict();
    let said = e.to_string();
    let (status, body) = problem(e).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["detail"], said);
}
