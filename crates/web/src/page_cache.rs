//! A small in-process cache of rendered search result pages.
//!
//! A page is served from here only while rendering it again would give exactly the same bytes:
//! - same normalized address (the understood parameters in their order, the page number);
//! - same index generation ([`jobboard_search::Snapshot`]): every write to the embedded index
//!   starts a new one, so an edit, publication or removal shows at once;
//! - same member list (the members cache hands out a new list when it refreshes);
//! - before the instant the page was valid until: the next moment any indexed posting expires or
//!   goes online (visibility is decided at query time), and the next midnight in Berlin (days
//!   left on the cards).
//!
//! Only engines that can name their generation take part (the embedded one; Meilisearch may be
//! written by other processes, so its pages are never cached). Bounded: at most
//! `JOBBOARD_PAGE_CACHE` pages (default [`ENTRIES`]), least recently used out first, pages over
//! [`MAX_PAGE_BYTES`] not kept.
//!
//! Each page keeps the ids of the postings it lists, so a page served from here still counts
//! its search impressions (see `stats`).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use jobboard_domain::berlin;
use jobboard_domain::municipalities::Municipality;
use jobboard_search::Snapshot;
use lru::LruCache;

pub const ENTRIES: usize = 512;
pub const MAX_PAGE_BYTES: usize = 256 * 1024;

/// `None`: switched off.
pub struct PageCache(Option<Mutex<LruCache<String, Entry>>>);

struct Entry {
    generation: u64,
    members: Arc<Vec<Municipality>>,
    /// Unix seconds: served while the current second is before this.
    valid_until: i64,
    body: Bytes,
    /// The postings the page lists.
    ids: Arc<[i64]>,
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new(ENTRIES)
    }
}

impl PageCache {
    /// At most `entries` pages; 0 switches the cache off.
    pub fn new(entries: usize) -> Self {
        Self(NonZeroUsize::new(entries).map(|n| Mutex::new(LruCache::new(n))))
    }

    /// The page stored under `key`, if it is still exactly what would be rendered now.
    pub fn get(
        &self,
        key: &str,
        snapshot: Snapshot,
        members: &Arc<Vec<Municipality>>,
        now: DateTime<Utc>,
    ) -> Option<(Bytes, Arc<[i64]>)> {
        let mut entries = self.0.as_ref()?.lock().ok()?;
        let entry = entries.get(key)?;
        if entry.generation == snapshot.generation
            && Arc::ptr_eq(&entry.members, members)
            && now.timestamp() < entry.valid_until
        {
            Some((entry.body.clone(), entry.ids.clone()))
        } else {
            entries.pop(key);
            None
        }
    }

    /// Keep a page rendered at `now` from an index in state `snapshot` (taken before searching),
    /// listing the postings `ids`.
    pub fn put(
        &self,
        key: String,
        snapshot: Snapshot,
        members: &Arc<Vec<Municipality>>,
        now: DateTime<Utc>,
        body: Bytes,
        ids: Arc<[i64]>,
    ) {
        if body.len() > MAX_PAGE_BYTES {
            return;
        }
        let midnight = berlin::start_of_day(berlin::today(now) + chrono::Days::new(1)).timestamp();
        let valid_until = snapshot.valid_until.min(midnight);
        if now.timestamp() >= valid_until {
            return;
        }
        if let Some(Ok(mut entries)) = self.0.as_ref().map(Mutex::lock) {
            entries.put(
                key,
                Entry {
                    generation: snapshot.generation,
                    members: members.clone(),
                    valid_until,
                    body,
                    ids,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn ids() -> Arc<[i64]> {
        Arc::from(vec![1, 2])
    }

    fn members() -> Arc<Vec<Municipality>> {
        Arc::new(vec![])
    }

    fn snapshot(generation: u64, valid_until: &str) -> Snapshot {
        Snapshot {
            generation,
            valid_until: at(valid_until).timestamp(),
        }
    }

    #[test]
    fn a_page_is_served_until_the_index_changes() {
        let cache = PageCache::new(4);
        let m = members();
        let now = at("2026-11-21T10:00:00Z");
        let s = snapshot(7, "2026-11-25T00:00:00Z");
        cache.put(
            "/stellen".into(),
            s,
            &m,
            now,
            Bytes::from_static(b"page"),
            ids(),
        );
        assert_eq!(cache.get("/stellen", s, &m, now).unwrap().0, "page");
        assert!(cache.get("/stellen?q=x", s, &m, now).is_none());
        assert!(
            cache
                .get("/stellen", snapshot(8, "2026-11-25T00:00:00Z"), &m, now)
                .is_none()
        );
        assert!(
            cache.get("/stellen", s, &m, now).is_none(),
            "a stale page is dropped"
        );
    }

    #[test]
    fn a_page_is_never_served_from_the_instant_a_posting_expires() {
        let cache = PageCache::new(4);
        let m = members();
        let now = at("2026-11-21T10:00:00Z");
        let s = snapshot(1, "2026-11-21T10:00:05Z");
        cache.put(
            "/stellen".into(),
            s,
            &m,
            now,
            Bytes::from_static(b"page"),
            ids(),
        );
        assert!(
            cache
                .get("/stellen", s, &m, at("2026-11-21T10:00:04.999Z"))
                .is_some()
        );
        assert!(
            cache
                .get("/stellen", s, &m, at("2026-11-21T10:00:05Z"))
                .is_none()
        );
    }

    #[test]
    fn a_page_is_not_served_past_midnight_in_berlin_nor_with_new_members() {
        let cache = PageCache::new(4);
        let m = members();
        // 22:59:59 UTC is 23:59:59 in Berlin in November: "noch 3 Tage" becomes "noch 2 Tage".
        let now = at("2026-11-21T22:59:00Z");
        let s = snapshot(1, "2026-12-31T00:00:00Z");
        cache.put(
            "/stellen".into(),
            s,
            &m,
            now,
            Bytes::from_static(b"page"),
            ids(),
        );
        assert!(
            cache
                .get("/stellen", s, &m, at("2026-11-21T22:59:59Z"))
                .is_some()
        );
        assert!(
            cache
                .get("/stellen", s, &m, at("2026-11-21T23:00:00Z"))
                .is_none()
        );
        cache.put(
            "/stellen".into(),
            s,
            &m,
            now,
            Bytes::from_static(b"page"),
            ids(),
        );
        assert!(cache.get("/stellen", s, &members(), now).is_none());
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = PageCache::new(2);
        let m = members();
        let now = at("2026-11-21T10:00:00Z");
        let s = snapshot(1, "2026-11-25T00:00:00Z");
        for key in ["a", "b", "c"] {
            cache.put(key.into(), s, &m, now, Bytes::from_static(b"page"), ids());
        }
        assert!(
            cache.get("a", s, &m, now).is_none(),
            "least recently used out"
        );
        assert!(cache.get("c", s, &m, now).is_some());
        cache.put(
            "big".into(),
            s,
            &m,
            now,
            Bytes::from(vec![b'x'; MAX_PAGE_BYTES + 1]),
            ids(),
        );
        assert!(cache.get("big", s, &m, now).is_none());
    }

    #[test]
    fn a_cache_of_no_pages_keeps_nothing() {
        let cache = PageCache::new(0);
        let m = members();
        let now = at("2026-11-21T10:00:00Z");
        let s = snapshot(1, "2026-11-25T00:00:00Z");
        cache.put(
            "/stellen".into(),
            s,
            &m,
            now,
            Bytes::from_static(b"page"),
            ids(),
        );
        assert!(cache.get("/stellen", s, &m, now).is_none());
    }
}
