//! The platform admin's side of the survey: open a round (year, deadline, what it asks
//! about), move its deadline (reopening a closed round; recorded in the trail), and turn a
//! proposal of the planning page into a draft posting or course.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Utc};
use jobboard_domain::postings::validation::ValidationErrors;
use jobboard_domain::survey::catalog::{self, Catalog};
use jobboard_domain::survey::convert;
use jobboard_domain::survey::rounds::{self, RoundDraft};
use jobboard_domain::{DomainError, berlin};

use super::RoundRow;
use super::planning::{self, CourseForm};
use crate::hr::PathId;
use crate::hr::form::{Outcome, Parser, Submitted, error_links};
use crate::hr::nav::{HrNav, NavKey, meta};
use crate::hr::notice::{Notice, NoticeQuery};
use crate::hr::session::{Admin, CurrentUser};
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/survey_admin.html")]
struct AdminPage {
    meta: Meta,
    nav: HrNav,
    rounds: Vec<(RoundRow, usize)>,
    catalog: Catalog,
    year: String,
    deadline: String,
    chosen: Vec<String>,
    errors: ValidationErrors,
    error_links: Vec<(String, String)>,
    notice: &'static str,
}

impl AdminPage {
    fn error(&self, field: &str) -> String {
        self.errors.for_field(field).collect::<Vec<_>>().join(" ")
    }

    fn is_chosen(&self, code: &str) -> bool {
        self.chosen.iter().any(|c| c == code)
    }
}

async fn admin_page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    s: &Submitted,
    errors: ValidationErrors,
    notice: &'static str,
) -> AppResult<Response> {
    let now = Utc::now();
    let mut rows = Vec::new();
    for r in rounds::list(&state.db).await? {
        let n = rounds::answered(&state.db, r.id).await?.len();
        rows.push((RoundRow::of(&r, now), n));
    }
    let cat = catalog::all(&state.db).await?;
    let fresh = s.get("year").is_empty() && errors.is_empty();
    let chosen = if fresh {
        cat.occupations
            .iter()
            .map(|o| o.code.clone())
            .chain(cat.course_types.iter().map(|c| c.code.clone()))
            .collect()
    } else {
        s.codes("occupations")
            .into_iter()
            .chain(s.codes("course_types"))
            .collect()
    };
    let page = AdminPage {
        meta: meta(state, "Bedarfsabfrage verwalten"),
        nav: HrNav::new(&admin.0, NavKey::Survey),
        rounds: rows,
        year: if fresh {
            (berlin::today(now).year_ce().1 as i32 + 1).to_string()
        } else {
            s.get("year").to_owned()
        },
        deadline: s.get("deadline").to_owned(),
        chosen,
        error_links: error_links(&errors, |f| match f {
            "occupations" => Some("f-occupations"),
            "course_types" => Some("f-course_types"),
            _ => None,
        }),
        errors,
        catalog: cat,
        notice,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_survey_admin(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    admin_page(
        &state,
        &admin,
        StatusCode::OK,
        &Submitted::default(),
        ValidationErrors::default(),
        q.text(),
    )
    .await
}

pub async fn open_round(
    State(state): State<AppState>,
    admin: Admin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let mut p = Parser::new(&s);
    let year = p.int("year", "Bitte ein Jahr angeben, z. B. 2027.");
    let deadline = p.required_date("deadline", "Bitte eine Frist angeben.");
    let errors;
    if p.is_clean() {
        let (Some(year), Some(deadline)) = (year, deadline) else {
            return Err(AppError::BadRequest("Jahr fehlt.".into()));
        };
        let draft = RoundDraft {
            year,
            deadline,
            occupations: s.codes("occupations"),
            course_types: s.codes("course_types"),
        };
        match Outcome::of(
            rounds::open_round(&state.db, draft, &admin.0.user.actor(), Utc::now()).await,
        )? {
            Outcome::Saved(_) => return Ok(Notice::Saved.redirect("/verwaltung/admin/bedarf")),
            Outcome::Invalid(e) => errors = e,
            Outcome::Stale(e) => return Err(e.into()),
        }
    } else {
        if year.is_none() && !p.has_failed("year") {
            p.fail("year", "Bitte ein Jahr angeben, z. B. 2027.");
        }
        errors = p.finish(Ok(()));
    }
    admin_page(
        &state,
        &admin,
        StatusCode::UNPROCESSABLE_ENTITY,
        &s,
        errors,
        "",
    )
    .await
}

pub async fn change_deadline(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let mut p = Parser::new(&s);
    let deadline = p.required_date("deadline", "Bitte eine neue Frist angeben.");
    let result = match deadline {
        Some(d) => {
            rounds::change_deadline(&state.db, id, d, &admin.0.user.actor(), Utc::now()).await
        }
        None => Err(DomainError::Validation(p.finish(Ok(())))),
    };
    match result {
        Ok(_) => Ok(Notice::Saved.redirect("/verwaltung/admin/bedarf")),
        Err(DomainError::Validation(e)) => {
            admin_page(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, &s, e, "").await
        }
        Err(e) => Err(e.into()),
    }
}

fn planning_path(id: i64) -> String {
    format!("/verwaltung/bedarf/{id}/planung")
}

pub async fn take_place(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    let year: i32 = s
        .get("year")
        .trim()
        .parse()
        .map_err(|_| AppError::NotFound)?;
    rounds::find(&state.db, id).await?;
    convert::to_posting(
        &state.db,
        id,
        s.get("occupation"),
        year,
        &admin.0.user.actor(),
        Utc::now(),
    )
    .await?;
    Ok(Notice::Saved.redirect(&planning_path(id)))
}

pub async fn take_course(
    State(state): State<AppState>,
    admin: Admin,
    PathId(id): PathId,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let s = Submitted::new(pairs);
    rounds::find(&state.db, id).await?;
    let members = state.members().await?;
    let mut form = CourseForm {
        course_type: s.get("course_type").to_owned(),
        ..CourseForm::default()
    };
    form.provider = s
        .get("provider")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| members.iter().any(|m| m.id == *p));
    if form.provider.is_none() {
        form.provider_error = "Bitte eine anbietende Kommune aus der Liste wählen.".into();
    }
    let mut p = Parser::new(&s);
    let day = p.required_date("day", "Bitte den Tag des Lehrgangs angeben.");
    match day {
        Some(d) if d < berlin::today(Utc::now()) => {
            form.day = d.to_string();
            form.day_error = "Der Tag des Lehrgangs darf nicht in der Vergangenheit liegen.".into();
        }
        Some(d) => form.day = d.to_string(),
        None => {
            form.day_error = p
                .finish(Ok(()))
                .for_field("day")
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    let user = CurrentUser(admin.0.clone());
    let (Some(provider), Some(day), true) = (form.provider, day, form.day_error.is_empty()) else {
        return planning::with_course_errors(&state, id, &user, form).await;
    };
    let created = convert::to_course(
        &state.db,
        id,
        &form.course_type,
        provider,
        day,
        &admin.0.user.actor(),
        Utc::now(),
    )
    .await;
    match created {
        Ok(_) => Ok(Notice::Saved.redirect(&planning_path(id))),
        Err(DomainError::Validation(e)) => {
            for f in e.0 {
                match f.field {
                    "sessions" | "registration_deadline" => {
                        form.day_error = join(&form.day_error, &f.message);
                    }
                    _ => form.other.push(f.message),
                }
            }
            planning::with_course_errors(&state, id, &user, form).await
        }
        Err(e) => Err(e.into()),
    }
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_owned()
    } else {
        format!("{a} {b}")
    }
}
