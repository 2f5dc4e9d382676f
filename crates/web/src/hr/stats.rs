//! Numbers for the workspace (issue 20), from the cookie-free counts (`crate::stats`):
//!
//! - per posting (`/verwaltung/anzeigen/{id}/zahlen`): views, search impressions, apply clicks
//!   and listings in alert mails over time, as an SVG chart with the table as its text
//!   alternative, by source, and as CSV;
//! - per municipality (`/verwaltung/statistik/{municipality}`, the admin also `region`; CSV under
//!   `…/anzeigen.csv`): postings
//!   published per kind, median views and apply clicks, sources, median time to fill, for a
//!   chosen period, and as CSV; an officer sees only their own municipality;
//! - marking a posting filled („besetzt“) from the editor, through the domain's pipeline.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Days, NaiveDate, Utc};
use jobboard_domain::accounts::{Role, SignedIn};
use jobboard_domain::berlin;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::stats::counts::{self, Stored};
use jobboard_domain::stats::filling::{self, first_publications};
use jobboard_domain::stats::report::{self, Period, Report};
use jobboard_domain::stats::{CountEvent, TrafficSource};
use serde::Deserialize;

use super::PathId;
use super::chart::{BarChart, Row};
use super::csv_export::{Sheet, cell};
use super::form::parse_date;
use super::nav::{HrNav, NavKey, meta};
use super::notice::Notice;
use super::postings::{load_owned, read_only_reason};
use super::session::{CurrentUser, Officer};
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

/// The events in the order the pages list them.
const EVENTS: [CountEvent; 4] = [
    CountEvent::View,
    CountEvent::Impression,
    CountEvent::Apply,
    CountEvent::AlertMail,
];

/// One line of a table over time: its label and a number per [`EVENTS`].
pub struct Line {
    pub label: String,
    pub values: Vec<i64>,
}

/// Sums per label of `rows`, in the order of first appearance.
fn lines<K: Ord + Clone>(rows: impl Iterator<Item = (K, String, CountEvent, i64)>) -> Vec<Line> {
    let mut by: BTreeMap<K, (String, [i64; 4])> = BTreeMap::new();
    for (key, label, event, n) in rows {
        let entry = by.entry(key).or_insert_with(|| (label, [0; 4]));
        if let Some(i) = EVENTS.iter().position(|e| *e == event) {
            entry.1[i] += n;
        }
    }
    by.into_values()
        .map(|(label, values)| Line {
            label,
            values: values.to_vec(),
        })
        .collect()
}

/// Days when the posting's counts span three weeks at most, else weeks (from Monday); folded
/// months stay months.
fn time_lines(series: &[Stored]) -> Vec<Line> {
    let days: Vec<NaiveDate> = series
        .iter()
        .filter(|s| !s.monthly)
        .map(|s| s.day)
        .collect();
    let span = match (days.iter().min(), days.iter().max()) {
        (Some(a), Some(b)) => (*b - *a).num_days(),
        _ => 0,
    };
    let weekly = span > 21;
    lines(series.iter().map(|s| {
        let (key, label) = if s.monthly {
            (
                s.day,
                format!("Monat {:02}/{}", s.day.month(), s.day.year()),
            )
        } else if weekly {
            let monday = s.day - Days::new(u64::from(s.day.weekday().num_days_from_monday()));
            (monday, format!("Woche ab {}", berlin::format_date(monday)))
        } else {
            (s.day, berlin::format_date(s.day))
        };
        (key, label, s.event, s.count)
    }))
}

fn source_lines(rows: impl Iterator<Item = (TrafficSource, CountEvent, i64)>) -> Vec<Line> {
    lines(rows.map(|(s, e, n)| (s, s.label().to_owned(), e, n)))
}

/// Views, apply clicks and impressions per line as a chart (impressions last: they are the
/// largest numbers).
fn chart(id: &str, title: &str, lines: &[Line]) -> String {
    let series = ["Aufrufe", "Klicks auf „Jetzt bewerben“", "Einblendungen"];
    BarChart {
        id,
        title,
        desc: "Balken je Zeitraum: Aufrufe, Klicks auf „Jetzt bewerben“ und Einblendungen in Trefferlisten. Die Werte stehen auch in der Tabelle unter dem Diagramm.",
        series: &series,
        rows: lines
            .iter()
            .map(|l| Row {
                label: l.label.clone(),
                values: [0, 2, 1]
                    .iter()
                    .map(|&i| (l.values[i] as f64, l.values[i].to_string()))
                    .collect(),
            })
            .collect(),
    }
    .render()
}

#[derive(Template)]
#[template(path = "hr/posting_stats.html")]
struct PostingStatsPage {
    meta: Meta,
    nav: HrNav,
    id: i64,
    title: String,
    reference: String,
    first_published: String,
    filled: String,
    totals: Vec<(&'static str, i64)>,
    chart: String,
    over_time: Vec<Line>,
    sources: Vec<Line>,
    heads: Vec<&'static str>,
}

pub async fn show_posting_stats(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    let series = counts::series(&state.db, id).await?;
    let first = first_publications(&state.db, &[id])
        .await?
        .get(&id)
        .copied()
        .or(p.published_at.map(berlin::today));
    let over_time = time_lines(&series);
    let sources = source_lines(series.iter().map(|s| (s.source, s.event, s.count)));
    let totals = EVENTS
        .iter()
        .map(|e| {
            (
                e.label(),
                series
                    .iter()
                    .filter(|s| s.event == *e)
                    .map(|s| s.count)
                    .sum(),
            )
        })
        .collect();
    let page = PostingStatsPage {
        meta: meta(&state, &format!("Zahlen: {}", p.title)),
        nav: HrNav::new(&officer.session, NavKey::None),
        chart: chart(
            "verlauf",
            &format!("Zahlen von „{}“ im Verlauf", p.title),
            &over_time,
        ),
        first_published: first.map(berlin::format_date).unwrap_or_default(),
        filled: match (p.filled_on, first) {
            (Some(f), Some(first)) => format!(
                "{} ({} Tage nach der ersten Veröffentlichung)",
                berlin::format_date(f),
                filling::days_to_fill(first, f)
            ),
            (Some(f), None) => berlin::format_date(f),
            _ => String::new(),
        },
        id,
        title: p.title,
        reference: p.reference_number,
        totals,
        over_time,
        sources,
        heads: EVENTS.iter().map(|e| e.label()).collect(),
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

pub async fn posting_stats_csv(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    let series = counts::series(&state.db, id).await?;
    let mut sheet = Sheet::new(&[
        "Tag oder Monat",
        "Zeitraum",
        "Ereignis",
        "Herkunft",
        "Anzahl",
    ])?;
    for s in &series {
        sheet.row(&[
            s.day.to_string(),
            if s.monthly { "Monat" } else { "Tag" }.to_owned(),
            s.event.label().to_owned(),
            s.source.label().to_owned(),
            s.count.to_string(),
        ])?;
    }
    let name: String = p
        .reference_number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    sheet.into_response(&format!("zahlen-{name}-{id}.csv"))
}

/// `filled_on` (TT.MM.JJJJ or ISO) and the version the editor showed.
pub async fn mark_filled(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
    Form(form): Form<FilledForm>,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    if let Some(why) = read_only_reason(&p) {
        return Err(AppError::Refused(StatusCode::CONFLICT, why.to_owned()));
    }
    let version = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Die Versionsangabe des Formulars fehlt.".into()))?;
    let day = parse_date(&form.filled_on).ok_or_else(|| {
        AppError::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bitte geben Sie das Datum der Besetzung als TT.MM.JJJJ an.".into(),
        )
    })?;
    let actor = officer.session.user.actor();
    filling::mark_filled(&state.db, id, version, day, &actor, Utc::now()).await?;
    Ok(Notice::Filled.redirect(&format!("/verwaltung/anzeigen/{id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FilledForm {
    filled_on: String,
    version: String,
}

// ---- per municipality ----

/// The periods a statistics page offers: value in the address and label.
const PERIODS: [(&str, &str); 5] = [
    ("30", "letzte 30 Tage"),
    ("90", "letzte 90 Tage"),
    ("365", "letzte 12 Monate"),
    ("jahr", "dieses Jahr"),
    ("vorjahr", "letztes Jahr"),
];

fn period_of(value: &str, today: NaiveDate) -> (&'static str, Period) {
    let year_start = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
    let back = |n: u64| Period {
        from: today - Days::new(n - 1),
        to: today,
    };
    match value {
        "30" => ("30", back(30)),
        "365" => ("365", back(365)),
        "jahr" => (
            "jahr",
            Period {
                from: year_start(today.year()),
                to: today,
            },
        ),
        "vorjahr" => (
            "vorjahr",
            Period {
                from: year_start(today.year() - 1),
                to: year_start(today.year()) - Days::new(1),
            },
        ),
        _ => ("90", back(90)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PeriodQuery {
    zeitraum: String,
}

/// Whose numbers: a member, or (`None`) the region.
struct Scope {
    municipality: Option<Municipality>,
    slug: String,
    name: String,
}

/// `region` for the admin, a member's slug for the admin or that member's own officers;
/// anything else is refused (another member's numbers) or not found.
async fn scope_of(state: &AppState, s: &SignedIn, slug: &str) -> AppResult<Scope> {
    let admin = s.user.role == Role::Admin;
    if slug == "region" {
        return if admin {
            Ok(Scope {
                municipality: None,
                slug: slug.to_owned(),
                name: "Partheland (alle Kommunen)".into(),
            })
        } else {
            Err(AppError::Forbidden)
        };
    }
    let members = state.members().await?;
    let m = members
        .iter()
        .find(|m| m.slug == slug)
        .cloned()
        .ok_or(AppError::NotFound)?;
    if !admin && s.user.municipality_id != Some(m.id) {
        return Err(AppError::Forbidden);
    }
    Ok(Scope {
        slug: m.slug.clone(),
        name: m.name.clone(),
        municipality: Some(m),
    })
}

/// `/verwaltung/statistik`: the officer's own municipality, the admin's region.
pub async fn show_overview(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
) -> AppResult<Response> {
    let slug = match s.user.municipality_id {
        Some(id) if s.user.role == Role::Officer => state
            .members()
            .await?
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.slug.clone())
            .ok_or(AppError::NotFound)?,
        _ if s.user.role == Role::Admin => "region".to_owned(),
        _ => return Err(AppError::Forbidden),
    };
    Ok(Redirect::to(&format!("/verwaltung/statistik/{slug}")).into_response())
}

pub struct KindLine {
    pub kind: &'static str,
    pub published: u64,
    pub median_views: String,
    pub median_apply: String,
    pub filled: u64,
    pub median_days: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "hr/stats.html")]
struct StatsPage {
    meta: Meta,
    nav: HrNav,
    name: String,
    slug: String,
    period_value: &'static str,
    period_text: String,
    periods: Vec<Choice>,
    /// The admin's choice of municipality (empty for officers).
    scopes: Vec<Choice>,
    kinds: Vec<KindLine>,
    chart: String,
    sources: Vec<Line>,
    heads: Vec<&'static str>,
    postings: usize,
}

fn number(v: Option<f64>) -> String {
    v.map_or("–".to_owned(), |v| {
        crate::view::format_decimal(v, if v.fract() == 0.0 { 0 } else { 1 })
    })
}

async fn load_report(
    state: &AppState,
    s: &SignedIn,
    slug: &str,
    q: &PeriodQuery,
) -> AppResult<(Scope, &'static str, Period, Report)> {
    let scope = scope_of(state, s, slug).await?;
    let (value, period) = period_of(&q.zeitraum, berlin::today(Utc::now()));
    let r = report::report(&state.db, scope.municipality.as_ref().map(|m| m.id), period).await?;
    Ok((scope, value, period, r))
}

pub async fn show_stats(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
    Path(slug): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let (scope, value, period, r) = load_report(&state, &s, &slug, &q).await?;
    let sources = source_lines(
        r.sources
            .iter()
            .flat_map(|(src, events)| events.iter().map(move |(e, n)| (*src, *e, *n))),
    );
    let kinds: Vec<KindLine> = r
        .kinds
        .iter()
        .map(|k| KindLine {
            kind: k.kind.label(),
            published: k.published,
            median_views: number(k.median_views),
            median_apply: number(k.median_apply),
            filled: k.filled,
            median_days: number(k.median_days_to_fill),
        })
        .collect();
    let chart = BarChart {
        id: "herkunft",
        title: &format!("Aufrufe und Bewerbungsklicks nach Herkunft, {}", scope.name),
        desc: "Balken je Herkunft: Aufrufe und Klicks auf „Jetzt bewerben“. Die Werte stehen auch in der Tabelle unter dem Diagramm.",
        series: &["Aufrufe", "Klicks auf „Jetzt bewerben“"],
        rows: sources
            .iter()
            .map(|l| Row {
                label: l.label.clone(),
                values: [0, 2]
                    .iter()
                    .map(|&i| (l.values[i] as f64, l.values[i].to_string()))
                    .collect(),
            })
            .collect(),
    }
    .render();
    let admin = s.user.role == Role::Admin;
    let scopes = if admin {
        std::iter::once(("region".to_owned(), "Partheland (alle Kommunen)".to_owned()))
            .chain(
                state
                    .members()
                    .await?
                    .iter()
                    .map(|m| (m.slug.clone(), m.name.clone())),
            )
            .map(|(value, label)| Choice {
                selected: value == scope.slug,
                value,
                label,
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = StatsPage {
        meta: meta(&state, &format!("Statistik: {}", scope.name)),
        nav: HrNav::new(&s, NavKey::Statistics),
        period_text: format!(
            "{} bis {}",
            berlin::format_date(period.from),
            berlin::format_date(period.to)
        ),
        periods: PERIODS
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).to_owned(),
                label: (*l).to_owned(),
                selected: *v == value,
            })
            .collect(),
        period_value: value,
        scopes,
        kinds,
        chart,
        sources,
        heads: EVENTS.iter().map(|e| e.label()).collect(),
        postings: r.postings.len(),
        name: scope.name,
        slug: scope.slug,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

/// One line per posting of the report: its figures in the period.
pub async fn stats_csv(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
    Path(slug): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let (scope, value, _, r) = load_report(&state, &s, &slug, &q).await?;
    let members = state.members().await?;
    let mut sheet = Sheet::new(&[
        "Kommune",
        "Kennziffer",
        "Titel",
        "Art",
        "Erste Veröffentlichung",
        "Aufrufe",
        "Einblendungen",
        "Klicks auf Jetzt bewerben",
        "In Mails von Suchaufträgen",
        "Besetzt am",
        "Tage bis zur Besetzung",
    ])?;
    let mut postings = r.postings;
    postings.sort_by(|a, b| {
        a.first_published
            .cmp(&b.first_published)
            .then(a.id.cmp(&b.id))
    });
    for p in &postings {
        let owner = members
            .iter()
            .find(|m| m.id == p.municipality_id)
            .map_or(String::new(), |m| m.name.clone());
        sheet.row(&[
            owner,
            cell(&p.reference_number),
            cell(&p.title),
            p.kind.label().to_owned(),
            p.first_published.map(|d| d.to_string()).unwrap_or_default(),
            p.views.to_string(),
            p.impressions.to_string(),
            p.apply.to_string(),
            p.alert_mails.to_string(),
            p.filled_on.map(|d| d.to_string()).unwrap_or_default(),
            p.days_to_fill().map(|d| d.to_string()).unwrap_or_default(),
        ])?;
    }
    sheet.into_response(&format!("statistik-{}-{value}.csv", scope.slug))
}
