//! What goes to the Bundesagentur für Arbeit in the next HR-BA-XML file of a municipality, and
//! remembering what was sent. The file itself is written by `jobboard-feeds` (`export::hrbaxml`).
//!
//! - A full load carries every posting the municipality owns that the public sees now.
//! - A delta load carries those that are new or changed since they were last sent (by version),
//!   and a deletion for each posting sent earlier that the public no longer sees (expired,
//!   archived, withdrawn, deleted).
//! - [`record_sent`] is called after the file was written, in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};

use crate::entities::{ba_export_posting, posting};
use crate::postings::queries::{Posting, publicly_visible};

/// The content of the next file.
#[derive(Debug, Default)]
pub struct Plan {
    pub postings: Vec<Posting>,
    /// Ids of postings to delete at the BA.
    pub deletions: Vec<i64>,
}

/// What the next file of `municipality_id` carries (see the module doc).
pub async fn plan(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    full: bool,
    now: DateTime<Utc>,
) -> Result<Plan, DbErr> {
    let visible = posting::Entity::find()
        .filter(posting::Column::MunicipalityId.eq(municipality_id))
        .filter(publicly_visible(now))
        .order_by_asc(posting::Column::Id)
        .all(db)
        .await?;
    let sent = ba_export_posting::Entity::find()
        .filter(ba_export_posting::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?;
    let version_sent = |id: i64| sent.iter().find(|s| s.posting_id == id).map(|s| s.version);
    let deletions = sent
        .iter()
        .map(|s| s.posting_id)
        .filter(|id| !visible.iter().any(|p| p.id == *id))
        .collect();
    let postings = visible
        .into_iter()
        .filter(|p| full || version_sent(p.id) != Some(p.version))
        .collect();
    Ok(Plan {
        postings,
        deletions,
    })
}

/// Remember that `plan` was sent at `now`: the versions of its postings, its deletions gone.
pub async fn record_sent<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    municipality_id: i64,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let ids: Vec<i64> = plan
        .postings
        .iter()
        .map(|p| p.id)
        .chain(plan.deletions.iter().copied())
        .collect();
    if !ids.is_empty() {
        ba_export_posting::Entity::delete_many()
            .filter(ba_export_posting::Column::MunicipalityId.eq(municipality_id))
            .filter(ba_export_posting::Column::PostingId.is_in(ids))
            .exec(&txn)
            .await?;
    }
    let rows: Vec<ba_export_posting::ActiveModel> = plan
        .postings
        .iter()
        .map(|p| ba_export_posting::ActiveModel {
            municipality_id: Set(municipality_id),
            posting_id: Set(p.id),
            version: Set(p.version),
            sent_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        ba_export_posting::Entity::insert_many(rows)
            .exec(&txn)
            .await?;
    }
    txn.commit().await
}
