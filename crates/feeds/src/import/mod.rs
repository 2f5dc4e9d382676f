//! The import harvester: fetch a source (conditionally), read its items, hand them to the
//! domain's upsert, record the outcome on the source.
//!
//! A JSON API source whose response is one page of several is read page by page and imported
//! as one harvest (see [`pages`]); its validators are not kept, since they describe one page.
//!
//! Several `serve` processes may harvest: a source is taken with a lease
//! ([`sources::claim`]), so at any time one process works on it and the others skip it; a
//! crashed harvester's lease runs out and the source is taken up again.

pub mod fetch;
mod fields;
pub mod html;
pub mod pages;
pub mod parse;
pub mod reading;
pub mod thin;

use chrono::Utc;
use jobboard_domain::imports::sources::{self, RunOutcome};
use jobboard_domain::imports::{
    ApplyOptions, ImportFormat, ImportReport, ImportSource, apply_harvest,
};
use jobboard_domain::{DomainError, DomainResult};
use sea_orm::DatabaseConnection;

pub use fetch::{AddressPolicy, FetchOptions, Fetcher};

#[derive(Clone, Copy, Debug)]
pub struct HarvestOptions {
    pub apply: ApplyOptions,
    /// How long a run may hold its source before another process may take it over.
    pub lease: chrono::Duration,
}

impl Default for HarvestOptions {
    fn default() -> Self {
        Self {
            apply: ApplyOptions::default(),
            lease: chrono::Duration::minutes(10),
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
    let now = Utc::now();
    let source = sources::find(db, id).await?.ok_or(DomainError::NotFound)?;
    if !sources::claim(db, id, options.lease, now).await? {
        return Ok(RunResult::Busy);
    }
    let format = source.format;
    let fetched = fetcher
        .fetch(
            &source.url,
            source.etag.as_deref(),
            source.last_modified.as_deref(),
        )
        .await;
    let body = match fetched {
        Ok(fetch::Fetched::NotModified) => return finish_not_modified(db, id, &source).await,
        Ok(fetch::Fetched::Body(body)) => body,
        Err(e) => return fail(db, id, e.to_string()).await,
    };
    let (format, parsed) = match parse::parse(&body, format) {
        Ok(p) => p,
        Err(e) => return fail(db, id, e.to_string()).await,
    };
    let (parsed, validators) = match parsed.page {
        Some(announced) if format == ImportFormat::JobboardApi && announced.is_partial() => {
            let harvested = pages::harvest(fetcher, &source.url, announced, |page, pages| {
                progress(Progress::Fetching { page, pages });
            })
            .await;
            match harvested {
                // The first page's validators would let the next run skip every other page.
                Ok(all) => (all, (None, None)),
                Err(e) => return fail(db, id, e.to_string()).await,
            }
        }
        _ => (parsed, (body.etag, body.last_modified)),
    };
    let mut items = parsed.items;
    let reading = thin::prepare(
        fetcher,
        &mut items,
        jobboard_domain::berlin::today(Utc::now()),
    )
    .await;
    let applied = apply_harvest(
        db,
        &source,
        items,
        parsed.failures,
        options.apply,
        Utc::now(),
        |done, total| progress(Progress::Saving { done, total }),
    )
    .await;
    let report = match applied {
        Ok(r) => r,
        Err(e) => {
            let _ = fail(db, id, format!("Speichern fehlgeschlagen: {e}")).await;
            return Err(e);
        }
    };
    finish_imported(db, id, format, report, validators, reading).await
}

/// The same document as at the last read: its items are all unchanged, and the items that could
/// not be read then still cannot.
async fn finish_not_modified(
    db: &DatabaseConnection,
    id: i64,
    source: &ImportSource,
) -> DomainResult<RunResult> {
    let count = |n: i32| u64::try_from(n).unwrap_or_default();
    let outcome = RunOutcome {
        unchanged: count(source.last_new)
            + count(source.last_updated)
            + count(source.last_unchanged),
        failed: count(source.last_failed),
        failing_item: source.last_failing_item.clone(),
        ..RunOutcome::default()
    };
    sources::finish_run(db, id, outcome, Utc::now()).await?;
    tracing::info!(source = id, "import source not modified");
    Ok(RunResult::NotModified)
}

/// A harvest saved: its counts recorded on the source and logged.
async fn finish_imported(
    db: &DatabaseConnection,
    id: i64,
    format: ImportFormat,
    report: ImportReport,
    validators: (Option<String>, Option<String>),
    reading: sources::ReadingCounts,
) -> DomainResult<RunResult> {
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
    sources::finish_run(db, id, outcome, Utc::now()).await?;
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

async fn fail(db: &DatabaseConnection, id: i64, error: String) -> DomainResult<RunResult> {
    tracing::warn!(source = id, error = %error, "import source failed");
    let outcome = RunOutcome {
        error: Some(error.clone()),
        ..RunOutcome::default()
    };
    sources::finish_run(db, id, outcome, Utc::now()).await?;
    Ok(RunResult::Failed(error))
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
