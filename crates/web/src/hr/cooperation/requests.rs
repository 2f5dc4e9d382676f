//! Cover requests in the workspace: ask (requester), see and offer (partners sharing an
//! agreement in force), accept offers and cancel (requester), cancel an offer (either side).
//! A municipality that may not see a request gets "not found" on every address of it.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::cover::request_draft::requirements_of;
use jobboard_domain::cover::{
    CoverRequest, CoverStatus, OfferStatus, format_hours, offers as domain_offers,
    requests as domain,
};
use jobboard_domain::postings::validation::ValidationErrors;
use serde::Deserialize;

use super::{name_of, period};
use crate::hr::PathId;
use crate::hr::courses::send_notices;
use crate::hr::form::cover::{self, CoverForm};
use crate::hr::form::{Outcome, Submitted};
use crate::hr::nav::{HrNav, NavKey, meta};
use crate::hr::notice::{Notice, NoticeQuery};
use crate::hr::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/cover_request_editor.html")]
struct EditorPage {
    meta: Meta,
    nav: HrNav,
    form: CoverForm,
    error_links: Vec<(String, String)>,
}

pub struct OfferRow {
    pub id: i64,
    pub version: i32,
    pub from: String,
    pub period: String,
    pub hours: String,
    pub person: String,
    pub note: String,
    pub status: &'static str,
    pub open: bool,
    pub live: bool,
    pub mine: bool,
    pub cancel_reason: String,
    /// Why cancelling this offer failed (its reason field), after a 422.
    pub reason_error: String,
    /// The reason as it was submitted, after a 422.
    pub reason_value: String,
}

#[derive(Template)]
#[template(path = "hr/cover_request.html")]
struct DetailPage {
    meta: Meta,
    nav: HrNav,
    notice: String,
    id: i64,
    version: i32,
    heading: String,
    is_requester: bool,
    open: bool,
    status: &'static str,
    period: String,
    day_part: &'static str,
    hours: String,
    place: String,
    skills: String,
    requirements: Vec<&'static str>,
    urgency: &'static str,
    reason: &'static str,
    cancel_reason: String,
    offers: Vec<OfferRow>,
    offer_form: CoverForm,
    error_links: Vec<(String, String)>,
    action_error: String,
    /// The error and submitted value of the reason for calling the request off, after a 422.
    reason_error: String,
    reason_value: String,
}

/// Which action of the page failed its rules: its errors go beside its own field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Accept,
    CancelRequest,
    CancelOffer(i64),
}

async fn load(state: &AppState, officer: &Officer, id: i64) -> AppResult<CoverRequest> {
    domain::find_visible(&state.db, id, officer.municipality_id)
        .await?
        .ok_or(AppError::NotFound)
}

fn to_detail(id: i64, notice: Notice) -> Response {
    notice.redirect(&format!("/verwaltung/vertretungen/{id}"))
}

async fn editor(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    form: CoverForm,
) -> AppResult<Response> {
    let page = EditorPage {
        meta: meta(state, "Vertretung anfragen"),
        nav: HrNav::new(&officer.session, NavKey::Cooperation),
        error_links: form.error_links(),
        form,
    };
    Ok(render_status(status, &page)?)
}

pub async fn new_request(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let mut s = Submitted::default();
    s.set("hours", "8");
    editor(
        &state,
        &officer,
        StatusCode::OK,
        CoverForm::request(&s, ValidationErrors::default()),
    )
    .await
}

pub async fn create_request(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let (draft, mut errors) = cover::parse_request(&s);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let created = domain::create_request(
            &state.db,
            officer.municipality_id,
            draft,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(created)? {
            Outcome::Saved((r, notices)) => {
                send_notices(&state, notices).await;
                return Ok(to_detail(r.id, Notice::RequestSent));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    editor(
        &state,
        &officer,
        StatusCode::UNPROCESSABLE_ENTITY,
        CoverForm::request(&s, errors),
    )
    .await
}

fn offer_row(
    o: &jobboard_domain::cover::Offer,
    members: &[jobboard_domain::municipalities::Municipality],
    own: i64,
) -> OfferRow {
    let person = [o.person_name.as_deref(), o.person_contact.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    OfferRow {
        id: o.id,
        version: o.version,
        from: name_of(members, o.municipality_id),
        period: period(o.starts_on, o.ends_on),
        hours: format_hours(i64::from(o.minutes_per_day)),
        person,
        note: o.note.clone().unwrap_or_default(),
        status: o.status.label(),
        open: o.status == OfferStatus::Offered,
        live: matches!(o.status, OfferStatus::Offered | OfferStatus::Accepted),
        mine: o.municipality_id == own,
        cancel_reason: o.cancel_reason.clone().unwrap_or_default(),
        reason_error: String::new(),
        reason_value: String::new(),
    }
}

/// The errors of a failed action, with the action and the reason as submitted.
struct Failed {
    action: Action,
    errors: ValidationErrors,
    reason: String,
}

impl Failed {
    fn none() -> Self {
        Self {
            action: Action::Accept,
            errors: ValidationErrors::default(),
            reason: String::new(),
        }
    }

    /// The errors of the reason field of `action`, if that action failed.
    fn reason_error(&self, action: Action) -> String {
        if self.action != action {
            return String::new();
        }
        self.errors
            .for_field("reason")
            .collect::<Vec<_>>()
            .join(" ")
    }
}

async fn detail(
    state: &AppState,
    officer: &Officer,
    r: CoverRequest,
    status: StatusCode,
    notice: String,
    offer_form: CoverForm,
    failed: Failed,
) -> AppResult<Response> {
    let members = state.members().await?;
    let own = officer.municipality_id;
    let is_requester = r.municipality_id == own;
    let offers = domain::offers_on(&state.db, r.id)
        .await?
        .iter()
        // Partners see their own offers only, not each other's.
        .filter(|o| is_requester || o.municipality_id == own)
        .map(|o| {
            let mut row = offer_row(o, &members, own);
            row.reason_error = failed.reason_error(Action::CancelOffer(o.id));
            if !row.reason_error.is_empty() {
                row.reason_value.clone_from(&failed.reason);
            }
            row
        })
        .collect();
    let requester = name_of(&members, r.municipality_id);
    let mut error_links = offer_form.error_links();
    // A reason error links to the reason field of the form that was sent.
    let reason_anchor = match failed.action {
        Action::CancelOffer(id) => format!("reason-{id}"),
        _ => "f-reason".to_owned(),
    };
    error_links.extend(failed.errors.0.iter().map(|e| {
        let target = match e.field {
            "reason" => reason_anchor.clone(),
            "offers" => "f-offers".to_owned(),
            _ => "f-cancel".to_owned(),
        };
        (target, e.message.clone())
    }));
    let reason_error = failed.reason_error(Action::CancelRequest);
    let reason_value = if reason_error.is_empty() {
        String::new()
    } else {
        failed.reason.clone()
    };
    let action_errors = failed.errors;
    let page = DetailPage {
        meta: meta(state, "Vertretungsanfrage"),
        nav: HrNav::new(&officer.session, NavKey::Cooperation),
        notice,
        id: r.id,
        version: r.version,
        heading: format!("Vertretungsanfrage {}: {}", requester, r.task_area.label()),
        is_requester,
        open: r.status != CoverStatus::Cancelled,
        status: r.status.label(),
        period: period(r.starts_on, r.ends_on),
        day_part: r.day_part.label(),
        hours: format_hours(i64::from(r.minutes_per_day)),
        place: r.place.clone(),
        skills: r.skills.clone(),
        requirements: requirements_of(&r).into_iter().map(|q| q.label()).collect(),
        urgency: r.urgency.label(),
        reason: r.reason.label(),
        cancel_reason: r.cancel_reason.clone().unwrap_or_default(),
        offers,
        offer_form,
        error_links,
        // Errors that belong to no field of their own (the choice of offers).
        action_error: action_errors
            .0
            .iter()
            .filter(|e| e.field != "reason")
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        reason_error,
        reason_value,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_request(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let r = load(&state, &officer, id).await?;
    let mut s = Submitted::default();
    s.set("starts_on", r.starts_on.to_string());
    s.set("ends_on", r.ends_on.to_string());
    s.set("hours", cover::hours(r.minutes_per_day));
    let form = CoverForm::offer(&s, ValidationErrors::default());
    let notice = q.text().to_owned();
    detail(
        &state,
        &officer,
        r,
        StatusCode::OK,
        notice,
        form,
        Failed::none(),
    )
    .await
}

pub async fn create_offer(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let r = load(&state, &officer, id).await?;
    if r.municipality_id == officer.municipality_id {
        return Err(AppError::Forbidden);
    }
    let s = Submitted::new(pairs);
    let (draft, mut errors) = cover::parse_offer(&s, id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let created = domain_offers::create_offer(
            &state.db,
            officer.municipality_id,
            draft,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(created)? {
            Outcome::Saved((_, notices)) => {
                send_notices(&state, notices).await;
                return Ok(to_detail(id, Notice::Offered));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let form = CoverForm::offer(&s, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    detail(
        &state,
        &officer,
        r,
        status,
        String::new(),
        form,
        Failed::none(),
    )
    .await
}

/// An action with its reason or choice failed its rules: the page again, with the errors.
async fn action_failed(
    state: &AppState,
    officer: &Officer,
    r: CoverRequest,
    failed: Failed,
) -> AppResult<Response> {
    let mut s = Submitted::default();
    s.set("starts_on", r.starts_on.to_string());
    s.set("ends_on", r.ends_on.to_string());
    s.set("hours", cover::hours(r.minutes_per_day));
    let form = CoverForm::offer(&s, ValidationErrors::default());
    detail(
        state,
        officer,
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        String::new(),
        form,
        failed,
    )
    .await
}

pub async fn accept_offers(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let r = load(&state, &officer, id).await?;
    let s = Submitted::new(pairs);
    let version = crate::hr::form::version(&s)?;
    let actor = officer.session.user.actor();
    let chosen = s.ids("offer");
    let accepted = domain_offers::accept_offers(
        &state.db,
        id,
        version,
        officer.municipality_id,
        &chosen,
        &actor,
        Utc::now(),
    )
    .await;
    match Outcome::of(accepted)? {
        Outcome::Saved(notices) => {
            send_notices(&state, notices).await;
            Ok(to_detail(id, Notice::Accepted))
        }
        Outcome::Invalid(errors) => {
            let failed = Failed {
                action: Action::Accept,
                errors,
                reason: String::new(),
            };
            action_failed(&state, &officer, r, failed).await
        }
        Outcome::Stale(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    version: i32,
    reason: String,
}

pub async fn cancel_request(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let r = load(&state, &officer, id).await?;
    let actor = officer.session.user.actor();
    let cancelled = domain::cancel_request(
        &state.db,
        id,
        form.version,
        officer.municipality_id,
        &form.reason,
        &actor,
        Utc::now(),
    )
    .await;
    match Outcome::of(cancelled)? {
        Outcome::Saved(notices) => {
            send_notices(&state, notices).await;
            Ok(to_detail(id, Notice::CoverCancelled))
        }
        Outcome::Invalid(errors) => {
            let failed = Failed {
                action: Action::CancelRequest,
                errors,
                reason: form.reason,
            };
            action_failed(&state, &officer, r, failed).await
        }
        Outcome::Stale(e) => Err(e.into()),
    }
}

pub async fn cancel_offer(
    State(state): State<AppState>,
    officer: Officer,
    PathId(offer_id): PathId,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let offer = domain_offers::find(&state.db, offer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let r = load(&state, &officer, offer.request_id).await?;
    let actor = officer.session.user.actor();
    let cancelled = domain_offers::cancel_offer(
        &state.db,
        offer_id,
        form.version,
        officer.municipality_id,
        &form.reason,
        &actor,
        Utc::now(),
    )
    .await;
    match Outcome::of(cancelled)? {
        Outcome::Saved(notices) => {
            send_notices(&state, notices).await;
            Ok(to_detail(r.id, Notice::CoverCancelled))
        }
        Outcome::Invalid(errors) => {
            let failed = Failed {
                action: Action::CancelOffer(offer_id),
                errors,
                reason: form.reason,
            };
            action_failed(&state, &officer, r, failed).await
        }
        Outcome::Stale(e) => Err(e.into()),
    }
}
