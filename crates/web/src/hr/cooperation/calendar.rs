//! The cover calendar of a municipality: an iCalendar feed at a secret address
//! (`/kalender/vertretungen/{token}.ics`) that an officer makes, rotates and revokes in the
//! workspace. The feed itself needs no session: the token is the key, and it reads only its
//! own municipality's confirmed cover.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::cover::{FeedPurpose, feed_tokens, ledger};
use jobboard_feeds::ical::{CoverEntry, cover_calendar};

use super::name_of;
use super::overview;
use crate::hr::notice::Notice;
use crate::hr::session::Officer;
use crate::{AppError, AppResult, AppState};

/// A new calendar address (the old one stops working); shown once on the overview.
pub async fn rotate_calendar(
    State(state): State<AppState>,
    officer: Officer,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    let token = feed_tokens::rotate(
        &state.db,
        officer.municipality_id,
        FeedPurpose::Calendar,
        &actor,
        Utc::now(),
    )
    .await?;
    let url = state
        .site
        .url(&format!("/kalender/vertretungen/{token}.ics"));
    overview(&state, &officer, String::new(), Some(url)).await
}

pub async fn revoke_calendar(
    State(state): State<AppState>,
    officer: Officer,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    feed_tokens::revoke(
        &state.db,
        officer.municipality_id,
        FeedPurpose::Calendar,
        &actor,
        Utc::now(),
    )
    .await?;
    Ok(Notice::FeedRevoked.redirect("/verwaltung/zusammenarbeit"))
}

/// The feed: an unknown, revoked or malformed token is "not found", as any other address.
pub async fn cover_ics(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let municipality = feed_tokens::authenticate(&state.db, FeedPurpose::Calendar, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = state.members().await?;
    let events = ledger::calendar_events(&state.db, municipality).await?;
    let entries: Vec<CoverEntry> = events
        .iter()
        .map(|e| CoverEntry {
            event: e,
            provider: name_of(&members, e.provider),
            receiver: name_of(&members, e.receiver),
            giving: e.provider == municipality,
        })
        .collect();
    let own = name_of(&members, municipality);
    let host = url::Url::parse(&state.site.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned());
    let body = cover_calendar(&format!("Vertretungen {own}"), &host, &entries);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}
