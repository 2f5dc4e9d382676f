//! `jobboard bench alerts`: every due search-alert mail computed (matched, checked against the
//! database and the sent-log, rendered) without sending, for generated confirmed alerts with
//! mixed searches against generated postings, on a fresh SQLite database under
//! <data dir>/bench-alerts, with the embedded index there or (`--engine meilisearch`) an index
//! of its own on the configured Meilisearch. Prints time and memory; asserts nothing.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use jobboard_domain::alerts::{AlertScope, AlertStatus, CONSENT_VERSION, Frequency, runs};
use jobboard_domain::entities::{search_alert, search_alert_sent};
use jobboard_domain::municipalities::{self, Municipality};
use jobboard_domain::postings::{Category, Employment, PostingKind};
use jobboard_domain::{demo, postings::queries};
use jobboard_search::Hit;
use jobboard_web::Site;
use jobboard_web::alerts::mail;
use jobboard_web::alerts::matcher::RunMatcher;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::commands::{bench_config, open, say};
use crate::config::Config;
use crate::search::{open_index, reindex_with_progress};

const WORDS: [&str; 14] = [
    "",
    "",
    "",
    "",
    "Erzieher",
    "Verwaltung",
    "Sachbearbeiter",
    "Bauhof",
    "Hausmeister",
    "Ausbildung",
    "Kita",
    "IT",
    "Bibliothek",
    "Feuerwehr",
];

pub async fn run(
    config: &Config,
    engine: Option<&str>,
    alerts: u64,
    postings: u64,
    new: u64,
) -> anyhow::Result<()> {
    let mut config = bench_config(config, "bench-alerts", true)?;
    // The embedded engine unless asked otherwise: figures comparable on every machine.
    crate::bench::choose_engine(
        &mut config,
        Some(engine.unwrap_or("embedded")),
        "_bench_alerts",
    )?;
    let db = open(&config).await?;
    let t0 = Utc::now();
    let seeded = Instant::now();
    seed_postings(&db, postings, 11, t0 - Duration::days(3)).await?;
    let members = municipalities::list(&db).await?;
    insert_alerts(
        &db,
        &members,
        alerts,
        t0 - Duration::days(3) + Duration::hours(1),
    )
    .await?;
    // The first day: `new` postings, every due mail computed and its postings written to the
    // sent-log, as a run would. The timed second day then reads a sent-log that holds
    // yesterday's mails of every alert, and its window (reaching back a day) finds
    // yesterday's postings again, which the sent-log must filter out.
    publish_new(&db, &members, new, 12, "NEU1", t0 - Duration::days(2)).await?;
    let index = open_index(&config)?;
    reindex_with_progress(&db, &index).await?;
    let first_day = t0 - Duration::days(2) + Duration::hours(1);
    let logged = first_day_sent_log(&db, &index, &members, first_day).await?;
    publish_new(&db, &members, new, 13, "NEU2", t0 - Duration::hours(2)).await?;
    let (indexed, _) = reindex_with_progress(&db, &index).await?;
    say(format_args!(
        "search-alert benchmark ({} engine): {alerts} confirmed alerts, {} postings ({indexed} online), {new} published on each of two days, {logged} sent-log rows of the first day; set up in {:.1} s",
        index.name(),
        queries::count_all(&db).await?,
        seeded.elapsed().as_secs_f64()
    ));

    let (rss_before, _) = memory();
    reset_peak();
    let started = Instant::now();
    let now = Utc::now();
    let site = Site::new(&config.public_url);
    let (mut due, mut mails, mut listed, mut searches, mut bytes) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut matcher = RunMatcher::new(&index, &members, now);
    let mut after = 0;
    loop {
        let batch = runs::due(&db, now, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        due += batch.len() as u64;
        let computed = crate::alerts::compute(&db, &mut matcher, &batch).await?;
        searches += computed.searches;
        for (alert, ids) in batch.iter().zip(&computed.per_alert) {
            if ids.is_empty() {
                continue;
            }
            let hits: Vec<&Hit> = ids.iter().filter_map(|id| matcher.posting(*id)).collect();
            let email = mail::new_postings(&site, &members, alert, "token", &hits, now);
            mails += 1;
            listed += ids.len() as u64;
            bytes += (email.body.len() + email.html.map_or(0, |h| h.len())) as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let (rss, peak) = memory();
    say(format_args!(
        "computed every due mail in {secs:.1} s: {due} alerts due, {mails} mails with {listed} postings ({:.1} per mail, {:.1} MB of text and HTML), {searches} searches of the index",
        listed as f64 / mails.max(1) as f64,
        bytes as f64 / 1e6
    ));
    say(format_args!(
        "  {:.0} alerts/s; memory: resident {rss_before} MB before, {rss} MB after, peak {peak} MB during the computation (target: 60 s, 200 MB)",
        due as f64 / secs.max(0.001)
    ));
    Ok(())
}

async fn seed_postings(
    db: &DatabaseConnection,
    count: u64,
    seed: u64,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    demo::seed(db, demo::DemoOptions { count, seed }, at, |_| {}).await?;
    Ok(())
}

/// `count` generated postings (from `seed`), every one published at `at`, with references of
/// their own (`prefix`).
async fn publish_new(
    db: &DatabaseConnection,
    members: &[Municipality],
    count: u64,
    seed: u64,
    prefix: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    use jobboard_domain::postings::mutations;
    use jobboard_domain::postings::publishing::{Request, transition};
    let actor = jobboard_domain::Actor::system("bench");
    let today = jobboard_domain::berlin::today(at);
    for (i, mut demo) in demo::generate(seed, count, members, today).enumerate() {
        demo.draft.reference_number = format!("{prefix}-{i:05}");
        demo.draft.partners = Vec::new();
        let p = mutations::create_posting(db, demo.owner_id, demo.draft, &actor, at).await?;
        transition(db, p.id, p.version, Request::Publish, &actor, at).await?;
    }
    Ok(())
}

/// The first day's mails at `at`, untimed: every due mail computed and its postings written
/// to the sent-log (the alerts stay due, so the second day computes every alert again).
/// Returns the sent-log rows written.
async fn first_day_sent_log(
    db: &DatabaseConnection,
    index: &jobboard_search::AnyIndex,
    members: &[Municipality],
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let mut matcher = RunMatcher::new(index, members, at);
    let mut rows = 0;
    let mut after = 0;
    loop {
        let batch = runs::due(db, at, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let computed = crate::alerts::compute(db, &mut matcher, &batch).await?;
        let sent: Vec<search_alert_sent::ActiveModel> = batch
            .iter()
            .zip(&computed.per_alert)
            .flat_map(|(alert, ids)| {
                ids.iter()
                    .map(|&posting_id| search_alert_sent::ActiveModel {
                        alert_id: Set(alert.id),
                        posting_id: Set(posting_id),
                        sent_at: Set(at),
                    })
            })
            .collect();
        rows += sent.len() as u64;
        for chunk in sent.chunks(300) {
            search_alert_sent::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(rows)
}

/// `count` confirmed alerts with a mix of searches, confirmed at `confirmed`, all due now.
async fn insert_alerts(
    db: &DatabaseConnection,
    members: &[Municipality],
    count: u64,
    confirmed: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut rng = fastrand::Rng::with_seed(16);
    let mut rows = Vec::with_capacity(500);
    for i in 0..count {
        rows.push(alert_row(&mut rng, members, i, confirmed));
        if rows.len() == 500 || i + 1 == count {
            search_alert::Entity::insert_many(std::mem::take(&mut rows))
                .exec_without_returning(db)
                .await?;
        }
    }
    Ok(())
}

fn alert_row(
    rng: &mut fastrand::Rng,
    members: &[Municipality],
    i: u64,
    confirmed: DateTime<Utc>,
) -> search_alert::ActiveModel {
    let training = rng.u8(..10) < 3;
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    let word = WORDS[rng.usize(..WORDS.len())];
    if !word.is_empty() {
        q.append_pair("q", word);
    }
    if rng.bool() {
        let kinds = if training {
            &PostingKind::ALL[1..]
        } else {
            PostingKind::ALL
        };
        q.append_pair("art", kinds[rng.usize(..kinds.len())].code());
    }
    if rng.u8(..3) == 0 && !members.is_empty() {
        q.append_pair("kommune", &members[rng.usize(..members.len())].slug);
    }
    if rng.u8(..4) == 0 {
        q.append_pair(
            "bereich",
            Category::ALL[rng.usize(..Category::ALL.len())].code(),
        );
    }
    if rng.u8(..4) == 0 {
        q.append_pair(
            "umfang",
            Employment::ALL[rng.usize(..Employment::ALL.len())].code(),
        );
    }
    if rng.u8(..5) == 0 && !members.is_empty() {
        q.append_pair("ort", &members[rng.usize(..members.len())].slug);
        q.append_pair("umkreis", ["5", "10", "20"][rng.usize(..3)]);
    }
    search_alert::ActiveModel {
        email: Set(format!("person{i}@example.de")),
        scope: Set(if training {
            AlertScope::Training
        } else {
            AlertScope::Jobs
        }),
        query: Set(q.finish()),
        frequency: Set(if rng.u8(..4) == 0 {
            Frequency::Weekly
        } else {
            Frequency::Daily
        }),
        status: Set(AlertStatus::Active),
        consent_version: Set(CONSENT_VERSION.to_owned()),
        confirmed_at: Set(Some(confirmed)),
        window_start: Set(confirmed),
        next_due_at: Set(Some(confirmed + Duration::hours(12))),
        last_sent_at: Set(None),
        last_activity_at: Set(confirmed),
        keep_asked_at: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
        version: Set(2),
        created_by: Set("public".to_owned()),
        updated_by: Set("public".to_owned()),
        created_at: Set(confirmed),
        updated_at: Set(confirmed),
        ..Default::default()
    }
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

/// Start the peak (VmHWM) anew from the current resident size (Linux ≥ 4.0), so the peak
/// printed is that of the computation, not of the set-up.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
