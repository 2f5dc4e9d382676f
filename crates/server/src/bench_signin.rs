//! `jobboard bench signin`: `/healthz` latency while a burst of sign-ins is checked. The real
//! server runs on a loopback port with a fresh SQLite database under <data dir>/bench-signin;
//! every sign-in comes from its own (forwarded) address for its own unknown account, so
//! throttling refuses none and each costs a full argon2 check. Prints figures, asserts nothing.

use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::commands::{bench_config, open, say};
use crate::config::Config;

pub async fn run(config: &Config, signins: usize) -> anyhow::Result<()> {
    let mut config = bench_config(config, "bench-signin", true)?;
    config.trust_forwarded_for = true;
    config.import_interval = None;
    let db = open(&config).await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    config.public_url = format!("http://{addr}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server_config = config.clone();
    let server = tokio::spawn(async move {
        crate::run_server(&server_config, db, listener, async {
            let _ = stopped.await;
        })
        .await
    });

    let idle = health_latencies(addr, 50, None).await?;
    say(format_args!(
        "sign-in benchmark: {signins} parallel sign-ins, {} worker threads",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    ));
    report("/healthz without load", &idle);
    let started = Instant::now();
    let burst: Vec<_> = (0..signins)
        .map(|i| tokio::spawn(sign_in(addr, i)))
        .collect();
    let during = health_latencies(addr, 1000, Some(&burst)).await?;
    let mut statuses = Vec::with_capacity(burst.len());
    for task in burst {
        statuses.push(task.await??);
    }
    let secs = started.elapsed().as_secs_f64();
    report("/healthz during the burst", &during);
    say(format_args!(
        "  {} sign-ins answered in {secs:.2} s ({} refused as wrong, {} throttled)",
        statuses.len(),
        statuses.iter().filter(|s| **s == 401).count(),
        statuses.iter().filter(|s| **s == 429).count()
    ));
    let _ = stop.send(());
    server.await??;
    Ok(())
}

/// Up to `rounds` sequential `/healthz` requests, 10 ms apart; with `until`, only while one of
/// those tasks is still running.
async fn health_latencies(
    addr: std::net::SocketAddr,
    rounds: usize,
    until: Option<&[tokio::task::JoinHandle<anyhow::Result<u16>>]>,
) -> anyhow::Result<Vec<Duration>> {
    let mut out = Vec::new();
    for _ in 0..rounds {
        if until.is_some_and(|tasks| tasks.iter().all(|t| t.is_finished())) {
            break;
        }
        let t = Instant::now();
        request(addr, "GET /healthz HTTP/1.1\r\n", &[], "").await?;
        out.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(out)
}

async fn sign_in(addr: std::net::SocketAddr, i: usize) -> anyhow::Result<u16> {
    let origin = format!("Origin: http://{addr}\r\n");
    let forwarded = format!(
        "X-Forwarded-For: 10.{}.{}.{}\r\n",
        i / 65536 % 256,
        i / 256 % 256,
        i % 256
    );
    let body = format!("email=bench{i}%40example.org&password=falsches-passwort-{i}");
    request(
        addr,
        "POST /anmelden HTTP/1.1\r\n",
        &[
            &origin,
            &forwarded,
            "Content-Type: application/x-www-form-urlencoded\r\n",
        ],
        &body,
    )
    .await
}

/// One HTTP/1.1 request on its own connection; the status code of the answer.
async fn request(
    addr: std::net::SocketAddr,
    line: &str,
    headers: &[&str],
    body: &str,
) -> anyhow::Result<u16> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut req = format!("{line}Host: {addr}\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(req.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer);
    text.get(9..12)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no HTTP answer: {text:.80}"))
}

fn report(what: &str, latencies: &[Duration]) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    say(format_args!(
        "{what}: {} requests, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        sorted.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    ));
}
