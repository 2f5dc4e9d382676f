//! `/zahlen`: the region's totals for the council and the press — postings published this year
//! per municipality and kind. Totals only: nothing per posting, nothing about visitors.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Datelike, NaiveDate, Utc};
use jobboard_domain::berlin;
use jobboard_domain::postings::PostingKind;
use jobboard_domain::stats::report;

use crate::page::{Meta, Section, render};
use crate::{AppResult, AppState};

pub struct Line {
    pub name: String,
    pub counts: Vec<i64>,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "pages/numbers.html")]
struct NumbersPage {
    meta: Meta,
    year: i32,
    as_of: String,
    kinds: Vec<&'static str>,
    lines: Vec<Line>,
    totals: Line,
}

pub async fn show_numbers(State(state): State<AppState>) -> AppResult<Html<String>> {
    let now = Utc::now();
    let today = berlin::today(now);
    let year = today.year();
    let since = berlin::start_of_day(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
    let rows = report::published_per_municipality_and_kind(&state.db, since, now).await?;
    let members = state.members().await?;
    let count = |m: Option<i64>, k: PostingKind| -> i64 {
        rows.iter()
            .filter(|(mid, kind, _)| m.is_none_or(|m| m == *mid) && *kind == k)
            .map(|(_, _, n)| *n)
            .sum()
    };
    let line = |name: String, m: Option<i64>| {
        let counts: Vec<i64> = PostingKind::ALL.iter().map(|k| count(m, *k)).collect();
        Line {
            name,
            total: counts.iter().sum(),
            counts,
        }
    };
    let page = NumbersPage {
        meta: Meta::new(
            &state.site,
            &format!("Zahlen {year}"),
            "Wie viele Stellen und Ausbildungsplätze die Partheland-Kommunen in diesem Jahr ausgeschrieben haben.",
            Some("/zahlen"),
            Section::Other,
        ),
        year,
        as_of: berlin::format_date(today),
        kinds: PostingKind::ALL.iter().map(|k| k.label()).collect(),
        lines: members
            .iter()
            .map(|m| line(m.name.clone(), Some(m.id)))
            .collect(),
        totals: line("Partheland gesamt".into(), None),
    };
    Ok(render(&page)?)
}
