//! The audit trail of one posting: who changed which field from what to what, and when.

use super::PathId;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use jobboard_domain::accounts::users;
use jobboard_domain::audit::{AuditAction, AuditEntity};
use jobboard_domain::{audit, berlin};
use serde_json::Value;

use super::nav::{HrNav, NavKey, meta};
use super::postings::load_owned;
use super::session::Officer;
use crate::page::{Meta, render_status};
use crate::{AppResult, AppState};

pub struct Change {
    pub at: String,
    pub who: String,
    pub action: String,
    pub fields: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "hr/history.html")]
struct HistoryPage {
    meta: Meta,
    nav: HrNav,
    id: i64,
    title: String,
    changes: Vec<Change>,
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "–".to_owned(),
        Value::String(s) if s.is_empty() => "–".to_owned(),
        Value::String(s) => {
            let short: String = s.chars().take(200).collect();
            if s.chars().count() > 200 {
                format!("{short}…")
            } else {
                short
            }
        }
        other => other.to_string(),
    }
}

fn action_label(a: AuditAction) -> String {
    a.label().to_owned()
}

/// The entries of posting `id` recorded after `since`, newest last, with names for actors.
pub async fn changes_since(
    state: &AppState,
    id: i64,
    since: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let mut out = Vec::new();
    for e in audit::history(&state.db, AuditEntity::Posting, id).await? {
        if e.at <= since {
            continue;
        }
        let who = match e.actor.strip_prefix("user:").and_then(|n| n.parse().ok()) {
            Some(uid) => users::find_by_id(&state.db, uid)
                .await?
                .map_or(e.actor.clone(), |u| u.name),
            None if e.actor.starts_with("system:") => "automatisch".to_owned(),
            None => e.actor.clone(),
        };
        let fields = e
            .changes
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), show(&v["from"]), show(&v["to"])))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Change {
            at: berlin::format_datetime(e.at),
            who,
            action: action_label(e.action),
            fields,
        });
    }
    Ok(out)
}

pub async fn show_history(
    State(state): State<AppState>,
    officer: Officer,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = load_owned(&state, &officer, id).await?;
    let page = HistoryPage {
        meta: meta(&state, &format!("Verlauf: {}", p.title)),
        nav: HrNav::new(&officer.session, NavKey::None),
        id,
        title: p.title,
        changes: changes_since(&state, id, DateTime::<Utc>::MIN_UTC).await?,
    };
    Ok(render_status(StatusCode::OK, &page)?)
}
