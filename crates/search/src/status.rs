//! What the search index can answer right now, as the indexer sees it: for `/healthz` and the
//! readiness answer a load balancer asks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchState {
    /// Starting, rebuilding, or catching up with the outbox: answers may lack recent changes
    /// or, on a new index, everything.
    Rebuilding,
    /// Built and caught up with the outbox.
    Ready,
    /// The engine cannot be reached; writes wait in the outbox.
    Unreachable,
}

impl SearchState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rebuilding => "rebuilding",
            Self::Ready => "ready",
            Self::Unreachable => "unreachable",
        }
    }
}

/// Shared between the indexer (which sets it) and the web layer (which reports it). Starts as
/// [`SearchState::Rebuilding`]: nothing is known to be caught up before the indexer said so.
#[derive(Clone, Debug, Default)]
pub struct SearchStatus(Arc<AtomicU8>);

impl SearchStatus {
    pub fn get(&self) -> SearchState {
        match self.0.load(Ordering::Relaxed) {
            1 => SearchState::Ready,
            2 => SearchState::Unreachable,
            _ => SearchState::Rebuilding,
        }
    }

    pub fn set(&self, state: SearchState) {
        let code = match state {
            SearchState::Rebuilding => 0,
            SearchState::Ready => 1,
            SearchState::Unreachable => 2,
        };
        if self.0.swap(code, Ordering::Relaxed) != code {
            tracing::info!(search = state.as_str(), "search state changed");
        }
    }

    /// The state after `error`: unreachable if the engine could not be reached, else `otherwise`.
    pub fn failed(&self, error: &crate::SearchError, otherwise: SearchState) {
        self.set(match error {
            crate::SearchError::Unavailable(_) => SearchState::Unreachable,
            _ => otherwise,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_rebuilding_and_is_shared_between_clones() {
        let status = SearchStatus::default();
        let seen = status.clone();
        assert_eq!(seen.get(), SearchState::Rebuilding);
        status.set(SearchState::Ready);
        assert_eq!(seen.get(), SearchState::Ready);
        status.failed(
            &crate::SearchError::Unavailable("down".into()),
            SearchState::Ready,
        );
        assert_eq!(seen.get(), SearchState::Unreachable);
        status.failed(
            &crate::SearchError::Engine("refused".into()),
            SearchState::Rebuilding,
        );
        assert_eq!(seen.get().as_str(), "rebuilding");
    }
}
