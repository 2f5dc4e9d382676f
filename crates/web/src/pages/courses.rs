//! The public course catalogue (Lehrgänge): list with filters, course page, and iCalendar
//! exports (one course, and a subscribable calendar of all courses).
//!
//! Parameters of `/lehrgaenge`: `q` (text), `bereich` (category), `kommune` (provider or
//! partner), `freie=1` (only courses with free seats). Unknown values are ignored.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use jobboard_domain::courses::queries::{self, CourseListing};
use jobboard_domain::courses::{CourseCategory, CourseStatus, format_cost};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::search_params::SearchParam;
use jobboard_domain::{berlin, markdown, text};
use jobboard_feeds::course_feed::{self, CourseItem};
use jobboard_feeds::ical::{CalendarCourse, course_calendar};

use crate::page::{Meta, Section, render};
use crate::{AppError, AppResult, AppState};

const MAX_QUERY_BYTES: usize = 2048;

/// One course as the catalogue shows it.
pub struct CourseCard {
    pub slug: String,
    pub title: String,
    pub category: &'static str,
    pub providers: String,
    pub dates: String,
    pub status: &'static str,
    /// "3 von 12 Plätzen frei", "ausgebucht – 4 auf der Warteliste".
    pub seats: String,
    pub deadline: String,
    pub cost: String,
}

pub struct FilterOption {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "courses/list.html")]
struct CourseListPage {
    meta: Meta,
    text: String,
    only_free: bool,
    categories: Vec<FilterOption>,
    municipalities: Vec<FilterOption>,
    total: usize,
    cards: Vec<CourseCard>,
    filtered: bool,
}

struct SessionLine {
    date: String,
    time: String,
    place: String,
}

#[derive(Template)]
#[template(path = "courses/detail.html")]
struct CourseDetailPage {
    meta: Meta,
    title: String,
    category: &'static str,
    status: CourseStatus,
    status_label: &'static str,
    provider: Municipality,
    partners: Vec<Municipality>,
    target_group: String,
    description_html: String,
    sessions: Vec<SessionLine>,
    seats: String,
    deadline: String,
    cost: String,
    contact_email: String,
    slug: String,
}

#[derive(Default)]
struct Filter {
    text: String,
    categories: Vec<CourseCategory>,
    municipalities: Vec<i64>,
    only_free: bool,
}

fn parse(raw: Option<&str>, members: &[Municipality]) -> AppResult<Filter> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(AppError::BadRequest(
            "Die Suchanfrage ist zu lang. Bitte kürzen Sie den Suchbegriff.".into(),
        ));
    }
    let mut f = Filter::default();
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        let value = value.trim();
        match (SearchParam::from_name(&key), key.as_ref()) {
            (Some(SearchParam::Text), _) if value.chars().count() > 200 => {
                return Err(AppError::BadRequest(
                    "Der Suchbegriff ist zu lang: höchstens 200 Zeichen.".into(),
                ));
            }
            (Some(SearchParam::Text), _) => value.clone_into(&mut f.text),
            (Some(SearchParam::Category), _) => {
                if let Some(c) = CourseCategory::from_code(value)
                    && !f.categories.contains(&c)
                {
                    f.categories.push(c);
                }
            }
            (Some(SearchParam::Municipality), _) => {
                if let Some(m) = members.iter().find(|m| m.slug == value)
                    && !f.municipalities.contains(&m.id)
                {
                    f.municipalities.push(m.id);
                }
            }
            // Only the course list has this filter.
            (None, "freie") => f.only_free = value == "1",
            _ => {}
        }
    }
    Ok(f)
}

fn matches_text(l: &CourseListing, words: &[String]) -> bool {
    if words.is_empty() {
        return true;
    }
    let hay = text::transliterate(&format!(
        "{} {} {} {}",
        l.course.title,
        l.course.target_group,
        l.course.category.label(),
        markdown::to_plain_text(&l.course.description)
    ))
    .to_lowercase();
    words.iter().all(|w| hay.contains(w.as_str()))
}

fn involves(l: &CourseListing, ids: &[i64]) -> bool {
    ids.is_empty()
        || ids.contains(&l.course.municipality_id)
        || l.partner_ids.iter().any(|p| ids.contains(p))
}

pub async fn list_courses(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<String>> {
    let members = state.members().await?;
    let f = parse(raw.as_deref(), &members)?;
    let now = Utc::now();
    let all = queries::list_public(&state.db, now).await?;
    let words: Vec<String> = text::transliterate(&f.text)
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let free_ok = |l: &CourseListing| !f.only_free || (l.status(now) == CourseStatus::Open);
    let base: Vec<&CourseListing> = all
        .iter()
        .filter(|l| matches_text(l, &words) && free_ok(l))
        .collect();
    // Counts beside each option take the other dimension's filter into account, not their own.
    let categories = CourseCategory::ALL
        .iter()
        .map(|&c| FilterOption {
            value: c.code().to_owned(),
            label: c.label().to_owned(),
            count: base
                .iter()
                .filter(|l| l.course.category == c && involves(l, &f.municipalities))
                .count(),
            checked: f.categories.contains(&c),
        })
        .filter(|o| o.count > 0 || o.checked)
        .collect();
    let municipalities = members
        .iter()
        .map(|m| FilterOption {
            value: m.slug.clone(),
            label: m.name.clone(),
            count: base
                .iter()
                .filter(|l| {
                    (f.categories.is_empty() || f.categories.contains(&l.course.category))
                        && involves(l, &[m.id])
                })
                .count(),
            checked: f.municipalities.contains(&m.id),
        })
        .filter(|o| o.count > 0 || o.checked)
        .collect();
    let shown: Vec<&CourseListing> = base
        .into_iter()
        .filter(|l| f.categories.is_empty() || f.categories.contains(&l.course.category))
        .filter(|l| involves(l, &f.municipalities))
        .collect();
    let page = CourseListPage {
        meta: Meta::new(
            &state.site,
            "Gemeinsame Lehrgänge",
            "Fortbildungen der Partheland-Kommunen für ihre Beschäftigten: Verwaltung, Bauhof, Feuerwehr, Digitales und Soziales.",
            Some("/lehrgaenge"),
            Section::Courses,
        ),
        filtered: !f.text.is_empty()
            || f.only_free
            || !f.categories.is_empty()
            || !f.municipalities.is_empty(),
        text: f.text,
        only_free: f.only_free,
        categories,
        municipalities,
        total: shown.len(),
        cards: shown.iter().map(|l| card(l, &members, now)).collect(),
    };
    Ok(render(&page)?)
}

pub async fn show_course(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Html<String>> {
    let members = state.members().await?;
    let l = queries::find_public_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let provider = member(&members, l.course.municipality_id)?.clone();
    let partners = l
        .partner_ids
        .iter()
        .filter_map(|id| members.iter().find(|m| m.id == *id).cloned())
        .collect();
    let status = l.status(now);
    let c = &l.course;
    let page = CourseDetailPage {
        meta: Meta::new(
            &state.site,
            &c.title,
            &format!(
                "Lehrgang von {} für {}: {}",
                provider.name,
                c.target_group,
                dates(&l)
            ),
            Some(&format!("/lehrgaenge/{}", c.slug)),
            Section::Courses,
        ),
        title: c.title.clone(),
        category: c.category.label(),
        status,
        status_label: status.label(),
        target_group: c.target_group.clone(),
        description_html: markdown::render(&c.description),
        sessions: l
            .sessions
            .iter()
            .map(|s| SessionLine {
                date: weekday_date(s.starts_at),
                time: format!(
                    "{}–{} Uhr",
                    berlin::format_time(s.starts_at),
                    berlin::format_time(s.ends_at)
                ),
                place: s.place.clone(),
            })
            .collect(),
        seats: seats(&l, now),
        deadline: deadline(&l, now),
        cost: format_cost(c.cost_cents),
        contact_email: c
            .contact_email
            .clone()
            .unwrap_or_else(|| provider.contact_email.clone()),
        slug: c.slug.clone(),
        provider,
        partners,
    };
    Ok(render(&page)?)
}

/// All public courses as one subscribable calendar.
pub async fn calendar_of_all(State(state): State<AppState>) -> AppResult<Response> {
    let members = state.members().await?;
    let all = queries::list_public(&state.db, Utc::now()).await?;
    calendar(&state, &members, "Lehrgänge im Partheland", &all)
}

/// One course as a calendar file (`/lehrgaenge/{slug}/kalender.ics`).
pub async fn calendar_of_course(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let members = state.members().await?;
    let l = queries::find_public_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = l.course.title.clone();
    calendar(&state, &members, &name, std::slice::from_ref(&l))
}

fn calendar(
    state: &AppState,
    members: &[Municipality],
    name: &str,
    listings: &[CourseListing],
) -> AppResult<Response> {
    let host = url::Url::parse(&state.site.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "partheland.localhost".to_owned());
    let entries: Vec<CalendarCourse<'_>> = listings
        .iter()
        .map(|l| {
            Ok(CalendarCourse {
                course: &l.course,
                sessions: &l.sessions,
                provider: &member(members, l.course.municipality_id)?.name,
                url: state.site.url(&format!("/lehrgaenge/{}", l.course.slug)),
            })
        })
        .collect::<AppResult<_>>()?;
    let body = course_calendar(name, &host, &entries);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// The catalogue as RSS 2.0 (`/lehrgaenge/feed.rss`): one item per public course.
pub async fn feed_of_courses(State(state): State<AppState>) -> AppResult<Response> {
    let members = state.members().await?;
    let now = Utc::now();
    let all = queries::list_public(&state.db, now).await?;
    let items: Vec<CourseItem<'_>> = all
        .iter()
        .map(|l| {
            Ok(CourseItem {
                course: CalendarCourse {
                    course: &l.course,
                    sessions: &l.sessions,
                    provider: &member(&members, l.course.municipality_id)?.name,
                    url: state.site.url(&format!("/lehrgaenge/{}", l.course.slug)),
                },
                session_lines: l
                    .sessions
                    .iter()
                    .map(|s| {
                        format!(
                            "{}, {}–{} Uhr, {}",
                            weekday_date(s.starts_at),
                            berlin::format_time(s.starts_at),
                            berlin::format_time(s.ends_at),
                            s.place
                        )
                    })
                    .collect(),
                seats: seats(l, now),
                deadline: deadline(l, now),
                cost: format_cost(l.course.cost_cents),
                description_html: markdown::render(&l.course.description),
                ical_url: state
                    .site
                    .url(&format!("/lehrgaenge/{}/kalender.ics", l.course.slug)),
            })
        })
        .collect::<AppResult<_>>()?;
    let body = course_feed::render(
        "Lehrgänge im Partheland",
        &state.site.url("/lehrgaenge"),
        &items,
    )
    .map_err(|e| AppError::Internal(format!("course feed: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

fn member(members: &[Municipality], id: i64) -> AppResult<&Municipality> {
    members
        .iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)
}

fn card(l: &CourseListing, members: &[Municipality], now: DateTime<Utc>) -> CourseCard {
    let name = |id: i64| {
        members
            .iter()
            .find(|m| m.id == id)
            .map_or_else(String::new, |m| m.name.clone())
    };
    let mut providers = name(l.course.municipality_id);
    if !l.partner_ids.is_empty() {
        let partners: Vec<String> = l.partner_ids.iter().map(|&id| name(id)).collect();
        providers = format!("{providers}, mit {}", partners.join(", "));
    }
    CourseCard {
        slug: l.course.slug.clone(),
        title: l.course.title.clone(),
        category: l.course.category.label(),
        providers,
        dates: dates(l),
        status: l.status(now).label(),
        seats: seats(l, now),
        deadline: deadline(l, now),
        cost: format_cost(l.course.cost_cents),
    }
}

fn weekday_date(t: DateTime<Utc>) -> String {
    const DAYS: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
    let local = t.with_timezone(&chrono_tz::Europe::Berlin);
    let day = chrono::Datelike::weekday(&local).num_days_from_monday() as usize;
    format!("{}, {}", DAYS[day], berlin::format_date(local.date_naive()))
}

fn dates(l: &CourseListing) -> String {
    match (l.sessions.first(), l.sessions.len()) {
        (None, _) => "Termine folgen".to_owned(),
        (Some(s), 1) => format!(
            "{}, {}–{} Uhr",
            weekday_date(s.starts_at),
            berlin::format_time(s.starts_at),
            berlin::format_time(s.ends_at)
        ),
        (Some(s), n) => format!("ab {} ({n} Termine)", weekday_date(s.starts_at)),
    }
}

fn seats(l: &CourseListing, now: DateTime<Utc>) -> String {
    match l.status(now) {
        CourseStatus::Cancelled => "Der Lehrgang wurde abgesagt.".to_owned(),
        CourseStatus::Held => "Der Lehrgang hat stattgefunden.".to_owned(),
        _ if l.free_seats() == 0 => {
            format!("ausgebucht – {} auf der Warteliste", l.waiting)
        }
        _ => format!("{} von {} Plätzen frei", l.free_seats(), l.course.seats),
    }
}

fn deadline(l: &CourseListing, now: DateTime<Utc>) -> String {
    let day = berlin::format_date(l.course.registration_deadline);
    match berlin::days_left(l.course.registration_deadline, now) {
        n if n < 0 => format!("Anmeldeschluss war am {day}"),
        0 => format!("Anmeldeschluss heute ({day})"),
        1 => format!("Anmeldeschluss morgen ({day})"),
        n => format!("Anmeldeschluss {day} (noch {n} Tage)"),
    }
}
