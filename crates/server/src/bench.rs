//! `jobboard bench search`: figures for the search targets, printed, never asserted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use jobboard_domain::postings::queries;
use jobboard_domain::postings::{
    Category, Contract, Employment, PartnerDraft, PayScheme, PostingDraft, PostingKind, mutations,
};
use jobboard_domain::{Actor, municipalities};
use jobboard_search::indexer::{self, IndexerOptions};
use jobboard_search::query::{GeoFilter, GradeFilter};
use jobboard_search::{AnyIndex, SearchDocument, SearchIndex, SearchQuery, Sort};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::commands::{open, say, seed_demo};
use crate::config::{Config, SearchBackend};
use crate::search::{open_index, reindex_with_progress};

pub async fn search(
    config: &Config,
    engine: Option<&str>,
    postings: u64,
    rounds: usize,
    edits: usize,
) -> anyhow::Result<()> {
    let config = bench_config(config, engine)?;
    let db = open(&config).await?;
    seed(&db, &config, postings).await?;
    let published = queries::count_published(&db, Utc::now()).await?;
    let index = Arc::new(open_index(&config)?);
    say(format_args!(
        "search benchmark: {} backend, {} postings ({published} online)",
        config.search,
        queries::count_all(&db).await?
    ));

    let (count, secs) = reindex_with_progress(&db, &index).await?;
    say(format_args!(
        "reindex: {count} documents in {secs:.1} s ({:.0} documents/s)",
        count as f64 / secs.max(0.001)
    ));
    if let AnyIndex::Meili(meili) = index.as_ref() {
        let docs = visible_documents(&db).await?;
        let direct = meili.index_directly(&docs).await?.as_secs_f64();
        say(format_args!(
            "  Meilisearch alone, same {} documents in batches: {direct:.1} s ({:.0} documents/s); board/alone = {:.2}",
            docs.len(),
            docs.len() as f64 / direct.max(0.001),
            secs / direct.max(0.001)
        ));
    }

    let set = query_set(&db).await?;
    let mut latencies = board_latencies(&index, &set, rounds).await?;
    say(format_args!(
        "queries through the board: {} queries x {rounds} rounds: p50 {}, p95 {}, p99 {}, max {}",
        set.len(),
        ms(percentile(&mut latencies, 0.50)),
        ms(percentile(&mut latencies, 0.95)),
        ms(percentile(&mut latencies, 0.99)),
        ms(percentile(&mut latencies, 1.0)),
    ));
    if let AnyIndex::Meili(meili) = index.as_ref() {
        let mut direct = Vec::with_capacity(set.len() * rounds);
        for _ in 0..rounds {
            for q in &set {
                let t = Instant::now();
                meili.search_directly(q).await?;
                direct.push(t.elapsed());
            }
        }
        say(format_args!(
            "same queries straight to Meilisearch: p50 {}, p95 {}, p99 {}, max {}",
            ms(percentile(&mut direct, 0.50)),
            ms(percentile(&mut direct, 0.95)),
            ms(percentile(&mut direct, 0.99)),
            ms(percentile(&mut direct, 1.0)),
        ));
    }

    let mut lags = outbox_lag(&db, &index, edits).await?;
    say(format_args!(
        "outbox lag (commit of an edit -> searchable), {} edits: p50 {}, p95 {}, max {}",
        lags.len(),
        ms(percentile(&mut lags, 0.50)),
        ms(percentile(&mut lags, 0.95)),
        ms(percentile(&mut lags, 1.0)),
    ));
    let (rss, peak) = memory();
    say(format_args!(
        "memory: resident {rss} MB now, peak {peak} MB"
    ));
    Ok(())
}

/// The benchmark's own database and index beside the configured ones, on `engine`.
fn bench_config(config: &Config, engine: Option<&str>) -> anyhow::Result<Config> {
    // Kept between runs: generating the postings again would dominate the run.
    let mut config = crate::commands::bench_config(config, "bench", false)?;
    choose_engine(&mut config, engine, "_bench")?;
    Ok(config)
}

/// A benchmark's `--engine`: `embedded`, `meilisearch` (an index of its own, the configured
/// name with `suffix`, so the board's index is never touched), or as configured (`None`).
pub(crate) fn choose_engine(
    config: &mut Config,
    engine: Option<&str>,
    suffix: &str,
) -> anyhow::Result<()> {
    match (engine, &mut config.search) {
        (Some("embedded"), search) => *search = SearchBackend::Embedded,
        (Some("meilisearch"), SearchBackend::Embedded) => {
            anyhow::bail!("--engine meilisearch needs MEILI_URL (and MEILI_MASTER_KEY)")
        }
        _ => {}
    }
    if let SearchBackend::Meilisearch { index, .. } = &mut config.search {
        index.push_str(suffix);
    }
    Ok(())
}

/// Generate postings until the benchmark database holds `postings`.
async fn seed(db: &DatabaseConnection, config: &Config, postings: u64) -> anyhow::Result<()> {
    let existing = queries::count_all(db).await?;
    if existing < postings {
        say(format_args!(
            "generating {} postings in {} (once; kept for later runs)",
            postings - existing,
            config.data_dir.display()
        ));
        let (report, secs) = seed_demo(db, postings - existing, 7 + existing).await?;
        say(format_args!(
            "  seeded {} postings in {secs:.1} s",
            report.created
        ));
    }
    Ok(())
}

/// Every posting online now, as the index gets it.
async fn visible_documents(db: &DatabaseConnection) -> anyhow::Result<Vec<SearchDocument>> {
    let now = Utc::now();
    let mut docs = Vec::new();
    loop {
        let after = docs.last().map_or(0, |d: &SearchDocument| d.id);
        let page = jobboard_search::document::load_visible_page(db, now, after, 1_000).await?;
        if page.is_empty() {
            return Ok(docs);
        }
        docs.extend(page);
    }
}

/// Every query of `set` `rounds` times through the board's search layer; the five slowest
/// queries are printed.
async fn board_latencies(
    index: &AnyIndex,
    set: &[SearchQuery],
    rounds: usize,
) -> anyhow::Result<Vec<Duration>> {
    for q in set {
        index.search(q).await.context("warm-up query failed")?;
    }
    let mut latencies = Vec::with_capacity(set.len() * rounds);
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); set.len()];
    for _ in 0..rounds {
        for (i, q) in set.iter().enumerate() {
            let t = Instant::now();
            index.search(q).await?;
            latencies.push(t.elapsed());
            per_query[i].push(t.elapsed());
        }
    }
    let mut medians: Vec<(Duration, usize)> = per_query
        .iter_mut()
        .enumerate()
        .map(|(i, l)| (percentile(l, 0.5), i))
        .collect();
    medians.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
    for (median, i) in medians.iter().take(5) {
        tracing::info!(median_ms = median.as_secs_f64() * 1000.0, query = ?set[*i], "slow query");
        say(format_args!(
            "  slow: {} {}",
            ms(*median),
            describe(&set[*i])
        ));
    }
    Ok(latencies)
}

fn describe(q: &SearchQuery) -> String {
    let mut parts = vec![format!("text={:?}", q.text)];
    if !q.kinds.is_empty() {
        parts.push(format!("kinds={:?}", q.kinds));
    }
    if !q.categories.is_empty() {
        parts.push(format!("categories={:?}", q.categories));
    }
    if !q.municipalities.is_empty() {
        parts.push(format!("municipalities={:?}", q.municipalities));
    }
    if q.near.is_some() {
        parts.push("near".into());
    }
    if q.grade.is_some() {
        parts.push("grade".into());
    }
    parts.push(format!("sort={:?} page={}", q.sort, q.page));
    parts.join(" ")
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

/// VmRSS and VmHWM of this process in MB (Linux).
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A fixed mix of what applicants ask: words, typos, forms, synonyms, filters, geo, sorts, pages.
async fn query_set(db: &DatabaseConnection) -> anyhow::Result<Vec<SearchQuery>> {
    let now = Utc::now();
    let members = municipalities::list(db).await?;
    let q = || SearchQuery::new(now);
    let mut set = Vec::new();
    for text in [
        "Erzieher",
        "Erziher",
        "Erzieherin",
        "Verwaltung",
        "Sachbearbeiter Bürgerbüro",
        "Straßenwärter",
        "Strassenwaerter",
        "Grosspoesna",
        "Kita",
        "Azubi",
        "Bauhof",
        "IT-Administrator",
        "Administartor",
        "Bibliothek",
        "Duales Studium",
        "Ausbildung Naunhof",
        "Hausmeister",
        "Gärtner",
        "Sozialarbeiter",
        "Feuerwehr",
        "pädagogische Fachkraft",
        "Informatik",
        "Kämmerer",
        "Standesamt",
        "Praktikum",
    ] {
        set.push(q().text(text));
    }
    for kind in PostingKind::ALL {
        set.push(SearchQuery {
            kinds: vec![*kind],
            ..q()
        });
    }
    for category in Category::ALL {
        set.push(SearchQuery {
            categories: vec![*category],
            ..q()
        });
    }
    for m in &members {
        set.push(SearchQuery {
            municipalities: vec![m.id],
            ..q()
        });
        set.push(SearchQuery {
            near: Some(GeoFilter {
                lat: m.latitude,
                lng: m.longitude,
                radius_km: Some(5.0),
            }),
            sort: Sort::Distance,
            ..q()
        });
    }
    let eg = PayScheme::TvoedVkaEg;
    set.extend([
        SearchQuery {
            employments: vec![Employment::PartTime],
            ..q()
        },
        SearchQuery {
            contracts: vec![Contract::FixedTerm],
            sort: Sort::Deadline,
            ..q()
        },
        SearchQuery {
            pay_schemes: vec![PayScheme::TvoedSueS],
            ..q()
        },
        SearchQuery {
            grade: Some(GradeFilter {
                scheme: eg,
                from_rank: eg.grade_rank("8"),
                to_rank: eg.grade_rank("9b"),
            }),
            ..q()
        },
        SearchQuery {
            deadline_from: Some((now + chrono::Duration::days(30)).date_naive()),
            ..q()
        },
        SearchQuery {
            published_within_days: Some(7),
            sort: Sort::Newest,
            ..q()
        },
        SearchQuery {
            kinds: vec![PostingKind::Apprenticeship],
            categories: vec![Category::Verwaltung],
            ..q().text("Ausbildung")
        },
        SearchQuery {
            page: 5,
            ..q().text("Erzieher")
        },
        SearchQuery { page: 40, ..q() },
    ]);
    if let Some(naunhof) = members.iter().find(|m| m.slug == "naunhof") {
        set.push(SearchQuery {
            near: Some(GeoFilter {
                lat: naunhof.latitude,
                lng: naunhof.longitude,
                radius_km: Some(15.0),
            }),
            categories: vec![Category::KitaErziehung],
            ..q().text("Erzieher")
        });
    }
    Ok(set)
}

/// Edit published postings one after another with the indexer running, and time each from the
/// commit until a search finds the new title.
async fn outbox_lag(
    db: &DatabaseConnection,
    index: &Arc<jobboard_search::AnyIndex>,
    edits: usize,
) -> anyhow::Result<Vec<Duration>> {
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(indexer::run(
        db.clone(),
        index.clone(),
        IndexerOptions::default(),
        stopped,
    ));
    let mut lags = Vec::with_capacity(edits);
    let targets = queries::list_published(db, Utc::now(), edits as u64, 0).await?;
    for (i, (p, _)) in targets.into_iter().enumerate() {
        let marker = format!("Messlauf{i}x{}", fastrand::u32(..));
        let partners = queries::partners_of(db, p.id)
            .await?
            .into_iter()
            .map(|x| PartnerDraft {
                municipality_id: x.municipality_id,
                note: x.note,
            })
            .collect();
        let mut draft = PostingDraft::from_model(&p, partners);
        draft.title = format!("{marker} {}", draft.title)
            .chars()
            .take(150)
            .collect();
        mutations::update_posting(
            db,
            p.id,
            p.version,
            draft,
            &Actor::system("bench"),
            Utc::now(),
        )
        .await?;
        let committed = Instant::now();
        let query = SearchQuery::new(Utc::now()).text(&marker);
        loop {
            if index
                .search(&query)
                .await?
                .hits
                .iter()
                .any(|h| h.id == p.id)
            {
                lags.push(committed.elapsed());
                break;
            }
            if committed.elapsed() > Duration::from_secs(30) {
                anyhow::bail!("edit of posting {} not searchable after 30 s", p.id);
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let _ = stop.send(true);
    let _ = task.await;
    Ok(lags)
}
