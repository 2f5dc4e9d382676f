//! `jobboard bench import`: a generated RSS feed served over loopback HTTP, imported into a
//! fresh SQLite database, then imported again unchanged. Prints figures, asserts nothing.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use jobboard_domain::entities::{audit_entry, posting, search_outbox};
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::imports::{ImportFormat, ImportReport};
use jobboard_domain::municipalities;
use jobboard_feeds::import::{AddressPolicy, FetchOptions, Fetcher, RunResult, run_source};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::commands::{bench_config, open, say};
use crate::config::Config;
use crate::imports::harvest_options;

pub async fn run(config: &Config, items: usize) -> anyhow::Result<()> {
    let config = bench_config(config, "bench-import", true)?;
    let db = open(&config).await?;

    let feed = Arc::new(generate_feed(items));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener, feed.clone()));

    let brandis = municipalities::find_by_slug(&db, "brandis")
        .await?
        .context("member municipality brandis missing")?;
    let source = sources::add(
        &db,
        NewSource {
            municipality_id: brandis.id,
            url: format!("http://{addr}/stellen.rss"),
            format: ImportFormat::Auto,
        },
        Utc::now(),
    )
    .await?;
    let fetcher = Fetcher::new(FetchOptions {
        policy: AddressPolicy::loopback(),
        ..FetchOptions::default()
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    say(format_args!(
        "import benchmark: {items} items, {:.1} MB of RSS, SQLite in {}",
        feed.len() as f64 / 1_048_576.0,
        config.data_dir.display()
    ));

    let (first, secs) = timed_run(&db, &fetcher, source.id, &config).await?;
    say(format_args!(
        "first import: {} new, {} failed in {secs:.2} s ({:.0} items/s; target <= 10 s for 10,000)",
        first.new,
        first.failed.len(),
        first.new as f64 / secs.max(0.001)
    ));
    let before = writes(&db).await?;
    let (second, secs) = timed_run(&db, &fetcher, source.id, &config).await?;
    let after = writes(&db).await?;
    say(format_args!(
        "unchanged re-import: {} unchanged in {secs:.2} s (target <= 2 s); writes: {} postings, {} audit entries, {} outbox rows, {} version bumps (target 0)",
        second.unchanged,
        after.0 - before.0,
        after.1 - before.1,
        after.2 - before.2,
        after.3 - before.3,
    ));
    server.abort();
    Ok(())
}

async fn timed_run(
    db: &DatabaseConnection,
    fetcher: &Fetcher,
    id: i64,
    config: &Config,
) -> anyhow::Result<(ImportReport, f64)> {
    let started = Instant::now();
    let result = run_source(db, fetcher, id, harvest_options(config), |_| {}).await?;
    let secs = started.elapsed().as_secs_f64();
    match result {
        RunResult::Imported { report, .. } => Ok((report, secs)),
        other => anyhow::bail!("benchmark import did not run: {other:?}"),
    }
}

async fn writes(db: &DatabaseConnection) -> anyhow::Result<(u64, u64, u64, i64)> {
    let versions: i64 = posting::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(|p| i64::from(p.version))
        .sum();
    Ok((
        posting::Entity::find().count(db).await?,
        audit_entry::Entity::find().count(db).await?,
        search_outbox::Entity::find().count(db).await?,
        versions,
    ))
}

fn generate_feed(items: usize) -> String {
    const TITLES: &[&str] = &[
        "Sachbearbeiter Bauamt",
        "Erzieherin Kita",
        "Ausbildung Verwaltungsfachangestellte",
        "Hausmeister Grundschule",
        "IT-Administrator",
        "Bibliothekar",
    ];
    let mut feed = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Stellen</title><link>https://www.brandis.de</link><description>Benchmark</description>",
    );
    for i in 0..items {
        let title = TITLES[i % TITLES.len()];
        feed.push_str(&format!(
            "<item><title>{title} (m/w/d) Nr. {i}</title><link>https://www.brandis.de/stellen/{i}</link>\
             <guid isPermaLink=\"false\">bench-{i}</guid><category>Verwaltung</category>\
             <description>&lt;p&gt;Die Stadt Brandis sucht zum nächstmöglichen Zeitpunkt Verstärkung. \
             Stelle {i}.&lt;/p&gt;</description></item>"
        ));
    }
    feed.push_str("</channel></rss>\n");
    feed
}

/// Just enough HTTP/1.1 for one GET per connection.
async fn serve(listener: TcpListener, feed: Arc<String>) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let feed = feed.clone();
        tokio::spawn(async move {
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                feed.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(feed.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}
