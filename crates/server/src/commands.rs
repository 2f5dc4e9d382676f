//! What each subcommand does.

use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use jobboard_domain::{db, demo, postings};
use jobboard_migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::{Cli, Command, scheduler};

pub fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve { bind: None }) {
            Command::Serve { bind } => serve(config, bind).await,
            Command::Migrate { down, status } => migrate(&config, down, status).await,
            Command::Seed { demo, seed } => {
                let db = open(&config).await?;
                seed_demo(&db, demo, seed).await
            }
            Command::Expire => {
                let db = open(&config).await?;
                let report = postings::publishing::run_due(&db, Utc::now()).await?;
                println!("published {} scheduled, expired {} postings", report.published, report.expired);
                Ok(())
            }
        }
    })
}

/// Connect (creating the SQLite file and its folder if needed) and apply pending migrations.
async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = connect(config).await?;
    Migrator::up(&db, None).await.context("applying database migrations failed")?;
    Ok(db)
}

async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    }
    let options = db::DbOptions { schema: None, max_connections: config.db_max_connections };
    db::connect(&config.database_url, &options)
        .await
        .with_context(|| format!("cannot open the {} database", if config.is_sqlite() { "SQLite" } else { "PostgreSQL" }))
}

async fn serve(config: Config, bind: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open(&config).await?;
    if config.wants_demo_data() && postings::queries::count_all(&db).await? == 0 {
        tracing::info!(count = config.demo_count, "empty database: loading demo data");
        seed_demo(&db, config.demo_count, 1).await?;
    }

    let addr = bind.unwrap_or(config.bind);
    let listener = TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, database = db::backend_name(&db), startup_ms = started.elapsed().as_millis() as u64, "listening");
    // One plain line on stdout, for people and for scripts that start the board on port 0.
    println!("Partheland Stellenbörse listening on http://{local}");

    let (stop, stopped) = watch::channel(false);
    let jobs = tokio::spawn(scheduler::run(db.clone(), config.scheduler_interval, stopped));
    let state = jobboard_web::AppState { db: db.clone() };
    jobboard_web::serve(listener, state, shutdown_signal()).await.context("HTTP server failed")?;

    tracing::info!("shutting down");
    let _ = stop.send(true);
    let _ = jobs.await;
    db.close().await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn migrate(config: &Config, down: Option<u32>, status: bool) -> anyhow::Result<()> {
    let db = connect(config).await?;
    if status {
        for m in Migrator::get_migration_with_status(&db).await? {
            println!("{:?}\t{}", m.status(), m.name());
        }
    } else if let Some(steps) = down {
        Migrator::down(&db, Some(steps)).await.context("rolling back migrations failed")?;
        println!("rolled back {steps} migration(s)");
    } else {
        let pending = Migrator::get_pending_migrations(&db).await?.len();
        Migrator::up(&db, None).await.context("applying migrations failed")?;
        println!("applied {pending} migration(s); database is up to date");
    }
    Ok(())
}

async fn seed_demo(db: &DatabaseConnection, count: u64, seed: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let bar = ProgressBar::new(count).with_message("Demo-Anzeigen");
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, noch {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = demo::seed(db, demo::DemoOptions { count, seed }, Utc::now(), |done| {
        bar.set_position(done);
        if bar.is_hidden() {
            tracing::info!(done, total = count, "seeding");
        }
    })
    .await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(created = report.created, published = report.published, seconds = secs, "demo data loaded");
    println!(
        "created {} demo postings ({} published) in {:.1} s ({:.0}/s)",
        report.created,
        report.published,
        secs,
        report.created as f64 / secs.max(0.001)
    );
    Ok(())
}
