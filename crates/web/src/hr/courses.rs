//! Courses in the HR workspace: the provider creates and edits its courses and moves them
//! through their status; every officer sees the open courses of the other municipalities to
//! sign up staff (see [`super::course_participants`]).

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::berlin;
use jobboard_domain::courses::mutations::{self, CourseAction};
use jobboard_domain::courses::queries::{self, CourseListing};
use jobboard_domain::courses::{Course, CourseStatus, Notice};
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_mail::Email;
use serde::Deserialize;

use super::form::course::{self, CourseForm};
use super::form::{Outcome, Submitted, version};
use super::nav::{HrNav, NavKey, meta};
use super::notice::{self, NoticeQuery};
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
    error_links: Vec<(String, String)>,
    course: Option<Course>,
    version: i32,
    notice: String,
    actions: Vec<ActionButton>,
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
        nav: HrNav::new(&officer.session, NavKey::Courses),
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
            ..Email::default()
        };
        if let Err(e) = state.hr.mailer.send(&email).await {
            tracing::error!(error = %e, "course notice not sent");
        }
    }
}

/// A status button of the editor.
pub struct ActionButton {
    pub code: &'static str,
    pub label: &'static str,
}

fn actions_for(c: &Course) -> Vec<ActionButton> {
    use CourseAction::*;
    let actions: &[(CourseAction, &str)] = match c.status {
        CourseStatus::Draft => &[(Open, "Anmeldung öffnen"), (Cancel, "Absagen")],
        CourseStatus::Open | CourseStatus::Full => &[
            (Close, "Anmeldung schließen"),
            (MarkHeld, "Als durchgeführt markieren"),
            (Cancel, "Absagen"),
        ],
        CourseStatus::Closed => &[
            (Open, "Anmeldung wieder öffnen"),
            (MarkHeld, "Als durchgeführt markieren"),
            (Cancel, "Absagen"),
        ],
        CourseStatus::Cancelled | CourseStatus::Held => &[],
    };
    actions
        .iter()
        .map(|&(a, label)| ActionButton {
            code: a.code(),
            label,
        })
        .collect()
}

/// The editor page: a new course (`course` `None`) or an existing one.
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
        nav: HrNav::new(&officer.session, NavKey::Courses),
        heading,
        action,
        error_links: form.error_links(),
        form,
        actions: course.as_ref().map(actions_for).unwrap_or_default(),
        version,
        course,
        notice,
    };
    Ok(render_status(status, &page)?)
}

pub async fn new_course(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let members = state.members().await?;
    let form = CourseForm::new(
        &Submitted::default(),
        &members,
        officer.municipality_id,
        ValidationErrors::default(),
    );
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

fn to_editor(id: i64) -> Response {
    notice::Notice::Saved.redirect(&format!("/verwaltung/lehrgaenge/{id}"))
}

pub async fn create_course(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let (draft, mut errors) = course::parse(&s, &members, officer.municipality_id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let created = mutations::create_course(
            &state.db,
            officer.municipality_id,
            draft,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(created)? {
            Outcome::Saved(c) => return Ok(to_editor(c.id)),
            Outcome::Invalid(e) => errors = course::form_names(e),
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let form = CourseForm::new(&s, &members, officer.municipality_id, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    editor(&state, &officer, status, None, form, 0, String::new()).await
}

pub async fn edit_course(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let c = load_provided(&state, &officer, id).await?;
    let members = state.members().await?;
    let s = course::from_draft(&mutations::draft_of(&state.db, &c).await?);
    let form = CourseForm::new(
        &s,
        &members,
        officer.municipality_id,
        ValidationErrors::default(),
    );
    let (version, notice) = (c.version, q.text().to_owned());
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

/// A stale save keeps what was typed and says so; nothing was saved.
const STALE: &str = "Der Lehrgang wurde inzwischen von jemand anderem geändert. Ihre Eingaben wurden nicht gespeichert; sie stehen noch im Formular. Bitte laden Sie den Lehrgang neu und übernehmen Sie Ihre Änderungen.";

pub async fn update_course(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let c = load_provided(&state, &officer, id).await?;
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let version = version(&s)?;
    let (draft, mut errors) = course::parse(&s, &members, officer.municipality_id);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut notice = String::new();
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let updated =
            mutations::update_course(&state.db, id, version, draft, &actor, Utc::now()).await;
        match Outcome::of(updated)? {
            Outcome::Saved((_, notices)) => {
                send_notices(&state, notices).await;
                return Ok(to_editor(id));
            }
            Outcome::Invalid(e) => errors = course::form_names(e),
            Outcome::Stale(_) => {
                status = StatusCode::CONFLICT;
                notice = STALE.to_owned();
            }
        }
    }
    let form = CourseForm::new(&s, &members, officer.municipality_id, errors);
    // The version as submitted: after a conflict, saving again must not overwrite unseen changes.
    editor(&state, &officer, status, Some(c), form, version, notice).await
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
    let action = CourseAction::from_code(&form.aktion)
        .ok_or_else(|| AppError::BadRequest("Unbekannte Aktion.".into()))?;
    let actor = officer.session.user.actor();
    let (_, notices) =
        mutations::change_status(&state.db, id, form.version, action, &actor, Utc::now()).await?;
    send_notices(&state, notices).await;
    Ok(to_editor(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_course_action_has_one_code() {
        for a in CourseAction::ALL {
            assert_eq!(CourseAction::from_code(a.code()), Some(a));
        }
        assert_eq!(CourseAction::from_code("teleport"), None);
    }
}
