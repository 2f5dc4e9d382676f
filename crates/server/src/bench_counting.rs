//! `jobboard bench counting`: detail-page throughput with cookie-free counting on and off. The
//! real server runs on a loopback port with a fresh SQLite database (demo postings) under
//! <data dir>/bench-counting, once with `JOBBOARD_COUNTING` on and once off, in alternating
//! rounds; keep-alive clients request the detail pages of random postings with a browser's
//! user agent (so every request counts). Prints requests/s of both and the difference; asserts
//! nothing.

use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::commands::{bench_config, open, say};
use crate::config::Config;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

pub async fn run(
    config: &Config,
    postings: u64,
    seconds: u64,
    connections: usize,
    rounds: usize,
) -> anyhow::Result<()> {
    let mut config = bench_config(config, "bench-counting", true)?;
    config.import_interval = None;
    config.page_cache_pages = 512;
    let db = open(&config).await?;
    jobboard_domain::demo::seed(
        &db,
        jobboard_domain::demo::DemoOptions {
            count: postings,
            seed: 7,
        },
        chrono::Utc::now(),
        |_| {},
    )
    .await?;
    let now = chrono::Utc::now();
    let slugs: Vec<String> =
        jobboard_domain::postings::queries::list_published(&db, now, postings, 0)
            .await?
            .into_iter()
            .map(|(p, _)| p.slug)
            .collect();
    anyhow::ensure!(!slugs.is_empty(), "no published demo postings");
    let index = std::sync::Arc::new(crate::open_index(&config)?);
    say(format_args!(
        "counting benchmark: detail pages of {} published postings, {connections} keep-alive connections, {rounds} × {seconds} s per setting, alternating; {} worker threads, release build: {}",
        slugs.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        !cfg!(debug_assertions)
    ));
    let mut results: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds.max(1) * 2 {
        // on, off, off, on, on, off …: neither setting always runs first.
        let counting = (round % 4 == 0) || (round % 4 == 3);
        let mut c = config.clone();
        c.counting = counting;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        c.public_url = format!("http://{addr}");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // Each server closes its pool when it stops: every round opens its own.
        let (server_db, server_index) = (open(&c).await?, index.clone());
        let server = tokio::spawn(async move {
            crate::run_server_with(&c, server_db, server_index, listener, async {
                let _ = stopped.await;
            })
            .await
        });
        // Warm up: the index is built, a second of load before measuring.
        wait_ready(addr, &slugs[0]).await?;
        load(addr, &slugs, Duration::from_secs(1), connections).await?;
        let rps = load(addr, &slugs, Duration::from_secs(seconds), connections).await?;
        say(format_args!(
            "  round {}: counting {}: {rps:.0} requests/s",
            round + 1,
            if counting { "on " } else { "off" }
        ));
        results[usize::from(!counting)].push(rps);
        let _ = stop.send(());
        server.await??;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let on = median(&mut results[0]);
    let off = median(&mut results[1]);
    let stored: i64 = counted_views(&db).await?;
    db.close().await?;
    say(format_args!(
        "detail page: counting on {on:.0} requests/s, off {off:.0} requests/s (medians): {:+.1} % with counting; {stored} views stored",
        (on / off - 1.0) * 100.0
    ));
    Ok(())
}

async fn counted_views(db: &sea_orm::DatabaseConnection) -> anyhow::Result<i64> {
    use jobboard_domain::entities::posting_count_daily as daily;
    use sea_orm::EntityTrait;
    Ok(daily::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(|r| r.count)
        .sum())
}

async fn wait_ready(addr: std::net::SocketAddr, slug: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(stream) = TcpStream::connect(addr).await {
            let mut conn = BufReader::new(stream);
            if get(&mut conn, addr, &format!("/stellen/{slug}"), "bench-warmup")
                .await
                .is_ok_and(|s| s == 200)
            {
                return Ok(());
            }
        }
        anyhow::ensure!(Instant::now() < deadline, "the server never answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Requests per second of `connections` keep-alive clients over `time`.
async fn load(
    addr: std::net::SocketAddr,
    slugs: &[String],
    time: Duration,
    connections: usize,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let until = started + time;
    let mut tasks = Vec::with_capacity(connections);
    for c in 0..connections {
        let paths: Vec<String> = slugs.iter().map(|s| format!("/stellen/{s}")).collect();
        tasks.push(tokio::spawn(async move {
            let mut conn = BufReader::new(TcpStream::connect(addr).await?);
            let mut done = 0_u64;
            let mut i = c * 7919;
            while Instant::now() < until {
                let status = get(&mut conn, addr, &paths[i % paths.len()], FIREFOX).await?;
                anyhow::ensure!(status == 200, "status {status}");
                done += 1;
                i += 104_729;
            }
            anyhow::Ok(done)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// One keep-alive GET; reads the whole answer (Content-Length) and returns its status.
async fn get(
    conn: &mut BufReader<TcpStream>,
    addr: std::net::SocketAddr,
    path: &str,
    agent: &str,
) -> anyhow::Result<u16> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: {agent}\r\n\r\n");
    conn.get_mut().write_all(req.as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no HTTP answer: {line:.80}"))?;
    let mut length = 0_usize;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse()?;
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).await?;
    Ok(status)
}
