//! Creating and editing a posting: one form for every field, errors beside the fields, input
//! kept on error, Markdown preview, and a conflict page instead of overwriting a newer version.

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::postings::{PostingDraft, mutations, queries};
use jobboard_domain::{DomainError, berlin};
use serde::Deserialize;

use super::form::{Group, PartnerChoice, Submitted, groups, partner_choices};
use super::history::{Change, changes_since};
use super::nav::{HrNav, meta};
use super::postings::{load_owned, read_only_reason};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/editor.html")]
struct EditorPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    action: String,
    /// `None` for a new posting.
    posting: Option<PostingInfo>,
    version: i32,
    loaded: String,
    groups: Vec<Group>,
    partners: Vec<PartnerChoice>,
    partner_errors: Vec<String>,
    error_links: Vec<(String, String)>,
    notice: &'static str,
    read_only: &'static str,
}

struct PostingInfo {
    id: i64,
    status: &'static str,
    status_code: &'static str,
    public_path: String,
    publishable: bool,
}

#[derive(Template)]
#[template(path = "hr/conflict.html")]
struct ConflictPage {
    meta: Meta,
    nav: HrNav,
    id: i64,
    title: String,
    changes: Vec<Change>,
}

fn error_links(errors: &ValidationErrors) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|e| {
            let target = if e.field == "partners" {
                "partner-wahl".to_owned()
            } else {
                format!("f-{}", e.field)
            };
            (target, e.message.clone())
        })
        .collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "one render path for every editor outcome"
)]
async fn editor(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    posting: Option<&queries::Posting>,
    submitted: &Submitted,
    errors: &ValidationErrors,
    preview: bool,
    notice: &'static str,
) -> AppResult<Response> {
    let members = state.members().await?;
    let (heading, action, info, version, loaded, read_only) = match posting {
        Some(p) => (
            format!("Anzeige bearbeiten: {}", p.title),
            format!("/verwaltung/anzeigen/{}", p.id),
            Some(PostingInfo {
                id: p.id,
                status: p.status.label(),
                status_code: p.status.code(),
                public_path: format!("/stellen/{}", p.slug),
                publishable: p.application_deadline >= berlin::today(Utc::now()),
            }),
            p.version,
            p.updated_at.to_rfc3339(),
            read_only_reason(p).unwrap_or(""),
        ),
        None => (
            "Neue Anzeige".to_owned(),
            "/verwaltung/anzeigen".to_owned(),
            None,
            0,
            String::new(),
            "",
        ),
    };
    let page = EditorPage {
        meta: meta(state, &heading),
        nav: HrNav::new(&officer.session, if posting.is_none() { "neu" } else { "" }),
        heading,
        action,
        posting: info,
        version,
        loaded,
        groups: groups(submitted, errors, preview),
        partners: partner_choices(submitted, &members, officer.municipality_id),
        partner_errors: errors.for_field("partners").map(str::to_owned).collect(),
        error_links: error_links(errors),
        notice,
        read_only,
    };
    Ok(render_status(status, &page)?)
}

pub async fn new_posting(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let mut pairs: Vec<(String, String)> = [
        ("kind", "job"),
        ("category", "verwaltung"),
        ("employment", "full_time"),
        ("contract", "permanent"),
        ("pay_scheme", "tvoed_vka_eg"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    // Most postings are in the municipality itself.
    if let Some(m) = state
        .members()
        .await?
        .iter()
        .find(|m| m.id == officer.municipality_id)
    {
        pairs.push(("location_place".into(), m.name.clone()));
    }
    let s = Submitted::new(pairs);
    editor(
        &state,
        &officer,
        StatusCode::OK,
        None,
        &s,
        &ValidationErrors::default(),
        false,
        "",
    )
    .await
}

pub async fn create_posting(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let (draft, errors) = s.parse(officer.municipality_id);
    if s.get("aktion") == "vorschau" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return editor(
            &state,
            &officer,
            status,
            None,
            &s,
            &errors,
            s.get("aktion") == "vorschau",
            "",
        )
        .await;
    }
    let actor = officer.session.user.actor();
    match mutations::create_posting(
        &state.db,
        officer.municipality_id,
        draft,
        &actor,
        Utc::now(),
    )
    .await
    {
        Ok(p) => Ok(
            Redirect::to(&format!("/verwaltung/anzeigen/{}?gespeichert=1", p.id)).into_response(),
        ),
        Err(DomainError::Validation(errors)) => {
            editor(
                &state,
                &officer,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                &s,
                &errors,
                false,
                "",
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    gespeichert: Option<String>,
    status: Option<String>,
}

pub async fn edit_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<EditQuery>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    let partners = queries::partners_of(&state.db, p.id)
        .await?
        .into_iter()
        .map(|x| jobboard_domain::postings::PartnerDraft {
            municipality_id: x.municipality_id,
            note: x.note,
        })
        .collect();
    let s = Submitted::from_draft(&PostingDraft::from_model(&p, partners));
    let notice = if q.gespeichert.is_some() {
        "Gespeichert."
    } else if q.status.is_some() {
        "Der Status ist geändert."
    } else {
        ""
    };
    editor(
        &state,
        &officer,
        StatusCode::OK,
        Some(&p),
        &s,
        &ValidationErrors::default(),
        false,
        notice,
    )
    .await
}

pub async fn update_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    if let Some(why) = read_only_reason(&p) {
        return Err(crate::AppError::Refused(
            StatusCode::CONFLICT,
            why.to_owned(),
        ));
    }
    let s = Submitted::new(pairs);
    let (draft, errors) = s.parse(officer.municipality_id);
    if s.get("aktion") == "vorschau" || !errors.is_empty() {
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return editor(
            &state,
            &officer,
            status,
            Some(&p),
            &s,
            &errors,
            s.get("aktion") == "vorschau",
            "",
        )
        .await;
    }
    let Ok(version) = s.get("version").trim().parse::<i32>() else {
        return Err(crate::AppError::BadRequest(
            "Die Versionsangabe des Formulars fehlt.".into(),
        ));
    };
    let actor = officer.session.user.actor();
    match mutations::update_posting(&state.db, id, version, draft, &actor, Utc::now()).await {
        Ok(p) => Ok(
            Redirect::to(&format!("/verwaltung/anzeigen/{}?gespeichert=1", p.id)).into_response(),
        ),
        Err(DomainError::Validation(errors)) => {
            editor(
                &state,
                &officer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&p),
                &s,
                &errors,
                false,
                "",
            )
            .await
        }
        Err(DomainError::Conflict { .. }) => {
            let since = DateTime::parse_from_rfc3339(s.get("loaded"))
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(p.updated_at);
            conflict(&state, &officer, &p, since).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 409: someone saved in between. Shows what they changed; nothing of this request was saved.
pub async fn conflict(
    state: &AppState,
    officer: &Officer,
    p: &queries::Posting,
    since: DateTime<Utc>,
) -> AppResult<Response> {
    let page = ConflictPage {
        meta: meta(state, "Zwischenzeitlich geändert"),
        nav: HrNav::new(&officer.session, ""),
        id: p.id,
        title: p.title.clone(),
        changes: changes_since(state, p.id, since).await?,
    };
    Ok(render_status(StatusCode::CONFLICT, &page)?)
}
