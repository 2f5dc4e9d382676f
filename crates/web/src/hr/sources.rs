//! Import sources in the workspace. The platform admin lists every source, adds one, switches it
//! on or off, removes it and harvests it on demand; an officer sees the sources of their own
//! municipality and how their last run went, read-only.
//!
//! A harvest on demand runs in a task of its own, so a browser that gives up waiting does not
//! cancel it half-way; it takes the source's lease like the scheduler, so the two never harvest
//! the same source at once.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use jobboard_domain::imports::sources::{self, NewSource, RemoveOutcome};
use jobboard_domain::imports::{ImportFormat, ImportSource};
use jobboard_domain::{DomainError, berlin};
use jobboard_feeds::import::{RunResult, run_source};
use serde::Deserialize;

use super::nav::{HrNav, meta};
use super::session::{Admin, Officer};
use super::{ImportSettings, PathId};
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

/// Longest error shown in the list; the status page has it in full.
const SHORT_ERROR: usize = 90;

/// One source as the pages show it.
pub struct SourceView {
    pub id: i64,
    pub municipality: String,
    pub url: String,
    pub format: &'static str,
    pub enabled: bool,
    pub last_run: String,
    pub last_success: String,
    /// "erfolgreich", "fehlgeschlagen", "noch nie abgerufen", "läuft gerade".
    pub outcome: &'static str,
    pub failed_run: bool,
    pub new: i32,
    pub updated: i32,
    pub archived: i32,
    pub unchanged: i32,
    pub failed: i32,
    pub error: String,
    pub error_short: String,
    pub failing_item: String,
    pub etag: String,
    pub last_modified: String,
    pub postings: u64,
    pub next_due: String,
}

impl SourceView {
    async fn new(
        state: &AppState,
        s: ImportSource,
        now: DateTime<Utc>,
    ) -> Result<Self, sea_orm::DbErr> {
        let members = state.members().await?;
        let municipality = members
            .iter()
            .find(|m| m.id == s.municipality_id)
            .map_or_else(|| s.municipality_id.to_string(), |m| m.name.clone());
        let postings = sources::posting_count(&state.db, s.id).await?;
        let running = s.claimed_until.is_some_and(|t| t > now);
        let interval = state.hr.imports.as_ref().and_then(|i| i.interval);
        let error = s.last_error.clone().unwrap_or_default();
        let error_short = if error.chars().count() > SHORT_ERROR {
            let cut: String = error.chars().take(SHORT_ERROR).collect();
            format!("{}…", cut.trim_end())
        } else {
            error.clone()
        };
        let outcome = if running {
            "läuft gerade"
        } else if s.last_run_at.is_none() {
            "noch nie abgerufen"
        } else if s.last_error.is_some() {
            "fehlgeschlagen"
        } else {
            "erfolgreich"
        };
        let when =
            |t: Option<DateTime<Utc>>| t.map_or_else(|| "nie".to_owned(), berlin::format_datetime);
        Ok(Self {
            id: s.id,
            municipality,
            format: s.format.label(),
            enabled: s.enabled,
            last_run: when(s.last_run_at),
            last_success: when(s.last_success_at),
            outcome,
            failed_run: !running && s.last_error.is_some(),
            new: s.last_new,
            updated: s.last_updated,
            archived: s.last_archived,
            unchanged: s.last_unchanged,
            failed: s.last_failed,
            error,
            error_short,
            failing_item: s.last_failing_item.clone().unwrap_or_default(),
            etag: s.etag.clone().unwrap_or_default(),
            last_modified: s.last_modified.clone().unwrap_or_default(),
            postings,
            next_due: next_due(&s, interval, running, now),
            url: s.url,
        })
    }
}

/// When the scheduler in `serve` takes the source up next, in words.
fn next_due(
    s: &ImportSource,
    interval: Option<chrono::Duration>,
    running: bool,
    now: DateTime<Utc>,
) -> String {
    if !s.enabled {
        return "nicht geplant: die Quelle ist abgeschaltet".into();
    }
    let Some(interval) = interval else {
        return "nicht geplant: der regelmäßige Abruf ist ausgeschaltet (JOBBOARD_IMPORT_INTERVAL_SECS); nur auf Anforderung".into();
    };
    if running {
        return "läuft gerade".into();
    }
    match s.last_run_at.map(|t| t + interval) {
        Some(due) if due > now => format!("ab {}", berlin::format_datetime(due)),
        _ => "beim nächsten Durchlauf (spätestens in einer Minute)".into(),
    }
}

/// What the status page says after an action, by a fixed code in the query (POST-redirect-GET).
fn notice_for(code: &str) -> &'static str {
    match code {
        "angelegt" => {
            "Die Quelle ist angelegt. Sie wird beim nächsten regelmäßigen Abruf gelesen – oder jetzt, mit „Jetzt abrufen“."
        }
        "aktiviert" => "Die Quelle ist eingeschaltet und wird wieder regelmäßig abgerufen.",
        "deaktiviert" => "Die Quelle ist abgeschaltet. Ihre Anzeigen bleiben unverändert.",
        "abgerufen" => "Die Quelle wurde abgerufen. Das Ergebnis steht unten.",
        "unveraendert" => "Die Quelle wurde abgerufen: seit dem letzten Abruf unverändert.",
        "fehler" => "Der Abruf ist fehlgeschlagen. Den Fehler finden Sie unten.",
        "belegt" => {
            "Die Quelle wird gerade schon abgerufen (vom regelmäßigen Abruf oder einem anderen Aufruf). Bitte laden Sie die Seite gleich neu."
        }
        "entfernt" => "Die Quelle ist entfernt.",
        "abgeschaltet" => {
            "Aus der Quelle stammen Anzeigen; sie wurde deshalb nicht gelöscht, sondern abgeschaltet. Ihre Anzeigen bleiben unverändert."
        }
        _ => "",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    hinweis: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SourceForm {
    municipality_id: String,
    url: String,
    format: String,
}

#[derive(Template)]
#[template(path = "hr/sources.html")]
struct SourcesPage {
    meta: Meta,
    nav: HrNav,
    /// The admin's page (every municipality, the form and the actions) or an officer's.
    admin: bool,
    heading: String,
    rows: Vec<SourceView>,
    notice: &'static str,
    municipalities: Vec<(i64, String)>,
    formats: Vec<(&'static str, &'static str)>,
    form: SourceForm,
    errors: Vec<(&'static str, String)>,
}

impl SourcesPage {
    fn error(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Template)]
#[template(path = "hr/source.html")]
struct SourcePage {
    meta: Meta,
    nav: HrNav,
    admin: bool,
    s: SourceView,
    notice: &'static str,
    can_harvest: bool,
    back: &'static str,
}

async fn views(
    state: &AppState,
    list: Vec<ImportSource>,
) -> Result<Vec<SourceView>, sea_orm::DbErr> {
    let now = Utc::now();
    let mut rows = Vec::with_capacity(list.len());
    for s in list {
        rows.push(SourceView::new(state, s, now).await?);
    }
    Ok(rows)
}

async fn admin_list(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    notice: &'static str,
    form: SourceForm,
    errors: Vec<(&'static str, String)>,
) -> AppResult<Response> {
    let rows = views(state, sources::list(&state.db).await?).await?;
    let municipalities = state
        .members()
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect();
    let page = SourcesPage {
        meta: meta(state, "Importquellen"),
        nav: HrNav::new(&admin.0, "quellen"),
        admin: true,
        heading: "Importquellen".into(),
        rows,
        notice,
        municipalities,
        formats: ImportFormat::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        form,
        errors,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_sources(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let form = SourceForm {
        format: ImportFormat::Auto.code().into(),
        ..SourceForm::default()
    };
    admin_list(
        &state,
        &admin,
        StatusCode::OK,
        notice_for(&q.hinweis),
        form,
        Vec::new(),
    )
    .await
}

pub async fn add_source(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<SourceForm>,
) -> AppResult<Response> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let members = state.members().await?;
    let municipality = form
        .municipality_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| members.iter().any(|m| m.id == *id));
    if municipality.is_none() {
        errors.push(("municipality_id", "Bitte wählen Sie eine Kommune.".into()));
    }
    if let Some(problem) = sources::url_problem(&form.url) {
        errors.push(("url", problem.into()));
    }
    let format = ImportFormat::from_code(form.format.trim());
    if format.is_none() {
        errors.push((
            "format",
            "Bitte wählen Sie ein Format oder „automatisch erkennen“.".into(),
        ));
    }
    if let (Some(municipality_id), Some(format), true) = (municipality, format, errors.is_empty()) {
        let new = NewSource {
            municipality_id,
            url: form.url.clone(),
            format,
        };
        match sources::add(&state.db, new, Utc::now()).await {
            Ok(s) => {
                tracing::info!(source = s.id, admin = admin.0.user.id, url = %s.url, "import source added");
                return Ok(Redirect::to(&format!(
                    "/verwaltung/admin/quellen/{}?hinweis=angelegt",
                    s.id
                ))
                .into_response());
            }
            Err(DomainError::Validation(v)) => {
                errors.extend(v.0.into_iter().map(|f| (f.field, f.message)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    admin_list(
        &state,
        &admin,
        StatusCode::UNPROCESSABLE_ENTITY,
        "",
        form,
        errors,
    )
    .await
}

/// The source of the address's id; an unknown one is "not found".
async fn load(state: &AppState, id: i64) -> AppResult<ImportSource> {
    sources::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn status_page(
    state: &AppState,
    nav: HrNav,
    admin: bool,
    s: ImportSource,
    notice: &'static str,
) -> AppResult<Response> {
    let s = SourceView::new(state, s, Utc::now()).await?;
    let page = SourcePage {
        meta: meta(state, &format!("Importquelle {}", s.id)),
        nav,
        admin,
        can_harvest: admin && state.hr.imports.is_some(),
        back: if admin {
            "/verwaltung/admin/quellen"
        } else {
            "/verwaltung/quellen"
        },
        s,
        notice,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

pub async fn show_source(
    State(state): State<AppState>,
    admin: Admin,
    PathId(source_id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let s = load(&state, source_id).await?;
    status_page(
        &state,
        HrNav::new(&admin.0, "quellen"),
        true,
        s,
        notice_for(&q.hinweis),
    )
    .await
}

fn to_status(id: i64, code: &str) -> Response {
    Redirect::to(&format!("/verwaltung/admin/quellen/{id}?hinweis={code}")).into_response()
}

pub async fn harvest_now(
    State(state): State<AppState>,
    admin: Admin,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    let s = load(&state, source_id).await?;
    let Some(ImportSettings {
        fetcher, options, ..
    }) = state.hr.imports.clone()
    else {
        return Err(AppError::Refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "Der Abruf ist in dieser Installation nicht eingerichtet.".into(),
        ));
    };
    tracing::info!(
        source = s.id,
        admin = admin.0.user.id,
        "import source harvested on demand"
    );
    let db = state.db.clone();
    let id = s.id;
    // Its own task: a browser that stops waiting does not cut the run short.
    let run = tokio::spawn(async move { run_source(&db, &fetcher, id, options, |_| {}).await });
    let result = run
        .await
        .map_err(|e| AppError::Internal(format!("harvest task: {e}")))?;
    let code = match result {
        Ok(RunResult::Imported { .. }) => "abgerufen",
        Ok(RunResult::NotModified) => "unveraendert",
        Ok(RunResult::Failed(_)) => "fehler",
        Ok(RunResult::Busy) => "belegt",
        Err(DomainError::NotFound) => return Err(AppError::NotFound),
        // Saving failed part-way; the run recorded the error on the source if it could.
        Err(e) => {
            tracing::error!(source = id, error = %e, "harvest on demand failed");
            "fehler"
        }
    };
    Ok(to_status(id, code))
}

async fn switch(state: &AppState, source_id: i64, on: bool) -> AppResult<Response> {
    let s = load(state, source_id).await?;
    sources::set_enabled(&state.db, s.id, on).await?;
    Ok(to_status(
        s.id,
        if on { "aktiviert" } else { "deaktiviert" },
    ))
}

pub async fn enable_source(
    State(state): State<AppState>,
    _admin: Admin,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    switch(&state, source_id, true).await
}

pub async fn disable_source(
    State(state): State<AppState>,
    _admin: Admin,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    switch(&state, source_id, false).await
}

pub async fn remove_source(
    State(state): State<AppState>,
    admin: Admin,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    let s = load(&state, source_id).await?;
    let code = match sources::remove(&state.db, s.id).await? {
        RemoveOutcome::Deleted => "entfernt",
        RemoveOutcome::Disabled => "abgeschaltet",
    };
    tracing::info!(
        source = s.id,
        admin = admin.0.user.id,
        outcome = code,
        "import source removed"
    );
    Ok(Redirect::to(&format!("/verwaltung/admin/quellen?hinweis={code}")).into_response())
}

pub async fn show_own_sources(
    State(state): State<AppState>,
    officer: Officer,
) -> AppResult<Response> {
    let own = sources::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.municipality_id == officer.municipality_id)
        .collect();
    let rows = views(&state, own).await?;
    let name = state
        .members()
        .await?
        .iter()
        .find(|m| m.id == officer.municipality_id)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let page = SourcesPage {
        meta: meta(&state, "Importquellen"),
        nav: HrNav::new(&officer.session, "quellen"),
        admin: false,
        heading: format!("Importquellen von {name}"),
        rows,
        notice: "",
        municipalities: Vec::new(),
        formats: Vec::new(),
        form: SourceForm::default(),
        errors: Vec::new(),
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

pub async fn show_own_source(
    State(state): State<AppState>,
    officer: Officer,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    // Another municipality's source is "not found", so its existence is not revealed.
    let s = load(&state, source_id).await?;
    if s.municipality_id != officer.municipality_id {
        return Err(AppError::NotFound);
    }
    status_page(
        &state,
        HrNav::new(&officer.session, "quellen"),
        false,
        s,
        "",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn source(enabled: bool, last_run_at: Option<DateTime<Utc>>) -> ImportSource {
        ImportSource {
            id: 1,
            municipality_id: 1,
            url: "https://www.naunhof.de/stellen.rss".into(),
            format: ImportFormat::Auto,
            created_at: Utc::now(),
            enabled,
            etag: None,
            last_modified: None,
            claimed_until: None,
            last_run_at,
            last_success_at: None,
            last_new: 0,
            last_updated: 0,
            last_archived: 0,
            last_unchanged: 0,
            last_failed: 0,
            last_error: None,
            last_failing_item: None,
        }
    }

    #[test]
    fn the_next_run_follows_the_schedule_of_serve() {
        // 10:00 in Berlin (CET) on 21 November 2026.
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let hourly = Some(Duration::hours(1));
        let ran = Some(now - Duration::minutes(20));
        assert_eq!(
            next_due(&source(true, ran), hourly, false, now),
            "ab 21.11.2026, 10:40 Uhr"
        );
        assert!(next_due(&source(true, None), hourly, false, now).starts_with("beim nächsten"));
        let long_ago = Some(now - Duration::hours(3));
        assert!(next_due(&source(true, long_ago), hourly, false, now).starts_with("beim nächsten"));
        assert_eq!(
            next_due(&source(true, ran), hourly, true, now),
            "läuft gerade"
        );
        assert!(next_due(&source(false, ran), hourly, false, now).contains("abgeschaltet"));
        assert!(next_due(&source(true, ran), None, false, now).contains("nur auf Anforderung"));
    }

    #[test]
    fn notices_come_from_fixed_codes_only() {
        assert!(notice_for("angelegt").starts_with("Die Quelle ist angelegt"));
        assert_eq!(notice_for("<script>"), "");
    }
}
