//! `jobboard ba-export`: the HR-BA-XML files for the Bundesagentur für Arbeit, one per
//! municipality with a configured BA partner account (`JOBBOARD_BA_PARTNERS`). The mapping is
//! `jobboard_feeds::export::hrbaxml`; what goes into a file (full or delta, deletions) is
//! `jobboard_domain::ba_export`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use jobboard_domain::{ba_export, municipalities};
use jobboard_feeds::export::hrbaxml::{self, BaAccount, BaFile};
use sea_orm::DatabaseConnection;

use crate::config::Config;

/// Write the files of every configured municipality (or of `only`) into `out` (default
/// `<data dir>/ba-export`); print what each holds.
pub async fn run(
    config: &Config,
    only: Option<&str>,
    full: bool,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    let accounts: Vec<&(String, BaAccount)> = config
        .ba_accounts
        .iter()
        .filter(|(slug, _)| only.is_none_or(|o| o == slug))
        .collect();
    if accounts.is_empty() {
        anyhow::bail!(match only {
            Some(slug) => format!(
                "Für „{slug}“ ist kein BA-Partnerkonto eingerichtet (JOBBOARD_BA_PARTNERS)."
            ),
            None => "Es ist kein BA-Partnerkonto eingerichtet (JOBBOARD_BA_PARTNERS).".to_owned(),
        });
    }
    let out = out.unwrap_or_else(|| config.data_dir.join("ba-export"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let db = crate::commands::open(config).await?;
    for (slug, account) in accounts {
        let path = export_one(&db, config, slug, account, full, &out, Utc::now()).await?;
        println!("{}", path.display());
    }
    Ok(())
}

async fn export_one(
    db: &DatabaseConnection,
    config: &Config,
    slug: &str,
    account: &BaAccount,
    full: bool,
    out: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<PathBuf> {
    let m = municipalities::find_by_slug(db, slug)
        .await?
        .with_context(|| format!("JOBBOARD_BA_PARTNERS names „{slug}“, which is no member"))?;
    let plan = ba_export::plan(db, m.id, full, now).await?;
    // Two municipalities of one supplier in the same second would share a name.
    let mut at = now;
    while out.join(hrbaxml::file_name(account, at)).exists() {
        at += chrono::Duration::seconds(1);
    }
    let path = out.join(hrbaxml::file_name(account, at));
    let xml = hrbaxml::render(&BaFile {
        account,
        municipality: &m,
        postings: &plan.postings,
        deletions: &plan.deletions,
        full,
        now: at,
        base_url: &config.public_url,
    });
    std::fs::write(&path, xml).with_context(|| format!("cannot write {}", path.display()))?;
    ba_export::record_sent(db, m.id, &plan, now).await?;
    eprintln!(
        "{}: {} {} Stellen, {} Löschungen",
        m.name,
        if full { "Vollabzug" } else { "Änderungen" },
        plan.postings.len(),
        plan.deletions.len()
    );
    Ok(path)
}
