//! The secret addresses of a municipality's feeds (its cover calendar, its internal
//! vacancies): one active token per municipality and purpose. Only the SHA-256 of a token is
//! stored; the plaintext is shown once when it is made. Making a new one revokes the old one
//! (rotation), and revoking leaves none; both are audited.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::{Map, json};

use super::FeedToken;
use super::types::FeedPurpose;
use crate::accounts::secret::{constant_time_eq, hash_token, random_token};
use crate::actor::Actor;
use crate::audit::{AuditAction, AuditEntity};
use crate::entities::feed_token;
use crate::error::DomainResult;
use crate::record::{self, Audited};

impl Audited for FeedToken {
    const ENTITY: AuditEntity = AuditEntity::FeedToken;
}

/// The active token of `municipality_id` for `purpose`, if any.
pub async fn active(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    purpose: FeedPurpose,
) -> DomainResult<Option<FeedToken>> {
    Ok(feed_token::Entity::find()
        .filter(feed_token::Column::MunicipalityId.eq(municipality_id))
        .filter(feed_token::Column::Purpose.eq(purpose))
        .filter(feed_token::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

async fn revoke_in(
    db: &impl ConnectionTrait,
    municipality_id: i64,
    purpose: FeedPurpose,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let Some(old) = active(db, municipality_id, purpose).await? else {
        return Ok(false);
    };
    let mut am = old.clone().into_active_model();
    am.revoked_at = Set(Some(now));
    let row = am.update(db).await?;
    let mut changes = Map::new();
    changes.insert("revoked_at".into(), json!({ "from": null, "to": now }));
    record::trail(db, &row, AuditAction::Revoked, actor, changes, now).await?;
    Ok(true)
}

/// A new secret address for `purpose` (the old one stops working); the plaintext token.
pub async fn rotate<C>(
    db: &C,
    municipality_id: i64,
    purpose: FeedPurpose,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<String>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    revoke_in(&txn, municipality_id, purpose, actor, now).await?;
    let plaintext = random_token();
    let row = feed_token::ActiveModel {
        municipality_id: Set(municipality_id),
        purpose: Set(purpose),
        token_hash: Set(hash_token(&plaintext)),
        created_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut changes = Map::new();
    changes.insert(
        "purpose".into(),
        json!({ "from": null, "to": purpose.code() }),
    );
    record::trail(&txn, &row, AuditAction::Created, actor, changes, now).await?;
    txn.commit().await?;
    Ok(plaintext)
}

/// Revoke the address for `purpose`; `false` when there was none.
pub async fn revoke<C>(
    db: &C,
    municipality_id: i64,
    purpose: FeedPurpose,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<bool>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let done = revoke_in(&txn, municipality_id, purpose, actor, now).await?;
    txn.commit().await?;
    Ok(done)
}

/// The municipality whose active `purpose` token `plaintext` is, or `None`.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    purpose: FeedPurpose,
    plaintext: &str,
) -> DomainResult<Option<i64>> {
    if plaintext.len() != 43 {
        return Ok(None);
    }
    let hash = hash_token(plaintext);
    let found = feed_token::Entity::find()
        .filter(feed_token::Column::TokenHash.eq(hash.as_str()))
        .one(db)
        .await?;
    Ok(found
        .filter(|t| {
            t.revoked_at.is_none() && t.purpose == purpose && constant_time_eq(&t.token_hash, &hash)
        })
        .map(|t| t.municipality_id))
}
