//! The planning page of a round: the regional tables with a server-rendered SVG chart each
//! (the table is the chart's text alternative), CSV of every table, a print stylesheet for
//! the council meeting, the proposals (the admin turns them into drafts with one click) and
//! the comparison with the previous round. The admin sees it at any time; officers once the
//! round is closed, when every member's answers count as the regional picture.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::accounts::Role;
use jobboard_domain::berlin;
use jobboard_domain::survey::planning::{self, Comparison, Planning, Taken};
use jobboard_domain::survey::{format_halves, rounds};
use sea_orm::DatabaseConnection;

use super::RoundRow;
use crate::hr::PathId;
use crate::hr::chart::{BarChart, Row};
use crate::hr::csv_export::{Sheet, cell};
use crate::hr::nav::{HrNav, NavKey, meta};
use crate::hr::notice::NoticeQuery;
use crate::hr::session::CurrentUser;
use crate::page::Meta;
use crate::{AppError, AppResult, AppState};

/// A proposal as the page lists it.
pub struct ProposalView {
    pub key: String,
    pub code: String,
    pub name: String,
    pub year: i32,
    pub summary: String,
    pub detail: Vec<String>,
    /// Link (empty where the viewer may not open it) and status of what it became, if anything.
    pub taken: Option<(String, String)>,
    /// The joint-course form as sent back with problems, if it was this proposal's.
    pub form: CourseForm,
}

impl ProposalView {
    pub fn is_selected(&self, provider: &i64) -> bool {
        self.form.provider == Some(*provider)
    }
}

/// The admin's joint-course form of one proposal: what was typed and the German problems,
/// beside the fields and in the summary at the top. Empty for a fresh page.
#[derive(Clone, Debug, Default)]
pub struct CourseForm {
    pub course_type: String,
    pub provider: Option<i64>,
    pub day: String,
    pub provider_error: String,
    pub day_error: String,
    /// Problems of the course draft that belong to neither field.
    pub other: Vec<String>,
}

impl CourseForm {
    /// `(anchor, message)` of every problem, for the error summary.
    fn error_links(&self) -> Vec<(String, String)> {
        let code = &self.course_type;
        let mut links = Vec::new();
        if !self.provider_error.is_empty() {
            links.push((format!("prov-{code}"), self.provider_error.clone()));
        }
        if !self.day_error.is_empty() {
            links.push((format!("day-{code}"), self.day_error.clone()));
        }
        links.extend(
            self.other
                .iter()
                .map(|m| (format!("joint-{code}"), m.clone())),
        );
        links
    }
}

/// Who looks at the page, for the links to what a proposal became: the posting's or course's
/// own pages open only to its owner's officers; the admin finds a posting in the overview of
/// every municipality (courses have no admin page); everyone else reads the status.
#[derive(Clone, Copy, Debug)]
pub enum Viewer<'a> {
    Admin { slugs: &'a [(i64, String)] },
    Officer { municipality_id: i64 },
}

#[derive(Template)]
#[template(path = "hr/survey_planning.html")]
struct PlanningPage {
    meta: Meta,
    nav: HrNav,
    round: RoundRow,
    admin: bool,
    notice: &'static str,
    members: Vec<String>,
    answered: usize,
    starts: Vec<(String, i32, Vec<String>, String)>,
    member_totals: Vec<String>,
    grand_total: String,
    groups: Vec<[String; 6]>,
    courses: Vec<(String, Vec<String>, String, usize)>,
    charts: [String; 3],
    places: Vec<ProposalView>,
    joint: Vec<ProposalView>,
    providers: Vec<(i64, String)>,
    comparison: Option<Comparison>,
    error_links: Vec<(String, String)>,
}

impl PlanningPage {
    fn halves(&self, h: &i32) -> String {
        format_halves(*h)
    }
}

/// The round's planning, if `user` may see it: the admin always, officers once it is closed.
async fn planning_for(
    db: &DatabaseConnection,
    round_id: i64,
    user: &CurrentUser,
) -> AppResult<Planning> {
    let data = planning::load(db, round_id).await?;
    if user.0.user.role != Role::Admin && rounds::is_open(&data.round, Utc::now()) {
        return Err(AppError::Forbidden);
    }
    Ok(planning::plan(&data))
}

pub async fn show_planning(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, id, &user).await?;
    let html = render(&state, &plan, &user, q.text(), CourseForm::default()).await?;
    Ok((StatusCode::OK, axum::response::Html(html)).into_response())
}

/// The page sent back with the problems of a joint-course form (422), nothing created.
pub async fn with_course_errors(
    state: &AppState,
    round_id: i64,
    user: &CurrentUser,
    form: CourseForm,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, round_id, user).await?;
    let html = render(state, &plan, user, "", form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(html)).into_response())
}

/// The page as HTML (also what the benchmark measures).
pub async fn render(
    state: &AppState,
    plan: &Planning,
    user: &CurrentUser,
    notice: &'static str,
    form: CourseForm,
) -> AppResult<String> {
    let previous = match rounds::previous(&state.db, &plan.round).await? {
        Some(r) => Some(planning::compare(
            plan,
            &planning::plan(&planning::load(&state.db, r.id).await?),
        )),
        None => None,
    };
    let slugs: Vec<(i64, String)> = state
        .members()
        .await?
        .iter()
        .map(|m| (m.id, m.slug.clone()))
        .collect();
    let viewer = match (user.0.user.role, user.0.user.municipality_id) {
        (Role::Officer, Some(municipality_id)) => Some(Viewer::Officer { municipality_id }),
        (Role::Admin, _) => Some(Viewer::Admin { slugs: &slugs }),
        _ => None,
    };
    let page = build(state, plan, user, notice, previous, viewer, form);
    page.render().map_err(|e| AppError::Internal(e.to_string()))
}

fn name_of(plan: &Planning, id: i64) -> String {
    plan.members
        .iter()
        .find(|m| m.0 == id)
        .map_or_else(String::new, |m| m.1.clone())
}

/// What a proposal became as `(link, status)`: the link only where `viewer` may open it.
pub fn taken_view(t: &Taken, viewer: Option<Viewer>) -> (String, String) {
    let own = |owner: i64| matches!(viewer, Some(Viewer::Officer { municipality_id }) if municipality_id == owner);
    match t {
        Taken::Posting {
            id,
            owner,
            reference,
            status,
            filled_on,
        } => {
            let label = match filled_on {
                Some(day) => format!(
                    "Anzeige angelegt (besetzt am {})",
                    berlin::format_date(*day)
                ),
                None => format!("Anzeige angelegt ({})", status.label()),
            };
            let href = match viewer {
                _ if own(*owner) => format!("/verwaltung/anzeigen/{id}/vorschau"),
                Some(Viewer::Admin { slugs }) => {
                    let mut q = url::form_urlencoded::Serializer::new(String::new());
                    q.append_pair("suche", reference);
                    if let Some((_, slug)) = slugs.iter().find(|m| m.0 == *owner) {
                        q.append_pair("kommune", slug);
                    }
                    format!("/verwaltung/admin/anzeigen?{}", q.finish())
                }
                _ => String::new(),
            };
            (href, label)
        }
        Taken::Course { id, owner, status } => (
            if own(*owner) {
                format!("/verwaltung/lehrgaenge/{id}/teilnehmende")
            } else {
                String::new()
            },
            format!("Lehrgang angelegt ({})", status.label()),
        ),
        Taken::Gone => (String::new(), "Entwurf gelöscht".into()),
    }
}

fn build(
    state: &AppState,
    plan: &Planning,
    user: &CurrentUser,
    notice: &'static str,
    comparison: Option<Comparison>,
    viewer: Option<Viewer>,
    form: CourseForm,
) -> PlanningPage {
    let n = plan.members.len();
    let mut member_totals = vec![0; n];
    for s in &plan.starts {
        for (i, v) in s.per_member.iter().enumerate() {
            member_totals[i] += v;
        }
    }
    let places = plan
        .places
        .iter()
        .map(|p| ProposalView {
            key: p.key.clone(),
            code: p.occupation.clone(),
            name: p.name.clone(),
            year: p.year,
            summary: format!(
                "{} Platz/Plätze, Leitung: {}",
                format_halves(p.place.total_halves),
                name_of(plan, p.place.lead)
            ),
            detail: p
                .place
                .partners
                .iter()
                .map(|(id, note)| match note {
                    Some(n) => format!("{} – {n}", name_of(plan, *id)),
                    None => name_of(plan, *id),
                })
                .collect(),
            taken: p.taken.as_ref().map(|t| taken_view(t, viewer)),
            form: CourseForm::default(),
        })
        .collect();
    let joint = plan
        .joint_courses
        .iter()
        .map(|p| ProposalView {
            key: p.key.clone(),
            code: p.course_type.clone(),
            name: p.name.clone(),
            year: plan.round.year,
            summary: format!("{} Plätze", p.course.seats),
            detail: p
                .course
                .quotas
                .iter()
                .map(|(id, q)| format!("{}: {q}", name_of(plan, *id)))
                .collect(),
            taken: p.taken.as_ref().map(|t| taken_view(t, viewer)),
            form: if form.course_type == p.course_type {
                form.clone()
            } else {
                CourseForm::default()
            },
        })
        .collect();
    PlanningPage {
        error_links: form.error_links(),
        meta: meta(state, &format!("Planung {}", plan.round.year)),
        nav: HrNav::new(&user.0, NavKey::Survey),
        round: RoundRow::of(&plan.round, Utc::now()),
        admin: user.0.user.role == Role::Admin,
        notice,
        members: plan.members.iter().map(|m| m.1.clone()).collect(),
        answered: plan.answered.iter().filter(|a| **a).count(),
        starts: plan
            .starts
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.year,
                    s.per_member.iter().map(|h| format_halves(*h)).collect(),
                    format_halves(s.total),
                )
            })
            .collect(),
        grand_total: format_halves(member_totals.iter().sum()),
        member_totals: member_totals.iter().map(|h| format_halves(*h)).collect(),
        groups: plan
            .groups
            .iter()
            .map(|g| {
                [
                    g.name.clone(),
                    g.retiring.iter().sum::<i32>().to_string(),
                    g.other.iter().sum::<i32>().to_string(),
                    g.leavers().to_string(),
                    g.new_positions.to_string(),
                    format_halves(g.intake_halves),
                ]
            })
            .collect(),
        courses: plan
            .courses
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.per_member.iter().map(i32::to_string).collect(),
                    c.total.to_string(),
                    c.high,
                )
            })
            .collect(),
        charts: charts(plan),
        places,
        joint,
        providers: plan.members.clone(),
        comparison,
    }
}

fn charts(plan: &Planning) -> [String; 3] {
    let mut by_occupation: Vec<(String, i32)> = Vec::new();
    for s in &plan.starts {
        match by_occupation.iter_mut().find(|o| o.0 == s.name) {
            Some(o) => o.1 += s.total,
            None => by_occupation.push((s.name.clone(), s.total)),
        }
    }
    let starts = BarChart {
        id: "chart-starts",
        title: "Gewünschte Anfänger je Beruf, drei Jahre zusammen",
        desc: "Balkendiagramm; die Zahlen stehen in der Tabelle „Ausbildung und duales Studium“.",
        series: &["Plätze"],
        rows: by_occupation
            .into_iter()
            .map(|(label, h)| Row {
                label,
                values: vec![(f64::from(h) / 2.0, format_halves(h))],
            })
            .collect(),
    };
    let groups = BarChart {
        id: "chart-groups",
        title: "Abgänge in fünf Jahren und geplanter Nachwuchs in drei Jahren je Beschäftigtengruppe",
        desc: "Balkendiagramm mit zwei Balken je Gruppe; die Zahlen stehen in der Tabelle „Abgänge und Nachwuchs“.",
        series: &["Abgänge", "Nachwuchs"],
        rows: plan
            .groups
            .iter()
            .map(|g| Row {
                label: g.name.clone(),
                values: vec![
                    (f64::from(g.leavers()), g.leavers().to_string()),
                    (
                        f64::from(g.intake_halves) / 2.0,
                        format_halves(g.intake_halves),
                    ),
                ],
            })
            .collect(),
    };
    let courses = BarChart {
        id: "chart-courses",
        title: "Lehrgangsbedarf je Lehrgangsart",
        desc: "Balkendiagramm; die Zahlen stehen in der Tabelle „Lehrgangsbedarf“.",
        series: &["Beschäftigte"],
        rows: plan
            .courses
            .iter()
            .map(|c| Row {
                label: c.name.clone(),
                values: vec![(f64::from(c.total), c.total.to_string())],
            })
            .collect(),
    };
    [starts.render(), groups.render(), courses.render()]
}

fn csv(filename: String, head: Vec<String>, rows: Vec<Vec<String>>) -> AppResult<Response> {
    let mut out = Sheet::new(&head)?;
    for r in rows {
        out.row(&r.iter().map(|c| cell(c)).collect::<Vec<_>>())?;
    }
    out.into_response(&filename)
}

pub async fn starts_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, id, &user).await?;
    let mut head = vec!["Beruf".to_owned(), "Jahr".to_owned()];
    head.extend(plan.members.iter().map(|m| m.1.clone()));
    head.push("Summe".into());
    let rows = plan
        .starts
        .iter()
        .map(|s| {
            let mut r = vec![s.name.clone(), s.year.to_string()];
            r.extend(s.per_member.iter().map(|h| format_halves(*h)));
            r.push(format_halves(s.total));
            r
        })
        .collect();
    csv(format!("ausbildung-{}.csv", plan.round.year), head, rows)
}

pub async fn groups_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, id, &user).await?;
    let y = plan.round.year;
    let mut head = vec!["Gruppe".to_owned()];
    head.extend((0..5).map(|i| format!("Ruhestand {}", y + i)));
    head.extend((0..5).map(|i| format!("Andere Abgänge {}", y + i)));
    head.extend([
        "Abgänge gesamt".into(),
        "Neue Stellen".into(),
        "Nachwuchs (3 Jahre)".into(),
    ]);
    let rows = plan
        .groups
        .iter()
        .map(|g| {
            let mut r = vec![g.name.clone()];
            r.extend(g.retiring.iter().chain(&g.other).map(i32::to_string));
            r.extend([
                g.leavers().to_string(),
                g.new_positions.to_string(),
                format_halves(g.intake_halves),
            ]);
            r
        })
        .collect();
    csv(format!("abgaenge-{y}.csv"), head, rows)
}

pub async fn courses_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, id, &user).await?;
    let mut head = vec!["Lehrgang".to_owned()];
    head.extend(plan.members.iter().map(|m| m.1.clone()));
    head.extend(["Summe".into(), "Kommunen mit hoher Priorität".into()]);
    let rows = plan
        .courses
        .iter()
        .map(|c| {
            let mut r = vec![c.name.clone()];
            r.extend(c.per_member.iter().map(i32::to_string));
            r.extend([c.total.to_string(), c.high.to_string()]);
            r
        })
        .collect();
    csv(format!("lehrgaenge-{}.csv", plan.round.year), head, rows)
}

/// The year-over-year table: starts wanted per occupation over three years, the previous
/// round against this one (404 for the first round, which has nothing to compare with).
pub async fn comparison_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let plan = planning_for(&state.db, id, &user).await?;
    let Some(before) = rounds::previous(&state.db, &plan.round).await? else {
        return Err(AppError::NotFound);
    };
    let c = planning::compare(
        &plan,
        &planning::plan(&planning::load(&state.db, before.id).await?),
    );
    let head = vec![
        "Beruf".to_owned(),
        c.previous_year.to_string(),
        plan.round.year.to_string(),
    ];
    let rows = c
        .starts
        .iter()
        .map(|(name, then, now)| vec![name.clone(), format_halves(*then), format_halves(*now)])
        .collect();
    csv(format!("vergleich-{}.csv", plan.round.year), head, rows)
}
