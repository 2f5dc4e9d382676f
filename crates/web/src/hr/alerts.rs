//! The platform admin's page of search alerts: totals only (never the addresses in bulk), and
//! switching off an address whose mail bounces.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use jobboard_domain::Actor;
use jobboard_domain::alerts::{mutations, runs};
use jobboard_domain::mailbox;
use serde::Deserialize;

use super::nav::{HrNav, NavKey, meta};
use super::session::Admin;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "hr/alerts.html")]
struct AlertsPage {
    meta: Meta,
    nav: HrNav,
    totals: runs::Totals,
    notice: String,
    error: String,
    email: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SwitchOffForm {
    email: String,
}

async fn page(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    notice: String,
    error: String,
    email: String,
) -> AppResult<Response> {
    let p = AlertsPage {
        meta: meta(state, "Suchaufträge"),
        nav: HrNav::new(&admin.0, NavKey::Admin),
        totals: runs::totals(&state.db, Utc::now()).await?,
        notice,
        error,
        email,
    };
    Ok(render_status(status, &p)?)
}

pub async fn show_alerts(State(state): State<AppState>, admin: Admin) -> AppResult<Response> {
    page(
        &state,
        &admin,
        StatusCode::OK,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

/// Switch off every alert of the address: nothing is sent to it any more. The answer says how
/// many, not which.
pub async fn switch_off(
    State(state): State<AppState>,
    admin: Admin,
    Form(form): Form<SwitchOffForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_owned();
    if !mailbox::is_public(&email.to_lowercase()) {
        let error = "Bitte geben Sie eine gültige E-Mail-Adresse an.".to_owned();
        return page(
            &state,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            String::new(),
            error,
            email,
        )
        .await;
    }
    let actor = Actor::user(admin.0.user.id);
    let n = mutations::switch_off_address(&state.db, &email, &actor, Utc::now()).await?;
    let notice = match n {
        0 => "Für diese Adresse gibt es keinen aktiven Suchauftrag.".to_owned(),
        1 => "Ein Suchauftrag dieser Adresse ist abgeschaltet.".to_owned(),
        n => format!("{n} Suchaufträge dieser Adresse sind abgeschaltet."),
    };
    page(
        &state,
        &admin,
        StatusCode::OK,
        notice,
        String::new(),
        String::new(),
    )
    .await
}
