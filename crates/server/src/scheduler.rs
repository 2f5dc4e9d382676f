//! The in-process scheduler: publishes due postings and expires overdue ones at a fixed
//! interval until shutdown.

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
            }
            _ = shutdown.changed() => break,
        }
    }
    tracing::debug!("scheduler stopped");
}
