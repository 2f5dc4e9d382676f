//! The one-click unsubscribe address of every alert mail (`List-Unsubscribe`, RFC 8058). A POST
//! (from the mail client, or the button of the GET page) deletes the alert with its address.
//! The GET only shows that button: link scanners that follow every link unsubscribe nobody.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jobboard_domain::alerts::{mutations, tokens};
use jobboard_domain::audit::AuditAction;
use jobboard_domain::{Actor, DomainError};

use super::describe;
use super::manage::{alert_of, deleted_page};
use super::signup::MessagePage;
use crate::page::{Meta, Section, render};
use crate::{AppResult, AppState};

#[derive(Template)]
#[template(path = "alerts/unsubscribe.html")]
struct UnsubscribePage {
    meta: Meta,
    description: String,
    scope: &'static str,
    action: String,
    manage: String,
}

pub async fn show_unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let alert = alert_of(&state, &token).await?;
    let members = state.members().await?;
    let page = UnsubscribePage {
        meta: Meta::new(
            &state.site,
            "Suchauftrag abbestellen",
            "Suchauftrag abbestellen.",
            None,
            Section::Other,
        ),
        description: describe(alert.scope, &alert.query, &members),
        scope: alert.scope.label(),
        action: format!("/suchauftrag/abmelden/{token}"),
        manage: format!("/suchauftrag/{token}"),
    };
    Ok(render(&page)?.into_response())
}

/// Unsubscribe: the alert and its address are deleted. A token that finds nothing (already
/// unsubscribed) gets the same success page, so a mail client's retry is not an error.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let now = Utc::now();
    let Some(alert) = tokens::find(&state.db, &token, now).await? else {
        return gone_page(&state);
    };
    match mutations::delete(
        &state.db,
        alert.id,
        AuditAction::Unsubscribed,
        &Actor::public(),
        now,
    )
    .await
    {
        Ok(()) | Err(DomainError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    deleted_page(&state, &alert)
}

fn gone_page(state: &AppState) -> AppResult<Response> {
    let page = MessagePage {
        meta: Meta::new(
            &state.site,
            "Suchauftrag abbestellt",
            "Suchauftrag abbestellt.",
            None,
            Section::Other,
        ),
        heading: "Suchauftrag abbestellt",
        paragraphs: vec![
            "Zu diesem Link gibt es keinen Suchauftrag (mehr). Sie erhalten dazu keine E-Mails."
                .into(),
        ],
        feeds: Vec::new(),
        back: "/stellen".into(),
        back_label: "Zur Suche",
    };
    Ok(render(&page)?.into_response())
}
