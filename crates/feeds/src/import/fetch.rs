//! Fetching a source over HTTP, safely: http(s) only, at most 5 redirects, 10 s in total, at most
//! 5 MB of body, conditional GET, and no connection to an internal address.
//!
//! Internal addresses are refused where the connection is made, not only when the URL is
//! checked: the DNS resolver of the client drops every internal address a name resolves to
//! (so a name that resolves differently on the second lookup, DNS rebinding, still cannot reach
//! inside), and the redirect policy checks literal IP hosts of every hop (reqwest connects to
//! those without asking the resolver). No proxy is used, since a proxy would resolve for us.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Once};
use std::time::Duration;

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{self, HeaderMap};
use reqwest::{StatusCode, redirect};

/// Which internal addresses may be reached anyway (`JOBBOARD_IMPORT_ALLOW_PRIVATE`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    pub allow_loopback: bool,
    pub allow_private: bool,
    pub allowed: Vec<IpNet>,
}

impl AddressPolicy {
    /// `""`/`none`, or a comma list of `loopback`, `private` (every internal range) and CIDR
    /// networks such as `10.1.0.0/16`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut p = Self::default();
        for part in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match part {
                "none" => {}
                "loopback" => p.allow_loopback = true,
                "private" => {
                    p.allow_private = true;
                    p.allow_loopback = true;
                }
                cidr => p.allowed.push(
                    cidr.parse::<IpNet>()
                        .or_else(|_| cidr.parse::<IpAddr>().map(IpNet::from))
                        .map_err(|_| {
                            format!(
                                "{cidr:?} is neither loopback, private, none nor a CIDR network"
                            )
                        })?,
                ),
            }
        }
        Ok(p)
    }

    /// Loopback only: what the tests use.
    pub fn loopback() -> Self {
        Self {
            allow_loopback: true,
            ..Self::default()
        }
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        if self
            .allowed
            .iter()
            .any(|n| n.contains(&ip) || n.contains(&canonical))
        {
            return true;
        }
        if canonical.is_loopback() {
            return self.allow_loopback;
        }
        if is_internal(ip) {
            return self.allow_private;
        }
        true
    }
}

/// Everything that is not a public unicast address.
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => {
            // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible form are refused
            // whatever they embed: legitimate feeds do not need them.
            if v6.to_ipv4_mapped().is_some() || v6.octets()[..12].iter().all(|b| *b == 0) {
                return true;
            }
            let s = v6.segments();
            v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10
                || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64 64:ff9b::/96 and /48
                || s[0] == 0x2002 // 6to4, may embed a private IPv4
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        }
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
        || o[0] >= 240 // reserved
}

/// The refusal the resolver and the redirect policy report; found again in reqwest's error
/// chain to tell the admin what happened.
#[derive(Debug, thiserror::Error)]
#[error(
    "Die Adresse {0} ist intern (privat, lokal oder reserviert) und darf nicht abgerufen werden."
)]
pub struct InternalAddress(pub String);

#[derive(Debug, thiserror::Error)]
#[error("Mehr als {0} Weiterleitungen.")]
struct TooManyRedirects(usize);

#[derive(Debug, thiserror::Error)]
#[error("Nur http- und https-Adressen können abgerufen werden, nicht {0}.")]
struct WrongScheme(String);

struct GuardedResolver {
    policy: Arc<AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|a| policy.permits(a.ip()))
                .collect();
            if permitted.is_empty() {
                let shown = resolved
                    .first()
                    .map_or(host.clone(), |a| format!("{host} ({})", a.ip()));
                return Err(Box::new(InternalAddress(shown)) as _);
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[derive(Clone, Debug)]
pub struct FetchOptions {
    pub policy: AddressPolicy,
    pub timeout: Duration,
    pub max_bytes: usize,
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            policy: AddressPolicy::default(),
            timeout: Duration::from_secs(10),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!(
                "Partheland-Stellenboerse-Import/",
                env!("CARGO_PKG_VERSION")
            )
            .to_owned(),
        }
    }
}

/// What a fetch brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetched {
    /// 304: nothing changed since the validators we sent.
    NotModified,
    Body(Body),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// After redirects.
    pub url: String,
}

/// Why a fetch failed, in German for the source's status.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("Ungültige Adresse: {0}")]
    BadUrl(String),
    #[error("{0}")]
    Refused(String),
    #[error("Die Antwort ist größer als {} MB und wurde abgebrochen.", .0 / (1024 * 1024))]
    TooLarge(usize),
    #[error("Keine vollständige Antwort innerhalb von {0} Sekunden.")]
    Timeout(u64),
    #[error("Die Quelle antwortete mit HTTP-Status {0}.")]
    Status(u16),
    #[error("Abruf fehlgeschlagen: {0}")]
    Network(String),
}

pub struct Fetcher {
    client: reqwest::Client,
    options: FetchOptions,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Result<Self, FetchError> {
        static PROVIDER: Once = Once::new();
        PROVIDER.call_once(|| {
            // Another part of the process may have installed one already; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let policy = Arc::new(options.policy.clone());
        let hop_policy = policy.clone();
        let max = options.max_redirects;
        let redirects = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max {
                return attempt.error(TooManyRedirects(max));
            }
            if let Err(e) = check_url(attempt.url(), &hop_policy) {
                return attempt.error(e);
            }
            attempt.follow()
        });
        let client = reqwest::Client::builder()
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(redirects)
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Self { client, options })
    }

    /// GET `url`, conditionally when validators of an earlier response are given.
    /// The most one response may have.
    pub fn max_bytes(&self) -> usize {
        self.options.max_bytes
    }

    pub async fn fetch(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        self.fetch_at_most(url, etag, last_modified, self.options.max_bytes)
            .await
    }

    /// [`Self::fetch`], refusing a body over `max` bytes (at most the configured limit).
    pub async fn fetch_at_most(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        max: usize,
    ) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::BadUrl(format!("{url}: {e}")))?;
        check_url(&parsed, &self.options.policy).map_err(|e| FetchError::Refused(e.to_string()))?;
        let mut request = self.client.get(parsed);
        if let Some(tag) = etag {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        if let Some(date) = last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(|e| self.explain(&e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let max = max.min(self.options.max_bytes);
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(FetchError::TooLarge(max));
        }
        let headers = response.headers().clone();
        let final_url = response.url().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.explain(&e))? {
            if bytes.len() + chunk.len() > max {
                return Err(FetchError::TooLarge(max));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body(Body {
            bytes,
            content_type: text_header(&headers, header::CONTENT_TYPE),
            etag: text_header(&headers, header::ETAG),
            last_modified: text_header(&headers, header::LAST_MODIFIED),
            url: final_url,
        }))
    }

    fn explain(&self, e: &reqwest::Error) -> FetchError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(refused) = s.downcast_ref::<InternalAddress>() {
                return FetchError::Refused(refused.to_string());
            }
            if s.is::<TooManyRedirects>() || s.is::<WrongScheme>() {
                return FetchError::Refused(s.to_string());
            }
            source = s.source();
        }
        if e.is_timeout() {
            return FetchError::Timeout(self.options.timeout.as_secs());
        }
        FetchError::Network(error_chain(e))
    }
}

/// The scheme is http(s) and a literal IP host is permitted.
fn check_url(
    url: &url::Url,
    policy: &AddressPolicy,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Box::new(WrongScheme(url.scheme().to_owned())));
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
        Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
        Some(url::Host::Domain(_)) => None,
        None => return Err(Box::new(WrongScheme(url.scheme().to_owned()))),
    };
    if let Some(ip) = ip
        && !policy.permits(ip)
    {
        return Err(Box::new(InternalAddress(ip.to_string())));
    }
    Ok(())
}

fn text_header(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        let strict = AddressPolicy::default();
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "ff02::1",
        ] {
            assert!(
                !strict.permits(ip.parse().expect("ip")),
                "{ip} must be refused"
            );
        }
        for ip in ["8.8.8.8", "2a00:1450:4001::1", "100.128.0.1"] {
            assert!(strict.permits(ip.parse().expect("ip")), "{ip} is public");
        }
        let loopback = AddressPolicy::loopback();
        assert!(loopback.permits("127.0.0.1".parse().expect("ip")));
        assert!(loopback.permits("::ffff:127.0.0.1".parse().expect("ip")));
        assert!(!loopback.permits("10.0.0.1".parse().expect("ip")));
        let cidr = AddressPolicy::parse("loopback, 10.1.0.0/16").expect("policy");
        assert!(cidr.permits("10.1.2.3".parse().expect("ip")));
        assert!(!cidr.permits("10.2.0.1".parse().expect("ip")));
        assert!(AddressPolicy::parse("intranet").is_err());
    }
}
