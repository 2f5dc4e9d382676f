//! Courses in the HR workspace: the provider creates and edits its courses and moves them
//! through their status; every officer sees the open courses of the other municipalities to
//! sign up staff (see [`super::course_participants`]).

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::courses::mutations::{self, CourseAction};
use jobboard_domain::courses::queries::{self, CourseListing};
use jobboard_domain::courses::{Course, CourseStatus, Notice};
use jobboard_domain::{DomainError, berlin};
use jobboard_mail::Email;
use serde::Deserialize;

use super::course_form::CourseForm;
use super::nav::{HrNav, meta};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

pub struct CourseRow {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub dates: String,
    pub seats: String,
    pub waiting: u64,
}

#[derive(Template)]
#[template(path = "hr/courses.html")]
struct CoursesPage {
    meta: Meta,
    nav: HrNav,
    own: Vec<CourseRow>,
    others: Vec<CourseRow>,
}

#[derive(Template)]
#[template(path = "hr/course_editor.html")]
struct CourseEditorPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    action: String,
    form: CourseForm,
    course: Option<Course>,
    version: i32,
    notice: String,
    actions: Vec<(&'static str, &'static str)>,
}

fn row(l: &CourseListing, now: chrono::DateTime<Utc>) -> CourseRow {
    CourseRow {
        id: l.course.id,
        title: l.course.title.clone(),
        status: l.status(now).label(),
        dates: l
            .first_start()
            .map(|t| {
                let day = berlin::format_date(berlin::today(t));
                if l.sessions.len() > 1 {
                    format!("ab {day} ({} Termine)", l.sessions.len())
                } else {
                    day
                }
            })
            .unwrap_or_default(),
        seats: format!("{} von {}", l.confirmed, l.course.seats),
        waiting: l.waiting,
    }
}

pub async fn show_courses(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let now = Utc::now();
    let own = queries::list_provided_by(&state.db, officer.municipality_id).await?;
    let others = queries::list_public(&state.db, now)
        .await?
        .into_iter()
        .filter(|l| {
            l.course.municipality_id != officer.municipality_id
                && l.course.status == CourseStatus::Open
        })
        .collect::<Vec<_>>();
    let page = CoursesPage {
        meta: meta(&state, "Lehrgänge"),
        nav: HrNav::new(&officer.session, "lehrgaenge"),
        own: own.iter().map(|l| row(l, now)).collect(),
        others: others.iter().map(|l| row(l, now)).collect(),
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

/// A course the officer's municipality provides; any other is "not found".
pub(crate) async fn load_provided(
    state: &AppState,
    officer: &Officer,
    id: i64,
) -> AppResult<Course> {
    queries::find_by_id(&state.db, id)
        .await?
        .filter(|c| c.municipality_id == officer.municipality_id)
        .ok_or(AppError::NotFound)
}

/// Mail the people a change concerns; a failed delivery is logged, the change stands.
pub(crate) async fn send_notices(state: &AppState, notices: Vec<Notice>) {
    for n in notices {
        let email = Email {
            to: n.to_email,
            subject: n.subject,
            body: n.body,
        };
        if let Err(e) = state.hr.mailer.send(&email).await {
            tracing::error!(error = %e, "course notice not sent");
        }
    }
}

fn actions_for(c: &Course) -> Vec<(&'static str, &'static str)> {
    match c.status {
        CourseStatus::Draft => vec![("open", "Anmeldung öffnen"), ("cancel", "Absagen")],
        CourseStatus::Open | CourseStatus::Full => vec![
            ("close", "Anmeldung schließen"),
            ("held", "Als durchgeführt markieren"),
            ("cancel", "Absagen"),
        ],
        CourseStatus::Closed => vec![
            ("open", "Anmeldung wieder öffnen"),
            ("held", "Als durchgeführt markieren"),
            ("cancel", "Absagen"),
        ],
        CourseStatus::Cancelled | CourseStatus::Held => vec![],
    }
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    course: Option<Course>,
    form: CourseForm,
    version: i32,
    notice: String,
) -> AppResult<Response> {
    let (heading, action) = match &course {
        Some(c) => (
            format!("Lehrgang bearbeiten: {}", c.title),
            format!("/verwaltung/lehrgaenge/{}", c.id),
        ),
        None => (
            "Neuer Lehrgang".to_owned(),
            "/verwaltung/lehrgaenge".to_owned(),
        ),
    };
    let page = CourseEditorPage {
        meta: meta(state, &heading),
        nav: HrNav::new(&officer.session, "lehrgaenge"),
        heading,
        action,
        form,
        actions: course.as_ref().map(actions_for).unwrap_or_default(),
        course,
        version,
        notice,
    };
    Ok(render_status(status, &page)?)
}

pub async fn new_course(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let members = state.members().await?;
    let form = CourseForm::from_draft(None, &members, officer.municipality_id);
    editor(
        &state,
        &officer,
        StatusCode::OK,
        None,
        form,
        0,
        String::new(),
    )
    .await
}

pub async fn create_course(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let (form, draft, mut errors) = CourseForm::parse(pairs, &members, officer.municipality_id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        match mutations::create_course(
            &state.db,
            officer.municipality_id,
            draft,
            &actor,
            Utc::now(),
        )
        .await
        {
            Ok(c) => {
                return Ok(
                    Redirect::to(&format!("/verwaltung/lehrgaenge/{}?gespeichert=1", c.id))
                        .into_response(),
                );
            }
            Err(DomainError::Validation(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    } else if let Err(e) = jobboard_domain::courses::validate(&draft, officer.municipality_id) {
        errors.0.extend(e.0);
    }
    let form = form.with_errors(errors);
    editor(
        &state,
        &officer,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        form,
        0,
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    gespeichert: Option<String>,
}

pub async fn edit_course(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<Saved>,
) -> AppResult<Response> {
    let c = load_provided(&state, &officer, id).await?;
    let members = state.members().await?;
    let draft = mutations::draft_of(&state.db, &c).await?;
    let form = CourseForm::from_draft(Some(&draft), &members, officer.municipality_id);
    let notice = if q.gespeichert.is_some() {
        "Gespeichert.".to_owned()
    } else {
        String::new()
    };
    let version = c.version;
    editor(
        &state,
        &officer,
        StatusCode::OK,
        Some(c),
        form,
        version,
        notice,
    )
    .await
}

pub async fn update_course(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let c = load_provided(&state, &officer, id).await?;
    let members = state.members().await?;
    let version = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse::<i32>().ok())
        .ok_or_else(|| AppError::BadRequest("Die Versionsnummer des Formulars fehlt.".into()))?;
    let (form, draft, mut errors) = CourseForm::parse(pairs, &members, officer.municipality_id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        match mutations::update_course(&state.db, id, version, draft, &actor, Utc::now()).await {
            Ok((_, notices)) => {
                send_notices(&state, notices).await;
                return Ok(
                    Redirect::to(&format!("/verwaltung/lehrgaenge/{id}?gespeichert=1"))
                        .into_response(),
                );
            }
            Err(DomainError::Validation(e)) => errors = e,
            Err(DomainError::Conflict { current, .. }) => {
                let form = form.with_errors(Default::default());
                return editor(
                    &state,
                    &officer,
                    StatusCode::CONFLICT,
                    Some(c),
                    form,
                    version,
                    format!(
                        "Der Lehrgang wurde inzwischen von jemand anderem geändert (jetzt Version {current}). Ihre Eingaben wurden nicht gespeichert; sie stehen noch im Formular. Bitte laden Sie den Lehrgang neu und übernehmen Sie Ihre Änderungen."
                    ),
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let form = form.with_errors(errors);
    editor(
        &state,
        &officer,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(c),
        form,
        version,
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    version: i32,
    aktion: String,
}

pub async fn change_course_status(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    load_provided(&state, &officer, id).await?;
    let action = match form.aktion.as_str() {
        "open" => CourseAction::Open,
        "close" => CourseAction::Close,
        "cancel" => CourseAction::Cancel,
        "held" => CourseAction::MarkHeld,
        _ => return Err(AppError::BadRequest("Unbekannte Aktion.".into())),
    };
    let actor = officer.session.user.actor();
    let (_, notices) =
        mutations::change_status(&state.db, id, form.version, action, &actor, Utc::now()).await?;
    send_notices(&state, notices).await;
    Ok(Redirect::to(&format!("/verwaltung/lehrgaenge/{id}?gespeichert=1")).into_response())
}
