//! Internal vacancies in the workspace (issue 17): „Interne Stellen“ lists every member's
//! internal postings for every officer (read-only for the other municipalities), and each
//! municipality reads its own internal postings as a feed (RSS or JSON Feed) at a secret
//! address (`/intern/stellen/{token}.rss`, `.json`) for its intranet. The address is made,
//! rotated and revoked on the listing page; a token reads only its own municipality's
//! postings, and an unknown, revoked or malformed one is "not found".
//!
//! Which posting is internal is the one visibility rule of `postings::queries`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::berlin;
use jobboard_domain::cover::{FeedPurpose, feed_tokens};
use jobboard_domain::postings::queries;
use jobboard_feeds::export::{self, FeedEntry, FeedMeta, Format};

use super::PathId;
use super::cooperation::name_of;
use super::nav::{HrNav, NavKey, meta};
use super::notice::{Notice, NoticeQuery};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

pub struct InternalRow {
    pub id: i64,
    pub title: String,
    pub municipality: String,
    pub reference: String,
    pub deadline: String,
    pub public_from: String,
    /// The officer's own posting: it links to the editor too.
    pub own: bool,
}

#[derive(Template)]
#[template(path = "hr/internal.html")]
struct InternalPage {
    meta: Meta,
    nav: HrNav,
    notice: String,
    rows: Vec<InternalRow>,
    feed_since: Option<String>,
    /// The new feed addresses (RSS, JSON Feed), shown once right after they were made.
    feed_urls: Option<(String, String)>,
}

pub async fn show_internal(
    State(state): State<AppState>,
    officer: Officer,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    listing(&state, &officer, q.text().to_owned(), None).await
}

async fn listing(
    state: &AppState,
    officer: &Officer,
    notice: String,
    feed_urls: Option<(String, String)>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let now = Utc::now();
    let rows = queries::list_internal(&state.db, now, None)
        .await?
        .into_iter()
        .map(|p| InternalRow {
            id: p.id,
            municipality: name_of(&members, p.municipality_id),
            reference: p.reference_number.clone(),
            deadline: berlin::format_date(p.application_deadline),
            public_from: p
                .public_from
                .map(berlin::format_date)
                .unwrap_or_else(|| "bleibt intern".to_owned()),
            own: p.municipality_id == officer.municipality_id,
            title: p.title,
        })
        .collect();
    let feed_since = feed_tokens::active(&state.db, officer.municipality_id, FeedPurpose::Internal)
        .await?
        .map(|t| berlin::format_datetime(t.created_at));
    let page = InternalPage {
        meta: meta(state, "Interne Stellen"),
        nav: HrNav::new(&officer.session, NavKey::Internal),
        notice,
        rows,
        feed_since,
        feed_urls,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

/// An internal posting of any member, read-only, as it will look when public. Anything that
/// is not internal right now (a public posting, a draft, another's expired one) is "not
/// found" here: the owner has the editor and its preview.
pub async fn show_internal_posting(
    State(state): State<AppState>,
    _officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let now = Utc::now();
    let p = queries::find_by_id(&state.db, id)
        .await?
        .filter(|p| queries::is_internally_listed(p, now))
        .ok_or(AppError::NotFound)?;
    crate::pages::render_detail(&state, p, now).await
}

/// A new feed address (the old one stops working); shown once on the listing.
pub async fn rotate_internal_feed(
    State(state): State<AppState>,
    officer: Officer,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    let token = feed_tokens::rotate(
        &state.db,
        officer.municipality_id,
        FeedPurpose::Internal,
        &actor,
        Utc::now(),
    )
    .await?;
    let urls = (
        state.site.url(&format!("/intern/stellen/{token}.rss")),
        state.site.url(&format!("/intern/stellen/{token}.json")),
    );
    listing(&state, &officer, String::new(), Some(urls)).await
}

pub async fn revoke_internal_feed(
    State(state): State<AppState>,
    officer: Officer,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    feed_tokens::revoke(
        &state.db,
        officer.municipality_id,
        FeedPurpose::Internal,
        &actor,
        Utc::now(),
    )
    .await?;
    Ok(Notice::InternalFeedRevoked.redirect("/verwaltung/intern"))
}

/// The feed of one municipality's internal postings: `{token}.rss` or `{token}.json`.
pub async fn internal_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let (token, format) = if let Some(t) = file.strip_suffix(".rss") {
        (t, Format::Rss)
    } else if let Some(t) = file.strip_suffix(".json") {
        (t, Format::JsonFeed)
    } else {
        return Err(AppError::NotFound);
    };
    let municipality = feed_tokens::authenticate(&state.db, FeedPurpose::Internal, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let members = state.members().await?;
    let owner = members
        .iter()
        .find(|m| m.id == municipality)
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let postings = queries::list_internal(&state.db, now, Some(municipality)).await?;
    let entries: Vec<FeedEntry<'_>> = postings
        .iter()
        .map(|p| FeedEntry {
            posting: p,
            municipality: owner,
            partners: Vec::new(),
            // The public page does not exist yet: the item leads to where one applies.
            url: p
                .apply_url
                .clone()
                .or_else(|| {
                    p.apply_email
                        .as_deref()
                        .map(jobboard_domain::mailbox::mailto)
                })
                .unwrap_or_else(|| state.site.url(&format!("/stellen/{}", p.slug))),
        })
        .collect();
    let meta = FeedMeta {
        title: format!("Interne Stellen – {}", owner.name),
        description: format!(
            "Stellen der Kommune {} nur für Beschäftigte der Partheland-Kommunen.",
            owner.name
        ),
        page_url: state.site.url("/"),
        self_url: state
            .site
            .url(&format!("/intern/stellen/{token}.{}", format.extension())),
        updated: postings
            .iter()
            .map(|p| p.updated_at)
            .max()
            .unwrap_or(chrono::DateTime::UNIX_EPOCH),
    };
    let body =
        export::render(format, &meta, &entries).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type()),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        body,
    )
        .into_response())
}
