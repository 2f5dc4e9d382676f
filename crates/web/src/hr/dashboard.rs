//! The officer's overview: the municipality's postings by status, and the shared offers of
//! other municipalities that name it as a partner.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::accounts::Role;
use jobboard_domain::berlin;
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::postings::queries;
use serde::Deserialize;

use super::nav::{HrNav, NavKey, meta};
use super::session::CurrentUser;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/dashboard.html")]
struct DashboardPage {
    meta: Meta,
    nav: HrNav,
    municipality: String,
    filters: Vec<Filter>,
    rows: Vec<Row>,
    shared: Vec<SharedRow>,
}

struct Filter {
    code: &'static str,
    label: &'static str,
    count: usize,
    current: bool,
}

struct Row {
    id: i64,
    title: String,
    reference: String,
    status: &'static str,
    deadline: String,
    updated: String,
    imported: bool,
    /// „intern“ or „intern bis 12.01.2027“ while only the members' staff see it.
    internal: String,
}

struct SharedRow {
    id: i64,
    title: String,
    owner: String,
    note: String,
    confirmed: bool,
    slug: String,
    public: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DashboardQuery {
    status: String,
}

pub async fn show_dashboard(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<DashboardQuery>,
) -> AppResult<Response> {
    let Some(municipality_id) = s
        .user
        .municipality_id
        .filter(|_| s.user.role == Role::Officer)
    else {
        return Ok(Redirect::to("/verwaltung/admin").into_response());
    };
    let now = Utc::now();
    let members = state.members().await?;
    let name_of = |id: i64| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let all = queries::list_for_municipality(&state.db, municipality_id, None).await?;
    let selected = PostingStatus::from_code(&q.status);
    let mut filters = vec![Filter {
        code: "",
        label: "Alle",
        count: all.len(),
        current: selected.is_none(),
    }];
    filters.extend(PostingStatus::ALL.iter().map(|&st| Filter {
        code: st.code(),
        label: st.label(),
        count: all.iter().filter(|p| p.status == st).count(),
        current: selected == Some(st),
    }));
    let rows = all
        .iter()
        .filter(|p| selected.is_none_or(|st| p.status == st))
        .map(|p| Row {
            id: p.id,
            title: p.title.clone(),
            reference: p.reference_number.clone(),
            status: p.status.label(),
            deadline: berlin::format_date(p.application_deadline),
            updated: berlin::format_datetime(p.updated_at),
            imported: super::postings::read_only_reason(p).is_some(),
            internal: match (queries::is_internal_at(p, now), p.public_from) {
                (false, _) => String::new(),
                (true, None) => "intern".to_owned(),
                (true, Some(day)) => format!("intern, öffentlich ab {}", berlin::format_date(day)),
            },
        })
        .collect();
    let shared = queries::list_shared_with(&state.db, municipality_id)
        .await?
        .into_iter()
        .map(|(p, partner)| SharedRow {
            id: p.id,
            owner: name_of(p.municipality_id),
            public: queries::is_publicly_visible(&p, now),
            title: p.title,
            slug: p.slug,
            note: partner.note.unwrap_or_default(),
            confirmed: partner.confirmed,
        })
        .collect();
    let page = DashboardPage {
        meta: meta(&state, "Übersicht"),
        nav: HrNav::new(&s, NavKey::Overview),
        municipality: name_of(municipality_id),
        filters,
        rows,
        shared,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}
