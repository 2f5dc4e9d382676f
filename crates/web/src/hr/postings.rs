//! Lifecycle actions on a posting of the officer's municipality, duplication, bulk actions on
//! postings selected in the overview, the preview as the public sees it, and the partner's
//! confirmation of a shared offer.

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use jobboard_domain::DomainError;
use jobboard_domain::berlin;
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::postings::bulk::{self, Action, MAX_EXTENSION_DAYS, Selected};
use jobboard_domain::postings::mutations;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::queries::{self, Posting};
use serde::Deserialize;

use super::dashboard::{View, link};
use super::editor::conflict;
use super::form::{DATE_MESSAGE, Submitted, parse_date};
use super::nav::{HrNav, NavKey, meta};
use super::notice::Notice;
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

/// The one place that decides whether officers may edit a posting here. Postings that came from
/// a feed import belong to their source and are shown read-only.
pub fn read_only_reason(p: &Posting) -> Option<&'static str> {
    p.source_id.map(|_| {
        "Diese Anzeige wurde aus einer anderen Quelle übernommen und kann nur dort geändert werden."
    })
}

/// Posting `id` if it belongs to the officer's municipality; another municipality's posting is
/// "not found", so its existence is not revealed.
pub async fn load_owned(state: &AppState, officer: &Officer, id: i64) -> AppResult<Posting> {
    queries::find_by_id(&state.db, id)
        .await?
        .filter(|p| p.municipality_id == officer.municipality_id)
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    action: String,
    version: String,
    /// `datetime-local` in Berlin time, for scheduling.
    at: String,
    loaded: String,
}

fn berlin_local(s: &str) -> Option<DateTime<Utc>> {
    let t = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Berlin
        .from_local_datetime(&t)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

pub async fn change_status(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<StatusForm>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    if let Some(why) = read_only_reason(&p) {
        return Err(AppError::Refused(StatusCode::CONFLICT, why.to_owned()));
    }
    let request = match form.action.as_str() {
        "publish" => Request::Publish,
        "schedule" => Request::Schedule(berlin_local(&form.at).ok_or_else(|| {
            AppError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Bitte geben Sie Datum und Uhrzeit der Veröffentlichung an.".into(),
            )
        })?),
        "unpublish" => Request::Unpublish,
        "archive" => Request::Archive,
        "republish" => Request::Republish,
        _ => return Err(AppError::BadRequest("Unbekannte Aktion.".into())),
    };
    let version = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Die Versionsangabe des Formulars fehlt.".into()))?;
    let actor = officer.session.user.actor();
    match transition(&state.db, id, version, request, &actor, Utc::now()).await {
        Ok(_) => Ok(Notice::StatusChanged.redirect(&format!("/verwaltung/anzeigen/{id}"))),
        Err(DomainError::Conflict { .. }) => {
            let since = DateTime::parse_from_rfc3339(&form.loaded)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(p.updated_at);
            conflict(&state, &officer, &p, since).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn duplicate_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    load_owned(&state, &officer, id).await?;
    let copy =
        mutations::duplicate_posting(&state.db, id, &officer.session.user.actor(), Utc::now())
            .await?;
    Ok(Notice::Saved.redirect(&format!("/verwaltung/anzeigen/{}", copy.id)))
}

/// The posting exactly as its public page will show it, whatever its status.
pub async fn preview_posting(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    crate::pages::render_detail(&state, p, Utc::now()).await
}

async fn set_partnership(
    state: AppState,
    officer: Officer,
    id: i64,
    confirmed: bool,
) -> AppResult<Response> {
    // Only a municipality named as partner may answer; for anyone else the offer does not exist.
    let named = queries::partners_of(&state.db, id)
        .await?
        .iter()
        .any(|x| x.municipality_id == officer.municipality_id);
    if !named {
        return Err(AppError::NotFound);
    }
    mutations::set_partner_confirmation(
        &state.db,
        id,
        officer.municipality_id,
        confirmed,
        &officer.session.user.actor(),
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to("/verwaltung").into_response())
}

pub async fn confirm_partnership(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    set_partnership(state, officer, id, true).await
}

pub async fn decline_partnership(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    set_partnership(state, officer, id, false).await
}

/// The most postings one bulk action may name (a page of the overview shows 25).
const BULK_MAX: usize = 200;

#[derive(Template)]
#[template(path = "hr/bulk_result.html")]
struct BulkResultPage {
    meta: Meta,
    nav: HrNav,
    heading: String,
    /// What was done, in one sentence; empty when the form itself was refused.
    summary: String,
    /// Why nothing was done (the form was not complete).
    errors: Vec<String>,
    done: Vec<BulkRow>,
    not_done: Vec<BulkRow>,
    /// The overview as the officer left it.
    back: String,
}

/// One selected posting on the result page.
struct BulkRow {
    /// The editor of the posting, when it is the municipality's own.
    href: Option<String>,
    title: String,
    reference: String,
    /// Done: what it is now. Not done: why.
    note: String,
    /// The copy a duplication made: its editor and Kennziffer.
    copy: Option<(String, String)>,
}

/// `17:3`: posting 17 as the officer saw it, at version 3.
fn parse_selected(value: &str) -> Option<Selected> {
    let (id, version) = value.trim().split_once(':')?;
    Some(Selected {
        id: id.trim().parse().ok()?,
        version: version.trim().parse().ok()?,
    })
}

/// Archive, extend the deadline of, duplicate or mark filled (`besetzt_am`, TT.MM.JJJJ or ISO)
/// the selected postings, each on its own at the
/// version the form carries: the result page lists what was done and what not, and why. A
/// posting of another municipality is refused and left unchanged; when no selected posting is
/// the municipality's own, the answer is "not found".
pub async fn bulk_action(
    State(state): State<AppState>,
    officer: Officer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = Submitted::new(pairs);
    let back = link(
        "/verwaltung",
        &View::parse(form.get("ansicht"), None).0.query(),
    );
    let mut errors = Vec::new();
    let action = match form.get("action").trim() {
        "archive" => Some(Action::Archive),
        "extend" => match form.get("tage").trim().parse::<u32>() {
            Ok(n) if (1..=MAX_EXTENSION_DAYS).contains(&n) => Some(Action::ExtendDeadline(n)),
            _ => {
                errors.push(format!(
                    "Bitte geben Sie an, um wie viele Tage die Bewerbungsfrist verlängert wird: eine ganze Zahl von 1 bis {MAX_EXTENSION_DAYS}."
                ));
                None
            }
        },
        "duplicate" => Some(Action::Duplicate),
        "fill" => {
            match form.get("besetzt_am").trim() {
                "" => {
                    errors.push("Bitte geben Sie an, an welchem Tag die Stellen besetzt wurden (TT.MM.JJJJ).".to_owned());
                    None
                }
                raw => match parse_date(raw) {
                    Some(day) => Some(Action::MarkFilled(day)),
                    None => {
                        errors.push(format!(
                            "Den Tag der Besetzung „{}“ verstehen wir nicht. {DATE_MESSAGE}",
                            raw.chars().take(40).collect::<String>()
                        ));
                        None
                    }
                },
            }
        }
        "" => {
            errors.push(
                "Bitte wählen Sie, was mit den Anzeigen geschehen soll: archivieren, Frist verlängern, kopieren oder als besetzt vermerken."
                    .to_owned(),
            );
            None
        }
        _ => {
            errors.push("Diese Aktion gibt es nicht.".to_owned());
            None
        }
    };
    let raw = form.repeated_values("auswahl");
    let (selection, malformed): (Vec<_>, Vec<_>) = raw
        .iter()
        .map(|v| (v, parse_selected(v)))
        .partition(|(_, s)| s.is_some());
    let selection: Vec<Selected> = selection.into_iter().filter_map(|(_, s)| s).collect();
    if raw.is_empty() {
        errors.push("Bitte wählen Sie mindestens eine Anzeige aus.".to_owned());
    } else if raw.len() > BULK_MAX {
        errors.push(format!(
            "Bitte wählen Sie höchstens {BULK_MAX} Anzeigen auf einmal."
        ));
    } else if selection.is_empty() {
        errors.push(
            "Die Auswahl enthält keine gültige Anzeige. Bitte laden Sie die Übersicht neu."
                .to_owned(),
        );
    }
    let nav = HrNav::new(&officer.session, NavKey::Overview);
    let Some(action) = action.filter(|_| errors.is_empty()) else {
        let page = BulkResultPage {
            meta: meta(&state, "Sammelaktion nicht ausgeführt"),
            nav,
            heading: "Sammelaktion nicht ausgeführt".into(),
            summary: String::new(),
            errors,
            done: vec![],
            not_done: vec![],
            back,
        };
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
    };
    let refuse = |p: &Posting| match action {
        // A copy is a new posting of the officer's own, whatever the original's source.
        Action::Duplicate => None,
        Action::Archive | Action::ExtendDeadline(_) => read_only_reason(p).map(str::to_owned),
        Action::MarkFilled(_) => read_only_reason(p).map(str::to_owned).or_else(|| {
            p.filled_on.map(|d| {
                format!(
                    "Die Anzeige ist bereits als besetzt vermerkt (am {}).",
                    berlin::format_date(d)
                )
            })
        }),
    };
    let outcomes = bulk::apply(
        &state.db,
        officer.municipality_id,
        &selection,
        action,
        refuse,
        &officer.session.user.actor(),
        Utc::now(),
    )
    .await?;
    if outcomes.iter().all(|o| o.posting.is_none()) {
        // Nothing the municipality owns: as if the postings did not exist.
        return Err(AppError::NotFound);
    }
    let heading = match action {
        Action::Archive => "Ausgewählte Anzeigen archivieren",
        Action::ExtendDeadline(_) => "Bewerbungsfrist der ausgewählten Anzeigen verlängern",
        Action::Duplicate => "Ausgewählte Anzeigen kopieren",
        Action::MarkFilled(_) => "Ausgewählte Anzeigen als besetzt vermerken",
    };
    let mut done = Vec::new();
    let mut not_done = Vec::new();
    for o in outcomes {
        let (href, title, reference) = match &o.posting {
            Some(p) => (
                Some(format!("/verwaltung/anzeigen/{}", p.id)),
                p.title.clone(),
                p.reference_number.clone(),
            ),
            None => (None, format!("Anzeige Nr. {}", o.id), String::new()),
        };
        match o.result {
            Ok(copy) => done.push(BulkRow {
                note: match (action, &o.posting) {
                    (Action::Archive, _) => "archiviert".into(),
                    (Action::MarkFilled(day), _) => {
                        format!("besetzt am {}, archiviert", berlin::format_date(day))
                    }
                    (Action::ExtendDeadline(_), Some(p)) => {
                        let mut note = format!(
                            "Bewerbungsfrist jetzt bis {}",
                            berlin::format_date(p.application_deadline)
                        );
                        if matches!(p.status, PostingStatus::Expired | PostingStatus::Archived) {
                            note.push_str(&format!(
                                "; die Anzeige bleibt {}, bis sie erneut veröffentlicht wird",
                                p.status.label()
                            ));
                        }
                        note
                    }
                    _ => "als Entwurf kopiert".into(),
                },
                copy: copy.map(|c| (format!("/verwaltung/anzeigen/{}", c.id), c.reference_number)),
                href,
                title,
                reference,
            }),
            Err(why) => not_done.push(BulkRow {
                href,
                title,
                reference,
                note: why,
                copy: None,
            }),
        }
    }
    for value in malformed {
        not_done.push(BulkRow {
            href: None,
            title: format!("Auswahl „{}“", value.0.chars().take(40).collect::<String>()),
            reference: String::new(),
            note: "Diese Angabe bezeichnet keine Anzeige. Bitte laden Sie die Übersicht neu."
                .into(),
            copy: None,
        });
    }
    let (n, all) = (done.len(), done.len() + not_done.len());
    let mut summary = match action {
        Action::Archive => format!("{n} von {all} ausgewählten Anzeigen archiviert"),
        Action::ExtendDeadline(days) => format!(
            "Bewerbungsfrist bei {n} von {all} ausgewählten Anzeigen um {days} Tage verlängert"
        ),
        Action::Duplicate => format!("{n} von {all} ausgewählten Anzeigen als Entwurf kopiert"),
        Action::MarkFilled(day) => format!(
            "{n} von {all} ausgewählten Anzeigen als besetzt am {} vermerkt",
            berlin::format_date(day)
        ),
    };
    summary.push_str(match not_done.len() {
        0 => ".",
        1 => "; eine nicht – der Grund steht unten.",
        _ => "; die übrigen nicht – die Gründe stehen unten.",
    });
    let page = BulkResultPage {
        meta: meta(&state, heading),
        nav,
        heading: heading.into(),
        summary,
        errors: vec![],
        done,
        not_done,
        back,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}
