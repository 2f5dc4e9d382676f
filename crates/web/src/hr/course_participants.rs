//! Participants of a course. Every officer signs up staff of their own municipality and sees
//! and cancels only those; the provider sees everyone (also as CSV) and records attendance.

use super::PathId;
use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::courses::queries::{self, CourseListing};
use jobboard_domain::courses::registrations::{self, RegistrationDraft};
use jobboard_domain::courses::{Course, CourseStatus, Registration, RegistrationStatus};
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::{DomainError, berlin};
use serde::Deserialize;

use super::courses::send_notices;
use super::nav::{HrNav, NavKey, meta};
use super::notice::{Notice, NoticeQuery};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

pub struct ParticipantRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub municipality: String,
    pub status: String,
    pub note: String,
    pub joined: String,
    pub confirmed: bool,
}

pub struct SessionAttendance {
    pub id: i64,
    pub label: String,
    pub started: bool,
    /// Registration ids marked present.
    pub present: Vec<i64>,
}

#[derive(Template)]
#[template(path = "hr/course_participants.html")]
struct ParticipantsPage {
    meta: Meta,
    nav: HrNav,
    course: Course,
    status: &'static str,
    seats: String,
    provider: bool,
    can_register: bool,
    rows: Vec<ParticipantRow>,
    sessions: Vec<SessionAttendance>,
    form_name: String,
    form_email: String,
    form_note: String,
    errors: HashMap<&'static str, String>,
    notice: String,
}

impl ParticipantsPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// The course, if this officer may see it: its provider always, others once it is not a draft.
async fn load_visible(state: &AppState, officer: &Officer, id: i64) -> AppResult<CourseListing> {
    let c = queries::find_by_id(&state.db, id)
        .await?
        .filter(|c| c.municipality_id == officer.municipality_id || c.status != CourseStatus::Draft)
        .ok_or(AppError::NotFound)?;
    Ok(queries::listing_of(&state.db, c).await?)
}

#[derive(Default)]
struct Entered {
    name: String,
    email: String,
    note: String,
    errors: HashMap<&'static str, String>,
    notice: String,
}

/// Each session of the course with who attended it, for the provider's attendance form.
fn session_attendance(
    l: &CourseListing,
    attendance: &[(i64, i64, bool)],
    now: chrono::DateTime<Utc>,
) -> Vec<SessionAttendance> {
    l.sessions
        .iter()
        .map(|s| SessionAttendance {
            id: s.id,
            label: format!(
                "{}, {}–{} Uhr",
                berlin::format_date(berlin::today(s.starts_at)),
                berlin::format_time(s.starts_at),
                berlin::format_time(s.ends_at)
            ),
            started: now >= s.starts_at,
            present: attendance
                .iter()
                .filter(|(_, session, attended)| *session == s.id && *attended)
                .map(|(r, _, _)| *r)
                .collect(),
        })
        .collect()
}

async fn page(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    l: CourseListing,
    entered: Entered,
) -> AppResult<Response> {
    let now = Utc::now();
    let provider = l.course.municipality_id == officer.municipality_id;
    let members = state.members().await?;
    let all = registrations::active_registrations(&state.db, l.course.id).await?;
    let positions: HashMap<i64, usize> =
        registrations::waiting_positions(&all).into_iter().collect();
    let visible: Vec<&Registration> = all
        .iter()
        .filter(|r| provider || r.municipality_id == officer.municipality_id)
        .collect();
    let rows = visible
        .iter()
        .map(|r| ParticipantRow {
            id: r.id,
            name: r.name.clone(),
            email: r.email.clone(),
            municipality: members
                .iter()
                .find(|m| m.id == r.municipality_id)
                .map_or_else(String::new, |m| m.name.clone()),
            status: match positions.get(&r.id) {
                Some(p) => format!("Warteliste, Platz {p}"),
                None => r.status.label().to_owned(),
            },
            note: r.note.clone().unwrap_or_default(),
            joined: berlin::format_datetime(r.joined_at),
            confirmed: r.status == RegistrationStatus::Confirmed,
        })
        .collect();
    let attendance = if provider {
        registrations::attendance_of(&state.db, l.course.id).await?
    } else {
        Vec::new()
    };
    let sessions = session_attendance(&l, &attendance, now);
    let effective = l.status(now);
    let page = ParticipantsPage {
        meta: meta(state, &format!("Teilnehmende: {}", l.course.title)),
        nav: HrNav::new(&officer.session, NavKey::Courses),
        status: effective.label(),
        seats: format!(
            "{} von {} Plätzen vergeben, {} auf der Warteliste",
            l.confirmed, l.course.seats, l.waiting
        ),
        provider,
        can_register: matches!(effective, CourseStatus::Open | CourseStatus::Full),
        rows,
        sessions,
        form_name: entered.name,
        form_email: entered.email,
        form_note: entered.note,
        errors: entered.errors,
        notice: entered.notice,
        course: l.course,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_participants(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let l = load_visible(&state, &officer, id).await?;
    let notice = q.text();
    let entered = Entered {
        notice: notice.to_owned(),
        ..Default::default()
    };
    page(&state, &officer, StatusCode::OK, l, entered).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegistrationForm {
    name: String,
    email: String,
    note: String,
}

pub async fn register_participant(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<RegistrationForm>,
) -> AppResult<Response> {
    let l = load_visible(&state, &officer, id).await?;
    let actor = officer.session.user.actor();
    let draft = RegistrationDraft {
        name: form.name.clone(),
        email: form.email.clone(),
        note: Some(form.note.clone()),
    };
    let errors: ValidationErrors = match registrations::register(
        &state.db,
        id,
        officer.municipality_id,
        draft,
        &actor,
        Utc::now(),
    )
    .await
    {
        Ok((_, notices)) => {
            send_notices(&state, notices).await;
            return Ok(
                Notice::Registered.redirect(&format!("/verwaltung/lehrgaenge/{id}/teilnehmende"))
            );
        }
        Err(DomainError::Validation(e)) => e,
        Err(e) => return Err(e.into()),
    };
    let mut by_field: HashMap<&'static str, String> = HashMap::new();
    for f in errors.0 {
        by_field
            .entry(f.field)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&f.message);
            })
            .or_insert(f.message);
    }
    let entered = Entered {
        name: form.name,
        email: form.email,
        note: form.note,
        errors: by_field,
        notice: String::new(),
    };
    page(
        &state,
        &officer,
        StatusCode::UNPROCESSABLE_ENTITY,
        l,
        entered,
    )
    .await
}

pub async fn cancel_registration(
    State(state): State<AppState>,
    officer: Officer,
    PathId(registration_id): PathId,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    let (r, notices) = registrations::cancel(
        &state.db,
        registration_id,
        officer.municipality_id,
        &actor,
        Utc::now(),
    )
    .await?;
    send_notices(&state, notices).await;
    Ok(Notice::RegistrationCancelled.redirect(&format!(
        "/verwaltung/lehrgaenge/{}/teilnehmende",
        r.course_id
    )))
}

pub async fn record_attendance(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    // Who may, before what was sent: another municipality learns nothing from the answer.
    let course = queries::find_by_id(&state.db, id)
        .await?
        .filter(|c| c.municipality_id == officer.municipality_id)
        .ok_or(AppError::NotFound)?;
    let session_id = pairs
        .iter()
        .find(|(k, _)| k == "session")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .ok_or_else(|| AppError::BadRequest("Der Termin fehlt.".into()))?;
    let present: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "anwesend")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let entries: Vec<(i64, bool)> = registrations::active_registrations(&state.db, course.id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Confirmed)
        .map(|r| (r.id, present.contains(&r.id)))
        .collect();
    let actor = officer.session.user.actor();
    registrations::record_attendance(
        &state.db,
        id,
        officer.municipality_id,
        session_id,
        &entries,
        &actor,
        Utc::now(),
    )
    .await?;
    Ok(Notice::AttendanceSaved.redirect(&format!("/verwaltung/lehrgaenge/{id}/teilnehmende")))
}

/// The provider's participant list as CSV (semicolon-separated, UTF-8 with BOM, so spreadsheet
/// programs set to German open it correctly): one row per person, one column per session.
pub async fn participants_csv(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let course = queries::find_by_id(&state.db, id)
        .await?
        .filter(|c| c.municipality_id == officer.municipality_id)
        .ok_or(AppError::NotFound)?;
    let l = queries::listing_of(&state.db, course).await?;
    let members = state.members().await?;
    let all = registrations::active_registrations(&state.db, id).await?;
    let positions: HashMap<i64, usize> =
        registrations::waiting_positions(&all).into_iter().collect();
    let attendance = registrations::attendance_of(&state.db, id).await?;
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    let mut head = vec![
        "Name".to_owned(),
        "E-Mail".to_owned(),
        "Kommune".to_owned(),
        "Status".to_owned(),
        "Angemeldet am".to_owned(),
        "Bemerkung".to_owned(),
    ];
    for s in &l.sessions {
        head.push(format!(
            "Anwesend {} {}",
            berlin::format_date(berlin::today(s.starts_at)),
            berlin::format_time(s.starts_at)
        ));
    }
    out.write_record(&head).map_err(csv_error)?;
    for r in &all {
        let mut row = vec![
            cell(&r.name),
            cell(&r.email),
            members
                .iter()
                .find(|m| m.id == r.municipality_id)
                .map_or_else(String::new, |m| m.name.clone()),
            match positions.get(&r.id) {
                Some(p) => format!("Warteliste {p}"),
                None => r.status.label().to_owned(),
            },
            berlin::format_datetime(r.joined_at),
            cell(r.note.as_deref().unwrap_or_default()),
        ];
        for s in &l.sessions {
            row.push(
                match attendance
                    .iter()
                    .find(|(reg, session, _)| *reg == r.id && *session == s.id)
                {
                    Some((_, _, true)) => "ja".to_owned(),
                    Some((_, _, false)) => "nein".to_owned(),
                    None => String::new(),
                },
            );
        }
        out.write_record(&row).map_err(csv_error)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| csv_error(e.into_error().into()))?;
    let filename = format!("teilnehmende-{}.csv", l.course.slug);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Text typed by people must not become a formula in a spreadsheet.
pub(crate) fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

pub(crate) fn csv_error(e: csv::Error) -> AppError {
    AppError::Internal(format!("CSV: {e}"))
}
