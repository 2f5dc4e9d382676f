//! `jobboard ba-export`: the HR-BA-XML files for the Bundesagentur für Arbeit, one per
//! municipality with a configured BA partner account (`JOBBOARD_BA_PARTNERS`), written and —
//! when configured (`JOBBOARD_BA_UPLOAD_URL`, …) — uploaded over HTTPS with the board's client
//! certificate; then the BA's error files are fetched. `serve` does the same on
//! `JOBBOARD_BA_SCHEDULE` ([`Exporter::run_scheduled`]).
//!
//! The mapping is `jobboard_feeds::export::hrbaxml`, the transfer
//! `jobboard_feeds::export::ba_transfer`; what goes into a file (full or delta, deletions) and
//! the claims are `jobboard_domain::ba_export`. What counts as sent is recorded only once the
//! file has arrived: after a failed upload the next delta carries the same changes and
//! deletions again (the file that did not arrive is moved to `failed/`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use jobboard_domain::ba_export::{self, RunLease};
use jobboard_domain::entities::ba_error_file;
use jobboard_domain::municipalities;
use jobboard_feeds::export::ba_transfer::{self, BaTransfer};
use jobboard_feeds::export::hrbaxml::{self, BaAccount, BaFile};
use sea_orm::DatabaseConnection;

use crate::config::Config;

/// How long a run holds a municipality: longer than an export and an upload (120 s timeout).
const LEASE: chrono::Duration = chrono::Duration::minutes(15);
/// After a failed scheduled upload, the next try.
const RETRY: chrono::Duration = chrono::Duration::minutes(15);

/// Everything a run needs, from the configuration.
pub struct Exporter {
    accounts: Vec<(String, BaAccount)>,
    public_url: String,
    /// `<data dir>/ba-export`: the files; `failed/` those whose upload failed; `errors/` the
    /// BA's error files.
    dir: PathBuf,
    transfer: Option<BaTransfer>,
    schedule: Option<ba_export::Schedule>,
}

/// How one run goes.
#[derive(Clone, Copy)]
struct Run<'a> {
    full: bool,
    out: &'a Path,
    transfer: Option<&'a BaTransfer>,
    /// A delta without changes is not written (scheduled runs).
    skip_empty: bool,
}

/// One municipality's file.
#[derive(Debug)]
pub struct Exported {
    pub path: PathBuf,
    pub postings: usize,
    pub deletions: usize,
    pub uploaded: bool,
    /// Written for a look only: an upload is configured but this run did not upload, so
    /// nothing was recorded as sent and the next delta carries the same changes.
    pub preview: bool,
}

/// An error file fetched now, and what it says.
#[derive(Debug)]
pub struct FetchedErrorFile {
    pub path: PathBuf,
    pub summary: ba_transfer::ErrorFileSummary,
}

impl Exporter {
    /// Sets up the HTTPS client when an upload is configured: a certificate the TLS stack
    /// refuses stops the start here.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let (transfer, schedule) = match &config.ba_transfer {
            None => (None, None),
            Some(t) => (
                Some(BaTransfer::new(t.settings.clone()).context(
                    "cannot set up the upload to the BA (JOBBOARD_BA_CLIENT_CERT, JOBBOARD_BA_CLIENT_KEY, JOBBOARD_BA_CA)",
                )?),
                t.schedule.clone(),
            ),
        };
        Ok(Self {
            accounts: config.ba_accounts.clone(),
            public_url: config.public_url.clone(),
            dir: config.data_dir.join("ba-export"),
            transfer,
            schedule,
        })
    }

    pub fn schedule(&self) -> Option<&ba_export::Schedule> {
        self.schedule.as_ref()
    }

    pub fn can_upload(&self) -> bool {
        self.transfer.is_some()
    }

    /// Export (and upload, when `upload`) the file of the municipality `slug`, by hand: fails
    /// when another process is transferring its file right now. Without `upload` where an
    /// upload is configured, the file is a preview: nothing is recorded as sent.
    pub async fn run_by_hand(
        &self,
        db: &DatabaseConnection,
        slug: &str,
        full: bool,
        out: Option<&Path>,
        upload: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Exported> {
        let (account, m) = self.municipality(db, slug).await?;
        let transfer = match (upload, &self.transfer) {
            (false, _) => None,
            (true, Some(t)) => Some(t),
            (true, None) => anyhow::bail!(
                "Das Hochladen zur BA ist nicht eingerichtet (JOBBOARD_BA_UPLOAD_URL, JOBBOARD_BA_CLIENT_CERT, JOBBOARD_BA_CLIENT_KEY)."
            ),
        };
        let Some(lease) = ba_export::claim(db, m.id, None, LEASE, now).await? else {
            anyhow::bail!(
                "Die Datei für „{slug}“ wird gerade von einem anderen Prozess übertragen; bitte später erneut versuchen."
            );
        };
        let out = out.unwrap_or(&self.dir);
        let run = Run {
            full,
            out,
            transfer,
            skip_empty: false,
        };
        let done = self.run_claimed(db, &lease, account, &m, run, now).await?;
        done.context("a run by hand always writes a file")
    }

    /// The scheduled run at `now`: for every municipality whose current slot has not been
    /// handled, claim it, export the delta and upload it; then fetch the error files (when at
    /// least one municipality was claimed here). Errors are logged, not returned: the next
    /// tick tries again (a failed upload after [`RETRY`]).
    pub async fn run_scheduled(&self, db: &DatabaseConnection, now: DateTime<Utc>) -> usize {
        let (Some(schedule), Some(transfer)) = (&self.schedule, &self.transfer) else {
            return 0;
        };
        let slot = schedule.slot(now);
        let mut claimed = 0;
        for (slug, account) in &self.accounts {
            let m = match self.municipality(db, slug).await {
                Ok((_, m)) => m,
                Err(e) => {
                    tracing::warn!(municipality = %slug, error = format!("{e:#}"), "BA export skipped");
                    continue;
                }
            };
            let lease = match ba_export::claim(db, m.id, Some(slot), LEASE, now).await {
                Ok(Some(lease)) => lease,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(municipality = %slug, error = %e, "BA export: claim failed");
                    continue;
                }
            };
            claimed += 1;
            tracing::info!(municipality = %slug, slot = %slot, "BA export: scheduled run claimed");
            let run = Run {
                full: false,
                out: &self.dir,
                transfer: Some(transfer),
                skip_empty: true,
            };
            // Errors are logged and recorded by `run_claimed`.
            let _ = self.run_claimed(db, &lease, account, &m, run, now).await;
        }
        if claimed > 0
            && let Err(e) = self.fetch_error_files(db).await
        {
            tracing::warn!(error = format!("{e:#}"), "BA error files: fetching failed");
        }
        claimed
    }

    async fn municipality(
        &self,
        db: &DatabaseConnection,
        slug: &str,
    ) -> anyhow::Result<(&BaAccount, municipalities::Municipality)> {
        let account = self
            .accounts
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, a)| a)
            .with_context(|| {
                format!(
                    "Für „{slug}“ ist kein BA-Partnerkonto eingerichtet (JOBBOARD_BA_PARTNERS)."
                )
            })?;
        let m = municipalities::find_by_slug(db, slug)
            .await?
            .with_context(|| format!("JOBBOARD_BA_PARTNERS names „{slug}“, which is no member"))?;
        Ok((account, m))
    }

    /// Write, upload, record — with `lease` held; ends the lease either way. `None`: an empty
    /// delta skipped.
    async fn run_claimed(
        &self,
        db: &DatabaseConnection,
        lease: &RunLease,
        account: &BaAccount,
        m: &municipalities::Municipality,
        run: Run<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Exported>> {
        let result = self.export_and_send(db, account, m, &run, now).await;
        match &result {
            Ok(Some(done)) if done.preview => {
                release(db, lease).await?;
                tracing::info!(
                    municipality = %m.slug, file = %file_name(&done.path), full = run.full,
                    "BA export preview written; nothing recorded as sent"
                );
            }
            Ok(Some(done)) => {
                let name = file_name(&done.path);
                ba_export::finish_ok(db, lease, Some(&name), now).await?;
                tracing::info!(
                    municipality = %m.slug, file = %name, postings = done.postings,
                    deletions = done.deletions, full = run.full, uploaded = done.uploaded,
                    "BA export done"
                );
            }
            Ok(None) => {
                ba_export::finish_ok(db, lease, None, now).await?;
                tracing::info!(municipality = %m.slug, "BA export: nothing changed, nothing sent");
            }
            Err(e) => {
                let error = format!("{e:#}");
                tracing::warn!(municipality = %m.slug, error = %error, "BA export failed; nothing recorded as sent");
                if let Err(db_error) =
                    ba_export::finish_failed(db, lease, &error, now + RETRY).await
                {
                    tracing::warn!(error = %db_error, "BA export: cannot record the failure");
                }
            }
        }
        result
    }

    async fn export_and_send(
        &self,
        db: &DatabaseConnection,
        account: &BaAccount,
        m: &municipalities::Municipality,
        run: &Run<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Exported>> {
        let Run {
            full,
            out,
            transfer,
            skip_empty,
        } = *run;
        let plan = ba_export::plan(db, m.id, full, now).await?;
        if skip_empty && !full && plan.postings.is_empty() && plan.deletions.is_empty() {
            return Ok(None);
        }
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        // Two municipalities of one supplier in the same second would share a name.
        let mut at = now;
        while out.join(hrbaxml::file_name(account, at)).exists()
            || self
                .dir
                .join("failed")
                .join(hrbaxml::file_name(account, at))
                .exists()
        {
            at += chrono::Duration::seconds(1);
        }
        let name = hrbaxml::file_name(account, at);
        let path = out.join(&name);
        let xml = hrbaxml::render(&BaFile {
            account,
            municipality: m,
            postings: &plan.postings,
            deletions: &plan.deletions,
            full,
            now: at,
            base_url: &self.public_url,
        });
        std::fs::write(&path, &xml).with_context(|| format!("cannot write {}", path.display()))?;
        if let Some(transfer) = transfer
            && let Err(e) = transfer.upload(&name, xml.as_bytes()).await
        {
            let failed = self.dir.join("failed");
            let kept = std::fs::create_dir_all(&failed)
                .and_then(|()| std::fs::rename(&path, failed.join(&name)))
                .map(|()| failed.join(&name))
                .unwrap_or(path);
            return Err(anyhow::Error::new(e).context(format!(
                "Hochladen von {name} zur BA fehlgeschlagen (Datei: {}); der Stand bleibt, die nächste Lieferung enthält dieselben Änderungen",
                kept.display()
            )));
        }
        // Where the board uploads, only an upload counts as sent: a file written without one
        // (`ba-export --out` to look at it) must not advance the delta. Without an upload
        // configured, the file written is the delivery (it is sent by hand).
        let preview = transfer.is_none() && self.transfer.is_some();
        if !preview {
            ba_export::record_sent(db, m.id, &plan, now).await?;
        }
        Ok(Some(Exported {
            path,
            postings: plan.postings.len(),
            deletions: plan.deletions.len(),
            uploaded: transfer.is_some(),
            preview,
        }))
    }

    /// Fetch the error files the BA lists that are not stored yet (under `errors/`), logging
    /// a summary of each and recording it for the admin's page. Nothing to do when no listing
    /// is configured.
    pub async fn fetch_error_files(
        &self,
        db: &DatabaseConnection,
    ) -> anyhow::Result<Vec<FetchedErrorFile>> {
        let Some(transfer) = &self.transfer else {
            return Ok(Vec::new());
        };
        let dir = self.dir.join("errors");
        let links = transfer.error_files().await?;
        let mut fetched = Vec::new();
        for link in links {
            let path = dir.join(&link.name);
            if path.exists() {
                continue;
            }
            let bytes = transfer.download(&link).await?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            // Written whole, then renamed: a second process never sees half a file.
            let partial = dir.join(format!(".{}.part", link.name));
            std::fs::write(&partial, &bytes)
                .and_then(|()| std::fs::rename(&partial, &path))
                .with_context(|| format!("cannot write {}", path.display()))?;
            let summary = ba_transfer::summarize(&bytes);
            tracing::warn!(
                file = %link.name, bytes = summary.bytes, well_formed = summary.well_formed,
                root = summary.root.as_deref().unwrap_or(""), error_elements = summary.error_elements,
                first_message = summary.first_message.as_deref().unwrap_or(""),
                path = %path.display(),
                "BA error file fetched"
            );
            ba_export::record_error_file(
                db,
                ba_error_file::Model {
                    name: link.name.clone(),
                    fetched_at: Utc::now(),
                    bytes: i64::try_from(summary.bytes).unwrap_or(i64::MAX),
                    well_formed: summary.well_formed,
                    root: summary.root.clone(),
                    error_elements: i32::try_from(summary.error_elements).unwrap_or(i32::MAX),
                    first_message: summary.first_message.clone(),
                },
            )
            .await?;
            fetched.push(FetchedErrorFile { path, summary });
        }
        Ok(fetched)
    }

    /// The error files stored so far, by name.
    pub fn stored_error_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("errors"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| !file_name(p).starts_with('.'))
            .collect();
        files.sort();
        files
    }
}

/// Free the municipality after a preview, leaving its transfer state (last file, last success,
/// a pending retry or error) as the last real delivery left it.
async fn release(db: &DatabaseConnection, lease: &RunLease) -> Result<(), sea_orm::DbErr> {
    use jobboard_domain::entities::ba_export_run::{Column as C, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::MunicipalityId.eq(lease.municipality_id))
        .filter(C::ClaimedUntil.eq(lease.until))
        .exec(db)
        .await?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `jobboard ba-export`: write (and with `upload` send) the files of every configured
/// municipality (or of `only`); print the path of each. A municipality that fails is reported
/// and the others go on; the command then fails at the end. With `errors_only`, only fetch the
/// error files.
pub async fn run(
    config: &Config,
    only: Option<&str>,
    full: bool,
    out: Option<PathBuf>,
    upload: bool,
    errors_only: bool,
) -> anyhow::Result<()> {
    let exporter = Exporter::from_config(config)?;
    if (upload || errors_only) && !exporter.can_upload() {
        anyhow::bail!(
            "Das Hochladen zur BA ist nicht eingerichtet (JOBBOARD_BA_UPLOAD_URL, JOBBOARD_BA_CLIENT_CERT, JOBBOARD_BA_CLIENT_KEY)."
        );
    }
    // The municipalities whose file failed: reported after the others' files and the error
    // files, then the command exits non-zero.
    let mut failures = None;
    if !errors_only {
        let slugs: Vec<&str> = config
            .ba_accounts
            .iter()
            .map(|(slug, _)| slug.as_str())
            .filter(|slug| only.is_none_or(|o| o == *slug))
            .collect();
        if slugs.is_empty() {
            anyhow::bail!(match only {
                Some(slug) => format!(
                    "Für „{slug}“ ist kein BA-Partnerkonto eingerichtet (JOBBOARD_BA_PARTNERS)."
                ),
                None =>
                    "Es ist kein BA-Partnerkonto eingerichtet (JOBBOARD_BA_PARTNERS).".to_owned(),
            });
        }
        if !upload && exporter.can_upload() {
            eprintln!(
                "Hinweis: ohne --upload wird die Datei nur zur Ansicht geschrieben; sie gilt nicht als gesendet, die nächste Lieferung enthält dieselben Änderungen."
            );
        }
        let db = crate::commands::open(config).await?;
        // One municipality's failure does not keep the others' files back.
        let mut failed: Vec<&str> = Vec::new();
        for slug in &slugs {
            let done = match exporter
                .run_by_hand(&db, slug, full, out.as_deref(), upload, Utc::now())
                .await
            {
                Ok(done) => done,
                Err(e) => {
                    eprintln!("{slug}: fehlgeschlagen: {e:#}");
                    failed.push(*slug);
                    continue;
                }
            };
            eprintln!(
                "{slug}: {} {} Stellen, {} Löschungen{}",
                if full { "Vollabzug" } else { "Änderungen" },
                done.postings,
                done.deletions,
                if done.uploaded {
                    ", hochgeladen"
                } else if done.preview {
                    ", nur zur Ansicht (nicht als gesendet vermerkt)"
                } else {
                    ""
                }
            );
            println!("{}", done.path.display());
        }
        if !failed.is_empty() {
            failures = Some(format!(
                "Der BA-Export ist für {} von {} Kommunen fehlgeschlagen: {}",
                failed.len(),
                slugs.len(),
                failed.join(", ")
            ));
        }
    }
    if upload || errors_only {
        let db = crate::commands::open(config).await?;
        let fetched = exporter.fetch_error_files(&db).await?;
        if errors_only {
            eprintln!(
                "{} neue Fehlerdatei(en) der BA; gespeichert sind {} in {}",
                fetched.len(),
                exporter.stored_error_files().len(),
                exporter.dir.join("errors").display()
            );
        }
        for f in fetched {
            eprintln!(
                "Fehlerdatei der BA: {} ({} Bytes, {} Fehler-Elemente{})",
                f.path.display(),
                f.summary.bytes,
                f.summary.error_elements,
                f.summary
                    .first_message
                    .as_deref()
                    .map(|m| format!(", zuerst: {m}"))
                    .unwrap_or_default()
            );
        }
    }
    match failures {
        Some(message) => Err(anyhow::anyhow!(message)),
        None => Ok(()),
    }
}
