//! The import harvester: fetch a source (conditionally), read its items, hand them to the
//! domain's upsert, record the outcome on the source.
//!
//! A JSON API source whose response is one page of several is read page by page and imported
//! as one harvest (see [`pages`]); its validators are not kept, since they describe one page.
//!
//! Several `serve` processes may harvest: a source is taken with a lease
//! ([`sources::claim`]), so at any time one process works on it and the others skip it; a
//! crashed harvester's lease runs out and the source is taken up again. A run renews its lease
//! between pages and never waits past its end ([`guard`]), so a slow run stops rather than
//! share the source with the next one.

pub mod fetch;
mod fields;
pub mod guard;
pub mod html;
pub mod pages;
pub mod parse;
pub mod reading;
pub mod thin;

use chrono::Utc;
use jobboard_domain::imports::sources::{self, Lease, RunOutcome};
use jobboard_domain::imports::{
    ApplyOptions, Harvest, ImportFormat, ImportReport, ImportSource, apply_harvest,
};
use jobboard_domain::{DomainError, DomainResult};
use sea_orm::DatabaseConnection;

pub use fetch::{AddressPolicy, FetchOptions, Fetcher};
pub use guard::RunLimits;
use guard::{Guard, GuardError};
use pages::PagingError;
use parse::Parsed;

#[derive(Clone, Copy, Debug)]
pub struct HarvestOptions {
    pub apply: ApplyOptions,
    /// How long a run may hold its source before another process may take it over; renewed
    /// before every further page and before saving.
    pub lease: chrono::Duration,
    /// The most one run reads over all pages.
    pub limits: RunLimits,
}

impl Default for HarvestOptions {
    fn default() -> Self {
        Self {
            apply: ApplyOptions::default(),
            lease: chrono::Duration::minutes(10),
            limits: RunLimits::default(),
        }
    }
}

/// How far a run has come, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A paged JSON API: `page` of `pages` read (the items are saved afterwards).
    Fetching { page: u64, pages: u64 },
    /// `done` of `total` items saved.
    Saving { done: u64, total: u64 },
}

/// How one run of one source ended.
#[derive(Debug)]
pub enum RunResult {
    Imported {
        format: ImportFormat,
        report: ImportReport,
    },
    /// 304: unchanged since the last run.
    NotModified,
    /// Fetching or reading failed; nothing was changed.
    Failed(String),
    /// Another process is harvesting this source right now.
    Busy,
}

/// Harvest source `id` once, whatever its schedule.
pub async fn run_source(
    db: &DatabaseConnection,
    fetcher: &Fetcher,
    id: i64,
    options: HarvestOptions,
    mut progress: impl FnMut(Progress),
) -> DomainResult<RunResult> {
    let source = sources::find(db, id).await?.ok_or(DomainError::NotFound)?;
    let Some(lease) = sources::claim(db, id, options.lease, Utc::now()).await? else {
        return Ok(RunResult::Busy);
    };
    let mut guard = Guard::new(db, lease, options.lease, options.limits);
    let read = match read_source(fetcher, &mut guard, &source, &mut progress).await {
        // Saving starts with a whole lease ahead.
        Ok(Read::Items(format, parsed, validators)) => match guard.keep().await {
            Ok(()) => (format, parsed, validators),
            Err(e) => return stop_run(db, guard.lease(), e.into()).await,
        },
        Ok(Read::NotModified) => return finish_not_modified(db, guard.lease(), &source).await,
        Err(e) => return stop_run(db, guard.lease(), e).await,
    };
    let (format, parsed, validators) = read;
    let harvest = Harvest {
        items: parsed.items,
        failed: parsed.failures,
    };
    // Items with only a title and a link are completed from their pages (which takes a while:
    // saving then starts with a whole lease ahead again).
    let mut items = harvest.items;
    // Another board's API carries whole postings: its items are never completed from pages.
    let reading = if format == ImportFormat::JobboardApi {
        sources::ReadingCounts::default()
    } else {
        let today = jobboard_domain::berlin::today(Utc::now());
        match thin::prepare(fetcher, &mut guard, &mut items, today).await {
            Ok(counts) => counts,
            Err(e) => return stop_run(db, guard.lease(), e.into()).await,
        }
    };
    if let Err(e) = guard.keep().await {
        return stop_run(db, guard.lease(), e.into()).await;
    }
    let harvest = Harvest {
        items,
        failed: harvest.failed,
    };
    // Every batch renews the lease in its own transaction: should it be lost all the same (the
    // database stalled past it), saving stops rather than go on beside the next holder.
    let applied = apply_harvest(
        db,
        &source,
        harvest,
        options.apply,
        Utc::now(),
        Some(guard.held()),
        |done, total| progress(Progress::Saving { done, total }),
    )
    .await;
    let report = match applied {
        Ok(r) => r,
        Err(DomainError::Refused(why)) => return fail(db, guard.lease(), why).await,
        Err(e) => {
            let _ = fail(db, guard.lease(), format!("Speichern fehlgeschlagen: {e}")).await;
            return Err(e);
        }
    };
    finish_imported(db, guard.lease(), format, report, validators, reading).await
}

/// What a run read from its source.
enum Read {
    NotModified,
    /// The items of the document, or of all its pages, and the validators to keep.
    Items(ImportFormat, Parsed, (Option<String>, Option<String>)),
}

/// Why a run read nothing to save.
enum Stop {
    /// Fetching or reading failed (German, for the source's status).
    Failed(String),
    /// The database failed while the lease was renewed.
    Database(sea_orm::DbErr),
}

impl From<GuardError> for Stop {
    fn from(e: GuardError) -> Self {
        match e {
            GuardError::Database(e) => Self::Database(e),
            other => Self::Failed(other.to_string()),
        }
    }
}

impl From<PagingError> for Stop {
    fn from(e: PagingError) -> Self {
        match e {
            PagingError::Run(e) => e.into(),
            other => Self::Failed(other.to_string()),
        }
    }
}

/// Fetch the source (conditionally), read it, and every further page of a paged API.
async fn read_source(
    fetcher: &Fetcher,
    guard: &mut Guard<'_>,
    source: &ImportSource,
    progress: &mut impl FnMut(Progress),
) -> Result<Read, Stop> {
    let validators = (source.etag.as_deref(), source.last_modified.as_deref());
    let body = match guard.fetch(fetcher, &source.url, validators).await? {
        fetch::Fetched::NotModified => return Ok(Read::NotModified),
        fetch::Fetched::Body(body) => body,
    };
    let (format, parsed) =
        parse::parse(&body, source.format).map_err(|e| Stop::Failed(e.to_string()))?;
    match parsed.page {
        Some(announced) if format == ImportFormat::JobboardApi && announced.is_partial() => {
            let all = pages::harvest(fetcher, guard, &source.url, announced, |page, pages| {
                progress(Progress::Fetching { page, pages });
            })
            .await?;
            // The first page's validators would let the next run skip every other page.
            Ok(Read::Items(format, all, (None, None)))
        }
        _ => {
            guard.count_items((parsed.items.len() + parsed.failures.len()) as u64)?;
            Ok(Read::Items(format, parsed, (body.etag, body.last_modified)))
        }
    }
}

async fn stop_run(db: &DatabaseConnection, lease: &Lease, stop: Stop) -> DomainResult<RunResult> {
    match stop {
        Stop::Failed(error) => fail(db, lease, error).await,
        Stop::Database(e) => Err(e.into()),
    }
}

/// The same document as at the last read: its items are all unchanged, the items that could
/// not be read then still cannot, and what was read from their texts and pages still holds.
async fn finish_not_modified(
    db: &DatabaseConnection,
    lease: &Lease,
    source: &ImportSource,
) -> DomainResult<RunResult> {
    let count = |n: i32| u64::try_from(n).unwrap_or_default();
    let outcome = RunOutcome {
        unchanged: count(source.last_new)
            + count(source.last_updated)
            + count(source.last_unchanged),
        failed: count(source.last_failed),
        failing_item: source.last_failing_item.clone(),
        // What was read from the document then still holds: the status page keeps it.
        reading: sources::ReadingCounts {
            defaulted_deadlines: count(source.last_defaulted_deadlines),
            completed_from_page: count(source.last_completed_from_page),
            pointer_only: count(source.last_pointer_only),
        },
        ..RunOutcome::default()
    };
    record(db, lease, outcome).await?;
    tracing::info!(source = lease.source, "import source not modified");
    Ok(RunResult::NotModified)
}

/// A harvest saved: its counts recorded on the source and logged.
async fn finish_imported(
    db: &DatabaseConnection,
    lease: &Lease,
    format: ImportFormat,
    report: ImportReport,
    validators: (Option<String>, Option<String>),
    reading: sources::ReadingCounts,
) -> DomainResult<RunResult> {
    let id = lease.source;
    let outcome = RunOutcome {
        new: report.new,
        updated: report.updated,
        archived: report.archived,
        unchanged: report.unchanged,
        failed: report.failed.len() as u64,
        error: None,
        failing_item: report.failed.first().map(ToString::to_string),
        validators: Some(validators),
        reading,
    };
    record(db, lease, outcome).await?;
    tracing::info!(
        source = id,
        %format,
        new = report.new,
        updated = report.updated,
        archived = report.archived,
        unchanged = report.unchanged,
        failed = report.failed.len(),
        "import source harvested"
    );
    for f in &report.failed {
        tracing::warn!(source = id, item = %f.item, reason = %f.reason, "import item skipped");
    }
    for f in &report.skipped_fields {
        tracing::warn!(source = id, item = %f.item, reason = %f.reason, "import field skipped");
    }
    Ok(RunResult::Imported { format, report })
}

async fn fail(db: &DatabaseConnection, lease: &Lease, error: String) -> DomainResult<RunResult> {
    tracing::warn!(source = lease.source, error = %error, "import source failed");
    let outcome = RunOutcome {
        error: Some(error.clone()),
        ..RunOutcome::default()
    };
    record(db, lease, outcome).await?;
    Ok(RunResult::Failed(error))
}

/// The outcome on the source, unless the lease ran out and another run holds the source now:
/// then the status is that run's to write.
async fn record(db: &DatabaseConnection, lease: &Lease, outcome: RunOutcome) -> DomainResult<()> {
    if !sources::finish_run(db, lease, outcome, Utc::now()).await? {
        tracing::warn!(
            source = lease.source,
            "import lease lost before the outcome was recorded; another run holds the source"
        );
    }
    Ok(())
}

/// Harvest every enabled source whose last run is at least `interval` ago.
pub async fn run_due(
    db: &DatabaseConnection,
    fetcher: &Fetcher,
    interval: chrono::Duration,
    options: HarvestOptions,
) -> DomainResult<Vec<(i64, RunResult)>> {
    let mut results = Vec::new();
    for source in sources::due(db, interval, Utc::now()).await? {
        let result = run_source(db, fetcher, source.id, options, |_| {}).await?;
        results.push((source.id, result));
    }
    Ok(results)
}
