//! A posting marked filled („besetzt“) with the day the position was filled: it leaves the
//! public listings as an archived posting does (it is archived in the same change), and its
//! time to fill is that day minus its first publication.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    TransactionSession, TransactionTrait,
};

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::berlin;
use crate::entities::audit_entry;
use crate::error::DomainResult;
use crate::postings::lifecycle;
use crate::postings::publishing::state_of;
use crate::postings::queries::Posting;
use crate::postings::types::PostingStatus;
use crate::postings::validation::ValidationErrors;
use crate::record;

/// The form field of the day, for errors beside it.
pub const FIELD: &str = "filled_on";

/// Mark posting `id` (at `expected_version`) filled on `filled_on`: archived, with the day, one
/// audit entry ([`AuditAction::Filled`]) and an outbox row, in one transaction. The day must lie
/// between its first publication and today; a posting never published cannot be filled.
pub async fn mark_filled<C>(
    db: &C,
    id: i64,
    expected_version: i32,
    filled_on: NaiveDate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<Posting>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let first = first_publications(&txn, &[id]).await?.get(&id).copied();
    let saved = record::change::<Posting>(
        &txn,
        id,
        expected_version,
        AuditAction::Filled,
        actor,
        now,
        |before, am| {
            let mut errors = ValidationErrors::default();
            let first = first.or(before.published_at.map(berlin::today));
            match first {
                None => errors.add(
                    FIELD,
                    "Die Anzeige war noch nicht veröffentlicht; sie kann nicht als besetzt gelten.",
                ),
                Some(f) if filled_on < f => errors.add(
                    FIELD,
                    format!(
                        "Das Datum liegt vor der ersten Veröffentlichung am {}.",
                        berlin::format_date(f)
                    ),
                ),
                Some(_) if filled_on > berlin::today(now) => {
                    errors.add(FIELD, "Das Datum liegt in der Zukunft.");
                }
                Some(_) => {}
            }
            errors.into_result()?;
            if before.status != PostingStatus::Archived {
                let next = lifecycle::archive(state_of(before))?;
                am.status = Set(next.status);
                am.published_at = Set(next.published_at);
            }
            am.filled_on = Set(Some(filled_on));
            Ok(())
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved.row)
}

/// The day (Berlin) each of `ids` first went online, from the trail (published now or as
/// planned); postings without such an entry (imported as published) are not in the map.
pub async fn first_publications(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, NaiveDate>, DbErr> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<(i64, DateTime<Utc>)> = audit_entry::Entity::find()
            .select_only()
            .column(audit_entry::Column::EntityId)
            .column_as(audit_entry::Column::At.min(), "first")
            .filter(audit_entry::Column::EntityType.eq(AuditEntity::Posting))
            .filter(audit_entry::Column::EntityId.is_in(chunk.iter().copied()))
            .filter(
                audit_entry::Column::Action
                    .is_in([AuditAction::Published, AuditAction::PublishedScheduled]),
            )
            .group_by(audit_entry::Column::EntityId)
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|(id, at)| (id, berlin::today(at))));
    }
    Ok(out)
}

/// Days from first publication to the filled day (never negative).
pub fn days_to_fill(first: NaiveDate, filled: NaiveDate) -> i64 {
    (filled - first).num_days().max(0)
}
