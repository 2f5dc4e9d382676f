//! Who is asking: the session cookie, the guard every HR request passes (session lookup, origin
//! check and CSRF token on every state-changing request, body limit) and the extractors handlers
//! use to say who may call them.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use cookie::{Cookie, SameSite};
use jobboard_domain::accounts::secret::constant_time_eq;
use jobboard_domain::accounts::{Role, SignedIn, sessions};

use crate::{AppError, AppState};

/// Largest form body accepted by HR routes (the posting form with every Markdown field full).
pub const BODY_LIMIT: usize = 256 * 1024;

/// With `Secure`, the `__Host-` prefix binds the cookie to this exact host and path `/`.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-sitzung" } else { "sitzung" }
}

pub fn session_cookie_value(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// `Set-Cookie` for a new session id (or, with `None`, one that removes the cookie).
pub fn set_cookie(value: Option<&str>, secure: bool) -> HeaderValue {
    let mut c = Cookie::build((cookie_name(secure), value.unwrap_or("").to_owned()))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .path("/");
    if value.is_none() {
        c = c.max_age(cookie::time::Duration::ZERO);
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// Does the request come from a page of this board? The `Origin` header must name the public
/// address exactly; without one, the `Referer` must start with it.
fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let origin = &state.hr.origin;
    if let Some(o) = headers.get(header::ORIGIN) {
        return o.to_str().is_ok_and(|o| o == origin);
    }
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .is_some_and(|r| r == origin || r.starts_with(&format!("{origin}/")))
}

/// Paths whose writes need a signed-in user and a session CSRF token.
fn needs_session(path: &str) -> bool {
    path == "/abmelden" || path == "/verwaltung" || path.starts_with("/verwaltung/")
}

fn refuse(status: StatusCode, message: &str) -> Response {
    AppError::Refused(status, message.to_owned()).into_response()
}

/// Runs before every HR handler. Reads the session; for every request that changes state,
/// checks the origin and (for signed-in routes) the form's `csrf` field against the session's
/// token, with the body read under [`BODY_LIMIT`].
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let now = Utc::now();
    let secure = state.hr.cookie_secure;
    let signed_in = match session_cookie_value(req.headers(), secure) {
        Some(v) => match sessions::lookup(&state.db, &v, state.hr.session_policy, now).await {
            Ok(s) => s,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes {
        if !same_origin(req.headers(), &state) {
            tracing::warn!(path = req.uri().path(), "cross-origin write refused");
            return refuse(
                StatusCode::FORBIDDEN,
                "Die Anfrage kam nicht von einer Seite der Stellenbörse und wurde deshalb nicht ausgeführt.",
            );
        }
        if needs_session(req.uri().path()) {
            let Some(s) = &signed_in else {
                return to_sign_in(req.uri().path());
            };
            let (parts, body) = req.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                return refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Die gesendeten Daten sind zu groß. Bitte kürzen Sie die Texte.",
                );
            };
            let token = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            if !constant_time_eq(&token, &s.csrf_token) {
                tracing::warn!(path = parts.uri.path(), "missing or wrong CSRF token");
                return refuse(
                    StatusCode::FORBIDDEN,
                    "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und senden Sie es erneut.",
                );
            }
            req = Request::from_parts(parts, Body::from(bytes));
        }
    }
    if let Some(s) = signed_in {
        req.extensions_mut().insert(s);
    }
    let mut response = next.run(req).await;
    // Pages of signed-in people are never stored by browsers or proxies.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 303 to the sign-in page, which returns to `path` afterwards.
pub fn to_sign_in(path: &str) -> Response {
    let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    Redirect::to(&format!("/anmelden?weiter={back}")).into_response()
}

/// Only local paths are followed after sign-in, never another site.
pub fn safe_return_path(p: &str) -> Option<&str> {
    (p.starts_with("/verwaltung") && !p.contains("//") && !p.contains('\\')).then_some(p)
}

/// Any signed-in user. Anonymous requests are sent to sign in.
pub struct CurrentUser(pub SignedIn);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        match parts.extensions.get::<SignedIn>() {
            Some(s) => Ok(Self(s.clone())),
            None => Err(to_sign_in(
                parts
                    .uri
                    .path_and_query()
                    .map_or(parts.uri.path(), |p| p.as_str()),
            )),
        }
    }
}

/// An HR officer, with the one municipality whose data they may see and change.
pub struct Officer {
    pub session: SignedIn,
    pub municipality_id: i64,
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let CurrentUser(s) = CurrentUser::from_request_parts(parts, state).await?;
        match (s.user.role, s.user.municipality_id) {
            (Role::Officer, Some(municipality_id)) => Ok(Self {
                session: s,
                municipality_id,
            }),
            _ => Err(AppError::Forbidden.into_response()),
        }
    }
}

/// The platform admin.
pub struct Admin(pub SignedIn);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let CurrentUser(s) = CurrentUser::from_request_parts(parts, state).await?;
        if s.user.role == Role::Admin {
            Ok(Self(s))
        } else {
            Err(AppError::Forbidden.into_response())
        }
    }
}

/// The client address for throttling: the peer, or with `JOBBOARD_TRUST_FORWARDED_FOR` the last
/// hop a trusted reverse proxy appended. Every `X-Forwarded-For` line counts: a proxy that adds
/// its own line (instead of appending to the client's) must still win, so the lines are joined
/// in order and the last entry is taken.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    trust_forwarded: bool,
) -> String {
    let forwarded = last_forwarded_hop(headers);
    if trust_forwarded && let Some(last) = forwarded {
        return last;
    }
    if forwarded.is_some() {
        warn_untrusted_forwarding();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn last_forwarded_hop(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|hop| !hop.is_empty())
        .map(str::to_owned)
}

/// Behind a reverse proxy with trust off, every client shares the proxy's address, and so
/// its sign-in limits: said once, at the first request that shows it.
fn warn_untrusted_forwarding() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "requests carry X-Forwarded-For but JOBBOARD_TRUST_FORWARDED_FOR is off: sign-in limits count the proxy's address for every client; set JOBBOARD_TRUST_FORWARDED_FOR=on if a reverse proxy you run sets this header"
        );
    });
}

/// The TCP peer, when the server was started with connection info (it always is, except in
/// tests that call the router directly).
pub struct PeerAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", HeaderValue::from_str(l).expect("ascii"));
        }
        h
    }

    #[test]
    fn the_last_hop_over_all_header_lines_is_the_client() {
        let peer = Some(std::net::SocketAddr::from(([10, 0, 0, 9], 4711)));
        // The client's own line first, the proxy's line last.
        let h = with(&["1.2.3.4, 5.6.7.8", "203.0.113.7"]);
        assert_eq!(client_address(&h, peer, true), "203.0.113.7");
        assert_eq!(
            client_address(&with(&["1.2.3.4, 203.0.113.8 "]), peer, true),
            "203.0.113.8"
        );
        assert_eq!(
            client_address(&with(&["203.0.113.9", ""]), peer, true),
            "203.0.113.9"
        );
        assert_eq!(client_address(&h, peer, false), "10.0.0.9");
        assert_eq!(client_address(&HeaderMap::new(), peer, true), "10.0.0.9");
        assert_eq!(client_address(&HeaderMap::new(), None, true), "unknown");
    }
}
