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
    /// "31.12.2026" when the token is refused after a day, else empty.
    pub expires: String,
    /// Refused since its expiry (and not revoked).
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "hr/tokens.html")]
struct TokensPage {
    meta: Meta,
    nav: HrNav,
    rows: Vec<TokenRow>,
    /// The plaintext of a token just created: shown once, never again.
    created: String,
    input: TokenForm,
    errors: TokenErrors,
}

/// German errors of the create form, beside their fields.
#[derive(Default)]
struct TokenErrors {
    label: String,
    expires: String,
}

impl TokenErrors {
    fn any(&self) -> bool {
        !self.label.is_empty() || !self.expires.is_empty()
    }
}

async fn page(
    state: &AppState,
    officer: &Officer,
    status: StatusCode,
    created: String,
    input: TokenForm,
    errors: TokenErrors,
) -> AppResult<Response> {
    let now = Utc::now();
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
            // The last day it is accepted (it runs out at the end of that day in Berlin).
            expires: t
                .expires_at
                .map(|at| berlin::format_date(berlin::today(at - chrono::Duration::seconds(1))))
                .unwrap_or_default(),
            expired: t.revoked_at.is_none() && t.expires_at.is_some_and(|at| at <= now),
        })
        .collect();
    let page = TokensPage {
        meta: meta(state, "API-Schlüssel"),
        nav: HrNav::new(&officer.session, NavKey::Tokens),
        rows,
        created,
        input,
        errors,
    };
    Ok(render_status(status, &page)?)
}

pub async fn show_tokens(State(state): State<AppState>, officer: Officer) -> AppResult<Response> {
    page(
        &state,
        &officer,
        StatusCode::OK,
        String::new(),
        TokenForm::default(),
        TokenErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    label: String,
    /// Optional last day the token is accepted: TT.MM.JJJJ or ISO.
    expires: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    officer: Officer,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let actor = officer.session.user.actor();
    let now = Utc::now();
    let mut errors = TokenErrors::default();
    // Accepted through the whole of the given day in Berlin. A day that is no date is handed
    // on as "now", which the domain refuses with the label's errors in the same answer (so
    // nothing is stored); the message then names the date format instead.
    let unreadable = super::form::parse_date(&form.expires).is_none();
    let expires_at = match form.expires.trim() {
        "" => None,
        raw => Some(super::form::parse_date(raw).map_or(now, berlin::end_of_day)),
    };
    let result = api_tokens::create_expiring(
        &state.db,
        officer.municipality_id,
        &form.label,
        expires_at,
        &actor,
        now,
    )
    .await;
    match result {
        // Answered directly (not redirected), so the plaintext never lands in a URL or history.
        Ok(created) => {
            page(
                &state,
                &officer,
                StatusCode::OK,
                created.plaintext,
                TokenForm::default(),
                errors,
            )
            .await
        }
        Err(DomainError::Validation(e)) => {
            for f in e.0 {
                let target = if f.field == "expires_at" {
                    if unreadable {
                        errors.expires = super::form::DATE_MESSAGE.into();
                        continue;
                    }
                    &mut errors.expires
                } else {
                    &mut errors.label
                };
                if !target.is_empty() {
                    target.push(' ');
                }
                target.push_str(&f.message);
            }
            page(
                &state,
                &officer,
                StatusCode::UNPROCESSABLE_ENTITY,
                String::new(),
                form,
                errors,
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
