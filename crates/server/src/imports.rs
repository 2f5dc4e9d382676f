//! `jobboard import` and `jobboard source …`: harvesting on demand and the admin's source list.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use jobboard_domain::imports::sources::{self, NewSource, RemoveOutcome};
use jobboard_domain::imports::{ApplyOptions, ImportFormat, ImportSource};
use jobboard_domain::{DomainError, municipalities};
use jobboard_feeds::import::{
    FetchOptions, Fetcher, HarvestOptions, Progress, RunResult, run_source,
};
use sea_orm::DatabaseConnection;

use crate::SourceCommand;
use crate::commands::{open, say};
use crate::config::Config;

pub fn fetcher(config: &Config) -> anyhow::Result<Fetcher> {
    Fetcher::new(FetchOptions {
        policy: config.import_policy.clone(),
        ..FetchOptions::default()
    })
    .map_err(|e| anyhow::anyhow!("cannot set up the HTTP client for imports: {e}"))
}

pub fn harvest_options(config: &Config) -> HarvestOptions {
    HarvestOptions {
        apply: ApplyOptions {
            default_deadline_days: config.import_default_deadline_days,
            ..ApplyOptions::default()
        },
        ..HarvestOptions::default()
    }
}

/// Harvests a source when the admin asks for it in the workspace.
pub struct OnDemand {
    db: DatabaseConnection,
    fetcher: std::sync::Arc<Fetcher>,
    options: HarvestOptions,
}

impl OnDemand {
    pub fn new(config: &Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        Ok(Self {
            db,
            fetcher: std::sync::Arc::new(fetcher(config)?),
            options: harvest_options(config),
        })
    }
}

impl jobboard_web::hr::Harvester for OnDemand {
    fn harvest(&self, source_id: i64) -> jobboard_web::hr::HarvestRun {
        let (db, fetcher, options) = (self.db.clone(), self.fetcher.clone(), self.options);
        // Its own task: a browser that stops waiting does not cut the run short.
        let run =
            tokio::spawn(
                async move { run_source(&db, &fetcher, source_id, options, |_| {}).await },
            );
        Box::pin(async move { run.await.ok() })
    }
}

/// `jobboard import [--source ID]`: every enabled source, or the one named (even if disabled).
pub async fn import(config: &Config, source: Option<i64>) -> anyhow::Result<()> {
    let db = open(config).await?;
    let ids: Vec<i64> = match source {
        Some(id) => vec![id],
        None => sources::list(&db)
            .await?
            .into_iter()
            .filter(|s| s.enabled)
            .map(|s| s.id)
            .collect(),
    };
    if ids.is_empty() {
        say(format_args!(
            "no import sources configured; add one with `jobboard source add`"
        ));
        return Ok(());
    }
    let fetcher = fetcher(config)?;
    let mut failed = 0;
    for id in ids {
        if !harvest_one(&db, &fetcher, id, harvest_options(config)).await? {
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} source(s) could not be imported");
    }
    Ok(())
}

/// One source with a progress bar and a summary line; `false` when the run failed.
pub(crate) async fn harvest_one(
    db: &DatabaseConnection,
    fetcher: &Fetcher,
    id: i64,
    options: HarvestOptions,
) -> anyhow::Result<bool> {
    let started = Instant::now();
    let bar = ProgressBar::new(0).with_message(format!("Quelle {id}"));
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, noch {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // A paged API is first read page by page, then saved item by item: one bar per phase.
    let mut phase = "";
    let result = run_source(db, fetcher, id, options, |progress| {
        let (what, unit, done, total) = match progress {
            Progress::Fetching { page, pages } => ("Seiten", "pages", page, pages),
            Progress::Saving { done, total } => ("Stellen", "items", done, total),
        };
        if what != phase {
            phase = what;
            bar.reset();
            bar.set_message(format!("Quelle {id}: {what}"));
        }
        bar.set_length(total);
        bar.set_position(done);
        if bar.is_hidden() {
            tracing::info!(source = id, done, total, unit, "importing");
        }
    })
    .await;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    match result {
        Err(DomainError::NotFound) => bail!("there is no import source {id}"),
        Err(e) => Err(e).with_context(|| format!("importing source {id} failed")),
        Ok(RunResult::Imported { format, report }) => {
            say(format_args!(
                "source {id} ({format}): {} new, {} updated, {} archived, {} unchanged, {} failed in {secs:.1} s",
                report.new,
                report.updated,
                report.archived,
                report.unchanged,
                report.failed.len()
            ));
            for f in &report.failed {
                say(format_args!("  skipped {f}"));
            }
            Ok(true)
        }
        Ok(RunResult::NotModified) => {
            say(format_args!("source {id}: not modified since the last run"));
            Ok(true)
        }
        Ok(RunResult::Busy) => {
            say(format_args!(
                "source {id}: another process is importing it right now"
            ));
            Ok(true)
        }
        Ok(RunResult::Failed(error)) => {
            say(format_args!("source {id}: failed: {error}"));
            Ok(false)
        }
    }
}

pub async fn source(config: &Config, command: SourceCommand) -> anyhow::Result<()> {
    let db = open(config).await?;
    match command {
        SourceCommand::Add {
            municipality,
            url,
            format,
        } => add_source(&db, municipality, url, format).await?,
        SourceCommand::List => list_sources(&db).await?,
        SourceCommand::Remove { id } => match sources::remove(&db, id).await {
            Ok(RemoveOutcome::Deleted) => say(format_args!("removed import source {id}")),
            Ok(RemoveOutcome::Disabled) => say(format_args!(
                "import source {id} still owns postings: switched off instead of removed"
            )),
            Err(DomainError::NotFound) => bail!("there is no import source {id}"),
            Err(e) => return Err(e.into()),
        },
        SourceCommand::Enable { id } => {
            sources::set_enabled(&db, id, true)
                .await
                .with_context(|| format!("cannot switch on import source {id}"))?;
            say(format_args!("import source {id} switched on"));
        }
        SourceCommand::Disable { id } => {
            sources::set_enabled(&db, id, false)
                .await
                .with_context(|| format!("cannot switch off import source {id}"))?;
            say(format_args!("import source {id} switched off"));
        }
        SourceCommand::Status { id } => source_status(&db, id).await?,
    }
    Ok(())
}

async fn add_source(
    db: &DatabaseConnection,
    municipality: String,
    url: String,
    format: String,
) -> anyhow::Result<()> {
    let format = ImportFormat::from_code(&format).with_context(|| {
        format!(
            "unknown format {format:?}; one of {}",
            ImportFormat::ALL
                .iter()
                .map(|f| f.code())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let Some(m) = municipalities::find_by_slug(db, &municipality).await? else {
        bail!("there is no municipality {municipality:?}");
    };
    let new = NewSource {
        municipality_id: m.id,
        url,
        format,
    };
    match sources::add(db, new, Utc::now()).await {
        Ok(s) => say(format_args!(
            "added import source {} for {}: {} ({})",
            s.id, m.name, s.url, s.format
        )),
        Err(DomainError::Validation(v)) => bail!("{v}"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

async fn list_sources(db: &DatabaseConnection) -> anyhow::Result<()> {
    let all = sources::list(db).await?;
    if all.is_empty() {
        say(format_args!("no import sources"));
    }
    for s in all {
        say(format_args!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            s.id,
            municipality_slug(db, &s).await?,
            s.format,
            if s.enabled { "on" } else { "off" },
            s.url,
            last_run(&s)
        ));
    }
    Ok(())
}

async fn source_status(db: &DatabaseConnection, id: i64) -> anyhow::Result<()> {
    let Some(s) = sources::find(db, id).await? else {
        bail!("there is no import source {id}");
    };
    let postings = sources::posting_count(db, id).await?;
    let when =
        |t: Option<chrono::DateTime<Utc>>| t.map_or_else(|| "nie".to_owned(), |t| t.to_rfc3339());
    say(format_args!("Quelle {}: {}", s.id, s.url));
    say(format_args!(
        "  Kommune: {}, Format: {}, aktiv: {}",
        municipality_slug(db, &s).await?,
        s.format,
        if s.enabled { "ja" } else { "nein" }
    ));
    say(format_args!("  Letzter Lauf: {}", when(s.last_run_at)));
    say(format_args!(
        "  Letzter erfolgreicher Lauf: {}",
        when(s.last_success_at)
    ));
    say(format_args!(
        "  Neu: {}, aktualisiert: {}, archiviert: {}, unverändert: {}, fehlerhaft: {}",
        s.last_new, s.last_updated, s.last_archived, s.last_unchanged, s.last_failed
    ));
    say(format_args!(
        "  Frist nicht erkannt (Standardfrist): {}, aus der verlinkten Seite ergänzt: {}, nur mit Verweis: {}",
        s.last_defaulted_deadlines, s.last_completed_from_page, s.last_pointer_only
    ));
    say(format_args!(
        "  Fehler: {}",
        s.last_error.as_deref().unwrap_or("keiner")
    ));
    say(format_args!(
        "  Fehlerhafter Eintrag: {}",
        s.last_failing_item.as_deref().unwrap_or("keiner")
    ));
    say(format_args!("  Anzeigen aus dieser Quelle: {postings}"));
    Ok(())
}

async fn municipality_slug(db: &DatabaseConnection, s: &ImportSource) -> anyhow::Result<String> {
    Ok(municipalities::find_by_id(db, s.municipality_id)
        .await?
        .map_or_else(|| s.municipality_id.to_string(), |m| m.slug))
}

fn last_run(s: &ImportSource) -> String {
    match (&s.last_run_at, &s.last_error) {
        (None, _) => "never run".into(),
        (Some(at), Some(e)) => format!("{} failed: {e}", at.to_rfc3339()),
        (Some(at), None) => format!(
            "{}: {} new, {} updated, {} archived, {} failed",
            at.to_rfc3339(),
            s.last_new,
            s.last_updated,
            s.last_archived,
            s.last_failed
        ),
    }
}
