//! The in-process scheduler: publishes due postings, expires overdue ones and removes
//! timed-out sessions at a fixed interval until shutdown; harvests imports; mails due search
//! alerts; exports and uploads the vacancy files for the Bundesagentur für Arbeit; writes what
//! the public pages counted.

use std::time::Duration;

use chrono::Utc;
use jobboard_domain::postings::publishing;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

pub async fn run(db: DatabaseConnection, interval: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = publishing::run_due(&db, Utc::now()).await {
                    tracing::warn!(error = %e, "scheduler run failed; retrying at the next tick");
                }
                // Timed-out sessions are refused anyway; this only keeps the table small.
                let policy = jobboard_domain::accounts::SessionPolicy::default();
                if let Err(e) = jobboard_domain::accounts::sessions::purge_expired(&db, policy, Utc::now()).await {
                    tracing::warn!(error = %e, "purging expired sessions failed");
                }
                // Counted days past the retention become months (issue 20).
                let today = jobboard_domain::berlin::today(Utc::now());
                match jobboard_domain::stats::counts::fold_old_days(&db, today).await {
                    Ok(0) => {}
                    Ok(days) => tracing::info!(days, "counted days folded into months"),
                    Err(e) => tracing::warn!(error = %e, "folding counted days failed"),
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::debug!("scheduler stopped");
}

/// The import harvester: every `CHECK` (or `interval`, if shorter) it harvests the sources whose
/// last run is at least `interval` ago. Sources are leased, so several processes can run this.
pub async fn run_imports(
    db: DatabaseConnection,
    fetcher: jobboard_feeds::import::Fetcher,
    options: jobboard_feeds::import::HarvestOptions,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    const CHECK: Duration = Duration::from_secs(60);
    let every = chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::hours(1));
    let mut tick = tokio::time::interval(interval.min(CHECK));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let run = jobboard_feeds::import::run_due(&db, &fetcher, every, options);
                tokio::select! {
                    result = run => if let Err(e) = result {
                        tracing::warn!(error = %e, "import run failed; retrying at the next tick");
                    },
                    _ = shutdown.changed() => break,
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::debug!("import harvester stopped");
}

/// Search alerts: every `interval` (at least every minute), mail what is due. Runs in every
/// `serve` process; claims keep them from mailing an alert twice.
pub async fn run_alerts(
    db: DatabaseConnection,
    index: std::sync::Arc<jobboard_search::AnyIndex>,
    site: jobboard_web::Site,
    mailer: jobboard_mail::Mailer,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    const CHECK: Duration = Duration::from_secs(60);
    let mut tick = tokio::time::interval(interval.min(CHECK));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sender = crate::alerts::Sender {
        db: &db,
        index: &index,
        site: &site,
        mailer: &mailer,
        worker: crate::alerts::Sender::worker_name(),
    };
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match sender.run(Utc::now(), |_, _| {}).await {
                    Ok(r) if r.claimed + r.keep_asked + r.purged > 0 => tracing::info!(
                        claimed = r.claimed, mailed = r.mailed, nothing_new = r.nothing_new,
                        failed = r.failed, keep_asked = r.keep_asked, purged = r.purged,
                        "search alerts run"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "search alerts run failed; retrying at the next tick"),
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::debug!("search alerts stopped");
}

/// The BA export (`JOBBOARD_BA_SCHEDULE`): every minute, export and upload the deltas whose
/// schedule slot is due, then fetch the BA's error files. Runs in every `serve` process; the
/// claim per municipality and slot keeps them from uploading twice.
pub async fn run_ba_export(
    db: DatabaseConnection,
    exporter: crate::ba_export::Exporter,
    mut shutdown: watch::Receiver<bool>,
) {
    const CHECK: Duration = Duration::from_secs(60);
    let mut tick = tokio::time::interval(CHECK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                tokio::select! {
                    claimed = exporter.run_scheduled(&db, Utc::now()) => if claimed > 0 {
                        tracing::info!(municipalities = claimed, "BA export run finished");
                    },
                    _ = shutdown.changed() => break,
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::debug!("BA export stopped");
}

/// Writes the events the public pages counted every `interval`, and once more at shutdown (after
/// the last request was answered), so nothing counted is lost on a graceful stop.
pub async fn run_flush(
    db: DatabaseConnection,
    counter: std::sync::Arc<jobboard_web::stats::Counter>,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = counter.flush(&db).await {
                    tracing::warn!(error = %e, "writing counts failed; kept for the next flush");
                }
            }
            _ = shutdown.changed() => break,
        }
    }
    match counter.flush(&db).await {
        Ok(rows) => tracing::debug!(rows, "counts written at shutdown"),
        Err(e) => tracing::warn!(error = %e, "writing counts at shutdown failed; they are lost"),
    }
}
