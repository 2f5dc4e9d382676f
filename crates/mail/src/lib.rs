//! Sending e-mail for the Partheland Stellenbörse.
//!
//! One [`Mailer`]: over SMTP (lettre, rustls, tokio) when an SMTP URL is configured, otherwise
//! into a file outbox: every message becomes an `.eml` file in a folder, so a board without a
//! mail server still works and an operator (or a test) can read what would have been sent.
//! Plain-text messages to one recipient are all the board needs.

use std::path::{Path, PathBuf};

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// One plain-text message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
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
        let message = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&email.to)?)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
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
