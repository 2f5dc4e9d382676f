//! Agreements in the workspace: record one, edit it (its recorder), confirm it and end it (any
//! party), and the hours ledger with its CSV. A municipality that is not a party gets "not
//! found" on every address of the agreement.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::berlin;
use jobboard_domain::cover::visibility::AgreementView;
use jobboard_domain::cover::{agreements as domain, format_euros, format_hours, ledger};
use jobboard_domain::postings::validation::ValidationErrors;
use serde::Deserialize;

use super::name_of;
use crate::hr::PathId;
use crate::hr::courses::send_notices;
use crate::hr::csv_export::{Sheet, cell};
use crate::hr::form::agreement::{self, AgreementForm};
use crate::hr::form::{Outcome, Submitted, parse_date, version};
use crate::hr::nav::{HrNav, NavKey, meta};
use crate::hr::notice::{Notice, NoticeQuery};
use crate::hr::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/agreement_editor.html")]
struct EditorPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    action: String,
    version: i32,
    form: AgreementForm,
    error_links: Vec<(String, String)>,
}

pub struct PartyRow {
    pub name: String,
    pub confirmed: String,
}

pub struct LedgerLine {
    pub month: String,
    pub provider: String,
    pub receiver: String,
    pub hours: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "hr/agreement.html")]
struct DetailPage {
    meta: Meta,
    nav: HrNav,
    notice: String,
    id: i64,
    version: i32,
    title: String,
    legal_form: &'static str,
    areas: String,
    period: String,
    rate: String,
    note: String,
    status: String,
    parties: Vec<PartyRow>,
    can_confirm: bool,
    can_edit: bool,
    can_end: bool,
    ended_on: String,
    ledger: Vec<LedgerLine>,
    error_links: Vec<(String, String)>,
    end_error: String,
    /// File name of the signed document, if one is on file.
    document: Option<String>,
    document_error: String,
}

/// Agreement `id` if the officer's municipality is a party.
pub(super) async fn load(state: &AppState, officer: &Officer, id: i64) -> AppResult<AgreementView> {
    domain::find_for(&state.db, id, officer.municipality_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn editor(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    existing: Option<(i64, i32)>,
    form: AgreementForm,
) -> AppResult<Response> {
    let (heading, action, version) = match existing {
        Some((id, v)) => (
            "Vereinbarung bearbeiten".to_owned(),
            format!("/verwaltung/vereinbarungen/{id}"),
            v,
        ),
        None => (
            "Neue Vereinbarung".to_owned(),
            "/verwaltung/vereinbarungen".to_owned(),
            0,
        ),
    };
    let page = EditorPage {
        meta: meta(state, &heading),
        nav: HrNav::new(&officer.session, NavKey::Cooperation),
        heading,
        action,
        version,
        error_links: form.error_links(),
        form,
    };
    Ok(render_status(status, &page)?)
}

pub async fn new_agreement(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let members = state.members().await?;
    let mut s = Submitted::default();
    s.set("valid_from", berlin::today(Utc::now()).to_string());
    let form = AgreementForm::new(
        &s,
        &members,
        officer.municipality_id,
        ValidationErrors::default(),
    );
    editor(&state, &officer, StatusCode::OK, None, form).await
}

pub async fn create_agreement(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let (draft, mut errors) = agreement::parse(&s, &members, officer.municipality_id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let created = domain::create_agreement(
            &state.db,
            officer.municipality_id,
            draft,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(created)? {
            Outcome::Saved((a, notices)) => {
                send_notices(&state, notices).await;
                return Ok(Notice::Saved.redirect(&format!("/verwaltung/vereinbarungen/{}", a.id)));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let form = AgreementForm::new(&s, &members, officer.municipality_id, errors);
    editor(
        &state,
        &officer,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        form,
    )
    .await
}

/// Only the recording municipality edits the wording; the other parties confirm or end it.
fn editable(view: &AgreementView, officer: &Officer) -> AppResult<()> {
    if view.agreement.municipality_id != officer.municipality_id
        || view.agreement.ended_on.is_some()
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

pub async fn edit_agreement(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    editable(&view, &officer)?;
    let members = state.members().await?;
    let s = agreement::from_draft(&domain::draft_of(&state.db, &view.agreement).await?);
    let form = AgreementForm::new(
        &s,
        &members,
        officer.municipality_id,
        ValidationErrors::default(),
    );
    let existing = Some((id, view.agreement.version));
    editor(&state, &officer, StatusCode::OK, existing, form).await
}

pub async fn update_agreement(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    editable(&view, &officer)?;
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let version = version(&s)?;
    let (draft, mut errors) = agreement::parse(&s, &members, officer.municipality_id);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let saved =
            domain::update_agreement(&state.db, id, version, draft, &actor, Utc::now()).await;
        match Outcome::of(saved)? {
            Outcome::Saved((_, notices)) => {
                send_notices(&state, notices).await;
                return Ok(Notice::Saved.redirect(&format!("/verwaltung/vereinbarungen/{id}")));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let form = AgreementForm::new(&s, &members, officer.municipality_id, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    editor(&state, &officer, status, Some((id, version)), form).await
}

pub(super) async fn detail_page(
    state: &AppState,
    officer: &Officer,
    view: AgreementView,
    status: StatusCode,
    notice: String,
    errors: ValidationErrors,
) -> AppResult<Response> {
    let members = state.members().await?;
    let own = officer.municipality_id;
    let a = &view.agreement;
    let today = berlin::today(Utc::now());
    let ledger = ledger::ledger(&state.db, a)
        .await?
        .into_iter()
        .map(|r| LedgerLine {
            month: r.month,
            provider: name_of(&members, r.provider),
            receiver: name_of(&members, r.receiver),
            hours: format_hours(r.minutes),
            amount: r
                .amount_cents
                .map(format_euros)
                .unwrap_or_else(|| "–".to_owned()),
        })
        .collect();
    let page = DetailPage {
        meta: meta(state, &a.title),
        nav: HrNav::new(&officer.session, NavKey::Cooperation),
        notice,
        id: a.id,
        version: a.version,
        title: a.title.clone(),
        legal_form: a.legal_form.label(),
        areas: view
            .areas
            .iter()
            .map(|x| x.label())
            .collect::<Vec<_>>()
            .join(", "),
        period: match a.valid_until {
            Some(u) => format!(
                "{} bis {}",
                berlin::format_date(a.valid_from),
                berlin::format_date(u)
            ),
            None => format!("ab {}, unbefristet", berlin::format_date(a.valid_from)),
        },
        rate: a
            .hourly_rate_cents
            .map(|c| format!("{} je Stunde", format_euros(i64::from(c))))
            .unwrap_or_else(|| "keiner vereinbart".to_owned()),
        note: a.note.clone().unwrap_or_default(),
        status: view.status_label(today),
        parties: view
            .parties
            .iter()
            .map(|p| PartyRow {
                name: name_of(&members, p.municipality_id),
                confirmed: p
                    .confirmed_at
                    .map(|t| format!("bestätigt am {}", berlin::format_datetime(t)))
                    .unwrap_or_else(|| "noch nicht bestätigt".to_owned()),
            })
            .collect(),
        can_confirm: a.ended_on.is_none() && !view.has_confirmed(own),
        can_edit: a.ended_on.is_none() && a.municipality_id == own,
        can_end: a.ended_on.is_none(),
        ended_on: a.ended_on.map(berlin::format_date).unwrap_or_default(),
        ledger,
        end_error: errors.for_field("ended_on").collect::<Vec<_>>().join(" "),
        document: a
            .document_name
            .clone()
            .filter(|_| a.document_sha256.is_some()),
        document_error: errors
            .for_field(super::document::FIELD)
            .collect::<Vec<_>>()
            .join(" "),
        error_links: crate::hr::form::error_links(&errors, |_| None),
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_agreement(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    let notice = q.text().to_owned();
    detail_page(
        &state,
        &officer,
        view,
        StatusCode::OK,
        notice,
        ValidationErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    version: i32,
    ended_on: String,
}

pub async fn confirm_agreement(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    load(&state, &officer, id).await?;
    let actor = officer.session.user.actor();
    let notices = domain::confirm_agreement(
        &state.db,
        id,
        form.version,
        officer.municipality_id,
        &actor,
        Utc::now(),
    )
    .await?;
    send_notices(&state, notices).await;
    Ok(Notice::Confirmed.redirect(&format!("/verwaltung/vereinbarungen/{id}")))
}

pub async fn end_agreement(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<VersionForm>,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    let mut errors = ValidationErrors::default();
    let last_day = parse_date(&form.ended_on);
    if last_day.is_none() && !form.ended_on.trim().is_empty() {
        errors.add("ended_on", crate::hr::form::DATE_MESSAGE);
    } else {
        let actor = officer.session.user.actor();
        let ended = domain::end_agreement(
            &state.db,
            id,
            form.version,
            officer.municipality_id,
            last_day,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(ended)? {
            Outcome::Saved((_, notices)) => {
                send_notices(&state, notices).await;
                return Ok(Notice::Ended.redirect(&format!("/verwaltung/vereinbarungen/{id}")));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    detail_page(&state, &officer, view, status, String::new(), errors).await
}

/// The hours ledger for the payroll or finance office, with the CSV rules of every download.
pub async fn ledger_csv(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let view = load(&state, &officer, id).await?;
    let members = state.members().await?;
    let a = &view.agreement;
    let mut sheet = Sheet::new(&[
        "Vereinbarung",
        "Monat",
        "Leistende Kommune",
        "Empfangende Kommune",
        "Stunden",
        "Stundensatz (EUR)",
        "Betrag (EUR)",
    ])?;
    let decimal = |cents: i64| format!("{},{:02}", cents / 100, cents % 100);
    for r in ledger::ledger(&state.db, a).await? {
        sheet.row(&[
            cell(&a.title),
            r.month,
            name_of(&members, r.provider),
            name_of(&members, r.receiver),
            decimal(r.minutes * 100 / 60),
            r.rate_cents
                .map(|c| decimal(i64::from(c)))
                .unwrap_or_default(),
            r.amount_cents.map(decimal).unwrap_or_default(),
        ])?;
    }
    sheet.into_response(&format!("stunden-vereinbarung-{id}.csv"))
}
