//! HTTP frontend of the Partheland Stellenbörse: the axum router, pages, JSON API and their
//! errors. Handlers parse and authorise, then call `jobboard-domain` and `jobboard-search`; no
//! SQL lives here.

mod error;
mod headers;
mod health;
mod members;
mod page;
mod page_cache;
mod pages;
mod site;
mod view;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use jobboard_search::AnyIndex;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

pub use error::{AppError, AppResult};
pub use site::Site;

/// Everything a handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub search: Arc<AnyIndex>,
    pub site: Arc<Site>,
    members: Arc<members::MemberCache>,
    pages: Arc<page_cache::PageCache>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, search: Arc<AnyIndex>, site: Site) -> Self {
        Self {
            db,
            search,
            site: Arc::new(site),
            members: Arc::default(),
            pages: Arc::default(),
        }
    }

    /// Keep at most `pages` rendered results pages (0: none); see `page_cache`.
    pub fn with_page_cache(mut self, pages: usize) -> Self {
        self.pages = Arc::new(page_cache::PageCache::new(pages));
        self
    }

    /// The member municipalities, alphabetically (cached briefly).
    pub async fn members(
        &self,
    ) -> Result<Arc<Vec<jobboard_domain::municipalities::Municipality>>, sea_orm::DbErr> {
        self.members.get(&self.db).await
    }
}

/// The whole application, as tests and the binary run it.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(pages::router())
        .merge(site::router())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
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
