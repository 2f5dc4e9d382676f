//! HTTP frontend of the Partheland Stellenbörse: the axum router, pages, JSON API and their
//! errors. Handlers parse and authorise, then call `jobboard-domain`; no SQL lives here.

mod error;
mod headers;
mod health;
mod page;
mod postings;

use std::future::Future;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

pub use error::{AppError, AppResult};

/// Everything a handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
}

/// The whole application, as tests and the binary run it.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(postings::router())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(headers::security_headers))
        .with_state(state)
}

/// Serve until `shutdown` completes; requests in flight are finished first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
