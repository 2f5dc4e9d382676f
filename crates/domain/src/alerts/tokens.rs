//! Management links of search alerts. Each mail carries a fresh token (32 random bytes); only
//! its SHA-256 is stored, so the database alone cannot produce a working link. Older links
//! keep working until [`TOKEN_DAYS`] or until the alert is deleted (its tokens go with it).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QueryFilter, prelude::*};

use super::SearchAlert;
use crate::accounts::secret::{constant_time_eq, hash_token, random_token};
use crate::entities::{search_alert, search_alert_token};

/// A link older than this no longer opens the management page (a newer mail has a new one).
pub const TOKEN_DAYS: i64 = 400;

/// A new token for alert `alert_id`; the plaintext is returned once, for the mail.
pub async fn issue(
    db: &impl ConnectionTrait,
    alert_id: i64,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = random_token();
    search_alert_token::ActiveModel {
        alert_id: Set(alert_id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The alert `token` manages, if the token is known and not too old.
pub async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<SearchAlert>, DbErr> {
    if token.len() != 43 {
        return Ok(None);
    }
    let hash = hash_token(token);
    let Some(row) = search_alert_token::Entity::find()
        .filter(search_alert_token::Column::TokenHash.eq(hash.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // The index found it by hash; the comparison itself takes the same time wherever it differs.
    if !constant_time_eq(&row.token_hash, &hash)
        || row.created_at <= now - Duration::days(TOKEN_DAYS)
    {
        return Ok(None);
    }
    search_alert::Entity::find_by_id(row.alert_id).one(db).await
}

/// Forget tokens past [`TOKEN_DAYS`].
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    search_alert_token::Entity::delete_many()
        .filter(search_alert_token::Column::CreatedAt.lte(now - Duration::days(TOKEN_DAYS)))
        .exec(db)
        .await
        .map(|r| r.rows_affected)
}
