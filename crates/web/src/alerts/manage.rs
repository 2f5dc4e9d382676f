//! The management page of a search alert, behind the token of a mail's link: confirm, change
//! search text or frequency, pause, resume, keep, delete. The token is the only key: no alert
//! id is ever read from the address or the form, so one alert's link cannot touch another.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::alerts::{AlertDraft, AlertStatus, Frequency, SearchAlert, mutations, tokens};
use jobboard_domain::audit::AuditAction;
use jobboard_domain::{Actor, DomainError, berlin};

use super::signup::MessagePage;
use super::{FeedAnchor, describe, feeds_of};
use crate::hr::form::{Submitted, error_links};
use crate::page::{Meta, Section, render, render_status};
use crate::search_params::{PER_PAGE, SearchParam, parse};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "alerts/manage.html")]
struct ManagePage {
    meta: Meta,
    notice: &'static str,
    error_links: Vec<(String, String)>,
    base: String,
    description: String,
    scope: &'static str,
    search_url: String,
    frequency: &'static str,
    status: &'static str,
    requested: String,
    confirmed: String,
    consent_version: String,
    last_sent: String,
    pending: bool,
    keep_asked: bool,
    editable: bool,
    paused: bool,
    version: i32,
    text: String,
    text_error: String,
    weekly: bool,
    feeds: Vec<FeedAnchor>,
}

/// The alert of `token`, or the German "no such alert" page.
pub(crate) async fn alert_of(state: &AppState, token: &str) -> AppResult<SearchAlert> {
    tokens::find(&state.db, token, Utc::now())
        .await?
        .ok_or_else(|| {
            AppError::Refused(
                StatusCode::NOT_FOUND,
                "Diesen Suchauftrag gibt es nicht (mehr). Vielleicht wurde er gelöscht, oder der Link ist unvollständig.".into(),
            )
        })
}

fn notice_of(code: &str) -> &'static str {
    match code {
        "hinweis=bestaetigt" => {
            "Danke! Ihr Suchauftrag ist bestätigt. Neue Angebote kommen ab jetzt per E-Mail."
        }
        "hinweis=geaendert" => "Ihre Änderungen sind gespeichert.",
        "hinweis=pausiert" => {
            "Der Suchauftrag ist pausiert. Bis Sie ihn fortsetzen, senden wir nichts."
        }
        "hinweis=fortgesetzt" => "Der Suchauftrag läuft wieder.",
        "hinweis=behalten" => "Danke! Der Suchauftrag bleibt bestehen.",
        _ => "",
    }
}

pub async fn show_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    let notice = notice_of(raw.as_deref().unwrap_or_default());
    let page = manage_page(&state, &token, &alert, notice, None).await?;
    Ok(render(&page)?.into_response())
}

async fn manage_page(
    state: &AppState,
    token: &str,
    a: &SearchAlert,
    notice: &'static str,
    text_error: Option<(String, String)>,
) -> AppResult<ManagePage> {
    let members = state.members().await?;
    let training = a.scope == jobboard_domain::alerts::AlertScope::Training;
    let text = parse(Some(&a.query), &members, training, PER_PAGE)
        .map(|(q, _)| q.text)
        .unwrap_or_default();
    let (text, text_error) = text_error.unwrap_or((text, String::new()));
    let errors = error_links_of(&text_error);
    Ok(ManagePage {
        meta: Meta::new(
            &state.site,
            "Ihr Suchauftrag",
            "Suchauftrag verwalten.",
            None,
            Section::Other,
        ),
        notice,
        error_links: errors,
        base: format!("/suchauftrag/{token}"),
        description: describe(a.scope, &a.query, &members),
        scope: a.scope.label(),
        search_url: if a.query.is_empty() {
            a.scope.path().to_owned()
        } else {
            format!("{}?{}", a.scope.path(), a.query)
        },
        frequency: a.frequency.label(),
        status: a.status.label(),
        requested: berlin::format_datetime(a.created_at),
        confirmed: a
            .confirmed_at
            .map(berlin::format_datetime)
            .unwrap_or_default(),
        consent_version: a.consent_version.clone(),
        last_sent: a
            .last_sent_at
            .map(berlin::format_datetime)
            .unwrap_or_default(),
        pending: a.status == AlertStatus::Pending,
        keep_asked: a.keep_asked_at.is_some(),
        editable: a.status.is_confirmed(),
        paused: a.status == AlertStatus::Paused,
        version: a.version,
        text,
        text_error,
        weekly: a.frequency == Frequency::Weekly,
        feeds: feeds_of(a.scope, &a.query),
    })
}

fn error_links_of(text_error: &str) -> Vec<(String, String)> {
    let mut errors = jobboard_domain::postings::validation::ValidationErrors::default();
    if !text_error.is_empty() {
        errors.add("q", text_error.to_owned());
    }
    error_links(&errors, |_| None)
}

fn back_to(token: &str, notice: &str) -> Response {
    Redirect::to(&format!("/suchauftrag/{token}?hinweis={notice}")).into_response()
}

pub async fn confirm_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    mutations::confirm(&state.db, alert.id, Utc::now()).await?;
    Ok(back_to(&token, "bestaetigt"))
}

pub async fn pause_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    mutations::pause(&state.db, alert.id, Utc::now()).await?;
    Ok(back_to(&token, "pausiert"))
}

pub async fn resume_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    mutations::resume(&state.db, alert.id, Utc::now()).await?;
    Ok(back_to(&token, "fortgesetzt"))
}

pub async fn keep_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    mutations::keep(&state.db, alert.id, Utc::now()).await?;
    Ok(back_to(&token, "behalten"))
}

/// Change the search text (the other filters stay) and the frequency.
pub async fn change_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    let s = Submitted::new(pairs);
    let members = state.members().await?;
    let text = s.get("q").trim().to_owned();
    let training = alert.scope == jobboard_domain::alerts::AlertScope::Training;
    let Ok((_, params)) = parse(Some(&alert.query), &members, training, PER_PAGE) else {
        return Err(AppError::NotFound);
    };
    let mut pairs: Vec<(String, String)> = params
        .kept
        .iter()
        .filter(|(k, _)| *k != SearchParam::Text)
        .map(|(k, v)| (k.name().to_owned(), v.clone()))
        .collect();
    if !text.is_empty() {
        pairs.insert(0, (SearchParam::Text.name().to_owned(), text.clone()));
    }
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let text_error = match parse(Some(&query), &members, training, PER_PAGE) {
        Err(e) => Some(e.to_string()),
        Ok(_) if query.len() > jobboard_domain::alerts::MAX_QUERY_BYTES => {
            Some("Der Suchbegriff ist zu lang.".to_owned())
        }
        Ok(_) => None,
    };
    if let Some(e) = text_error {
        let page = manage_page(&state, &token, &alert, "", Some((text, e))).await?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
    }
    let draft = AlertDraft {
        email: String::new(),
        scope: alert.scope,
        query,
        frequency: Frequency::from_code(s.get("frequency")).unwrap_or(alert.frequency),
        consent: true,
    };
    let version = s.get("version").trim().parse().unwrap_or(alert.version);
    mutations::update(&state.db, alert.id, version, &draft, Utc::now()).await?;
    Ok(back_to(&token, "geaendert"))
}

pub async fn delete_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    let now = Utc::now();
    match mutations::delete(
        &state.db,
        alert.id,
        AuditAction::Deleted,
        &Actor::public(),
        now,
    )
    .await
    {
        Ok(()) | Err(DomainError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    deleted_page(&state, &alert)
}

/// After deleting or unsubscribing: what is gone, and the feed as the alternative.
pub(crate) fn deleted_page(state: &AppState, alert: &SearchAlert) -> AppResult<Response> {
    let page = MessagePage {
        meta: Meta::new(
            &state.site,
            "Suchauftrag gelöscht",
            "Suchauftrag gelöscht.",
            None,
            Section::Other,
        ),
        heading: "Suchauftrag gelöscht",
        paragraphs: vec![
            "Ihr Suchauftrag und Ihre E-Mail-Adresse sind gelöscht. Sie erhalten dazu keine E-Mails mehr.".into(),
        ],
        feeds: feeds_of(alert.scope, &alert.query),
        back: alert.scope.path().to_owned(),
        back_label: "Zur Suche",
    };
    Ok(render(&page)?.into_response())
}
