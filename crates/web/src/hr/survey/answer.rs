//! An officer's answer to a survey round, for their own municipality only: the form (saved as
//! often as they like until the deadline, with optimistic locking) and, during the round, only
//! whether each other member has answered — never their answers.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::survey::{answers, catalog, rounds};
use std::collections::HashMap;

use super::RoundRow;
use crate::hr::PathId;
use crate::hr::form::survey::{self, SurveyForm, priorities};
use crate::hr::form::{Outcome, Submitted, version};
use crate::hr::nav::{HrNav, NavKey, meta};
use crate::hr::notice::{self, NoticeQuery};
use crate::hr::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/survey_rounds.html")]
struct RoundsPage {
    meta: Meta,
    nav: HrNav,
    rounds: Vec<(RoundRow, bool)>,
}

pub async fn show_rounds(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    let now = Utc::now();
    let mut rows = Vec::new();
    for r in rounds::list(&state.db).await? {
        let answered = rounds::answered(&state.db, r.id)
            .await?
            .contains(&officer.municipality_id);
        rows.push((RoundRow::of(&r, now), answered));
    }
    let page = RoundsPage {
        meta: meta(&state, "Bedarfsabfrage"),
        nav: HrNav::new(&officer.session, NavKey::Survey),
        rounds: rows,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

#[derive(Template)]
#[template(path = "hr/survey_answer.html")]
struct AnswerPage {
    meta: Meta,
    nav: HrNav,
    round: RoundRow,
    form: SurveyForm,
    version: i32,
    notice: &'static str,
    /// `(member, has answered)`.
    status: Vec<(String, bool)>,
    priorities: Vec<(&'static str, &'static str)>,
}

/// What was submitted, the problems by input name, and the summary links.
type Submission = (Submitted, HashMap<String, String>, Vec<(String, String)>);

async fn page(
    state: &AppState,
    officer: &Officer,
    round_id: i64,
    status: StatusCode,
    submitted: Option<Submission>,
    notice: &'static str,
) -> AppResult<Response> {
    let round = rounds::find(&state.db, round_id).await?;
    let cat = catalog::of_round(&state.db, round_id).await?;
    let stored = answers::answer_of(&state.db, round_id, officer.municipality_id).await?;
    let version = stored.as_ref().map_or(0, |(a, _)| a.version);
    let (s, errors, links) = submitted.unwrap_or_else(|| {
        let s = stored
            .as_ref()
            .map(|(_, d)| survey::submitted_of(d))
            .unwrap_or_default();
        (s, HashMap::new(), Vec::new())
    });
    let answered = rounds::answered(&state.db, round_id).await?;
    let members = state.members().await?;
    let page = AnswerPage {
        meta: meta(state, &format!("Bedarfsabfrage {}", round.year)),
        nav: HrNav::new(&officer.session, NavKey::Survey),
        form: survey::form(&s, &cat, round.year, &errors, links),
        round: RoundRow::of(&round, Utc::now()),
        version,
        notice,
        status: members
            .iter()
            .map(|m| (m.name.clone(), answered.contains(&m.id)))
            .collect(),
        priorities: priorities(),
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_answer(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(&state, &officer, id, StatusCode::OK, None, q.text()).await
}

pub async fn save_answer(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let round = rounds::find(&state.db, id).await?;
    let cat = catalog::of_round(&state.db, id).await?;
    let s = Submitted::new(pairs);
    let expected = version(&s)?;
    let (draft, errors, mut links) = survey::parse(&s, &cat, round.year);
    if errors.is_empty() {
        let actor = officer.session.user.actor();
        let saved = answers::save_answer(
            &state.db,
            id,
            officer.municipality_id,
            expected,
            draft,
            &actor,
            Utc::now(),
        )
        .await;
        match Outcome::of(saved)? {
            Outcome::Saved(_) => {
                return Ok(notice::Notice::Saved.redirect(&format!("/verwaltung/bedarf/{id}")));
            }
            Outcome::Invalid(e) => {
                links =
                    e.0.into_iter()
                        .map(|f| (section_anchor(f.field).to_owned(), f.message))
                        .collect();
            }
            Outcome::Stale(e) => return Err(e.into()),
        }
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    page(&state, &officer, id, status, Some((s, errors, links)), "").await
}

/// Where the summary links a problem the domain found (it names sections, not cells).
fn section_anchor(field: &str) -> &'static str {
    match field {
        "occupations" => "berufe",
        "groups" => "abgaenge",
        "courses" => "lehrgangsbedarf",
        _ => "antwort",
    }
}
