//! The due-mail run of search alerts (`jobboard alerts run`, and the scheduler of `serve`):
//! purge what nobody confirmed or kept, ask after a year whether to keep an alert, then claim
//! due alerts in batches, compute each one's new postings, send one mail per alert with new
//! postings and move every claimed alert to its next period (see `jobboard_domain::alerts::runs`
//! for why a period gets at most one mail, also with several processes or after a crash).
//!
//! Nothing here logs an address: mail errors are logged by their kind and the alert's id.

use chrono::{DateTime, Duration, Utc};
use jobboard_domain::alerts::{SearchAlert, mutations, runs, tokens};
use jobboard_domain::municipalities::{self, Municipality};
use jobboard_domain::postings::queries;
use jobboard_domain::stats::{CountEvent, TrafficSource};
use jobboard_mail::Mailer;
use jobboard_search::{AnyIndex, Hit};
use jobboard_web::Site;
use jobboard_web::alerts::mail;
use jobboard_web::alerts::matcher::RunMatcher;
use sea_orm::DatabaseConnection;

/// Alerts claimed at once.
const BATCH: u64 = 500;
/// How long a run holds its claimed alerts. A batch that takes longer (a slow mail server)
/// renews the lease of each alert before its mail once less than [`RENEW_MINUTES`] are left.
const LEASE_MINUTES: i64 = 15;
/// Renew an alert's lease before its mail when less than this is left of it.
const RENEW_MINUTES: i64 = 5;
/// After a failed send, the alert is tried again this much later.
const RETRY_MINUTES: i64 = 30;

/// What a run did: counts only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunReport {
    pub claimed: u64,
    pub mailed: u64,
    /// Due, but nothing new: no mail, next period.
    pub nothing_new: u64,
    pub failed: u64,
    /// Claimed by another run in between (its lease ran out and it was taken over).
    pub lost: u64,
    pub keep_asked: u64,
    pub purged: u64,
}

/// The new postings of each alert of a batch, as mails would list them.
pub struct Computed {
    /// Per alert: its new posting ids, newest first (not yet mailed, visible at the run's
    /// instant, each readable through [`RunMatcher::posting`]).
    pub per_alert: Vec<Vec<i64>>,
    pub searches: u64,
}

/// For each of `alerts`: the postings that match, were published in its window, are visible
/// at the run's instant (checked in the database for every batch, not only in the index) and
/// were not mailed to it before. What the mails show of them is read into `matcher`.
pub async fn compute(
    db: &DatabaseConnection,
    matcher: &mut RunMatcher<'_, AnyIndex>,
    alerts: &[SearchAlert],
) -> anyhow::Result<Computed> {
    let matches = matcher.new_ids(alerts).await?;
    let ids = matches.ids();
    let visible = queries::publicly_visible_ids(db, &ids, matcher.now()).await?;
    let alert_ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
    let sent = runs::already_sent(db, &alert_ids, &ids).await?;
    let listed: Vec<i64> = ids.into_iter().filter(|id| visible.contains(id)).collect();
    matcher.load_postings(db, &listed).await?;
    let per_alert = alerts
        .iter()
        .zip(matches.per_alert)
        .map(|(a, ids)| {
            ids.into_iter()
                .filter(|id| {
                    visible.contains(id)
                        && matcher.posting(*id).is_some()
                        && !sent.contains(&(a.id, *id))
                })
                .collect()
        })
        .collect();
    Ok(Computed {
        per_alert,
        searches: matches.searches,
    })
}

/// The sender of one process: its worker name, what it sends with.
pub struct Sender<'a> {
    pub db: &'a DatabaseConnection,
    pub index: &'a AnyIndex,
    pub site: &'a Site,
    pub mailer: &'a Mailer,
    pub worker: String,
}

impl Sender<'_> {
    /// A worker name unique to this process and run.
    pub fn worker_name() -> String {
        format!("alerts-{}-{:08x}", std::process::id(), fastrand::u32(..))
    }

    /// Everything due at `now`; `progress(done, total_so_far)` after every alert.
    pub async fn run(
        &self,
        now: DateTime<Utc>,
        mut progress: impl FnMut(u64, u64),
    ) -> anyhow::Result<RunReport> {
        let mut report = RunReport::default();
        // Postings listed in the mails sent, written after every batch (issue 20).
        let listed = jobboard_web::stats::Counter::new(true);
        let purged = mutations::purge(self.db, now).await?;
        report.purged = purged.total();
        let members = municipalities::list(self.db).await?;
        report.keep_asked = self.ask_to_keep(&members, now).await?;
        let mut matcher = RunMatcher::new(self.index, &members, now);
        loop {
            let lease = clock(now) + Duration::minutes(LEASE_MINUTES);
            let batch = runs::claim_due(self.db, &self.worker, BATCH, lease, now).await?;
            if batch.is_empty() {
                break;
            }
            report.claimed += batch.len() as u64;
            let computed = compute(self.db, &mut matcher, &batch).await?;
            for (alert, ids) in batch.iter().zip(&computed.per_alert) {
                let items: Vec<&Hit> = ids.iter().filter_map(|id| matcher.posting(*id)).collect();
                let shown = self
                    .send_one(&members, alert, ids, &items, lease, now, &mut report)
                    .await?;
                listed.add_many(&shown, CountEvent::AlertMail, TrafficSource::Alert);
                progress(
                    report.mailed + report.nothing_new + report.failed + report.lost,
                    report.claimed,
                );
            }
            // Counting is no reason to fail a run: what is not written now is tried next batch.
            if let Err(e) = listed.flush(self.db).await {
                tracing::warn!(error = %e, "counting alert mails failed");
            }
        }
        if let Err(e) = listed.flush(self.db).await {
            tracing::warn!(error = %e, "counting alert mails failed");
        }
        Ok(report)
    }

    /// `ids`: the alert's new postings, `items`: what its mail shows of them; `lease`: until
    /// when the batch of `alert` was claimed.
    #[expect(
        clippy::too_many_arguments,
        reason = "one alert of a batch and its context"
    )]
    async fn send_one(
        &self,
        members: &[Municipality],
        alert: &SearchAlert,
        ids: &[i64],
        items: &[&Hit],
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
        report: &mut RunReport,
    ) -> anyhow::Result<Vec<i64>> {
        // The postings the sent mail lists (counted by the caller).
        let mut shown = Vec::new();
        if !ids.is_empty() {
            // Paused, switched off, deleted or taken over since the batch was claimed: no mail.
            let clock = clock(now);
            let renew = (lease - clock < Duration::minutes(RENEW_MINUTES))
                .then(|| clock + Duration::minutes(LEASE_MINUTES));
            if !runs::hold(self.db, alert.id, &self.worker, renew).await? {
                report.lost += 1;
                return Ok(Vec::new());
            }
            let token = match tokens::issue(self.db, alert.id, now).await {
                Ok(token) => token,
                Err(e) => {
                    // Deleted in between (its tokens' foreign key): lost, not a failed run.
                    if runs::hold(self.db, alert.id, &self.worker, None).await? {
                        return Err(e.into());
                    }
                    report.lost += 1;
                    return Ok(Vec::new());
                }
            };
            let email = mail::new_postings(self.site, members, alert, &token, items, now);
            if let Err(e) = self.mailer.send(&email).await {
                tracing::warn!(
                    alert = alert.id,
                    error = e.kind(),
                    "alert mail failed; retried later"
                );
                runs::release(
                    self.db,
                    alert.id,
                    &self.worker,
                    now + Duration::minutes(RETRY_MINUTES),
                )
                .await?;
                report.failed += 1;
                return Ok(Vec::new());
            }
            shown = items.iter().take(mail::MAX_ITEMS).map(|h| h.id).collect();
        }
        if runs::complete(self.db, alert, &self.worker, ids, now).await? {
            if ids.is_empty() {
                report.nothing_new += 1;
            } else {
                report.mailed += 1;
            }
        } else {
            report.lost += 1;
        }
        Ok(shown)
    }

    /// The one "keep?" mail of alerts a year without confirmation or use.
    async fn ask_to_keep(
        &self,
        members: &[Municipality],
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let mut asked = 0;
        for alert in runs::due_for_keep_request(self.db, now, BATCH).await? {
            if !runs::mark_keep_requested(self.db, alert.id, now).await? {
                continue;
            }
            // Marked before sending, so two runs send it once; a mail that did not go out is
            // unmarked, so the next run asks again and the alert is not deleted unasked.
            let sent = match tokens::issue(self.db, alert.id, now).await {
                Ok(token) => {
                    let email = mail::keep_request(self.site, members, &alert, &token);
                    self.mailer.send(&email).await.map_err(|e| e.kind())
                }
                // Deleted in between, most likely: unmarking finds nothing then.
                Err(_) => Err("cannot issue a token"),
            };
            match sent {
                Ok(()) => asked += 1,
                Err(kind) => {
                    tracing::warn!(
                        alert = alert.id,
                        error = kind,
                        "keep mail failed; asked again next run"
                    );
                    runs::unmark_keep_requested(self.db, alert.id).await?;
                }
            }
        }
        Ok(asked)
    }
}

/// The run's clock: `now`, or the wall clock once it is later (a run takes time; tests run
/// at chosen instants in the future).
fn clock(now: DateTime<Utc>) -> DateTime<Utc> {
    now.max(Utc::now())
}

/// Alerts due at `now` and how many postings each would list, without sending or claiming:
/// `(alert id, postings)`, for the dry run. Never the addresses.
pub async fn dry_run(
    db: &DatabaseConnection,
    index: &AnyIndex,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(i64, usize)>> {
    let members = municipalities::list(db).await?;
    let mut matcher = RunMatcher::new(index, &members, now);
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let batch = runs::due(db, now, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let computed = compute(db, &mut matcher, &batch).await?;
        out.extend(
            batch
                .iter()
                .zip(&computed.per_alert)
                .map(|(a, ids)| (a.id, ids.len())),
        );
    }
    Ok(out)
}
