//! Agreements in the workspace: record one, edit it (its recorder), confirm it and end it (any
//! party), and the hours ledger with its CSV. A municipality that is not a party gets "not
//! found" on every address of the agreement. The platform admin records agreements between
//! any two or more members and reads every agreement (`/verwaltung/admin/vereinbarungen`).

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
use crate::hr::session::{Admin, Officer};
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};
use jobboard_domain::accounts::SignedIn;

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
    /// Recorded by the platform admin: no party confirms by saving.
    admin: bool,
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
    /// The platform admin's read-only view: no actions, no downloads.
    admin: bool,
}

/// The platform admin's list of every agreement.
const ADMIN_LIST: &str = "/verwaltung/admin/vereinbarungen";

/// Agreement `id` if the officer's municipality is a party.
pub(super) async fn load(state: &AppState, officer: &Officer, id: i64) -> AppResult<AgreementView> {
    domain::find_for(&state.db, id, officer.municipality_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn editor(
    state: &AppState,
    session: &SignedIn,
    status: StatusCode,
    existing: Option<(i64, i32)>,
    form: AgreementForm,
) -> AppResult<Response> {
    let admin = session.user.role == jobboard_domain::accounts::Role::Admin;
    let (heading, action, version) = match existing {
        Some((id, v)) => (
            "Vereinbarung bearbeiten".to_owned(),
            format!("/verwaltung/vereinbarungen/{id}"),
            v,
        ),
        None if admin => ("Neue Vereinbarung".to_owned(), ADMIN_LIST.to_owned(), 0),
        None => (
            "Neue Vereinbarung".to_owned(),
            "/verwaltung/vereinbarungen".to_owned(),
            0,
        ),
    };
    let page = EditorPage {
        meta: meta(state, &heading),
        nav: HrNav::new(session, NavKey::Cooperation),
        heading,
        action,
        version,
        error_links: form.error_links(),
        form,
        admin,
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
        Some(officer.municipality_id),
        ValidationErrors::default(),
    );
    editor(&state, &officer.session, StatusCode::OK, None, form).await
}

pub async fn create_agreement(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let (draft, mut errors) = agreement::parse(&s, &members, Some(officer.municipality_id));
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
    let form = AgreementForm::new(&s, &members, Some(officer.municipality_id), errors);
    editor(
        &state,
        &officer.session,
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
        Some(officer.municipality_id),
        ValidationErrors::default(),
    );
    let existing = Some((id, view.agreement.version));
    editor(&state, &officer.session, StatusCode::OK, existing, form).await
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
    let (draft, mut errors) = agreement::parse(&s, &members, Some(officer.municipality_id));
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
    let form = AgreementForm::new(&s, &members, Some(officer.municipality_id), errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    editor(&state, &officer.session, status, Some((id, version)), form).await
}

pub(super) async fn detail_page(
    state: &AppState,
    officer: &Officer,
    view: AgreementView,
    status: StatusCode,
    notice: String,
    errors: ValidationErrors,
) -> AppResult<Response> {
    let own = Some(officer.municipality_id);
    render_detail(state, &officer.session, own, view, status, notice, errors).await
}

/// The page of an agreement for the officer of party `own`, or (`None`) the platform admin.
async fn render_detail(
    state: &AppState,
    session: &SignedIn,
    own: Option<i64>,
    view: AgreementView,
    status: StatusCode,
    notice: String,
    errors: ValidationErrors,
) -> AppResult<Response> {
    let members = state.members().await?;
    let party = own.is_some();
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
        nav: HrNav::new(session, NavKey::Cooperation),
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
        can_confirm: a.ended_on.is_none() && own.is_some_and(|m| !view.has_confirmed(m)),
        can_edit: a.ended_on.is_none() && Some(a.municipality_id) == own,
        can_end: party && a.ended_on.is_none(),
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
        admin: !party,
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
            cell(&name_of(&members, r.provider)),
            cell(&name_of(&members, r.receiver)),
            // Hours to the hundredth, rounded half up as the amount is.
            decimal((r.minutes * 100 + 30) / 60),
            r.rate_cents
                .map(|c| decimal(i64::from(c)))
                .unwrap_or_default(),
            r.amount_cents.map(decimal).unwrap_or_default(),
        ])?;
    }
    sheet.into_response(&format!("stunden-vereinbarung-{id}.csv"))
}

#[derive(Template)]
#[template(path = "hr/admin_agreements.html")]
struct AdminListPage {
    meta: Meta,
    nav: HrNav,
    notice: String,
    agreements: Vec<super::AgreementRow>,
}

/// The platform admin: every agreement of the region.
pub async fn show_admin_agreements(
    State(state): State<AppState>,
    Admin(session): Admin,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let today = berlin::today(Utc::now());
    let agreements = domain::list_all(&state.db)
        .await?
        .iter()
        .map(|v| super::agreement_row(v, &members, None, today))
        .collect();
    let page = AdminListPage {
        meta: meta(&state, "Vereinbarungen"),
        nav: HrNav::new(&session, NavKey::Cooperation),
        notice: q.text().to_owned(),
        agreements,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

/// The platform admin's form for an agreement between any two or more members.
pub async fn new_admin_agreement(
    State(state): State<AppState>,
    Admin(session): Admin,
) -> AppResult<Response> {
    let members = state.members().await?;
    let mut s = Submitted::default();
    s.set("valid_from", berlin::today(Utc::now()).to_string());
    let form = AgreementForm::new(&s, &members, None, ValidationErrors::default());
    editor(&state, &session, StatusCode::OK, None, form).await
}

/// The platform admin records an agreement: nobody has confirmed it yet, every party is asked.
pub async fn create_admin_agreement(
    State(state): State<AppState>,
    Admin(session): Admin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let s = Submitted::new(pairs);
    let (draft, mut errors) = agreement::parse(&s, &members, None);
    if errors.is_empty() {
        let actor = session.user.actor();
        let created =
            domain::create_agreement_for_parties(&state.db, draft, &actor, Utc::now()).await;
        match Outcome::of(created)? {
            Outcome::Saved((a, notices)) => {
                send_notices(&state, notices).await;
                return Ok(Notice::Saved.redirect(&format!("{ADMIN_LIST}/{}", a.id)));
            }
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let form = AgreementForm::new(&s, &members, None, errors);
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    editor(&state, &session, status, None, form).await
}

/// The platform admin reads an agreement (its parties act on it).
pub async fn show_admin_agreement(
    State(state): State<AppState>,
    Admin(session): Admin,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let view = domain::find_any(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let notice = q.text().to_owned();
    let status = StatusCode::OK;
    let errors = ValidationErrors::default();
    render_detail(&state, &session, None, view, status, notice, errors).await
}
