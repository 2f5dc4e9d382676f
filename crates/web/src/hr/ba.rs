//! The platform admin's page of the vacancy report to the Bundesagentur für Arbeit: per
//! municipality how its last transfer ended, and the BA's error files fetched so far (their
//! summary; the files themselves are in the data directory). Read-only: exports and uploads
//! run on the schedule or with `jobboard ba-export`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jobboard_domain::{ba_export, berlin, municipalities};

use super::nav::{HrNav, NavKey, meta};
use super::session::Admin;
use crate::page::{Meta, render};
use crate::{AppResult, AppState};

/// The most error files the page lists.
const ERROR_FILES: u64 = 50;

struct RunRow {
    municipality: String,
    last_success: String,
    last_file: String,
    last_attempt: String,
    error: String,
    retry: String,
}

struct ErrorFileRow {
    name: String,
    fetched: String,
    bytes: i64,
    well_formed: bool,
    error_elements: i32,
    first_message: String,
}

#[derive(Template)]
#[template(path = "hr/ba.html")]
struct BaPage {
    meta: Meta,
    nav: HrNav,
    runs: Vec<RunRow>,
    error_files: Vec<ErrorFileRow>,
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(berlin::format_datetime)
        .unwrap_or_else(|| "–".to_owned())
}

pub async fn show_ba(State(state): State<AppState>, admin: Admin) -> AppResult<Response> {
    let names = municipalities::list(&state.db).await?;
    let runs = ba_export::runs(&state.db)
        .await?
        .into_iter()
        .map(|r| RunRow {
            municipality: names
                .iter()
                .find(|m| m.id == r.municipality_id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| format!("Kommune {}", r.municipality_id)),
            last_success: when(r.last_success_at),
            last_file: r.last_file.unwrap_or_default(),
            last_attempt: when(r.last_attempt_at),
            error: r.last_error.unwrap_or_default(),
            retry: r.retry_at.map(berlin::format_datetime).unwrap_or_default(),
        })
        .collect();
    let error_files = ba_export::error_files(&state.db, ERROR_FILES)
        .await?
        .into_iter()
        .map(|f| ErrorFileRow {
            name: f.name,
            fetched: berlin::format_datetime(f.fetched_at),
            bytes: f.bytes,
            well_formed: f.well_formed,
            error_elements: f.error_elements,
            first_message: f.first_message.unwrap_or_default(),
        })
        .collect();
    let p = BaPage {
        meta: meta(&state, "Meldung an die Bundesagentur für Arbeit"),
        nav: HrNav::new(&admin.0, NavKey::Admin),
        runs,
        error_files,
    };
    Ok(render(&p)?.into_response())
}
