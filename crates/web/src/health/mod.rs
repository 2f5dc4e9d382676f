//! `/healthz`: the process runs, its database answers, and what the search index can answer.
//! `/readyz`: whether a load balancer should send traffic here yet — 503 while the search index
//! is being built or catching up after a start or a rebuild (its answers would lack postings).
//! An unreachable engine does not hold traffic back: every process shares it, and the pages
//! then answer with a German notice while writes keep working.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use jobboard_search::SearchState;
use serde_json::{Value, json};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(check_health))
        .route("/readyz", get(check_ready))
}

async fn check_health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = jobboard_domain::db::backend_name(&state.db);
    let search = state.search_status.get().as_str();
    let engine = state.search.name();
    match jobboard_domain::db::ping(&state.db).await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": "ok",
                "database": backend,
                "search": search,
                "search_engine": engine,
            })),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "database": backend,
                    "search": search,
                    "search_engine": engine,
                })),
            )
        }
    }
}

async fn check_ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let search = state.search_status.get();
    let database = jobboard_domain::db::ping(&state.db).await.is_ok();
    let ready = database && search != SearchState::Rebuilding;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "ready": ready,
            "database": if database { "ok" } else { "unavailable" },
            "search": search.as_str(),
        })),
    )
}
