//! Sign-in throttling, kept in the database so every process of the board sees the same
//! counts: at most [`ACCOUNT_LIMIT`] failures per e-mail address and [`ADDRESS_LIMIT`] per
//! client address within [`WINDOW_MINUTES`], and at most [`RESET_LIMIT`] password-reset mails per
//! account.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, prelude::*,
};

use crate::entities::login_failure;

pub const WINDOW_MINUTES: i64 = 15;
pub const ACCOUNT_LIMIT: u64 = 5;
pub const ADDRESS_LIMIT: u64 = 30;
pub const RESET_LIMIT: u64 = 3;

fn account_key(email: &str) -> String {
    format!("account:{}", email.chars().take(254).collect::<String>())
}

fn address_key(address: &str) -> String {
    format!("address:{}", address.chars().take(64).collect::<String>())
}

async fn count(db: &impl ConnectionTrait, key: &str, since: DateTime<Utc>) -> Result<u64, DbErr> {
    login_failure::Entity::find()
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::At.gt(since))
        .count(db)
        .await
}

pub async fn is_throttled(
    db: &impl ConnectionTrait,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    Ok(
        count(db, &account_key(email), since).await? >= ACCOUNT_LIMIT
            || count(db, &address_key(address), since).await? >= ADDRESS_LIMIT,
    )
}

/// Count a failure against both keys and forget failures older than the window.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lt(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?;
    let rows = [account_key(email), address_key(address)].map(|key| login_failure::ActiveModel {
        key: Set(key),
        at: Set(now),
        ..Default::default()
    });
    login_failure::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .map(drop)
}

/// A successful sign-in clears the account's count (not the address's).
pub async fn clear_account(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Key.eq(account_key(email)))
        .exec(db)
        .await
        .map(drop)
}

/// At most [`RESET_LIMIT`] reset mails per address within the window, so the form cannot be
/// used to flood someone's inbox. Counts this request; `false` when it is over the limit.
pub async fn allow_reset_mail(
    db: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let key = format!("reset:{}", email.chars().take(254).collect::<String>());
    if count(db, &key, now - Duration::minutes(WINDOW_MINUTES)).await? >= RESET_LIMIT {
        return Ok(false);
    }
    login_failure::ActiveModel {
        key: Set(key),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(true)
}
