//! Sending e-mail for the Partheland Stellenbörse.
//!
//! One [`Mailer`]: over SMTP (lettre, rustls, tokio) when an SMTP URL is configured, otherwise
//! into a file outbox: every message becomes an `.eml` file in a folder, so a board without a
//! mail server still works and an operator (or a test) can read what would have been sent.
//! Messages go to one recipient: plain text, or plain text with an HTML alternative; a
//! message of a list (a search alert) names its one-click unsubscribe address (RFC 8058).

use std::path::{Path, PathBuf};

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One message to one recipient.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    /// The plain-text part (the whole message without `html`).
    pub body: String,
    /// An HTML alternative of `body`.
    pub html: Option<String>,
    /// An https address that unsubscribes with one POST (RFC 8058): sent as `List-Unsubscribe`
    /// with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub unsubscribe: Option<String>,
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address {address:?}: {reason}")]
    Address { address: String, reason: String },
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP delivery failed: {0}")]
    Smtp(String),
    #[error("cannot write to the mail outbox {path}: {source}")]
    Outbox {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl MailError {
    /// What went wrong, for logs that must not hold the address an error may name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Address { .. } => "invalid address",
            Self::Url(_) => "invalid SMTP URL",
            Self::Build(_) => "cannot build the message",
            Self::Smtp(_) => "SMTP delivery failed",
            Self::Outbox { .. } => "cannot write to the mail outbox",
        }
    }
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends messages from one sender address. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    /// Never the SMTP URL: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Mailer {
    /// SMTP at `url`: `smtps://user:pass@host:465`, `smtp://host:587?tls=required` (STARTTLS)
    /// or `smtp://host:port` (unencrypted, for a relay on the same machine).
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .build();
        Ok(Self {
            from: mailbox(from)?,
            transport: Transport::Smtp(transport),
        })
    }

    /// `.eml` files in `dir` (created on first use).
    pub fn file_outbox(dir: impl Into<PathBuf>, from: &str) -> Result<Self, MailError> {
        Ok(Self {
            from: mailbox(from)?,
            transport: Transport::Outbox(dir.into()),
        })
    }

    /// For logs: where mail goes, without credentials.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".to_owned(),
            Transport::Outbox(dir) => format!("file outbox {}", dir.display()),
        }
    }

    /// The outbox folder, when mail goes to files.
    pub fn outbox_dir(&self) -> Option<&Path> {
        match &self.transport {
            Transport::Outbox(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = self.message(email)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
            }
            Transport::Outbox(dir) => write_eml(dir, &message.formatted()).await?,
        }
        tracing::info!(transport = %self.describe(), subject = %email.subject, "mail sent");
        Ok(())
    }

    fn message(&self, email: &Email) -> Result<Message, MailError> {
        let build = |e: lettre::error::Error| MailError::Build(e.to_string());
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&email.to)?)
            .subject(email.subject.clone());
        if let Some(url) = &email.unsubscribe {
            if !url.starts_with("https://") && !url.starts_with("http://")
                || url.contains(['<', '>', '\r', '\n', ' '])
            {
                return Err(MailError::Build(format!("unsubscribe address {url:?}")));
            }
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        match &email.html {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone())
                .map_err(build),
            Some(html) => builder
                .multipart(MultiPart::alternative_plain_html(
                    email.body.clone(),
                    html.clone(),
                ))
                .map_err(build),
        }
    }
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address {
            address: address.to_owned(),
            reason: e.to_string(),
        })
}

/// Write under a temporary name, then rename: a reader never sees half a message.
async fn write_eml(dir: &Path, bytes: &[u8]) -> Result<(), MailError> {
    let io = |source| MailError::Outbox {
        path: dir.to_owned(),
        source,
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let name = format!(
        "{}-{:08x}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ"),
        fastrand::u32(..)
    );
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, dir.join(format!("{name}.eml")))
        .await
        .map_err(io)
}
