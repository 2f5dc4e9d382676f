//! The management page of a search alert, behind the token of a mail's link: confirm, change
//! the search (text and every filter of the results page) or the frequency, pause, resume,
//! keep, delete. The token is the only key: no alert id is ever read from the address or the
//! form, so one alert's link cannot touch another.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::alerts::{
    AlertDraft, AlertStatus, Frequency, SearchAlert, mutations, tokens, validate,
};
use jobboard_domain::audit::AuditAction;
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::{Actor, DomainError, berlin};

use super::signup::MessagePage;
use super::{FREQUENCY_ERROR, FeedAnchor, alert_query, describe, feeds_of};
use crate::hr::form::error_links;
use crate::page::{Meta, Section, render, render_status};
use crate::pages::search::{Choice, FacetGroup, filter_groups, places, radii};
use crate::search_params::{PER_PAGE, ParamError, SearchParam, parse};
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
    /// The filters of the search, every value offered, the alert's (or the sent) ones checked.
    filters: Vec<FacetGroup>,
    places: Vec<Choice>,
    radii: Vec<Choice>,
    filter_error: String,
    frequency_error: String,
    weekly: bool,
    feeds: Vec<FeedAnchor>,
}

/// What the change form shows after a refused change: what was sent, and why not.
struct Refused {
    text: String,
    /// The filters sent, as a query string.
    filters: String,
    weekly: bool,
    errors: ValidationErrors,
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
    refused: Option<Refused>,
) -> AppResult<ManagePage> {
    let members = state.members().await?;
    let training = a.scope == jobboard_domain::alerts::AlertScope::Training;
    let (text, filters, weekly, errors) = match refused {
        Some(r) => (r.text, r.filters, r.weekly, r.errors),
        None => {
            let text = parse(Some(&a.query), &members, training, PER_PAGE)
                .map(|(q, _)| q.text)
                .unwrap_or_default();
            let weekly = a.frequency == Frequency::Weekly;
            (text, a.query.clone(), weekly, ValidationErrors::default())
        }
    };
    // Values that name nothing (any more) are not offered, so they are not checked either.
    let params = parse(Some(&filters), &members, training, PER_PAGE)
        .map(|(_, p)| p)
        .unwrap_or_default();
    let message = |field: &str| errors.for_field(field).collect::<Vec<_>>().join(" ");
    Ok(ManagePage {
        meta: Meta::new(
            &state.site,
            "Ihr Suchauftrag",
            "Suchauftrag verwalten.",
            None,
            Section::Other,
        ),
        notice,
        error_links: error_links(&errors, |_| None),
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
        text_error: message("q"),
        filters: filter_groups(&params, &members, training, None),
        places: places(&params, &members),
        radii: radii(&params),
        filter_error: message("query"),
        frequency_error: message("frequency"),
        weekly,
        feeds: feeds_of(a.scope, &a.query),
    })
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

/// Change the search (text and filters) and the frequency. Bad values get the form back with
/// German field errors, and nothing is changed.
pub async fn change_alert(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    let members = state.members().await?;
    let mut text = String::new();
    let mut chosen: Vec<(&str, &str)> = Vec::new();
    let mut frequency = None;
    let mut version = None;
    for (name, value) in &pairs {
        let value = value.trim();
        match name.as_str() {
            "frequency" => frequency = Some(value.to_owned()),
            "version" => version = value.parse::<i32>().ok(),
            n => match SearchParam::from_name(n) {
                Some(SearchParam::Text) => value.clone_into(&mut text),
                Some(p) if p.narrows() && !value.is_empty() => chosen.push((n, value)),
                _ => {}
            },
        }
    }
    let filters = encode(&chosen);
    let mut errors = ValidationErrors::default();
    let frequency = match frequency.as_deref().map(Frequency::from_code) {
        None => alert.frequency,
        Some(Some(f)) => f,
        Some(None) => {
            errors.add("frequency", FREQUENCY_ERROR);
            alert.frequency
        }
    };
    if !text.is_empty() {
        chosen.insert(0, (SearchParam::Text.name(), &text));
    }
    let raw = encode(&chosen);
    let query = alert_query(&raw, alert.scope, &members).unwrap_or_else(|e| {
        let field = if e == ParamError::TextTooLong {
            "q"
        } else {
            "query"
        };
        errors.add(field, e.to_string());
        String::new()
    });
    let draft = AlertDraft {
        email: String::new(),
        scope: alert.scope,
        query,
        frequency,
        consent: true,
    };
    // The rules of a stored alert (a query too long to keep, say), as the sign-up applies them.
    if errors.0.is_empty() {
        errors.0.extend(validate(&draft, false).0);
    }
    if !errors.0.is_empty() {
        let refused = Refused {
            text,
            filters,
            weekly: frequency == Frequency::Weekly,
            errors,
        };
        let page = manage_page(&state, &token, &alert, "", Some(refused)).await?;
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
    }
    let version = version.unwrap_or(alert.version);
    mutations::update(&state.db, alert.id, version, &draft, Utc::now()).await?;
    Ok(back_to(&token, "geaendert"))
}

fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
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
