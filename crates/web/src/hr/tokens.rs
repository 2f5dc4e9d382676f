//! API tokens of the officer's municipality for the push API: create (the token is shown this
//! once), list, revoke. Only a hash is stored (see `jobboard_domain::api_tokens`).

use super::PathId;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::{DomainError, api_tokens, berlin};
use serde::Deserialize;

use super::nav::{HrNav, NavKey, meta};
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: String,
}

#[derive(Template)]
#[template(path = "hr/tokens.html")]
struct TokensPage {
    meta: Meta,
    nav: HrNav,
    rows: Vec<TokenRow>,
    /// The plaintext of a token just created: shown once, never again.
    created: String,
    label: String,
    error: String,
}

async fn page(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    created: String,
    label: String,
    error: String,
) -> AppResult<Response> {
    let rows = api_tokens::list(&state.db, Some(officer.municipality_id))
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label,
            prefix: t.token_prefix,
            created: berlin::format_datetime(t.created_at),
            last_used: t
                .last_used_at
                .map(berlin::format_datetime)
                .unwrap_or_else(|| "nie".into()),
            revoked: t
                .revoked_at
                .map(berlin::format_datetime)
                .unwrap_or_default(),
        })
        .collect();
    let page = TokensPage {
        meta: meta(state, "API-Schlüssel"),
        nav: HrNav::new(&officer.session, NavKey::Tokens),
        rows,
        created,
        label,
        error,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_tokens(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    page(
        &state,
        &officer,
        StatusCode::OK,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    label: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    officer: Officer,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    match api_tokens::create(
        &state.db,
        officer.municipality_id,
        &form.label,
        &actor,
        Utc::now(),
    )
    .await
    {
        // Answered directly (not redirected), so the plaintext never lands in a URL or history.
        Ok(created) => {
            page(
                &state,
                &officer,
                StatusCode::OK,
                created.plaintext,
                String::new(),
                String::new(),
            )
            .await
        }
        Err(DomainError::Validation(e)) => {
            let message =
                e.0.into_iter()
                    .map(|f| f.message)
                    .collect::<Vec<_>>()
                    .join(" ");
            page(
                &state,
                &officer,
                StatusCode::UNPROCESSABLE_ENTITY,
                String::new(),
                form.label,
                message,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    officer: Officer,
    PathId(token_id): PathId,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    api_tokens::revoke(
        &state.db,
        token_id,
        Some(officer.municipality_id),
        &actor,
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to("/verwaltung/api-schluessel").into_response())
}
