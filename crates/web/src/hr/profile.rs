//! The employer profile of the officer's municipality, shown on its public page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::{DomainError, markdown, municipalities};
use serde::Deserialize;

use super::nav::{HrNav, NavKey, meta};
use super::notice::{Notice, NoticeQuery};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppError, AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/profile.html")]
struct ProfilePage {
    meta: Meta,
    nav: HrNav,
    name: String,
    slug: String,
    value: String,
    error: String,
    preview_html: String,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    employer_profile: String,
    aktion: String,
}

async fn page(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    value: String,
    error: String,
    preview: bool,
    saved: bool,
) -> AppResult<Response> {
    let m = municipalities::find_by_id(&state.db, officer.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ProfilePage {
        meta: meta(state, "Arbeitgeberprofil"),
        nav: HrNav::new(&officer.session, NavKey::Profile),
        name: m.name,
        slug: m.slug,
        preview_html: if preview {
            markdown::render(&value)
        } else {
            String::new()
        },
        value,
        error,
        saved,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_profile(
    State(state): State<AppState>,
    officer: Officer,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let m = municipalities::find_by_id(&state.db, officer.municipality_id)
        .await?
        .ok_or(AppError::NotFound)?;
    page(
        &state,
        &officer,
        StatusCode::OK,
        m.employer_profile.unwrap_or_default(),
        String::new(),
        false,
        q.notice() == Some(Notice::Saved),
    )
    .await
}

pub async fn update_profile(
    State(state): State<AppState>,
    officer: Officer,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    if form.aktion == "vorschau" {
        return page(
            &state,
            &officer,
            StatusCode::OK,
            form.employer_profile,
            String::new(),
            true,
            false,
        )
        .await;
    }
    let actor = officer.session.user.actor();
    match municipalities::update_profile(
        &state.db,
        officer.municipality_id,
        &form.employer_profile,
        &actor,
        Utc::now(),
    )
    .await
    {
        Ok(_) => {
            state.forget_members();
            Ok(Notice::Saved.redirect("/verwaltung/profil"))
        }
        Err(DomainError::Validation(e)) => {
            let msg =
                e.0.into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" ");
            page(
                &state,
                &officer,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.employer_profile,
                msg,
                false,
                false,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
