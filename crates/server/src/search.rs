//! The search engine the configuration names, and rebuilding its index with progress.

use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jobboard_search::AnyIndex;
use jobboard_search::embedded::EmbeddedIndex;
use jobboard_search::indexer;
use jobboard_search::meili::MeiliIndex;
use sea_orm::DatabaseConnection;

use crate::config::{Config, SearchBackend};

/// The search engine the configuration names.
pub fn open_index(config: &Config) -> anyhow::Result<AnyIndex> {
    Ok(match &config.search {
        SearchBackend::Embedded => {
            AnyIndex::Embedded(EmbeddedIndex::new(config.data_dir.join("search")))
        }
        SearchBackend::Meilisearch {
            url,
            api_key,
            index,
            scoped_keys,
        } => {
            let meili = MeiliIndex::new(url, api_key.clone(), index)
                .context("cannot set up the Meilisearch client")?;
            AnyIndex::Meili(match scoped_keys {
                Some((search, admin)) => meili.with_keys(jobboard_search::meili::ScopedKeys {
                    search: Some(search.clone()),
                    admin: Some(admin.clone()),
                }),
                None => meili,
            })
        }
    })
}

/// Prepare the index and rebuild it from the database with a progress bar.
pub(crate) async fn reindex_with_progress(
    db: &DatabaseConnection,
    index: &AnyIndex,
) -> anyhow::Result<(u64, f64)> {
    use jobboard_search::SearchIndex;
    index
        .prepare()
        .await
        .context("cannot open the search index")?;
    let started = Instant::now();
    let bar = ProgressBar::new(0).with_message("Suchindex");
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, noch {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let count = indexer::reindex(db, index, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
        if bar.is_hidden() {
            tracing::info!(done, total, "reindexing");
        }
    })
    .await
    .context("rebuilding the search index failed")?;
    bar.finish_and_clear();
    Ok((count, started.elapsed().as_secs_f64()))
}
