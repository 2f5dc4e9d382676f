//! Transfer of HR-BA-XML files to the Bundesagentur für Arbeit (BA) over HTTPS with a client
//! certificate (mutual TLS, rustls with ring), and fetching the BA's error files.
//!
//! The BA documents the transfer only to its partners. What this module assumes, from public
//! descriptions of the interface (see README „Meldung an die Bundesagentur für Arbeit“):
//! - **Upload**: one `POST` of `multipart/form-data` to the configured upload address with the
//!   file in the part [`FORM_FIELD`], under its original name (`DS<SupplierId>_….xml`; the BA
//!   checks the name). Any 2xx answer counts as received; the BA's verdict on the content comes
//!   later, as an error file.
//! - **Error files**: a page at the configured address lists them as links; every link on the
//!   same host whose file name starts with `ESP` is an error/protocol file (XML). The format is
//!   not public: [`summarize`] reads only what any XML file has.
//!
//! The client certificate is sent to the configured hosts only: redirects are not followed and
//! error-file links to other hosts are skipped.

use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use url::Url;

/// The form field of the upload (the BA's upload form has one file field).
pub const FORM_FIELD: &str = "upload";
/// The most an error file or the listing may have.
const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The client certificate chain and private key, checked to belong together. Never printed.
#[derive(Clone)]
pub struct BaIdentity {
    /// Certificates, then the key, as PEM: what `reqwest::Identity::from_pem` reads.
    pem: Vec<u8>,
    /// How many certificates the chain has (for logs).
    certificates: usize,
}

impl std::fmt::Debug for BaIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BaIdentity({} certificate(s), key redacted)",
            self.certificates
        )
    }
}

impl BaIdentity {
    /// From the PEM of the certificate chain (end-entity first) and of the private key (PKCS#8,
    /// PKCS#1 or SEC1). Fails, saying why, when either is missing or unreadable or the key is
    /// not the certificate's.
    pub fn from_pem(certificate: &[u8], key: &[u8]) -> Result<Self, String> {
        let certs = CertificateDer::pem_slice_iter(certificate)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("Zertifikat nicht lesbar ({e})"))?;
        if certs.is_empty() {
            return Err("keine Zertifikate (PEM-Block „BEGIN CERTIFICATE“) gefunden".into());
        }
        let private = PrivateKeyDer::from_pem_slice(key)
            .map_err(|e| format!("privater Schlüssel nicht lesbar ({e})"))?;
        let provider = rustls::crypto::ring::default_provider();
        rustls::sign::CertifiedKey::from_der(certs.clone(), private, &provider)
            .map_err(|e| format!("Schlüssel passt nicht zum Zertifikat ({e})"))?;
        let mut pem = Vec::with_capacity(certificate.len() + key.len() + 1);
        pem.extend_from_slice(certificate);
        pem.push(b'\n');
        pem.extend_from_slice(key);
        Ok(Self {
            pem,
            certificates: certs.len(),
        })
    }
}

/// Certificates of the authorities to trust for the BA's server instead of the system's.
#[derive(Clone, Debug)]
pub struct TrustedRoots(Vec<u8>);

impl TrustedRoots {
    pub fn from_pem(pem: &[u8]) -> Result<Self, String> {
        let n = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("Zertifikat nicht lesbar ({e})"))?
            .len();
        if n == 0 {
            return Err("keine Zertifikate (PEM-Block „BEGIN CERTIFICATE“) gefunden".into());
        }
        Ok(Self(pem.to_vec()))
    }
}

/// Where and as whom files are transferred (configuration).
#[derive(Clone, Debug)]
pub struct TransferSettings {
    pub upload_url: Url,
    /// The page listing the error files; `None`: they are not fetched.
    pub errors_url: Option<Url>,
    pub identity: BaIdentity,
    /// `None`: the system's trusted roots.
    pub roots: Option<TrustedRoots>,
    pub timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("Einrichtung des HTTPS-Clients fehlgeschlagen: {0}")]
    Setup(String),
    #[error("Verbindung zu {url} fehlgeschlagen: {detail}")]
    Connection { url: String, detail: String },
    #[error("{url} antwortete mit HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("Antwort von {url} ist größer als {MAX_BYTES} Bytes")]
    TooLarge { url: String },
    #[error("ungültiger Dateiname {0:?}")]
    FileName(String),
}

/// An error file the listing offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorFileLink {
    pub name: String,
    pub url: Url,
}

pub struct BaTransfer {
    client: reqwest::Client,
    settings: TransferSettings,
}

impl BaTransfer {
    pub fn new(settings: TransferSettings) -> Result<Self, TransferError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let identity = reqwest::Identity::from_pem(&settings.identity.pem)
            .map_err(|e| TransferError::Setup(chain(&e)))?;
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!(
                "Partheland-Stellenboerse/",
                env!("CARGO_PKG_VERSION")
            ))
            .identity(identity)
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout);
        if let Some(roots) = &settings.roots {
            let certs = reqwest::Certificate::from_pem_bundle(&roots.0)
                .map_err(|e| TransferError::Setup(chain(&e)))?;
            builder = builder.tls_certs_only(certs);
        }
        let client = builder
            .build()
            .map_err(|e| TransferError::Setup(chain(&e)))?;
        Ok(Self { client, settings })
    }

    pub fn settings(&self) -> &TransferSettings {
        &self.settings
    }

    /// Send the file `name` with content `body` (see the module doc).
    pub async fn upload(&self, name: &str, body: &[u8]) -> Result<(), TransferError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(TransferError::FileName(name.to_owned()));
        }
        let url = &self.settings.upload_url;
        let part = reqwest::multipart::Part::bytes(body.to_vec())
            .file_name(name.to_owned())
            .mime_str("application/xml")
            .map_err(|e| connection(url, &e))?;
        let form = reqwest::multipart::Form::new().part(FORM_FIELD, part);
        let response = self
            .client
            .post(url.clone())
            .multipart(form)
            .send()
            .await
            .map_err(|e| connection(url, &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = read_limited(response, url).await.unwrap_or_default();
        Err(TransferError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            body: excerpt(&body),
        })
    }

    /// The error files the listing offers now (empty when no listing is configured).
    pub async fn error_files(&self) -> Result<Vec<ErrorFileLink>, TransferError> {
        let Some(url) = &self.settings.errors_url else {
            return Ok(Vec::new());
        };
        let page = self.get(url).await?;
        Ok(error_file_links(url, &String::from_utf8_lossy(&page)))
    }

    /// One error file's content.
    pub async fn download(&self, link: &ErrorFileLink) -> Result<Vec<u8>, TransferError> {
        self.get(&link.url).await
    }

    async fn get(&self, url: &Url) -> Result<Vec<u8>, TransferError> {
        let response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| connection(url, &e))?;
        let status = response.status();
        let body = read_limited(response, url).await?;
        if !status.is_success() {
            return Err(TransferError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                body: excerpt(&body),
            });
        }
        Ok(body)
    }
}

async fn read_limited(
    mut response: reqwest::Response,
    url: &Url,
) -> Result<Vec<u8>, TransferError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| connection(url, &e))? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(TransferError::TooLarge {
                url: url.to_string(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The links of a listing page that name error files (see the module doc), each once.
pub fn error_file_links(page_url: &Url, html: &str) -> Vec<ErrorFileLink> {
    let mut links: Vec<ErrorFileLink> = Vec::new();
    let mut rest = html;
    while let Some(at) = find_ascii_ci(rest, "href") {
        rest = &rest[at + 4..];
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix('=') else {
            continue;
        };
        let after = after.trim_start();
        let (quote, after) = match after.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &after[1..]),
            _ => (None, after),
        };
        let end = after
            .find(|c: char| match quote {
                Some(q) => c == q,
                None => c.is_whitespace() || c == '>',
            })
            .unwrap_or(after.len());
        let href = after[..end].replace("&amp;", "&");
        let Ok(url) = page_url.join(&href) else {
            continue;
        };
        if url.host_str() != page_url.host_str()
            || url.port_or_known_default() != page_url.port_or_known_default()
            || url.scheme() != "https"
        {
            continue;
        }
        let name = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .unwrap_or_default()
            .to_owned();
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if plain
            && name.len() > 3
            && name[..3].eq_ignore_ascii_case("ESP")
            && !links.iter().any(|l| l.name == name)
        {
            links.push(ErrorFileLink { name, url });
        }
    }
    links
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// What can be said of an error file without knowing its format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorFileSummary {
    pub bytes: usize,
    pub well_formed: bool,
    /// Name of the root element.
    pub root: Option<String>,
    /// Elements whose name contains `Error`, `Fehler` or `Warning` (any case).
    pub error_elements: usize,
    /// The first text inside such an element (at most 200 characters).
    pub first_message: Option<String>,
}

pub fn summarize(bytes: &[u8]) -> ErrorFileSummary {
    use quick_xml::events::Event;
    let mut summary = ErrorFileSummary {
        bytes: bytes.len(),
        ..ErrorFileSummary::default()
    };
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    // Depth of open elements that are error elements.
    let mut stack: Vec<bool> = Vec::new();
    let is_error = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["error", "fehler", "warning"]
            .iter()
            .any(|w| name.contains(w))
    };
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name().into_inner().to_owned();
                let error = is_error(&name);
                summary.root.get_or_insert(name);
                summary.error_elements += usize::from(error);
                stack.push(error);
            }
            Ok(Event::Empty(e)) => {
                let name = e.local_name().into_inner().to_owned();
                summary.error_elements += usize::from(is_error(&name));
                summary.root.get_or_insert(name);
            }
            Ok(Event::End(_)) => {
                if stack.pop().is_none() {
                    return summary;
                }
            }
            Ok(Event::Text(t)) => {
                if summary.first_message.is_none() && stack.iter().any(|e| *e) {
                    let text = t.into_inner().trim().to_owned();
                    if !text.is_empty() {
                        summary.first_message = Some(text.chars().take(200).collect());
                    }
                }
            }
            Ok(Event::Eof) => {
                summary.well_formed = stack.is_empty() && summary.root.is_some();
                return summary;
            }
            Ok(_) => {}
            Err(_) => return summary,
        }
        buf.clear();
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(300).collect()
}

fn connection(url: &Url, e: &reqwest::Error) -> TransferError {
    let mut detail = chain(e);
    // TLS alerts a server sends when it refuses the client certificate.
    const REFUSED: [&str; 6] = [
        "UnknownCA",
        "BadCertificate",
        "CertificateRequired",
        "CertificateUnknown",
        "CertificateExpired",
        "AccessDenied",
    ];
    if REFUSED.iter().any(|alert| detail.contains(alert)) {
        detail.push_str(
            " (der Server hat das Client-Zertifikat abgelehnt: JOBBOARD_BA_CLIENT_CERT prüfen)",
        );
    }
    TransferError::Connection {
        url: url.to_string(),
        detail,
    }
}

/// An error with its causes: reqwest's own message hides the TLS alert.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn the_listing_yields_error_files_on_the_same_host_once() {
        let base = Url::parse("https://ba.example/out/").unwrap();
        let html = r#"<ul><li><a href="ESPV123_2026-12-01_06-00-05.xml">ESPV123_2026-12-01_06-00-05.xml</a>
            <li><A HREF='/out/espV123_2026-12-02_06-00-05.xml'>zwei</A>
            <li><a href="ESPV123_2026-12-01_06-00-05.xml">doppelt</a>
            <li><a href="https://elsewhere.example/ESPV1.xml">fremd</a>
            <li><a href="http://ba.example/out/ESPV2.xml">unverschlüsselt</a>
            <li><a href="berufe.zip">Berufe</a><li><a href="DSV123_x.xml">eigene</a>
            <li><a href=ESPV3.xml>ohne Anführungszeichen</a></ul>"#;
        let names: Vec<String> = error_file_links(&base, html)
            .into_iter()
            .map(|l| l.url.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "https://ba.example/out/ESPV123_2026-12-01_06-00-05.xml",
                "https://ba.example/out/espV123_2026-12-02_06-00-05.xml",
                "https://ba.example/out/ESPV3.xml",
            ]
        );
    }

    #[test]
    fn a_summary_counts_error_elements_and_keeps_the_first_message() {
        let xml = br#"<?xml version="1.0"?><Protocol><Load>DSV1_x.xml</Load>
            <Errors><Error><EntryId>P1-7</EntryId><Text>Pflichtfeld Titel fehlt</Text></Error>
            <Error code="2"/></Errors></Protocol>"#;
        let s = summarize(xml);
        assert!(s.well_formed);
        assert_eq!(s.root.as_deref(), Some("Protocol"));
        assert_eq!(s.error_elements, 3, "Errors, Error, Error");
        assert_eq!(s.first_message.as_deref(), Some("P1-7"));
        assert!(!summarize(b"<a><b></a>").well_formed);
        assert!(!summarize(b"no xml at all").well_formed);
    }
}
