//! Working together in the HR workspace (issue 17): the overview of agreements and cover
//! requests, the secret address of the municipality's cover calendar, and the pages of
//! [`agreements`] and [`requests`]. Whatever a municipality may not see answers "not found".

pub mod agreements;
pub mod calendar;
pub mod document;
pub mod requests;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::berlin;
use jobboard_domain::cover::{
    CoverRequest, FeedPurpose, agreements as domain_agreements, feed_tokens,
    requests as domain_requests, visibility,
};
use jobboard_domain::municipalities::Municipality;

use super::nav::{HrNav, NavKey, meta};
use super::notice::NoticeQuery;
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

pub struct AgreementRow {
    pub id: i64,
    pub title: String,
    pub parties: String,
    pub areas: String,
    pub status: String,
    pub needs_me: bool,
}

pub struct RequestRow {
    pub id: i64,
    pub requester: String,
    pub area: &'static str,
    pub period: String,
    pub urgency: &'static str,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "hr/cooperation.html")]
struct CooperationPage {
    meta: Meta,
    nav: HrNav,
    notice: String,
    agreements: Vec<AgreementRow>,
    own: Vec<RequestRow>,
    partners: Vec<RequestRow>,
    calendar_since: Option<String>,
    /// The new calendar address, shown once right after it was made.
    calendar_url: Option<String>,
}

/// The name of municipality `id` among `members`.
pub fn name_of(members: &[Municipality], id: i64) -> String {
    members
        .iter()
        .find(|m| m.id == id)
        .map_or_else(String::new, |m| m.name.clone())
}

pub fn period(from: chrono::NaiveDate, until: chrono::NaiveDate) -> String {
    if from == until {
        berlin::format_date(from)
    } else {
        format!(
            "{} bis {}",
            berlin::format_date(from),
            berlin::format_date(until)
        )
    }
}

/// A line of a list of agreements; `own`: the officer's municipality (`None`: the admin).
pub fn agreement_row(
    v: &visibility::AgreementView,
    members: &[Municipality],
    own: Option<i64>,
    today: chrono::NaiveDate,
) -> AgreementRow {
    AgreementRow {
        id: v.agreement.id,
        title: v.agreement.title.clone(),
        parties: v
            .party_ids()
            .into_iter()
            .map(|m| name_of(members, m))
            .collect::<Vec<_>>()
            .join(", "),
        areas: v
            .areas
            .iter()
            .map(|a| a.label())
            .collect::<Vec<_>>()
            .join(", "),
        status: v.status_label(today),
        needs_me: own.is_some_and(|m| !v.has_confirmed(m)) && v.agreement.ended_on.is_none(),
    }
}

pub fn request_row(r: &CoverRequest, members: &[Municipality]) -> RequestRow {
    RequestRow {
        id: r.id,
        requester: name_of(members, r.municipality_id),
        area: r.task_area.label(),
        period: period(r.starts_on, r.ends_on),
        urgency: r.urgency.label(),
        status: r.status.label(),
    }
}

pub async fn show_cooperation(
    State(state): State<AppState>,
    officer: Officer,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    overview(&state, &officer, q.text().to_owned(), None).await
}

/// The overview; `calendar_url` right after a new calendar address was made.
pub(super) async fn overview(
    state: &AppState,
    officer: &Officer,
    notice: String,
    calendar_url: Option<String>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let own_id = officer.municipality_id;
    let today = berlin::today(Utc::now());
    let agreements = domain_agreements::list_for(&state.db, own_id)
        .await?
        .iter()
        .map(|v| agreement_row(v, &members, Some(own_id), today))
        .collect();
    let own = domain_requests::list_own(&state.db, own_id)
        .await?
        .iter()
        .map(|r| request_row(r, &members))
        .collect();
    let partners = visibility::visible_requests(&state.db, own_id)
        .await?
        .iter()
        .map(|r| request_row(r, &members))
        .collect();
    let calendar_since = feed_tokens::active(&state.db, own_id, FeedPurpose::Calendar)
        .await?
        .map(|t| berlin::format_datetime(t.created_at));
    let page = CooperationPage {
        meta: meta(state, "Zusammenarbeit"),
        nav: HrNav::new(&officer.session, NavKey::Cooperation),
        notice,
        agreements,
        own,
        partners,
        calendar_since,
        calendar_url,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}
