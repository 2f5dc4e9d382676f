//! The publication lifecycle as pure functions over a posting's lifecycle state.
//!
//! ```text
//! draft ──publish──▶ published ──expire (deadline over)──▶ expired
//!   │  ◀─unpublish──    ▲  │                                 │
//!   └─schedule─▶ scheduled  └────archive──▶ archived ◀──archive┘
//!                 (due → published)          expired/archived ──republish──▶ published
//! ```
//! Each function returns the new state or a typed refusal; persisting it is the caller's job.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::types::PostingStatus;
use crate::audit::AuditAction;
use crate::berlin;

/// The part of a posting the lifecycle reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LifecycleState {
    pub status: PostingStatus,
    pub published_at: Option<DateTime<Utc>>,
    /// End of the application deadline day (Berlin).
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Transition {
    Publish,
    Schedule,
    PublishScheduled,
    Unpublish,
    Archive,
    Republish,
    Expire,
}

impl Transition {
    pub fn label(self) -> &'static str {
        match self {
            Self::Publish => "Veröffentlichen",
            Self::Schedule => "Veröffentlichung planen",
            Self::PublishScheduled => "Geplante Veröffentlichung",
            Self::Unpublish => "Zurückziehen",
            Self::Archive => "Archivieren",
            Self::Republish => "Erneut veröffentlichen",
            Self::Expire => "Ablaufen lassen",
        }
    }

    /// The action name recorded in the audit trail.
    pub fn audit_action(self) -> AuditAction {
        match self {
            Self::Publish => AuditAction::Published,
            Self::Schedule => AuditAction::Scheduled,
            Self::PublishScheduled => AuditAction::PublishedScheduled,
            Self::Unpublish => AuditAction::Unpublished,
            Self::Archive => AuditAction::Archived,
            Self::Republish => AuditAction::Republished,
            Self::Expire => AuditAction::Expired,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("„{}“ ist bei einer Anzeige im Status „{}“ nicht möglich.", .transition.label(), .from.label())]
    NotAllowed {
        transition: Transition,
        from: PostingStatus,
    },
    #[error(
        "Die Bewerbungsfrist ist bereits abgelaufen. Bitte zuerst eine neue Frist eintragen und speichern."
    )]
    DeadlinePassed,
    #[error("Der geplante Zeitpunkt muss in der Zukunft liegen.")]
    ScheduleInPast,
    #[error(
        "Der geplante Zeitpunkt liegt nach dem Ende der Bewerbungsfrist am {}.",
        berlin::format_date(berlin::today(*.expires_at - chrono::Duration::seconds(1)))
    )]
    ScheduleAfterDeadline { expires_at: DateTime<Utc> },
    #[error("Die Anzeige ist noch nicht fällig.")]
    NotDue,
}

type Outcome = Result<LifecycleState, LifecycleError>;

fn refuse(transition: Transition, from: PostingStatus) -> LifecycleError {
    LifecycleError::NotAllowed { transition, from }
}

/// Draft → published, now.
pub fn publish(s: LifecycleState, now: DateTime<Utc>) -> Outcome {
    if s.status != PostingStatus::Draft {
        return Err(refuse(Transition::Publish, s.status));
    }
    go_online(s, now)
}

/// Draft → scheduled for `at` (strictly in the future, before the deadline ends).
pub fn schedule(s: LifecycleState, at: DateTime<Utc>, now: DateTime<Utc>) -> Outcome {
    if s.status != PostingStatus::Draft {
        return Err(refuse(Transition::Schedule, s.status));
    }
    if at <= now {
        return Err(LifecycleError::ScheduleInPast);
    }
    if at >= s.expires_at {
        return Err(LifecycleError::ScheduleAfterDeadline {
            expires_at: s.expires_at,
        });
    }
    Ok(LifecycleState {
        status: PostingStatus::Scheduled,
        published_at: Some(at),
        ..s
    })
}

/// Scheduled and due → published (the scheduler's step). Publication keeps the planned time.
pub fn publish_scheduled(s: LifecycleState, now: DateTime<Utc>) -> Outcome {
    if s.status != PostingStatus::Scheduled {
        return Err(refuse(Transition::PublishScheduled, s.status));
    }
    match s.published_at {
        Some(at) if at <= now => {
            if s.expires_at <= now {
                return Err(LifecycleError::DeadlinePassed);
            }
            Ok(LifecycleState {
                status: PostingStatus::Published,
                ..s
            })
        }
        _ => Err(LifecycleError::NotDue),
    }
}

/// Published or scheduled → back to draft, offline.
pub fn unpublish(s: LifecycleState) -> Outcome {
    match s.status {
        PostingStatus::Published | PostingStatus::Scheduled => Ok(LifecycleState {
            status: PostingStatus::Draft,
            published_at: None,
            ..s
        }),
        other => Err(refuse(Transition::Unpublish, other)),
    }
}

/// Anything but archived → archived. The original publication date is kept for the record.
pub fn archive(s: LifecycleState) -> Outcome {
    match s.status {
        PostingStatus::Archived => Err(refuse(Transition::Archive, s.status)),
        PostingStatus::Scheduled => Ok(LifecycleState {
            status: PostingStatus::Archived,
            published_at: None,
            ..s
        }),
        _ => Ok(LifecycleState {
            status: PostingStatus::Archived,
            ..s
        }),
    }
}

/// Expired or archived → published again, with a new publication date.
pub fn republish(s: LifecycleState, now: DateTime<Utc>) -> Outcome {
    match s.status {
        PostingStatus::Expired | PostingStatus::Archived => go_online(s, now),
        other => Err(refuse(Transition::Republish, other)),
    }
}

/// Published (or scheduled) whose deadline day is over → expired.
pub fn expire(s: LifecycleState, now: DateTime<Utc>) -> Outcome {
    match s.status {
        PostingStatus::Published | PostingStatus::Scheduled => {
            if s.expires_at > now {
                return Err(LifecycleError::NotDue);
            }
            // A scheduled posting that expires never went online: no publication date.
            let published_at = if s.status == PostingStatus::Scheduled {
                None
            } else {
                s.published_at
            };
            Ok(LifecycleState {
                status: PostingStatus::Expired,
                published_at,
                ..s
            })
        }
        other => Err(refuse(Transition::Expire, other)),
    }
}

fn go_online(s: LifecycleState, now: DateTime<Utc>) -> Outcome {
    if s.expires_at <= now {
        return Err(LifecycleError::DeadlinePassed);
    }
    Ok(LifecycleState {
        status: PostingStatus::Published,
        published_at: Some(now),
        ..s
    })
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
