//! The in-memory tally: events added up per (day, posting, event, source) in a few mutexed maps
//! (sharded by posting, so concurrent requests rarely wait on each other), taken out and written
//! by the server's flush task every little while and at shutdown.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use jobboard_domain::berlin;
use jobboard_domain::stats::counts::{self, Count};
use jobboard_domain::stats::{CountEvent, TrafficSource};
use sea_orm::DatabaseConnection;

const SHARDS: usize = 16;

type Key = (NaiveDate, i64, CountEvent, TrafficSource);

/// Counts waiting to be written. `enabled` false: nothing is counted (`JOBBOARD_COUNTING=off`).
pub struct Counter {
    enabled: bool,
    shards: Vec<Mutex<HashMap<Key, u64>>>,
}

impl Default for Counter {
    fn default() -> Self {
        Self::new(true)
    }
}

impl Counter {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    fn shard(&self, posting_id: i64) -> &Mutex<HashMap<Key, u64>> {
        &self.shards[posting_id.rem_euclid(SHARDS as i64) as usize]
    }

    /// One event now (its day in Berlin).
    pub fn add(&self, posting_id: i64, event: CountEvent, source: TrafficSource) {
        self.add_many(&[posting_id], event, source);
    }

    /// A search impression from `source` for each posting a list shows (a results page, the
    /// start page, a member's page, an embedded list).
    pub fn listed(&self, hits: &[jobboard_search::Hit], source: TrafficSource) {
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        self.add_many(&ids, CountEvent::Impression, source);
    }

    /// One event for each of `ids` now (a results page listing them).
    pub fn add_many(&self, ids: &[i64], event: CountEvent, source: TrafficSource) {
        if !self.enabled || ids.is_empty() {
            return;
        }
        let day = berlin::today(Utc::now());
        for &id in ids {
            if let Ok(mut map) = self.shard(id).lock() {
                *map.entry((day, id, event, source)).or_default() += 1;
            }
        }
    }

    fn put_back(&self, counts: &[Count]) {
        for c in counts {
            if let Ok(mut map) = self.shard(c.posting_id).lock() {
                *map.entry((c.day, c.posting_id, c.event, c.source))
                    .or_default() += c.count;
            }
        }
    }

    /// Everything counted so far, leaving the tally empty.
    pub fn take(&self) -> Vec<Count> {
        let mut out = Vec::new();
        for shard in &self.shards {
            let drained = match shard.lock() {
                Ok(mut map) => std::mem::take(&mut *map),
                Err(_) => continue,
            };
            out.extend(
                drained
                    .into_iter()
                    .map(|((day, posting_id, event, source), count)| Count {
                        day,
                        posting_id,
                        event,
                        source,
                        count,
                    }),
            );
        }
        out
    }

    /// Write what was counted; on failure it is kept for the next flush. Returns the rows
    /// written.
    pub async fn flush(&self, db: &DatabaseConnection) -> Result<usize, sea_orm::DbErr> {
        let counts = self.take();
        if counts.is_empty() {
            return Ok(0);
        }
        match counts::flush(db, &counts).await {
            Ok(()) => Ok(counts.len()),
            Err(e) => {
                self.put_back(&counts);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_add_up_per_key_and_take_empties_the_tally() {
        let c = Counter::new(true);
        c.add(1, CountEvent::View, TrafficSource::Board);
        c.add(1, CountEvent::View, TrafficSource::Board);
        c.add_many(&[1, 2, 17], CountEvent::Impression, TrafficSource::Board);
        let mut taken = c.take();
        taken.sort_by_key(|x| (x.posting_id, x.event));
        let flat: Vec<_> = taken
            .iter()
            .map(|x| (x.posting_id, x.event, x.count))
            .collect();
        assert_eq!(
            flat,
            vec![
                (1, CountEvent::View, 2),
                (1, CountEvent::Impression, 1),
                (2, CountEvent::Impression, 1),
                (17, CountEvent::Impression, 1)
            ]
        );
        assert!(c.take().is_empty());
        c.put_back(&taken);
        assert_eq!(c.take().len(), 4);
        let off = Counter::new(false);
        off.add(1, CountEvent::View, TrafficSource::Board);
        assert!(off.take().is_empty());
    }
}
