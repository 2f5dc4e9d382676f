//! What each subcommand does.

use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use jobboard_domain::{db, demo, postings};
use jobboard_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::search::{open_index, reindex_with_progress};
use crate::{AlertsCommand, BenchCommand, Cli, Command, UserCommand, bench, imports, scheduler};
use jobboard_search::indexer::{self, IndexerOptions};

pub fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    // reqwest's rustls has no built-in crypto provider here (rustls-no-provider): use ring,
    // which sqlx already brings. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve { bind: None }) {
            Command::Serve { bind } => serve(config, bind).await,
            Command::Migrate { down, status } => migrate(&config, down, status).await,
            Command::Seed { demo, seed } => run_seed(&config, demo, seed).await,
            Command::Indexer => run_indexer(&config).await,
            Command::Reindex => reindex(&config).await,
            Command::Bench(BenchCommand::Search {
                postings,
                rounds,
                edits,
                engine,
            }) => bench::search(&config, engine.as_deref(), postings, rounds, edits).await,
            Command::User(UserCommand::Create {
                admin,
                municipality,
                email,
                name,
                password_stdin,
            }) => {
                let db = open(&config).await?;
                create_user(
                    &db,
                    &config,
                    admin,
                    municipality,
                    &email,
                    name,
                    password_stdin,
                )
                .await
            }
            Command::Bench(BenchCommand::Feeds { items, rounds }) => {
                crate::bench_feeds::feeds(items, rounds)
            }
            Command::Token(command) => {
                let db = open(&config).await?;
                crate::tokens::run(&db, command).await
            }
            Command::Bench(BenchCommand::Import { items }) => {
                crate::bench_import::run(&config, items).await
            }
            Command::Bench(BenchCommand::Counting {
                postings,
                seconds,
                connections,
                rounds,
            }) => crate::bench_counting::run(&config, postings, seconds, connections, rounds).await,
            Command::Bench(BenchCommand::Signin { signins }) => {
                crate::bench_signin::run(&config, signins).await
            }
            Command::Bench(BenchCommand::Survey {
                occupations,
                course_types,
                rounds,
            }) => crate::bench_survey::run(&config, occupations, course_types, rounds).await,
            Command::Import { source } => imports::import(&config, source).await,
            Command::Source(command) => imports::source(&config, command).await,
            Command::Expire => expire(&config).await,
            Command::BaExport {
                municipality,
                full,
                out,
                upload,
                fetch_errors,
            } => {
                crate::ba_export::run(
                    &config,
                    municipality.as_deref(),
                    full,
                    out,
                    upload,
                    fetch_errors,
                )
                .await
            }
            Command::Alerts(command) => run_alerts_command(&config, command).await,
            Command::Bench(BenchCommand::Alerts {
                engine,
                alerts,
                postings,
                new,
            }) => crate::bench_alerts::run(&config, engine.as_deref(), alerts, postings, new).await,
        }
    })
}

async fn run_seed(config: &Config, demo: u64, seed: u64) -> anyhow::Result<()> {
    let db = open(config).await?;
    let (report, secs) = seed_demo(&db, demo, seed).await?;
    say(format_args!(
        "created {} demo postings ({} published) in {secs:.1} s ({:.0}/s)",
        report.created,
        report.published,
        report.created as f64 / secs.max(0.001)
    ));
    Ok(())
}

/// Keeps the search index up to date until a shutdown signal.
async fn run_indexer(config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    let index = open_index(config)?;
    tracing::info!(search = %config.search, "indexer running");
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(indexer::run(
        db.clone(),
        std::sync::Arc::new(index),
        IndexerOptions::default(),
        stopped,
    ));
    shutdown_signal().await;
    let _ = stop.send(true);
    let _ = task.await;
    Ok(())
}

async fn reindex(config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    let index = open_index(config)?;
    let (count, secs) = reindex_with_progress(&db, &index).await?;
    say(format_args!(
        "indexed {count} postings in {secs:.1} s ({:.0}/s) into {}",
        count as f64 / secs.max(0.001),
        config.search
    ));
    Ok(())
}

/// One search-alert run at `now` as worker `worker`, with the configured mail and public
/// address: what the scheduler of `serve` does every tick (tests run it at chosen instants).
pub async fn run_alerts_once(
    config: &Config,
    db: &DatabaseConnection,
    index: &jobboard_search::AnyIndex,
    worker: &str,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<crate::alerts::RunReport> {
    let mailer = mailer(config)?;
    let site = jobboard_web::Site::new(&config.public_url)
        .with_embed_origins(config.embed_origins.clone());
    let sender = crate::alerts::Sender {
        db,
        index,
        site: &site,
        mailer: &mailer,
        worker: worker.to_owned(),
    };
    sender.run(now, |_, _| {}).await
}

/// `jobboard alerts …`.
async fn run_alerts_command(config: &Config, command: AlertsCommand) -> anyhow::Result<()> {
    let db = open(config).await?;
    let now = Utc::now();
    match command {
        AlertsCommand::Run { dry_run: true } => {
            let index = open_index(config)?;
            let due = crate::alerts::dry_run(&db, &index, now).await?;
            for (id, postings) in &due {
                say(format_args!("alert {id}: {postings} new postings"));
            }
            let mails = due.iter().filter(|(_, n)| *n > 0).count();
            say(format_args!(
                "{} alerts due, {mails} would get a mail (dry run: nothing sent)",
                due.len()
            ));
        }
        AlertsCommand::Run { dry_run: false } => {
            let index = open_index(config)?;
            let mailer = mailer(config)?;
            let site = jobboard_web::Site::new(&config.public_url)
                .with_embed_origins(config.embed_origins.clone());
            let sender = crate::alerts::Sender {
                db: &db,
                index: &index,
                site: &site,
                mailer: &mailer,
                worker: crate::alerts::Sender::worker_name(),
            };
            let bar = ProgressBar::new(0).with_message("Suchaufträge");
            bar.set_style(
                ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, noch {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let r = sender
                .run(now, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            say(format_args!(
                "{} alerts due: {} mailed, {} with nothing new, {} failed (retried later), {} taken over; {} asked to keep, {} deleted",
                r.claimed, r.mailed, r.nothing_new, r.failed, r.lost, r.keep_asked, r.purged
            ));
        }
        AlertsCommand::SwitchOff { email } => {
            let actor = jobboard_domain::Actor::system("cli");
            let n =
                jobboard_domain::alerts::mutations::switch_off_address(&db, &email, &actor, now)
                    .await?;
            say(format_args!("switched off {n} alert(s) of that address"));
        }
        AlertsCommand::Totals => {
            let t = jobboard_domain::alerts::runs::totals(&db, now).await?;
            say(format_args!(
                "confirmed {} (paused {}), pending {}, switched off {}, mails sent this week {}",
                t.confirmed, t.paused, t.pending, t.switched_off, t.sent_this_week
            ));
        }
    }
    Ok(())
}

async fn expire(config: &Config) -> anyhow::Result<()> {
    let db = open(config).await?;
    let report = postings::publishing::run_due(&db, Utc::now()).await?;
    say(format_args!(
        "published {} scheduled, expired {} postings",
        report.published, report.expired
    ));
    Ok(())
}

/// Connect (creating the SQLite file and its folder if needed) and apply pending migrations.
pub(crate) async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = connect(config).await?;
    migrate_up(&db).await?;
    Ok(db)
}

/// Apply pending migrations. On PostgreSQL several processes may start at once: an advisory
/// lock, held by a transaction on its own connection, lets one migrate while the others wait
/// and then find nothing left to do.
async fn migrate_up(db: &DatabaseConnection) -> anyhow::Result<()> {
    const MIGRATION_LOCK: i64 = 0x6a6f_6262_6f61_7264; // "jobboard"
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let lock = db.begin().await?;
        lock.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
        Migrator::up(db, None)
            .await
            .context("applying database migrations failed")?;
        lock.commit().await?;
    } else {
        Migrator::up(db, None)
            .await
            .context("applying database migrations failed")?;
    }
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!("cannot create data directory {}", config.data_dir.display())
        })?;
    }
    let options = db::DbOptions {
        schema: None,
        max_connections: config.db_max_connections,
    };
    db::connect(&config.database_url, &options)
        .await
        .with_context(|| {
            format!(
                "cannot open the {} database",
                if config.is_sqlite() {
                    "SQLite"
                } else {
                    "PostgreSQL"
                }
            )
        })
}

async fn serve(config: Config, bind: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = open(&config).await?;
    if config.wants_demo_data() && postings::queries::count_all(&db).await? == 0 {
        tracing::info!(
            count = config.demo_count,
            "empty database: loading demo data"
        );
        seed_demo(&db, config.demo_count, 1).await?;
    }

    let addr = bind.unwrap_or(config.bind);
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, database = db::backend_name(&db), startup_ms = started.elapsed().as_millis() as u64, "listening");
    // One plain line on stdout, for people and for scripts that start the board on port 0.
    say(format_args!(
        "Partheland Stellenbörse listening on http://{local}"
    ));

    run_server(&config, db, listener, shutdown_signal()).await
}

/// Serve HTTP on `listener` with the background jobs running beside it, until `shutdown`
/// completes; then finish requests in flight, stop the jobs and close the pool.
pub async fn run_server(
    config: &Config,
    db: DatabaseConnection,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let index = std::sync::Arc::new(open_index(config)?);
    run_server_with(config, db, index, listener, shutdown).await
}

/// [`run_server`] with the search index already open (a test that also runs jobs on it).
pub async fn run_server_with(
    config: &Config,
    db: DatabaseConnection,
    index: std::sync::Arc<jobboard_search::AnyIndex>,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // A client certificate the TLS stack refuses stops the start before anything runs.
    let exporter = crate::ba_export::Exporter::from_config(config)?;
    let (stop, stopped) = watch::channel(false);
    let mut jobs = vec![tokio::spawn(scheduler::run(
        db.clone(),
        config.scheduler_interval,
        stopped.clone(),
    ))];
    if let Some(interval) = config.import_interval {
        tracing::info!(
            interval_secs = interval.as_secs(),
            "import harvester running"
        );
        jobs.push(tokio::spawn(scheduler::run_imports(
            db.clone(),
            imports::fetcher(config)?,
            imports::harvest_options(config),
            interval,
            stopped.clone(),
        )));
    }
    if let Some(schedule) = exporter.schedule() {
        tracing::info!(schedule = %schedule, "BA export and upload scheduled (Europe/Berlin)");
        jobs.push(tokio::spawn(scheduler::run_ba_export(
            db.clone(),
            exporter,
            stopped.clone(),
        )));
    }
    let mailer = mailer(config)?;
    let site = jobboard_web::Site::new(&config.public_url)
        .with_embed_origins(config.embed_origins.clone());
    jobs.push(tokio::spawn(scheduler::run_alerts(
        db.clone(),
        index.clone(),
        site.clone(),
        mailer.clone(),
        config.scheduler_interval,
        stopped.clone(),
    )));
    let counter = std::sync::Arc::new(jobboard_web::stats::Counter::new(config.counting));
    let flush = tokio::spawn(scheduler::run_flush(
        db.clone(),
        counter.clone(),
        config.count_flush_interval,
        stopped.clone(),
    ));
    let status = jobboard_search::SearchStatus::default();
    if config.indexer_in_serve {
        tracing::info!(search = %config.search, "search indexer running");
        let options = IndexerOptions {
            status: status.clone(),
            ..IndexerOptions::default()
        };
        jobs.push(tokio::spawn(indexer::run(
            db.clone(),
            index.clone(),
            options,
            stopped,
        )));
    } else {
        // Another process indexes: report at least whether the index is built.
        jobs.push(tokio::spawn(indexer::watch(
            index.clone(),
            status.clone(),
            std::time::Duration::from_secs(5),
            stopped,
        )));
    }
    let state = jobboard_web::AppState::new(db.clone(), index, site)
        .with_search_status(status)
        .with_hr(hr_settings(config, &db, mailer)?)
        .with_push_rate_limit(config.push_rate_limit)
        .with_page_cache(config.page_cache_pages)
        .with_counter(counter)
        .with_transport(config.transport);
    jobboard_web::serve(listener, state, shutdown)
        .await
        .context("HTTP server failed")?;

    tracing::info!("shutting down");
    let _ = stop.send(true);
    for job in jobs {
        let _ = job.await;
    }
    // Last: the final flush of the counts, after every request and job is done.
    let _ = flush.await;
    db.close().await?;
    Ok(())
}

/// Sends the board's mail: SMTP when configured, otherwise `.eml` files under the data dir.
pub(crate) fn mailer(config: &Config) -> anyhow::Result<jobboard_mail::Mailer> {
    let mailer = match &config.smtp_url {
        Some(url) => jobboard_mail::Mailer::smtp(url, &config.mail_from),
        None => jobboard_mail::Mailer::file_outbox(
            config.data_dir.join("mail-outbox"),
            &config.mail_from,
        ),
    }
    .context("cannot set up sending mail (JOBBOARD_SMTP_URL, JOBBOARD_MAIL_FROM)")?;
    tracing::info!(mail = %mailer.describe(), "mail");
    Ok(mailer)
}

/// Mail, cookie and proxy settings of the HR workspace.
fn hr_settings(
    config: &Config,
    db: &DatabaseConnection,
    mailer: jobboard_mail::Mailer,
) -> anyhow::Result<jobboard_web::hr::HrSettings> {
    let mut hr = jobboard_web::hr::HrSettings::new(&config.public_url, mailer);
    hr.cookie_secure = config.cookie_secure;
    hr.trust_forwarded_for = config.trust_forwarded_for;
    hr.documents = config.data_dir.join("dokumente");
    hr.imports = Some(jobboard_web::hr::ImportSettings {
        harvester: std::sync::Arc::new(imports::OnDemand::new(config, db.clone())?),
        interval: config
            .import_interval
            .and_then(|i| chrono::Duration::from_std(i).ok()),
    });
    Ok(hr)
}

pub(crate) async fn shutdown_signal() {
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
            say(format_args!("{:?}\t{}", m.status(), m.name()));
        }
    } else if let Some(steps) = down {
        Migrator::down(&db, Some(steps))
            .await
            .context("rolling back migrations failed")?;
        say(format_args!("rolled back {steps} migration(s)"));
    } else {
        let pending = Migrator::get_pending_migrations(&db).await?.len();
        migrate_up(&db).await?;
        say(format_args!(
            "applied {pending} migration(s); database is up to date"
        ));
    }
    Ok(())
}

pub(crate) async fn seed_demo(
    db: &DatabaseConnection,
    count: u64,
    seed: u64,
) -> anyhow::Result<(demo::DemoReport, f64)> {
    let started = Instant::now();
    let bar = ProgressBar::new(count).with_message("Demo-Anzeigen");
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({per_sec}, noch {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = demo::seed(db, demo::DemoOptions { count, seed }, Utc::now(), |done| {
        bar.set_position(done);
        if bar.is_hidden() {
            tracing::info!(done, total = count, "seeding demo postings");
        }
    })
    .await?;
    bar.finish_and_clear();
    let courses = jobboard_domain::courses::demo::seed(db, Utc::now()).await?;
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(
        courses,
        created = report.created,
        published = report.published,
        seconds = secs,
        "demo data loaded"
    );
    Ok((report, secs))
}

/// A line for the operator on stdout. A closed stdout (a pipe whose reader left) is no reason
/// to stop the board, so write errors are ignored.
/// A benchmark's own SQLite database under `<data dir>/<name>`, beside the configured one, so a
/// benchmark never touches real data; `fresh` removes what an earlier run left there.
pub(crate) fn bench_config(config: &Config, name: &str, fresh: bool) -> anyhow::Result<Config> {
    let mut config = config.clone();
    config.data_dir = config.data_dir.join(name);
    if fresh && config.data_dir.exists() {
        std::fs::remove_dir_all(&config.data_dir)
            .with_context(|| format!("cannot clear {}", config.data_dir.display()))?;
    }
    config.database_url = format!(
        "sqlite://{}/jobboard.db?mode=rwc",
        config.data_dir.display()
    );
    Ok(config)
}

pub(crate) fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// `jobboard user create`: an admin (or an officer of a municipality). With `--password-stdin`
/// the password is read from the first line of stdin (for scripts); otherwise an invitation
/// link is printed.
async fn create_user(
    db: &DatabaseConnection,
    config: &Config,
    admin: bool,
    municipality: Option<String>,
    email: &str,
    name: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    use jobboard_domain::accounts::{NewUser, Role, TokenPurpose, tokens, users};
    let now = Utc::now();
    let actor = jobboard_domain::Actor::system("cli");
    let (role, municipality_id) = if admin {
        (Role::Admin, None)
    } else {
        let slug = municipality
            .context("--municipality <slug> is needed for an officer (or use --admin)")?;
        let m = jobboard_domain::municipalities::find_by_slug(db, &slug)
            .await?
            .with_context(|| format!("no municipality with slug {slug:?}"))?;
        (Role::Officer, Some(m.id))
    };
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        // Check the rules before anything is created.
        jobboard_domain::accounts::password::check_rules(&pw)?;
        Some(pw)
    } else {
        None
    };
    let new = NewUser {
        email: email.to_owned(),
        name: name.unwrap_or_else(|| email.to_owned()),
        role,
        municipality_id,
    };
    let user = users::create_user(db, new, &actor, now).await?;
    match password {
        Some(pw) => {
            users::set_password(db, user.id, &pw, &actor, now).await?;
            say(format_args!(
                "created {} {} (id {}); the password is set",
                role.as_str(),
                user.email,
                user.id
            ));
        }
        None => {
            let token = tokens::issue(db, user.id, TokenPurpose::Invitation, now).await?;
            say(format_args!(
                "created {} {} (id {}); set the password within 7 days at:\n{}/einladung/{token}",
                role.as_str(),
                user.email,
                user.id,
                config.public_url.trim_end_matches('/')
            ));
        }
    }
    Ok(())
}
