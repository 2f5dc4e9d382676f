//! Signing in and out, accepting an invitation, resetting a forgotten password.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use jobboard_domain::accounts::{AccountError, Role, TokenPurpose, sessions, tokens, users};
use jobboard_mail::Email;
use serde::Deserialize;

use super::nav::meta;
use super::session::{
    CurrentUser, PeerAddr, client_address, safe_return_path, session_cookie_value, set_cookie,
};
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/signin.html")]
struct SignInPage {
    meta: Meta,
    email: String,
    weiter: String,
    error: String,
    notice: &'static str,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInQuery {
    weiter: String,
    abgemeldet: Option<String>,
    passwort: Option<String>,
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> AppResult<Response> {
    let notice = if q.abgemeldet.is_some() {
        "Sie sind abgemeldet."
    } else if q.passwort.is_some() {
        "Ihr Passwort ist gespeichert. Sie können sich jetzt anmelden."
    } else {
        ""
    };
    let page = SignInPage {
        meta: meta(&state, "Anmelden"),
        email: String::new(),
        weiter: safe_return_path(&q.weiter).unwrap_or_default().to_owned(),
        error: String::new(),
        notice,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    weiter: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let now = Utc::now();
    let address = client_address(&headers, peer, state.hr.trust_forwarded_for);
    let result = users::authenticate(&state.db, &form.email, &form.password, &address, now).await;
    let user = match result {
        Ok(u) => u,
        Err(e @ (AccountError::InvalidCredentials | AccountError::Throttled)) => {
            let status = if matches!(e, AccountError::Throttled) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let page = SignInPage {
                meta: meta(&state, "Anmelden"),
                email: form.email.chars().take(254).collect(),
                weiter: safe_return_path(&form.weiter)
                    .unwrap_or_default()
                    .to_owned(),
                error: e.to_string(),
                notice: "",
            };
            return Ok(render_status(status, &page)?);
        }
        Err(e) => return Err(e.into()),
    };
    // A new session id at every sign-in; the one the browser had (if any) ends.
    let secure = state.hr.cookie_secure;
    if let Some(old) = session_cookie_value(&headers, secure) {
        sessions::delete(&state.db, &old).await?;
    }
    let id = sessions::create(&state.db, user.id, now).await?;
    tracing::info!(user = user.id, "signed in");
    let target = match safe_return_path(&form.weiter) {
        Some(p) => p.to_owned(),
        None if user.role == Role::Admin => "/verwaltung/admin".to_owned(),
        None => "/verwaltung".to_owned(),
    };
    Ok((
        [(header::SET_COOKIE, set_cookie(Some(&id), secure))],
        Redirect::to(&target),
    )
        .into_response())
}

pub async fn sign_out(
    State(state): State<AppState>,
    CurrentUser(s): CurrentUser,
    headers: HeaderMap,
) -> AppResult<Response> {
    let secure = state.hr.cookie_secure;
    if let Some(v) = session_cookie_value(&headers, secure) {
        sessions::delete(&state.db, &v).await?;
    }
    tracing::info!(user = s.user.id, "signed out");
    Ok((
        [(header::SET_COOKIE, set_cookie(None, secure))],
        Redirect::to("/anmelden?abgemeldet=1"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "hr/reset_request.html")]
struct ResetRequestPage {
    meta: Meta,
    sent: bool,
}

pub async fn show_reset_request(State(state): State<AppState>) -> AppResult<Response> {
    let page = ResetRequestPage {
        meta: meta(&state, "Passwort vergessen"),
        sent: false,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetRequestForm {
    email: String,
}

/// Always the same answer after the same work, whether or not the address has an account: the
/// lookup, the token and the mail happen in the background, so neither the answer nor its
/// timing tells whether an account exists.
pub async fn request_reset(
    State(state): State<AppState>,
    Form(form): Form<ResetRequestForm>,
) -> AppResult<Response> {
    let background = state.clone();
    tokio::spawn(async move { send_reset_mail(&background, &form.email).await });
    let page = ResetRequestPage {
        meta: meta(&state, "Passwort vergessen"),
        sent: true,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}

async fn send_reset_mail(state: &AppState, address: &str) {
    let found = match tokens::request_reset(&state.db, address, Utc::now()).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "password reset not prepared");
            return;
        }
    };
    let Some((user, token)) = found else { return };
    let link = state.site.url(&format!("/passwort-neu/{token}"));
    let email = Email {
        to: user.email.clone(),
        subject: "Neues Passwort für die Partheland Stellenbörse".into(),
        body: format!(
            "Guten Tag {},\n\nüber diesen Link legen Sie ein neues Passwort fest (gültig für eine Stunde):\n\n{link}\n\nWenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren.\n\nPartheland Stellenbörse",
            user.name
        ),
        ..Email::default()
    };
    if let Err(e) = state.hr.mailer.send(&email).await {
        tracing::error!(error = %e, "password reset mail not sent");
    }
}

#[derive(Template)]
#[template(path = "hr/set_password.html")]
struct SetPasswordPage {
    meta: Meta,
    heading: &'static str,
    action: String,
    name: String,
    error: String,
}

fn set_password_page(
    state: &AppState,
    purpose: TokenPurpose,
    token: &str,
    name: String,
    error: String,
) -> SetPasswordPage {
    let (heading, base) = match purpose {
        TokenPurpose::Invitation => ("Willkommen: Passwort festlegen", "/einladung"),
        TokenPurpose::Reset => ("Neues Passwort festlegen", "/passwort-neu"),
    };
    SetPasswordPage {
        meta: meta(state, heading),
        heading,
        action: format!("{base}/{token}"),
        name,
        error,
    }
}

async fn show_token_form(
    state: AppState,
    token: String,
    purpose: TokenPurpose,
) -> AppResult<Response> {
    let user = tokens::peek(&state.db, &token, purpose, Utc::now()).await?;
    let page = set_password_page(&state, purpose, &token, user.name, String::new());
    Ok(render_status(StatusCode::OK, &page)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    password: String,
    password_repeat: String,
}

async fn use_token(
    state: AppState,
    token: String,
    purpose: TokenPurpose,
    form: PasswordForm,
) -> AppResult<Response> {
    let now = Utc::now();
    let user = tokens::peek(&state.db, &token, purpose, now).await?;
    let refuse = |error: String| -> AppResult<Response> {
        let page = set_password_page(&state, purpose, &token, user.name.clone(), error);
        Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?)
    };
    if form.password != form.password_repeat {
        return refuse("Die beiden Eingaben stimmen nicht überein.".into());
    }
    match tokens::set_password_with_token(&state.db, &token, purpose, &form.password, now).await {
        Ok(_) => Ok(Redirect::to("/anmelden?passwort=neu").into_response()),
        Err(e @ AccountError::WeakPassword(_)) => refuse(e.to_string()),
        Err(e) => Err(e.into()),
    }
}

pub async fn show_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    show_token_form(state, token, TokenPurpose::Invitation).await
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    use_token(state, token, TokenPurpose::Invitation, form).await
}

pub async fn show_new_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    show_token_form(state, token, TokenPurpose::Reset).await
}

pub async fn set_new_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    use_token(state, token, TokenPurpose::Reset, form).await
}
