//! Actions on several postings at once (archive, extend the deadline, duplicate, mark filled), as an
//! officer selects them in the overview. Each posting is changed in a transaction of its own
//! through the audited-change pipeline, at the version the officer saw: a stale, foreign or
//! refused posting is reported and left unchanged, and does not keep the others from being done.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, IntoActiveModel, TransactionSession, TransactionTrait,
};

use super::draft::PostingDraft;
use super::mutations;
use super::publishing::{Request, transition};
use super::queries::{self, Posting};
use crate::actor::Actor;
use crate::audit::AuditAction;
use crate::error::{DomainError, DomainResult};
use crate::record::{self, Target, Versioned};
use crate::{berlin, db};

/// The most days a deadline may be moved by at once.
pub const MAX_EXTENSION_DAYS: u32 = 365;

/// What is done to each selected posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Archive,
    /// Move the application deadline this many days (1 to [`MAX_EXTENSION_DAYS`]) later.
    ExtendDeadline(u32),
    /// A new draft with the posting's content and a free Kennziffer.
    Duplicate,
    /// Filled („besetzt“) on this day: archived with the day, as the editor marks it
    /// ([`crate::stats::filling::mark_filled`]).
    MarkFilled(NaiveDate),
}

/// One selected posting: its id and the version the officer saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selected {
    pub id: i64,
    pub version: i32,
}

/// What happened to one selected posting.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub id: i64,
    /// The posting as it is now (after the change, or unchanged); `None` when it is not one of
    /// the municipality's postings (unknown or foreign: which of the two is not revealed).
    pub posting: Option<Posting>,
    /// Done: the copy, for [`Action::Duplicate`]. Not done: why, in German.
    pub result: Result<Option<Posting>, String>,
}

/// Apply `action` to every posting of `selection` that belongs to `owner`, each in its own
/// transaction; `refuse` may keep a posting out with a German reason (the workspace's rule for
/// imported postings). Outcomes come in the order of the selection; an id selected twice is
/// done once. Only a failure of the database itself ends the run early.
pub async fn apply<C>(
    db: &C,
    owner: i64,
    selection: &[Selected],
    action: Action,
    refuse: impl Fn(&Posting) -> Option<String>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Vec<Outcome>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut seen = std::collections::HashSet::new();
    let mut outcomes = Vec::new();
    for s in selection.iter().filter(|s| seen.insert(s.id)) {
        let found = queries::find_by_id(db, s.id)
            .await?
            .filter(|p| p.municipality_id == owner);
        let Some(posting) = found else {
            outcomes.push(Outcome {
                id: s.id,
                posting: None,
                result: Err("Diese Anzeige gibt es in Ihrer Kommune nicht.".into()),
            });
            continue;
        };
        if let Some(why) = refuse(&posting) {
            outcomes.push(Outcome {
                id: s.id,
                posting: Some(posting),
                result: Err(why),
            });
            continue;
        }
        let done = match action {
            Action::Archive => transition(db, s.id, s.version, Request::Archive, actor, now)
                .await
                .map(|p| (p, None)),
            Action::ExtendDeadline(days) => extend_deadline(db, s.id, s.version, days, actor, now)
                .await
                .map(|p| (p, None)),
            Action::Duplicate => duplicate_at(db, s.id, s.version, actor, now)
                .await
                .map(|copy| (posting.clone(), Some(copy))),
            Action::MarkFilled(day) => {
                crate::stats::filling::mark_filled(db, s.id, s.version, day, actor, now)
                    .await
                    .map(|p| (p, None))
            }
        };
        outcomes.push(match done {
            Ok((after, copy)) => Outcome {
                id: s.id,
                posting: Some(after),
                result: Ok(copy),
            },
            Err(DomainError::Db(e)) => return Err(DomainError::Db(e)),
            Err(e) => Outcome {
                id: s.id,
                posting: Some(posting),
                result: Err(reason(action, &e)),
            },
        });
    }
    Ok(outcomes)
}

/// Why a posting was not done, as the officer reads it: the rules' own messages without the
/// form's field names.
fn reason(action: Action, e: &DomainError) -> String {
    match e {
        // The day itself was refused (before the first publication, in the future, never
        // published): the rule's own words.
        DomainError::Validation(errors) if matches!(action, Action::MarkFilled(_)) => errors
            .0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        DomainError::Validation(errors) => {
            let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
            format!(
                "Danach wäre die Anzeige nicht mehr gültig: {}",
                messages.join(" ")
            )
        }
        other => other.to_string(),
    }
}

/// Move the application deadline of posting `id` (at `expected_version`) `days` later, with
/// the day its public page goes offline; every rule of a posting is checked for the new
/// deadline. Recorded as [`AuditAction::DeadlineChanged`]; the status stays (an expired posting
/// is republished on its own).
pub async fn extend_deadline<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    days: u32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    if !(1..=MAX_EXTENSION_DAYS).contains(&days) {
        return Err(DomainError::Refused(format!(
            "Eine Frist kann um 1 bis {MAX_EXTENSION_DAYS} Tage verlängert werden."
        )));
    }
    let txn = db::begin_write(db).await?;
    let before: Posting = record::lock_version(&txn, id, expected_version).await?;
    let deadline = before
        .application_deadline
        .checked_add_days(Days::new(days.into()))
        .ok_or_else(|| DomainError::Refused("Dieses Datum liegt zu weit in der Zukunft.".into()))?;
    let partners = queries::partners_of(&txn, id)
        .await?
        .into_iter()
        .map(|p| super::PartnerDraft {
            municipality_id: p.municipality_id,
            note: p.note,
        })
        .collect();
    let mut draft = PostingDraft::from_model(&before, partners);
    draft.application_deadline = deadline;
    Posting::check(&txn, &draft, Target::Existing(&before))
        .await?
        .into_result()?;
    let mut am = before.clone().into_active_model();
    am.application_deadline = Set(deadline);
    am.expires_at = Set(berlin::end_of_day(deadline));
    let saved = record::write(
        &txn,
        &before,
        am,
        None,
        AuditAction::DeadlineChanged,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved.row)
}

/// Duplicate posting `id` if it is still at `expected_version` (the copy has the content the
/// officer saw).
async fn duplicate_at<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = db::begin_write(db).await?;
    record::lock_version::<Posting>(&txn, id, expected_version).await?;
    let copy = mutations::duplicate_posting(&txn, id, actor, now).await?;
    txn.commit().await?;
    Ok(copy)
}
