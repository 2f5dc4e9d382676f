//! HTTP frontend of the Partheland Stellenbörse: the axum router, pages, JSON API and their
//! errors. Handlers parse and authorise, then call `jobboard-domain` and `jobboard-search`; no
//! SQL lives here.

pub mod alerts;
mod api;
pub mod embed;
mod error;
mod feeds;
mod headers;
mod health;
pub mod hr;
mod members;
mod page;
mod page_cache;
mod pages;
mod search_params;
mod site;
pub mod stats;
pub mod transport;
mod view;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use jobboard_search::AnyIndex;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

pub use error::{AppError, AppResult};
pub use site::Site;

/// Default of `JOBBOARD_PUSH_RATE_LIMIT`.
pub const DEFAULT_PUSH_RATE_PER_MINUTE: u32 = 120;

/// Everything a handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub search: Arc<AnyIndex>,
    pub site: Arc<Site>,
    members: Arc<members::MemberCache>,
    pub hr: hr::Shared,
    push_limiter: Arc<api::limiter::RateLimiter>,
    pages: Arc<page_cache::PageCache>,
    transport: Arc<transport::TransportSettings>,
    /// Events counted on the public pages, until the server's flush writes them (issue 20).
    pub counter: Arc<stats::Counter>,
    /// What the search index can answer (set by the indexer; see `health`).
    pub search_status: jobboard_search::SearchStatus,
}

impl AppState {
    pub fn new(db: DatabaseConnection, search: Arc<AnyIndex>, site: Site) -> Self {
        // Until the server says otherwise: mail into a folder beside the other temporary files.
        let outbox = std::env::temp_dir().join("jobboard-mail-outbox");
        let hr = match jobboard_mail::Mailer::file_outbox(outbox, "noreply@localhost") {
            Ok(mailer) => hr::HrSettings::new(&site.base_url, mailer),
            Err(e) => unreachable!("fixed sender address is valid: {e}"),
        };
        Self {
            db,
            search,
            site: Arc::new(site),
            members: Arc::default(),
            hr: Arc::new(hr),
            push_limiter: Arc::new(api::limiter::RateLimiter::new(DEFAULT_PUSH_RATE_PER_MINUTE)),
            pages: Arc::default(),
            transport: Arc::default(),
            counter: Arc::default(),
            search_status: jobboard_search::SearchStatus::default(),
        }
    }

    /// The search state the indexer of this process keeps (see `/healthz`, `/readyz`).
    pub fn with_search_status(mut self, status: jobboard_search::SearchStatus) -> Self {
        self.search_status = status;
        self
    }

    /// Settings of the HR workspace (mail, cookies, sessions).
    pub fn with_hr(mut self, settings: hr::HrSettings) -> Self {
        self.hr = Arc::new(settings);
        self
    }

    /// Forget the cached member list after a municipality changed.
    pub fn forget_members(&self) {
        self.members.clear();
    }

    /// Requests per minute and API token the push API accepts (in this process).
    pub fn with_push_rate_limit(mut self, per_minute: u32) -> Self {
        self.push_limiter = Arc::new(api::limiter::RateLimiter::new(per_minute));
        self
    }

    /// Read timeouts and HSTS; see `transport`.
    pub fn with_transport(mut self, settings: transport::TransportSettings) -> Self {
        self.transport = Arc::new(settings);
        self
    }

    /// Keep at most `pages` rendered results pages (0: none); see `page_cache`.
    pub fn with_page_cache(mut self, pages: usize) -> Self {
        self.pages = Arc::new(page_cache::PageCache::new(pages));
        self
    }

    /// Where views, impressions and apply clicks are counted until the server writes them (a
    /// switched-off counter for `JOBBOARD_COUNTING=off`).
    pub fn with_counter(mut self, counter: Arc<stats::Counter>) -> Self {
        self.counter = counter;
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
        .merge(embed::router())
        .merge(feeds::router())
        .merge(api::router())
        .merge(site::router())
        .merge(alerts::router())
        .merge(stats::router())
        .merge(hr::router(state.clone()))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            transport::layer,
        ))
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest),
        )
        .with_state(state)
}

/// Serve until `shutdown` completes; requests in flight are finished first. Slow clients are
/// cut off (see `transport`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = *state.transport;
    transport::serve(listener, router(state), settings, shutdown).await
}
