//! API tokens of the member municipalities, for their own systems pushing postings.
//!
//! A token is 32 random bytes from the operating system (`jbt_` + 64 hex digits). Only its
//! SHA-256 hash is stored: a fast hash is enough because the token itself carries 256 bits of
//! entropy, so there is nothing to guess, and it lets [`authenticate`] find the token with one
//! indexed lookup. The plaintext is returned once by [`create`] and never again.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::actor::Actor;
use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::entities::{api_token, municipality};
use crate::error::{DomainError, DomainResult};
use crate::postings::validation::ValidationErrors;

pub use api_token::Model as ApiToken;

const PREFIX: &str = "jbt_";
pub const LABEL_MAX: usize = 100;

/// A freshly created token: the stored row and the plaintext, which is shown this once.
#[derive(Debug)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub plaintext: String,
}

/// Create a token for `municipality_id`; its label says what it is for ("Website-CMS"). It is
/// valid until revoked.
pub async fn create<C>(
    db: &C,
    municipality_id: i64,
    label: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<CreatedToken>
where
    C: ConnectionTrait + TransactionTrait,
{
    create_expiring(db, municipality_id, label, None, actor, now).await
}

/// [`create`], refused after `expires_at` when that is given.
///
/// A token belongs to the municipality, but it also stays tied to the person who made it: when
/// that user is deactivated, their tokens are revoked with them ([`revoke_created_by`]), so a
/// token never outlives the access of the person who could have copied it.
pub async fn create_expiring<C>(
    db: &C,
    municipality_id: i64,
    label: &str,
    expires_at: Option<DateTime<Utc>>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<CreatedToken>
where
    C: ConnectionTrait + TransactionTrait,
{
    let label = label.trim();
    let mut errors = ValidationErrors::default();
    if expires_at.is_some_and(|at| at <= now) {
        errors.add("expires_at", "Das Ablaufdatum muss in der Zukunft liegen.");
    }
    if label.is_empty() {
        errors.add(
            "label",
            "Bitte geben Sie eine Bezeichnung an, z. B. „Website-CMS“.",
        );
    } else if label.chars().count() > LABEL_MAX {
        errors.add(
            "label",
            format!("Die Bezeichnung darf höchstens {LABEL_MAX} Zeichen lang sein."),
        );
    }
    errors.into_result()?;
    let txn = crate::db::begin_write(db).await?;
    municipality::Entity::find_by_id(municipality_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound)?;

    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| DbErr::Custom(format!("no randomness: {e}")))?;
    let plaintext = format!("{PREFIX}{}", hex::encode(bytes));
    let token = api_token::ActiveModel {
        municipality_id: Set(municipality_id),
        label: Set(label.to_owned()),
        token_hash: Set(hash(&plaintext)),
        token_prefix: Set(plaintext.chars().take(PREFIX.len() + 6).collect()),
        created_by: Set(actor.as_str().to_owned()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    trail(
        &txn,
        &token,
        AuditAction::Created,
        actor,
        json!({ "from": null, "to": label }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedToken { token, plaintext })
}

/// The tokens of a municipality (`None`: of all), newest first, revoked ones included.
pub async fn list(
    db: &impl ConnectionTrait,
    municipality_id: Option<i64>,
) -> DomainResult<Vec<ApiToken>> {
    let mut q = api_token::Entity::find();
    if let Some(id) = municipality_id {
        q = q.filter(api_token::Column::MunicipalityId.eq(id));
    }
    Ok(q.order_by_desc(api_token::Column::Id).all(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> DomainResult<Option<ApiToken>> {
    Ok(api_token::Entity::find_by_id(id).one(db).await?)
}

/// Revoke token `id`; it is refused from then on. Revoking a revoked token changes nothing.
/// With `municipality_id`, only a token of that municipality can be revoked (others are
/// [`DomainError::NotFound`]).
pub async fn revoke<C>(
    db: &C,
    id: i64,
    municipality_id: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> DomainResult<ApiToken>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let token = find(&txn, id)
        .await?
        .filter(|t| municipality_id.is_none_or(|m| m == t.municipality_id))
        .ok_or(DomainError::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut am = token.into_active_model();
    am.revoked_at = Set(Some(now));
    let token = am.update(&txn).await?;
    trail(
        &txn,
        &token,
        AuditAction::Revoked,
        actor,
        json!({ "from": null, "to": now }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Revoke every active token that user `user_id` created (when the user is deactivated).
/// Returns how many were revoked.
pub async fn revoke_created_by(
    db: &impl ConnectionTrait,
    user_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let active = api_token::Entity::find()
        .filter(api_token::Column::CreatedBy.eq(Actor::user(user_id).as_str()))
        .filter(api_token::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    for token in &active {
        let mut am = token.clone().into_active_model();
        am.revoked_at = Set(Some(now));
        let token = am.update(db).await?;
        let change = json!({ "from": null, "to": now });
        trail(db, &token, AuditAction::Revoked, actor, change, now).await?;
    }
    Ok(active.len())
}

/// The active token with this plaintext, or `None` (unknown, malformed, expired or revoked). Records when
/// it was last used, at most once a minute.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    plaintext: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<ApiToken>> {
    if !plaintext.starts_with(PREFIX) || plaintext.len() != PREFIX.len() + 64 {
        return Ok(None);
    }
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(plaintext)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|at| at <= now) {
        return Ok(None);
    }
    if token
        .last_used_at
        .is_none_or(|t| now - t > chrono::Duration::minutes(1))
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Some(token))
}

/// SHA-256 of the token, lowercase hex.
pub fn hash(plaintext: &str) -> String {
    hex::encode(Sha256::digest(plaintext.as_bytes()))
}

async fn trail(
    db: &impl ConnectionTrait,
    token: &ApiToken,
    action: AuditAction,
    actor: &Actor,
    change: Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut changes = Map::new();
    changes.insert(
        if action == AuditAction::Created {
            "label"
        } else {
            "revoked_at"
        }
        .into(),
        change,
    );
    audit::record(
        db,
        AuditRecord {
            entity_type: AuditEntity::ApiToken,
            entity_id: token.id,
            municipality_id: Some(token.municipality_id),
            action,
            actor,
            changes,
        },
        now,
    )
    .await
}
