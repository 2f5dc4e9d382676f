//! Which postings are new for each alert, computed with the search the results pages use: the
//! same parser reads the stored query string, the same index answers it (its text, filters and
//! visibility), only leaner: [`SearchIndex::matching`] gives ids and publication instants, no
//! facets, snippets or stored fields, and one engine call answers a whole batch.
//!
//! Alerts with the same search are asked once per batch; the search is narrowed to postings
//! published within the widest window of the group, and each alert then keeps the hits inside
//! its own window. What a mail shows of a posting is read from the database once per run
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

/// The matching of one run: its instant, and what its mails show of each posting, read once.
pub struct RunMatcher<'a, I> {
    index: &'a I,
    members: &'a [Municipality],
    now: DateTime<Utc>,
    /// Posting id → what a mail shows of it; `None`: not visible when it was read.
    postings: HashMap<i64, Option<Hit>>,
}

impl<'a, I: SearchIndex> RunMatcher<'a, I> {
    pub fn new(index: &'a I, members: &'a [Municipality], now: DateTime<Utc>) -> Self {
        Self {
            index,
            members,
            now,
            postings: HashMap::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// For each of `alerts`, the postings visible at the run's instant that match its search
    /// and were published at or after its `window_start`. The sent-log is the caller's to apply.
    pub async fn new_ids(&self, alerts: &[SearchAlert]) -> Result<Matches, SearchError> {
        let mut groups: HashMap<(AlertScope, &str), Vec<usize>> = HashMap::new();
        for (i, a) in alerts.iter().enumerate() {
            groups
                .entry((a.scope, a.query.as_str()))
                .or_default()
                .push(i);
        }
        let mut asked: Vec<(Vec<usize>, i64)> = Vec::with_capacity(groups.len());
        let mut queries = Vec::with_capacity(groups.len());
        for ((scope, query), group) in groups {
            let since = group
                .iter()
                .map(|&i| alerts[i].window_start)
                .min()
                .unwrap_or(self.now);
            if let Some(q) = self.query(scope, query, since) {
                queries.push(q);
                asked.push((group, since.timestamp()));
            }
        }
        let answers = self.index.matching(&queries, MAX_MATCHES).await?;
        let mut out = Matches {
            per_alert: vec![Vec::new(); alerts.len()],
            searches: queries.len() as u64,
        };
        for ((group, since), mut found) in asked.into_iter().zip(answers) {
            found.retain(|m| m.published_ts >= since);
            found.sort_by_key(|m| std::cmp::Reverse((m.published_ts, m.id)));
            for i in group {
                let start = alerts[i].window_start.timestamp();
                out.per_alert[i] = found
                    .iter()
                    .filter(|m: &&Match| m.published_ts >= start)
                    .map(|m| m.id)
                    .collect();
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
