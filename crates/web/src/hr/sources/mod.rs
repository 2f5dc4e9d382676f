//! Import sources in the workspace. The platform admin lists every source, adds one, switches it
//! on or off, removes it and harvests it on demand; an officer sees the sources of their own
//! municipality and how their last run went, read-only.
//!
//! A harvest on demand runs in a task the server starts (see [`super::Harvester`]), so a browser
//! that gives up waiting does not cancel it half-way; it takes the source's lease like the
//! scheduler, so the two never harvest the same source at once. The pages are here, the view
//! of a source in [`view`], the form's checks in [`form`], the schedule in the domain.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::DomainError;
use jobboard_domain::imports::sources::{self, RemoveOutcome};
use jobboard_domain::imports::{ImportFormat, ImportSource};
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_feeds::import::RunResult;

use super::PathId;
use super::nav::{HrNav, NavKey, meta};
use super::notice::{Notice, NoticeQuery};
use super::session::{Admin, Officer};
use form::SourceForm;
use view::{SourceView, views};

mod form;
mod view;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

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
    errors: ValidationErrors,
}

impl SourcesPage {
    fn error(&self, field: &str) -> String {
        self.errors.for_field(field).collect::<Vec<_>>().join(" ")
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

async fn admin_list(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    notice: &'static str,
    form: SourceForm,
    errors: ValidationErrors,
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
        nav: HrNav::new(&admin.0, NavKey::Sources),
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
    let form = SourceForm::blank();
    admin_list(
        &state,
        &admin,
        StatusCode::OK,
        q.text(),
        form,
        Default::default(),
    )
    .await
}

pub async fn add_source(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<SourceForm>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let errors = match form.check(&members) {
        Ok(new) => match sources::add(&state.db, new, Utc::now()).await {
            Ok(s) => {
                tracing::info!(source = s.id, admin = admin.0.user.id, url = %s.url, "import source added");
                return Ok(to_status(s.id, Notice::SourceAdded));
            }
            Err(DomainError::Validation(v)) => v,
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
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
    let Some(s) = views(state, vec![s]).await?.pop() else {
        return Err(AppError::NotFound);
    };
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
        HrNav::new(&admin.0, NavKey::Sources),
        true,
        s,
        q.text(),
    )
    .await
}

fn to_status(id: i64, notice: Notice) -> Response {
    notice.redirect(&format!("/verwaltung/admin/quellen/{id}"))
}

pub async fn harvest_now(
    State(state): State<AppState>,
    admin: Admin,
    PathId(source_id): PathId,
) -> AppResult<Response> {
    let s = load(&state, source_id).await?;
    let Some(imports) = state.hr.imports.clone() else {
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
    let id = s.id;
    let result =
        imports.harvester.harvest(id).await.ok_or_else(|| {
            AppError::Internal(format!("harvest task of source {id} did not finish"))
        })?;
    let notice = match result {
        Ok(RunResult::Imported { .. }) => Notice::Harvested,
        Ok(RunResult::NotModified) => Notice::HarvestUnchanged,
        Ok(RunResult::Failed(_)) => Notice::HarvestFailed,
        Ok(RunResult::Busy) => Notice::HarvestBusy,
        Err(DomainError::NotFound) => return Err(AppError::NotFound),
        // Saving failed part-way; the run recorded the error on the source if it could.
        Err(e) => {
            tracing::error!(source = id, error = %e, "harvest on demand failed");
            Notice::HarvestFailed
        }
    };
    Ok(to_status(id, notice))
}

async fn switch(state: &AppState, source_id: i64, on: bool) -> AppResult<Response> {
    let s = load(state, source_id).await?;
    sources::set_enabled(&state.db, s.id, on).await?;
    Ok(to_status(
        s.id,
        if on {
            Notice::SourceEnabled
        } else {
            Notice::SourceDisabled
        },
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
    let notice = match sources::remove(&state.db, s.id).await? {
        RemoveOutcome::Deleted => Notice::SourceRemoved,
        RemoveOutcome::Disabled => Notice::SourceSwitchedOff,
    };
    tracing::info!(
        source = s.id,
        admin = admin.0.user.id,
        outcome = notice.code(),
        "import source removed"
    );
    Ok(notice.redirect("/verwaltung/admin/quellen"))
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
        nav: HrNav::new(&officer.session, NavKey::Sources),
        admin: false,
        heading: format!("Importquellen von {name}"),
        rows,
        notice: "",
        municipalities: Vec::new(),
        formats: Vec::new(),
        form: SourceForm::default(),
        errors: ValidationErrors::default(),
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
        HrNav::new(&officer.session, NavKey::Sources),
        false,
        s,
        "",
    )
    .await
}
