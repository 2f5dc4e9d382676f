//! Which postings are new for each alert, computed with the search the results pages use: the
//! same parser reads the stored query string, the same index answers it. Alerts with the same
//! search are asked once; the search is narrowed to postings published within the widest
//! window of the group, and each alert then keeps the hits inside its own window.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use jobboard_domain::alerts::{AlertScope, SearchAlert};
use jobboard_domain::municipalities::Municipality;
use jobboard_search::{Hit, SearchError, SearchIndex, Sort};

use crate::search_params::parse;

/// Hits a page while collecting; the most the engine gives at once.
const PER_PAGE: u32 = 100;
/// Pages read for one search: more new postings than this in one period are not listed.
const MAX_PAGES: u32 = 5;

/// The new hits of a set of alerts.
#[derive(Debug, Default)]
pub struct Matches {
    /// Every hit that is new for some alert, by posting id.
    pub hits: HashMap<i64, Hit>,
    /// Per alert (in the order given): ids of its new hits, newest first.
    pub per_alert: Vec<Vec<i64>>,
    /// Searches the engine answered (distinct stored searches × pages).
    pub searches: u64,
}

/// For each of `alerts`, the postings visible at `now` that match its search and were
/// published at or after its `window_start`. The sent-log is the caller's to apply.
pub async fn new_hits(
    index: &impl SearchIndex,
    members: &[Municipality],
    alerts: &[SearchAlert],
    now: DateTime<Utc>,
) -> Result<Matches, SearchError> {
    let mut groups: HashMap<(AlertScope, &str), Vec<usize>> = HashMap::new();
    for (i, a) in alerts.iter().enumerate() {
        groups
            .entry((a.scope, a.query.as_str()))
            .or_default()
            .push(i);
    }
    let mut out = Matches {
        per_alert: vec![Vec::new(); alerts.len()],
        ..Matches::default()
    };
    for ((scope, query), members_of_group) in groups {
        let since = members_of_group
            .iter()
            .map(|&i| alerts[i].window_start)
            .min()
            .unwrap_or(now);
        let (hits, searches) = search_since(index, members, scope, query, since, now).await?;
        out.searches += searches;
        for &i in &members_of_group {
            let start = alerts[i].window_start.timestamp();
            out.per_alert[i] = hits
                .iter()
                .filter(|h| h.published_ts >= start)
                .map(|h| h.id)
                .collect();
        }
        for h in hits {
            out.hits.entry(h.id).or_insert(h);
        }
    }
    Ok(out)
}

/// The hits of one stored search published at or after `since`, newest first.
async fn search_since(
    index: &impl SearchIndex,
    members: &[Municipality],
    scope: AlertScope,
    query: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Vec<Hit>, u64), SearchError> {
    let training = scope == AlertScope::Training;
    let Ok((mut q, params)) = parse(Some(query), members, training, PER_PAGE) else {
        return Ok((Vec::new(), 0));
    };
    // A value that names nothing any more (a municipality that left) must not widen the search.
    if !params.unknown.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let days = (now - since).num_seconds().max(0) / 86_400 + 1;
    q.published_within_days = Some(u32::try_from(days).unwrap_or(u32::MAX));
    q.sort = Sort::Newest;
    q.now = now;
    let since = since.timestamp();
    let mut hits = Vec::new();
    let mut searches = 0;
    for page in 1..=MAX_PAGES {
        q.page = page;
        let results = index.search(&q).await?;
        searches += 1;
        let full = results.hits.len() == PER_PAGE as usize;
        let older = results.hits.last().is_some_and(|h| h.published_ts < since);
        hits.extend(results.hits.into_iter().filter(|h| h.published_ts >= since));
        if !full || older {
            break;
        }
    }
    Ok((hits, searches))
}
