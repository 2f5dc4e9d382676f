//! The HTTP connection itself: read timeouts against slow clients (slowloris) and HSTS.
//!
//! `axum::serve` offers no header read timeout, so connections are served with hyper's HTTP/1
//! builder directly: a client that has not sent its complete request head within
//! [`TransportSettings::header_timeout`] is disconnected. A request body must arrive within
//! [`TransportSettings::body_timeout`] in total (not per chunk: a byte every few seconds would
//! otherwise keep a connection for ever).

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::AppState;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportSettings {
    /// Time for the request line and headers of each request.
    pub header_timeout: Duration,
    /// Time for a whole request body.
    pub body_timeout: Duration,
    /// Send `Strict-Transport-Security` (the board is reached over https only).
    pub hsts: bool,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            hsts: false,
        }
    }
}

/// One year; subdomains are left out because other sites of the municipalities may live there.
const HSTS: &str = "max-age=31536000";

/// HSTS on every response (when on) and the total deadline on request bodies.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let settings = *state.transport;
    let has_body = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let request = if has_body {
        with_deadline(request, settings.body_timeout)
    } else {
        request
    };
    let mut response = next.run(request).await;
    if settings.hsts {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// The body ends with an error once `limit` has passed since the request head arrived.
fn with_deadline(request: Request, limit: Duration) -> Request {
    let deadline = tokio::time::Instant::now() + limit;
    let (parts, body) = request.into_parts();
    let stream =
        futures_util::stream::unfold(Some(body.into_data_stream()), move |stream| async move {
            let mut stream = stream?;
            match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(stream))),
                Ok(None) => None,
                Err(_) => {
                    tracing::info!("request body not complete in time");
                    Some((Err(axum::Error::new("request body read timed out")), None))
                }
            }
        });
    Request::from_parts(parts, Body::from_stream(stream))
}

/// Serve `app` on `listener` until `shutdown` completes, then let requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: TransportSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The peer address is needed for sign-in throttling (`PeerAddr`).
        let tower = TowerToHyperService::new(app.clone());
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            tower.call(req)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
