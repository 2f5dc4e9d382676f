//! Server-side sessions. The cookie carries a random id; the database keeps its hash, the
//! user, a per-session CSRF token and the times that decide expiry.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, prelude::*,
};

use super::AccountResult;
use super::secret::{hash_token, random_token};
use super::users::User;
use crate::entities::{session, user};

/// When a session ends by itself.
#[derive(Clone, Copy, Debug)]
pub struct SessionPolicy {
    /// Without a request for this long, the session ends.
    pub idle: Duration,
    /// However active, a session ends this long after sign-in.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(60),
            absolute: Duration::hours(12),
        }
    }
}

/// A valid session and whose it is.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
}

/// A new session for `user_id`: returns the cookie value (only the caller ever sees it).
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> AccountResult<String> {
    let id = random_token();
    session::ActiveModel {
        id_hash: Set(hash_token(&id)),
        user_id: Set(user_id),
        csrf_token: Set(random_token()),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The session behind a cookie value, if it exists, has not timed out and its user is active.
/// Refreshes `last_seen_at` (at most once a minute, to spare the database).
pub async fn lookup(
    db: &impl ConnectionTrait,
    cookie_value: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> AccountResult<Option<SignedIn>> {
    if cookie_value.len() != 43 {
        return Ok(None);
    }
    let Some(found) = session::Entity::find_by_id(hash_token(cookie_value))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if now - found.last_seen_at > policy.idle || now - found.created_at > policy.absolute {
        session::Entity::delete_by_id(found.id_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    let Some(owner) = user::Entity::find_by_id(found.user_id).one(db).await? else {
        return Ok(None);
    };
    if !owner.active {
        return Ok(None);
    }
    let (csrf_token, created_at) = (found.csrf_token.clone(), found.created_at);
    if now - found.last_seen_at > Duration::seconds(60) {
        let mut am = found.into_active_model();
        am.last_seen_at = Set(now);
        am.update(db).await?;
    }
    Ok(Some(SignedIn {
        user: owner.into(),
        csrf_token,
        created_at,
    }))
}

/// End one session (sign-out, or the old session at sign-in).
pub async fn delete(db: &impl ConnectionTrait, cookie_value: &str) -> AccountResult<()> {
    session::Entity::delete_by_id(hash_token(cookie_value))
        .exec(db)
        .await?;
    Ok(())
}

/// End every session of a user (deactivation, new password).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(drop)
}

/// Remove sessions that can no longer be used (timed out); returns how many.
pub async fn purge_expired(
    db: &impl ConnectionTrait,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(session::Column::LastSeenAt.lt(now - policy.idle))
                .add(session::Column::CreatedAt.lt(now - policy.absolute)),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
