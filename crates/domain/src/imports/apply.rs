//! The upsert of a harvest: by (source, guid), never a duplicate.
//!
//! - a new guid → a published posting (`create_imported_posting`);
//! - a known guid with different content → `update_posting` (audit + outbox only for real
//!   changes); an archived or expired one whose deadline is open again is republished, so an
//!   item that vanished and came back is online again;
//! - a known guid with the same content → nothing is written at all (compared in memory, so a
//!   re-import of an unchanged feed costs one query);
//! - a guid that vanished from the source → archived.
//!
//! Items are written in batches, each batch one transaction with a savepoint per item: a bad
//! item rolls back only its own savepoint and is reported, the rest is imported.
//!
//! A run that holds a lease on its source ([`Held`]) renews it in every batch's transaction, so
//! a batch is written only while the run still holds the source: a run whose lease ran out and
//! was taken over stops before its next batch, and two runs never write one source's postings
//! at the same time.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, Utc};
use sea_orm::{
    ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait, prelude::*,
};

use super::item::HarvestedItem;
use super::sources::{self, ImportSource, Lease};
use crate::actor::Actor;
use crate::entities::posting;
use crate::error::{DomainError, DomainResult};
use crate::postings::mutations::{self, ImportOrigin};
use crate::postings::publishing::{self, Request};
use crate::postings::queries::Posting;
use crate::postings::{PostingDraft, PostingStatus};
use crate::{berlin, municipalities};

#[derive(Clone, Copy, Debug)]
pub struct ApplyOptions {
    /// Deadline of a new posting whose item names none: this many days after today.
    pub default_deadline_days: u32,
    /// Items per transaction.
    pub batch_size: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            default_deadline_days: 30,
            batch_size: 250,
        }
    }
}

/// An item that was not imported, and why (German, for the status view).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFailure {
    pub item: String,
    pub reason: String,
}

impl std::fmt::Display for ItemFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.item, self.reason)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportReport {
    pub new: u64,
    pub updated: u64,
    pub archived: u64,
    pub unchanged: u64,
    /// Items skipped: malformed, invalid, duplicate guid, deadline over.
    pub failed: Vec<ItemFailure>,
    /// Fields left out of items that were imported without them (an e-mail address that is
    /// not fit for a `mailto:` link, say).
    pub skipped_fields: Vec<ItemFailure>,
}

/// What a run read from its source: the items, and those the parser already rejected.
#[derive(Clone, Debug, Default)]
pub struct Harvest {
    pub items: Vec<HarvestedItem>,
    pub failed: Vec<ItemFailure>,
}

/// A run's lease on its source, renewed by `length` in each write transaction of the run.
#[derive(Debug)]
pub struct Held<'a> {
    pub lease: &'a mut Lease,
    pub length: chrono::Duration,
    /// When the run's `now` was taken: a renewal is dated `now` plus the time since.
    pub since: std::time::Instant,
}

impl Held<'_> {
    /// Renew the lease inside `txn`; [`DomainError::Refused`] when the run no longer holds the
    /// source (the caller's transaction then rolls back).
    async fn renew_in(
        &mut self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> DomainResult<()> {
        let at = now + chrono::Duration::from_std(self.since.elapsed()).unwrap_or_default();
        if sources::renew(txn, self.lease, self.length, at).await? {
            return Ok(());
        }
        Err(DomainError::Refused(LEASE_LOST.into()))
    }
}

/// Why saving stopped when the lease was lost.
pub const LEASE_LOST: &str = "Die Sperre der Quelle lief während des Speicherns ab; das Speichern wurde abgebrochen, damit nicht zwei Abrufe dieselbe Quelle bearbeiten. Ein Teil der Stellen kann übernommen sein, nichts wurde archiviert; der nächste Abruf gleicht ab.";

/// A feed's address that could smuggle headers or recipients into a `mailto:` link costs the
/// posting that address, not the posting: applicants still find the way to apply on the
/// item's page (which becomes the way to apply, as when the item names no address).
fn drop_unsafe_addresses(
    draft: &mut PostingDraft,
    item: &HarvestedItem,
    skipped: &mut Vec<ItemFailure>,
) {
    let fields = [
        ("Bewerbungsadresse", &mut draft.apply_email),
        ("Kontaktadresse", &mut draft.contact_email),
    ];
    for (label, field) in fields {
        if let Some(address) = field.take_if(|a| !crate::mailbox::is_public(a)) {
            skipped.push(ItemFailure {
                item: item.guid.clone(),
                reason: format!(
                    "{label} „{address}“ weggelassen: keine einfache E-Mail-Adresse (erlaubt sind Buchstaben, Ziffern und . - _ +)."
                ),
            });
        }
    }
    if draft.apply_email.is_none() && draft.apply_url.is_none() {
        draft.apply_url.clone_from(&item.url);
    }
}

/// Apply one complete harvest of `source`. Its `failed` items count as seen, so a posting is not
/// archived just because its item is broken today. `progress(done, total)` is called after
/// every batch. With `held`, every batch renews the run's lease first (see the module doc).
pub async fn apply_harvest<C>(
    db: &C,
    source: &ImportSource,
    harvest: Harvest,
    options: ApplyOptions,
    now: DateTime<Utc>,
    mut held: Option<Held<'_>>,
    mut progress: impl FnMut(u64, u64),
) -> DomainResult<ImportReport>
where
    C: ConnectionTrait + TransactionTrait,
{
    let owner = municipalities::find_by_id(db, source.municipality_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let actor = Actor::import(source.id);
    let default_deadline = berlin::today(now)
        .checked_add_days(Days::new(u64::from(options.default_deadline_days)))
        .unwrap_or_else(|| berlin::today(now));
    let existing = existing_postings(db, source.id).await?;

    let Harvest { items, failed } = harvest;
    let mut report = ImportReport::default();
    let mut seen: HashSet<String> = failed.iter().map(|f| f.item.clone()).collect();
    report.failed = failed;
    let total = items.len() as u64;
    let mut done = 0;
    for batch in items.chunks(options.batch_size.max(1)) {
        let txn = crate::db::begin_write(db).await?;
        if let Some(held) = held.as_mut() {
            held.renew_in(&txn, now).await?;
        }
        for item in batch {
            if !seen.insert(item.guid.clone()) {
                report.failed.push(ItemFailure {
                    item: item.guid.clone(),
                    reason: "Die Kennung kommt in der Quelle mehrfach vor; nur der erste Eintrag wurde übernommen.".into(),
                });
                continue;
            }
            let before = existing.get(&item.guid);
            let current = match before {
                Some(p) => Some(
                    PostingDraft::from_model(p, mutations::partner_drafts(&txn, p.id).await?)
                        .normalized(),
                ),
                None => None,
            };
            let mut draft = item.to_draft(source.id, &owner, current.as_ref(), default_deadline);
            drop_unsafe_addresses(&mut draft, item, &mut report.skipped_fields);
            let outcome = match (before, current) {
                (Some(p), Some(current)) => {
                    upsert_known(&txn, p, current, draft, &actor, now).await
                }
                _ => {
                    let origin = ImportOrigin {
                        source_id: source.id,
                        guid: item.guid.clone(),
                    };
                    mutations::create_imported_posting(
                        &txn,
                        source.municipality_id,
                        origin,
                        draft,
                        &actor,
                        now,
                    )
                    .await
                    .map(|_| Upsert::New)
                }
            };
            tally(&mut report, outcome, &item.guid)?;
        }
        txn.commit().await?;
        done += batch.len() as u64;
        progress(done, total);
    }

    let vanished = Vanished {
        existing: &existing,
        seen: &seen,
    };
    report.archived = archive_vanished(db, vanished, options, &actor, now, held).await?;
    Ok(report)
}

/// The postings this source brought in before, by their guid in the source.
async fn existing_postings<C: ConnectionTrait>(
    db: &C,
    source_id: i64,
) -> DomainResult<HashMap<String, Posting>> {
    Ok(posting::Entity::find()
        .filter(posting::Column::SourceId.eq(source_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| Some((p.external_guid.clone()?, p)))
        .collect())
}

/// One item's outcome counted; a database error ends the harvest, any other error only skips
/// the item.
fn tally(report: &mut ImportReport, outcome: DomainResult<Upsert>, guid: &str) -> DomainResult<()> {
    match outcome {
        Ok(Upsert::New) => report.new += 1,
        Ok(Upsert::Updated) => report.updated += 1,
        Ok(Upsert::Unchanged) => report.unchanged += 1,
        Err(DomainError::Db(e)) => return Err(DomainError::Db(e)),
        Err(e) => report.failed.push(ItemFailure {
            item: guid.to_owned(),
            reason: reason(&e),
        }),
    }
    Ok(())
}

/// Archives the published or expired postings whose guid the source no longer lists; returns
/// how many.
async fn archive_vanished<C>(
    db: &C,
    Vanished { existing, seen }: Vanished<'_>,
    options: ApplyOptions,
    actor: &Actor,
    now: DateTime<Utc>,
    mut held: Option<Held<'_>>,
) -> DomainResult<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut archived = 0;
    let vanished: Vec<&Posting> = existing
        .values()
        .filter(|p| !seen.contains(p.external_guid.as_deref().unwrap_or_default()))
        .filter(|p| matches!(p.status, PostingStatus::Published | PostingStatus::Expired))
        .collect();
    for batch in vanished.chunks(options.batch_size.max(1)) {
        let txn = crate::db::begin_write(db).await?;
        if let Some(held) = held.as_mut() {
            held.renew_in(&txn, now).await?;
        }
        for p in batch {
            publishing::transition(&txn, p.id, p.version, Request::Archive, actor, now).await?;
            archived += 1;
        }
        txn.commit().await?;
    }
    Ok(archived)
}

/// The source's postings before the run, and the guids the run saw.
struct Vanished<'a> {
    existing: &'a HashMap<String, Posting>,
    seen: &'a HashSet<String>,
}

enum Upsert {
    New,
    Updated,
    Unchanged,
}

async fn upsert_known<C>(
    db: &C,
    before: &Posting,
    current: PostingDraft,
    draft: PostingDraft,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Upsert>
where
    C: ConnectionTrait + TransactionTrait,
{
    let offline = matches!(
        before.status,
        PostingStatus::Archived | PostingStatus::Expired
    );
    let reopens = offline && berlin::end_of_day(draft.application_deadline) > now;
    if current == draft && !reopens {
        return Ok(Upsert::Unchanged);
    }
    let sp = crate::db::begin_write(db).await?;
    let mut p = before.clone();
    if current != draft {
        p = mutations::update_posting(&sp, p.id, p.version, draft, actor, now).await?;
    }
    if reopens {
        publishing::transition(&sp, p.id, p.version, Request::Republish, actor, now).await?;
    }
    sp.commit().await?;
    Ok(Upsert::Updated)
}

/// The reason in German: every validation message, or the refusal.
fn reason(e: &DomainError) -> String {
    match e {
        DomainError::Validation(v) => v.to_string(),
        other => other.to_string(),
    }
}
