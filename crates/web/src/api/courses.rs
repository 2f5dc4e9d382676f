//! The read API of the shared training courses: the public catalogue and one course.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::courses::queries::{self, CourseListing};
use jobboard_domain::markdown;
use jobboard_domain::municipalities::Municipality;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiError, ApiResult, Problem};
use crate::AppState;

/// A course as the public catalogue shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCourse {
    pub id: i64,
    pub slug: String,
    /// Address of the course page.
    pub url: String,
    /// The course as an iCalendar file.
    pub ical_url: String,
    pub title: String,
    /// `verwaltung`, `bauhof_technik`, `feuerwehr`, `digitales`, `soziales`, `sonstiges`.
    pub category: String,
    pub category_label: String,
    /// `open`, `full`, `closed`, `cancelled`, `held`.
    pub status: String,
    pub status_label: String,
    /// Slug of the providing municipality.
    pub provider: String,
    /// Slugs of the partner municipalities.
    pub partners: Vec<String>,
    pub target_group: String,
    /// Markdown.
    pub description: String,
    /// The description as sanitised HTML.
    pub description_html: String,
    pub seats: i32,
    pub confirmed: u64,
    pub waiting: u64,
    pub free_seats: u64,
    /// Last day of registration (Europe/Berlin).
    pub registration_deadline: NaiveDate,
    /// The instant registration closes (end of the deadline day in Berlin).
    pub registration_closes_at: DateTime<Utc>,
    /// Cost per participant in euro cents; 0 = free of charge.
    pub cost_cents: i32,
    pub contact_email: Option<String>,
    pub sessions: Vec<ApiSession>,
}

/// One meeting of a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSession {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
}

fn slug_of(members: &[Municipality], id: i64) -> String {
    members
        .iter()
        .find(|m| m.id == id)
        .map_or_else(String::new, |m| m.slug.clone())
}

fn course(state: &AppState, members: &[Municipality], l: CourseListing) -> ApiCourse {
    let status = l.status(Utc::now());
    let c = l.course;
    ApiCourse {
        id: c.id,
        url: state.site.url(&format!("/lehrgaenge/{}", c.slug)),
        ical_url: state
            .site
            .url(&format!("/lehrgaenge/{}/kalender.ics", c.slug)),
        slug: c.slug,
        title: c.title,
        category: c.category.code().to_owned(),
        category_label: c.category.label().to_owned(),
        status: status.code().to_owned(),
        status_label: status.label().to_owned(),
        provider: slug_of(members, c.municipality_id),
        partners: l
            .partner_ids
            .iter()
            .map(|&id| slug_of(members, id))
            .collect(),
        target_group: c.target_group,
        description_html: markdown::render(&c.description),
        description: c.description,
        seats: c.seats,
        confirmed: l.confirmed,
        waiting: l.waiting,
        free_seats: u64::try_from(c.seats)
            .unwrap_or(0)
            .saturating_sub(l.confirmed),
        registration_deadline: c.registration_deadline,
        registration_closes_at: c.registration_closes_at,
        cost_cents: c.cost_cents,
        contact_email: c.contact_email,
        sessions: l
            .sessions
            .into_iter()
            .map(|s| ApiSession {
                starts_at: s.starts_at,
                ends_at: s.ends_at,
                place: s.place,
            })
            .collect(),
    }
}

/// Every course of the public catalogue whose last session has not ended, by first session.
#[utoipa::path(
    get,
    path = "/api/v1/courses",
    tag = "Lehrgänge",
    responses((status = 200, body = [ApiCourse]))
)]
pub async fn list_courses(State(state): State<AppState>) -> ApiResult<Json<Vec<ApiCourse>>> {
    let members = state.members().await?;
    let all = queries::list_public(&state.db, Utc::now()).await?;
    Ok(Json(
        all.into_iter()
            .map(|l| course(&state, &members, l))
            .collect(),
    ))
}

/// One course of the public catalogue (drafts are never shown).
#[utoipa::path(
    get,
    path = "/api/v1/courses/{slug}",
    tag = "Lehrgänge",
    params(("slug" = String, Path, description = "Slug des Lehrgangs")),
    responses(
        (status = 200, body = ApiCourse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_course(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<ApiCourse>> {
    let members = state.members().await?;
    let l = queries::find_public_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(course(&state, &members, l)))
}
