//! Lifecycle actions on a posting of the officer's municipality, duplication, the preview as
//! the public sees it, and the partner's confirmation of a shared offer.

use super::PathId;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use jobboard_domain::DomainError;
use jobboard_domain::postings::mutations;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::queries::{self, Posting};
use serde::Deserialize;

use super::editor::conflict;
use super::notice::Notice;
use super::session::Officer;
use crate::{AppError, AppResult, AppState};

/// The one place that decides whether officers may edit a posting here. Postings that came from
/// a feed import belong to their source and are shown read-only.
pub fn read_only_reason(p: &Posting) -> Option<&'static str> {
    p.source_id.map(|_| {
        "Diese Anzeige wurde aus einer anderen Quelle übernommen und kann nur dort geändert werden."
    })
}

/// Posting `id` if it belongs to the officer's municipality; another municipality's posting is
/// "not found", so its existence is not revealed.
pub async fn load_owned(state: &AppState, officer: &Officer, id: i64) -> AppResult<Posting> {
    queries::find_by_id(&state.db, id)
        .await?
        .filter(|p| p.municipality_id == officer.municipality_id)
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    action: String,
    version: String,
    /// `datetime-local` in Berlin time, for scheduling.
    at: String,
    loaded: String,
}

fn berlin_local(s: &str) -> Option<DateTime<Utc>> {
    let t = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Berlin
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

pub async fn change_status(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    if let Some(why) = read_only_reason(&p) {
        return Err(AppError::Refused(StatusCode::CONFLICT, why.to_owned()));
    }
    let request = match form.action.as_str() {
        "publish" => Request::Publish,
        "schedule" => Request::Schedule(berlin_local(&form.at).ok_or_else(|| {
            AppError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Bitte geben Sie Datum und Uhrzeit der Veröffentlichung an.".into(),
            )
        })?),
        "unpublish" => Request::Unpublish,
        "archive" => Request::Archive,
        "republish" => Request::Republish,
        _ => return Err(AppError::BadRequest("Unbekannte Aktion.".into())),
    };
    let version = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Die Versionsangabe des Formulars fehlt.".into()))?;
    let actor = officer.session.user.actor();
    match transition(&state.db, id, version, request, &actor, Utc::now()).await {
        Ok(_) => Ok(Notice::StatusChanged.redirect(&format!("/verwaltung/anzeigen/{id}"))),
        Err(DomainError::Conflict { .. }) => {
            let since = DateTime::parse_from_rfc3339(&form.loaded)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(p.updated_at);
            conflict(&state, &officer, &p, since).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn duplicate_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    load_owned(&state, &officer, id).await?;
    let copy =
        mutations::duplicate_posting(&state.db, id, &officer.session.user.actor(), Utc::now())
            .await?;
    Ok(Notice::Saved.redirect(&format!("/verwaltung/anzeigen/{}", copy.id)))
}

/// The posting exactly as its public page will show it, whatever its status.
pub async fn preview_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    crate::pages::render_detail(&state, p, Utc::now()).await
}

async fn set_partnership(
    state: AppState,
    officer: Officer,
    id: i64,
    confirmed: bool,
) -> AppResult<Response> {
    // Only a municipality named as partner may answer; for anyone else the offer does not exist.
    let named = queries::partners_of(&state.db, id)
        .await?
        .iter()
        .any(|x| x.municipality_id == officer.municipality_id);
    if !named {
        return Err(AppError::NotFound);
    }
    mutations::set_partner_confirmation(
        &state.db,
        id,
        officer.municipality_id,
        confirmed,
        &officer.session.user.actor(),
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to("/verwaltung").into_response())
}

pub async fn confirm_partnership(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    set_partnership(state, officer, id, true).await
}

pub async fn decline_partnership(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    set_partnership(state, officer, id, false).await
}
