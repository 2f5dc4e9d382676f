//! Which postings are new for each alert, computed with the search the results pages use: the
//! same parser reads the stored query string, the same index answers it (its text, filters and
//! visibility), only leaner: [`SearchIndex::matching`] gives ids and publication instants, no
//! facets, snippets or stored fields, and one engine call answers a whole batch.
//!
//! Alerts with the same search are asked once per run: the search is narrowed to postings
//! published within the widest window of the batch's group, each alert then keeps the hits
//! inside its own window, and later batches reuse the answer unless they need a wider window.
//! What a mail shows of a posting is read from the database once per run
//! ([`RunMatcher::load_postings`]), not from every search.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jobboard_domain::alerts::{AlertScope, SearchAlert};
use jobboard_domain::municipalities::Municipality;
use jobboard_search::{Hit, Match, SearchError, SearchIndex, SearchQuery, Sort, document};
use sea_orm::{ConnectionTrait, DbErr};

use crate::search_params::parse;

/// New postings listed for one search at most: more in one period are not listed (a mail
/// shows [`super::mail::MAX_ITEMS`] and counts the rest up to this).
pub const MAX_MATCHES: usize = 500;

/// The new hits of a set of alerts.
#[derive(Debug, Default)]
pub struct Matches {
    /// Per alert (in the order given): ids of its new postings, newest first.
    pub per_alert: Vec<Vec<i64>>,
    /// Distinct searches the engine answered.
    pub searches: u64,
}

impl Matches {
    /// Every posting id that is new for some alert, each once.
    pub fn ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.per_alert.iter().flatten().copied().collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Matches the run keeps of its searches at most (16 bytes each): beyond, later batches ask
/// the index again.
const MAX_KEPT_MATCHES: usize = 2_000_000;

/// What a run keeps of one search it asked.
struct Kept {
    /// Unix seconds: the answer holds the matches published since then.
    since: i64,
    /// Fewer than [`MAX_MATCHES`] matched: the answer holds every match, not only a selection.
    complete: bool,
    /// Newest first.
    found: Vec<Match>,
}

impl Kept {
    /// Whether this answer also answers the search for the matches published since `since`.
    fn covers(&self, since: i64) -> bool {
        since == self.since || (since > self.since && self.complete)
    }
}

/// The matching of one run: its instant, the answers to the searches it asked (many alerts
/// share a search, and the batches of a run ask alike), and what its mails show of each
/// posting, read once.
pub struct RunMatcher<'a, I> {
    index: &'a I,
    members: &'a [Municipality],
    now: DateTime<Utc>,
    /// By scope and stored query.
    kept: HashMap<(AlertScope, String), Kept>,
    kept_matches: usize,
    /// Posting id → what a mail shows of it; `None`: not visible when it was read.
    postings: HashMap<i64, Option<Hit>>,
}

impl<'a, I: SearchIndex> RunMatcher<'a, I> {
    pub fn new(index: &'a I, members: &'a [Municipality], now: DateTime<Utc>) -> Self {
        Self {
            index,
            members,
            now,
            kept: HashMap::new(),
            kept_matches: 0,
            postings: HashMap::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// For each of `alerts`, the postings visible at the run's instant that match its search
    /// and were published at or after its `window_start`. The sent-log is the caller's to apply.
    /// A search asked in an earlier batch of the run is answered from what the run kept of it
    /// (the index is asked again only for a wider window).
    pub async fn new_ids(&mut self, alerts: &[SearchAlert]) -> Result<Matches, SearchError> {
        let mut groups: HashMap<(AlertScope, &str), Vec<usize>> = HashMap::new();
        for (i, a) in alerts.iter().enumerate() {
            groups
                .entry((a.scope, a.query.as_str()))
                .or_default()
                .push(i);
        }
        let mut known: Vec<(Vec<usize>, (AlertScope, String))> = Vec::new();
        let mut asked: Vec<(Vec<usize>, (AlertScope, String), i64)> = Vec::new();
        let mut queries = Vec::new();
        for ((scope, query), group) in groups {
            let since = group
                .iter()
                .map(|&i| alerts[i].window_start)
                .min()
                .unwrap_or(self.now);
            let key = (scope, query.to_owned());
            if self
                .kept
                .get(&key)
                .is_some_and(|k| k.covers(since.timestamp()))
            {
                known.push((group, key));
            } else if let Some(q) = self.query(scope, query, since) {
                queries.push(q);
                asked.push((group, key, since.timestamp()));
            }
        }
        let answers = self.index.matching(&queries, MAX_MATCHES).await?;
        let mut out = Matches {
            per_alert: vec![Vec::new(); alerts.len()],
            searches: queries.len() as u64,
        };
        for ((group, key, since), mut found) in asked.into_iter().zip(answers) {
            let complete = found.len() < MAX_MATCHES;
            found.retain(|m| m.published_ts >= since);
            found.sort_by_key(|m| std::cmp::Reverse((m.published_ts, m.id)));
            assign(&mut out, alerts, &group, &found);
            if self.kept_matches + found.len() <= MAX_KEPT_MATCHES {
                self.kept_matches += found.len();
                let old = self.kept.insert(
                    key,
                    Kept {
                        since,
                        complete,
                        found,
                    },
                );
                self.kept_matches -= old.map_or(0, |o| o.found.len());
            }
        }
        for (group, key) in known {
            if let Some(k) = self.kept.get(&key) {
                assign(&mut out, alerts, &group, &k.found);
            }
        }
        Ok(out)
    }

    /// The stored search as the results page would ask it, narrowed to postings published
    /// since `since`; `None` when it can no longer be asked (a value that names nothing any
    /// more, such as a municipality that left, must not widen it).
    fn query(&self, scope: AlertScope, query: &str, since: DateTime<Utc>) -> Option<SearchQuery> {
        let training = scope == AlertScope::Training;
        let (mut q, params) = parse(Some(query), self.members, training, 1).ok()?;
        if !params.unknown.is_empty() {
            return None;
        }
        let days = (self.now - since).num_seconds().max(0) / 86_400 + 1;
        q.published_within_days = Some(u32::try_from(days).unwrap_or(u32::MAX));
        q.sort = Sort::Newest;
        q.now = self.now;
        q.validate().is_ok().then_some(q)
    }

    /// Reads what mails show of those of `ids` not read yet in this run: postings visible at
    /// the run's instant, from the database's current rows (as the index documents are built).
    pub async fn load_postings(
        &mut self,
        db: &impl ConnectionTrait,
        ids: &[i64],
    ) -> Result<(), DbErr> {
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.postings.contains_key(id))
            .collect();
        for chunk in missing.chunks(500) {
            let (docs, gone) = document::load(db, chunk, self.now).await?;
            for d in docs {
                self.postings.insert(d.id, Some(Hit::from_document(d)));
            }
            for id in gone {
                self.postings.insert(id, None);
            }
        }
        Ok(())
    }

    /// What a mail shows of posting `id`, when it was read and visible.
    pub fn posting(&self, id: i64) -> Option<&Hit> {
        self.postings.get(&id).and_then(Option::as_ref)
    }
}

/// Each alert of `group` gets the matches of `found` (newest first) inside its own window.
fn assign(out: &mut Matches, alerts: &[SearchAlert], group: &[usize], found: &[Match]) {
    for &i in group {
        let start = alerts[i].window_start.timestamp();
        out.per_alert[i] = found
            .iter()
            .filter(|m| m.published_ts >= start)
            .map(|m| m.id)
            .collect();
    }
}
