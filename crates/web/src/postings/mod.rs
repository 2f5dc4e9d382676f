//! Public posting pages. For now the plain listing of everything published; the full search
//! frontend replaces it.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chrono::Utc;
use jobboard_domain::berlin;
use jobboard_domain::postings::queries;
use serde::Deserialize;

use crate::page::render;
use crate::{AppError, AppResult, AppState};

const PAGE_SIZE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list_postings))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    page: Option<String>,
}

struct Row {
    title: String,
    municipality: String,
    kind: &'static str,
    deadline: String,
    days_left: i64,
}

#[derive(Template)]
#[template(path = "postings/list.html")]
struct ListPage {
    rows: Vec<Row>,
    total: u64,
    page: u64,
    pages: u64,
}

async fn list_postings(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Html<String>> {
    let page = match q.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(p) => p
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| AppError::BadRequest(format!("„{p}“ ist keine gültige Seitenzahl.")))?,
    };
    let now = Utc::now();
    let total = queries::count_published(&state.db, now).await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let rows = queries::list_published(&state.db, now, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?
        .into_iter()
        .map(|(p, m)| Row {
            municipality: m.map(|m| m.name).unwrap_or_default(),
            kind: p.kind.label(),
            deadline: berlin::format_date(p.application_deadline),
            days_left: berlin::days_left(p.application_deadline, now),
            title: p.title,
        })
        .collect();
    Ok(render(&ListPage {
        rows,
        total,
        page,
        pages,
    })?)
}
