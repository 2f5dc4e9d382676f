//! What one run may take: its lease on the source, kept between requests, and its share of bytes
//! and items over all pages.
//!
//! - Every request of a run is awaited at most until the lease's end, and the lease is renewed
//!   (conditionally on still holding it, see [`sources::renew`]) before each further page, before
//!   saving and in each transaction of saving: a run that outlives its lease stops, so no second
//!   process ever harvests the source at the same time.
//! - The bytes of all responses of a run together, and the items (read or not) of all pages
//!   together, are capped: a paged source cannot fill memory page by page. Each response is
//!   read at most up to what is left of the run's bytes.

use std::future::Future;

use chrono::Utc;
use jobboard_domain::imports::Held;
use jobboard_domain::imports::sources::{self, Lease};
use sea_orm::{DatabaseConnection, DbErr};

use super::fetch::{FetchError, Fetched, Fetcher};

/// The most one run reads, over all pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunLimits {
    /// Bytes of all responses together.
    pub max_bytes: u64,
    /// Items of all pages together, those that could not be read included.
    pub max_items: u64,
}

impl Default for RunLimits {
    /// 64 MB (a full paged API of 10,000 postings is about 30 MB) and 10,000 items (100 pages
    /// of 100).
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_items: 10_000,
        }
    }
}

/// Why a run stopped before it saved anything; German, for the source's status.
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error(
        "Der Abruf dauerte länger als die Sperre der Quelle ({0}) und wurde abgebrochen, damit nicht zwei Abrufe dieselbe Quelle bearbeiten; nichts wurde übernommen."
    )]
    LeaseLost(String),
    #[error(
        "Die Quelle liefert mehr als {} (alle Seiten zusammen); gelesen werden höchstens so viele je Abruf. Bitte die Adresse enger fassen, etwa mit „kommune=…“.",
        shown_bytes(*.0)
    )]
    TooManyBytes(u64),
    #[error(
        "Die Quelle liefert mehr als {0} Stellen; übernommen werden höchstens so viele je Abruf. Bitte die Adresse enger fassen, etwa mit „kommune=…“."
    )]
    TooManyItems(u64),
    #[error("{0}")]
    Fetch(FetchError),
    #[error("Datenbankfehler: {0}")]
    Database(#[from] DbErr),
}

/// One run's lease and budget.
pub struct Guard<'a> {
    db: &'a DatabaseConnection,
    lease: Lease,
    length: chrono::Duration,
    limits: RunLimits,
    bytes: u64,
}

impl<'a> Guard<'a> {
    pub fn new(
        db: &'a DatabaseConnection,
        lease: Lease,
        length: chrono::Duration,
        limits: RunLimits,
    ) -> Self {
        Self {
            db,
            lease,
            length,
            limits,
            bytes: 0,
        }
    }

    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Renew the lease before the next step; [`GuardError::LeaseLost`] when it ran out or was
    /// taken over.
    pub async fn keep(&mut self) -> Result<(), GuardError> {
        if sources::renew(self.db, &mut self.lease, self.length, Utc::now()).await? {
            Ok(())
        } else {
            Err(self.lost())
        }
    }

    /// Renew the lease when half of it has gone by (between many small requests, where
    /// renewing before each would cost a write each).
    pub async fn keep_when_half_gone(&mut self) -> Result<(), GuardError> {
        if self.lease.until - Utc::now() < self.length / 2 {
            self.keep().await
        } else {
            Ok(())
        }
    }

    /// The lease for saving, which renews it in each write transaction.
    pub fn held(&mut self) -> Held<'_> {
        Held {
            lease: &mut self.lease,
            length: self.length,
            since: std::time::Instant::now(),
        }
    }

    /// `step`, awaited no longer than the lease runs.
    pub async fn within<T>(&self, step: impl Future<Output = T>) -> Result<T, GuardError> {
        let left = (self.lease.until - Utc::now())
            .to_std()
            .map_err(|_| self.lost())?;
        tokio::time::timeout(left, step)
            .await
            .map_err(|_| self.lost())
    }

    /// One request of the run: within the lease, and read at most up to the bytes the run has
    /// left.
    pub async fn fetch(
        &mut self,
        fetcher: &Fetcher,
        url: &str,
        validators: (Option<&str>, Option<&str>),
    ) -> Result<Fetched, GuardError> {
        let left = self.limits.max_bytes.saturating_sub(self.bytes);
        let per_response = fetcher.max_bytes();
        let limit = usize::try_from(left).map_or(per_response, |l| l.min(per_response));
        let fetched = self
            .within(fetcher.fetch_at_most(url, validators.0, validators.1, limit))
            .await?;
        match fetched {
            Ok(Fetched::Body(body)) => {
                self.bytes += body.bytes.len() as u64;
                Ok(Fetched::Body(body))
            }
            Ok(Fetched::NotModified) => Ok(Fetched::NotModified),
            Err(FetchError::TooLarge(_)) if limit < per_response => {
                Err(GuardError::TooManyBytes(self.limits.max_bytes))
            }
            Err(e) => Err(GuardError::Fetch(e)),
        }
    }

    /// Whether `items` (all pages so far) are still within the run's cap.
    pub fn count_items(&self, items: u64) -> Result<(), GuardError> {
        if items > self.limits.max_items {
            return Err(GuardError::TooManyItems(self.limits.max_items));
        }
        Ok(())
    }

    fn lost(&self) -> GuardError {
        let seconds = self.length.num_seconds();
        GuardError::LeaseLost(match seconds {
            1 => "1 Sekunde".to_owned(),
            s if s >= 60 && s % 60 == 0 => format!("{} Minuten", s / 60),
            s => format!("{s} Sekunden"),
        })
    }
}

/// Bytes in MB, or in kB below one MB.
fn shown_bytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes / MB)
    } else {
        format!("{} kB", bytes / 1024)
    }
}
