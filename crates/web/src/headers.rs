//! Security headers on every response.
//!
//! No page may be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`) unless its handler
//! put a [`FrameAncestors`] into the response's extensions: the embeddable job list does, naming
//! the member websites and the configured extra origins (see `embed`).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Everything of the policy but `frame-ancestors`.
macro_rules! policy {
    () => {
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}

/// The origins that may frame this response, already checked to be plain origins
/// (`https://www.naunhof.de`); `'self'` is always allowed.
#[derive(Clone, Debug, Default)]
pub struct FrameAncestors(pub Vec<String>);

impl FrameAncestors {
    /// The `frame-ancestors` directive's value.
    pub fn directive(&self) -> String {
        std::iter::once("'self'")
            .chain(self.0.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let frame = response.extensions_mut().remove::<FrameAncestors>();
    let h = response.headers_mut();
    match frame.and_then(|f| {
        HeaderValue::from_str(&format!(
            concat!(policy!(), "; frame-ancestors {}"),
            f.directive()
        ))
        .ok()
    }) {
        Some(csp) => {
            h.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        None => {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(concat!(policy!(), "; frame-ancestors 'none'")),
            );
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}
