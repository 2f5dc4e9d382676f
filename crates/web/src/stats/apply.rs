//! `/stellen/{slug}/bewerben`: the „Jetzt bewerben“ button goes through here so the click is
//! counted without script. It leads only to what the public posting itself names: 303 to its
//! stored application address, or, for an application by e-mail, a small page with the
//! `mailto:` link. Nothing of the request decides where it leads (no open redirect); a posting
//! that is unknown or not public is 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::stats::CountEvent;

use super::Visit;
use crate::page::{Meta, Section, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "pages/apply_mail.html")]
struct MailPage {
    meta: Meta,
    p: Posting,
    owner: Municipality,
    mail: String,
}

pub async fn apply(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Visit(visit): Visit,
) -> AppResult<Response> {
    let now = Utc::now();
    let p = queries::find_by_slug(&state.db, &slug)
        .await?
        .filter(|p| queries::is_publicly_visible(p, now))
        .ok_or(AppError::NotFound)?;
    let url = p
        .apply_url
        .as_deref()
        .map(str::trim)
        .filter(|u| jobboard_domain::stats::host_of(u).is_some())
        .map(str::to_owned);
    if url.is_none() && p.apply_email.is_none() {
        return Err(AppError::NotFound);
    }
    if let Some(source) = visit {
        state.counter.add(p.id, CountEvent::Apply, source);
    }
    if let Some(url) = url {
        let location = HeaderValue::from_str(&url).map_err(|_| AppError::NotFound)?;
        return Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response());
    }
    let members = state.members().await?;
    let owner = members
        .iter()
        .find(|m| m.id == p.municipality_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let page = MailPage {
        meta: Meta::new(
            &state.site,
            &format!("Bewerben: {}", p.title),
            "Bewerbung per E-Mail",
            None,
            Section::Jobs,
        ),
        mail: p.apply_email.clone().unwrap_or_default(),
        p,
        owner,
    };
    let mut response = render_status(StatusCode::OK, &page)?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
