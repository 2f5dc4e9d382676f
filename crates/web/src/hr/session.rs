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
            let (token, body) = match multipart_boundary(&parts.headers) {
                // A file upload: only the form's first part, the `csrf` field, is read here;
                // the handler streams the rest under its own limit.
                Some(boundary) => match first_part_csrf(body, &boundary).await {
                    Some(read) => read,
                    None => (String::new(), Body::empty()),
                },
                None => {
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
                    (token, Body::from(bytes))
                }
            };
            if !constant_time_eq(&token, &s.csrf_token) {
                tracing::warn!(path = parts.uri.path(), "missing or wrong CSRF token");
                return refuse(
                    StatusCode::FORBIDDEN,
                    "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und senden Sie es erneut.",
                );
            }
            req = Request::from_parts(parts, body);
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

/// The boundary of a `multipart/form-data` body, if the request has one.
pub fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut params = ct.split(';');
    if !params
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// How much of a multipart body is read for its first part, the CSRF field.
const FIRST_PART_LIMIT: usize = 4 * 1024;

/// Reads a multipart body up to the end of its first part, which must be the `csrf` field (a
/// form of the workspace puts it first, and browsers send parts in document order). Returns
/// its value and the whole body again (what was read, then the rest still streaming), or
/// `None` when the body does not start that way.
async fn first_part_csrf(body: Body, boundary: &str) -> Option<(String, Body)> {
    use futures_util::StreamExt;
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}");
    let mut stream = body.into_data_stream();
    let mut read: Vec<u8> = Vec::new();
    let value = loop {
        if let Some(v) = csrf_of_first_part(&read, &opening, &closing) {
            break v?;
        }
        if read.len() > FIRST_PART_LIMIT {
            return None;
        }
        read.extend_from_slice(&stream.next().await?.ok()?);
    };
    let first =
        futures_util::stream::once(
            async move { Ok::<_, axum::Error>(axum::body::Bytes::from(read)) },
        );
    Some((value, Body::from_stream(first.chain(stream))))
}

/// `None`: the first part is not complete in `read` yet; `Some(None)`: it is not a `csrf`
/// field; `Some(Some(token))`: it is.
fn csrf_of_first_part(read: &[u8], opening: &str, closing: &str) -> Option<Option<String>> {
    if read.len() < opening.len() {
        return None;
    }
    if !read.starts_with(opening.as_bytes()) {
        return Some(None);
    }
    let rest = &read[opening.len()..];
    let head_end = find(rest, b"\r\n\r\n")?;
    let after = &rest[head_end + 4..];
    let value_end = find(after, closing.as_bytes())?;
    let head = std::str::from_utf8(&rest[..head_end]).ok();
    let is_csrf = head.is_some_and(|h| {
        h.split("\r\n").any(|line| {
            let Some((name, v)) = line.split_once(':') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("content-disposition")
                && v.split(';').next().is_some_and(|t| t.trim() == "form-data")
                && v.split(';').skip(1).any(|p| p.trim() == "name=\"csrf\"")
                && !v.contains("filename")
        })
    });
    Some(
        is_csrf
            .then(|| {
                std::str::from_utf8(&after[..value_end])
                    .ok()
                    .map(str::to_owned)
            })
            .flatten(),
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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

    #[tokio::test]
    async fn the_csrf_field_of_a_multipart_form_is_read_from_its_first_part_and_the_body_kept() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ngeheim\r\n--XyZ\r\nContent-Disposition: form-data; name=\"document\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--XyZ--\r\n";
        let (token, rest) = first_part_csrf(Body::from(body), "XyZ")
            .await
            .expect("read");
        assert_eq!(token, "geheim");
        let bytes = axum::body::to_bytes(rest, usize::MAX).await.expect("body");
        assert_eq!(bytes, body.as_bytes(), "the handler gets the whole body");
        // Another field first, a file named csrf, or no boundary at the start: no token.
        for bad in [
            "--XyZ\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n3\r\n--XyZ--\r\n",
            "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"; filename=\"x\"\r\n\r\ngeheim\r\n--XyZ--\r\n",
            "csrf=geheim",
        ] {
            let read = first_part_csrf(Body::from(bad), "XyZ").await;
            assert!(read.is_none_or(|(t, _)| t.is_empty()), "{bad}");
        }
        // A first part that never ends is not read beyond the limit.
        let endless = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}",
            "a".repeat(100_000)
        );
        assert!(first_part_csrf(Body::from(endless), "XyZ").await.is_none());
    }

    #[test]
    fn only_multipart_form_data_has_a_boundary() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(v).expect("ascii"),
            );
            m
        };
        assert_eq!(
            multipart_boundary(&h("multipart/form-data; boundary=----abc")).as_deref(),
            Some("----abc")
        );
        assert_eq!(
            multipart_boundary(&h("Multipart/Form-Data; charset=utf-8; boundary=\"q\"")).as_deref(),
            Some("q")
        );
        assert_eq!(
            multipart_boundary(&h("application/x-www-form-urlencoded")),
            None
        );
        assert_eq!(multipart_boundary(&h("multipart/form-data")), None);
    }

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
