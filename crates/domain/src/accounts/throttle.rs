//! Sign-in throttling, kept in the database so every process of the board sees the same
//! counts.
//!
//! Each attempt is counted *before* the password is checked, in one step with the check of the
//! limits (a write transaction that holds the table's lock: `BEGIN IMMEDIATE` on SQLite, `LOCK
//! TABLE` on PostgreSQL), so parallel requests and several processes can never get more than
//! the limit judged. A successful sign-in takes its own count back.
//!
//! What is counted, within [`WINDOW_MINUTES`]:
//! - per account *and* client address, at most [`PAIR_LIMIT`] attempts: the brute-force limit;
//! - per client address, at most [`ADDRESS_LIMIT`] attempts (many accounts from one place);
//! - per account from anywhere, no hard limit, because officers' addresses are public and a
//!   hard limit would let anyone lock the owner out; beyond [`ACCOUNT_FREE`] failures every
//!   further attempt waits [`delay_after`] before it is judged.
//!
//! Password-reset mails: at most [`RESET_LIMIT`] per account, counted the same atomic way.
//! Search-alert sign-ups: at most [`ALERT_SIGNUP_LIMIT`] per client address and hour.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{ExprTrait, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait, prelude::*,
};

use crate::entities::login_failure;

pub const WINDOW_MINUTES: i64 = 15;
pub const PAIR_LIMIT: u64 = 5;
pub const ADDRESS_LIMIT: u64 = 30;
pub const ACCOUNT_FREE: u64 = 5;
pub const RESET_LIMIT: u64 = 3;
/// The longest wait an account's failures can impose on an attempt.
pub const MAX_DELAY: StdDuration = StdDuration::from_secs(10);

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn account_key(email: &str) -> String {
    format!("account:{}", clip(email, 254))
}

fn pair_key(email: &str, address: &str) -> String {
    format!("pair:{}|{}", clip(email, 254), clip(address, 40))
}

fn address_key(address: &str) -> String {
    format!("address:{}", clip(address, 64))
}

fn reset_key(email: &str) -> String {
    format!("reset:{}", clip(email, 254))
}

/// The wait before judging an attempt on an account that already has `failures` failures in
/// the window: none up to [`ACCOUNT_FREE`], then 250 ms doubling per failure up to
/// [`MAX_DELAY`].
pub fn delay_after(failures: u64) -> StdDuration {
    let Some(over) = failures.checked_sub(ACCOUNT_FREE) else {
        return StdDuration::ZERO;
    };
    let ms = 250u64.saturating_mul(1u64 << std::cmp::min(over, 20));
    std::cmp::min(StdDuration::from_millis(ms), MAX_DELAY)
}

async fn count(db: &impl ConnectionTrait, key: &str, since: DateTime<Utc>) -> Result<u64, DbErr> {
    login_failure::Entity::find()
        .filter(login_failure::Column::Key.eq(key))
        .filter(login_failure::Column::At.gt(since))
        .count(db)
        .await
}

async fn add(db: &impl ConnectionTrait, key: String, now: DateTime<Utc>) -> Result<i64, DbErr> {
    let row = login_failure::ActiveModel {
        key: Set(key),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// A write transaction in which nobody else counts: SQLite's write lock is taken at `BEGIN
/// IMMEDIATE`; on PostgreSQL the table lock (which conflicts with itself and with other
/// writers of the table, not with readers) is held until commit. Both hold across processes.
async fn locked<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(txn)
}

/// An attempt that was counted and may be judged after [`Attempt::delay`].
#[derive(Debug)]
pub struct Attempt {
    rows: [i64; 3],
    pub delay: StdDuration,
}

/// Check the limits and count this attempt, as one step. `None`: over a limit, do not judge.
pub async fn begin_attempt<C>(
    db: &C,
    email: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<Attempt>, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let txn = locked(db).await?;
    // Counts older than the longest window are of no use to any limit.
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::At.lte(now - Duration::minutes(ALERT_SIGNUP_WINDOW_MINUTES)))
        .exec(&txn)
        .await?;
    let (pair, addr) = (pair_key(email, address), address_key(address));
    if count(&txn, &pair, since).await? >= PAIR_LIMIT
        || count(&txn, &addr, since).await? >= ADDRESS_LIMIT
    {
        txn.commit().await?;
        return Ok(None);
    }
    let account = account_key(email);
    let failures = count(&txn, &account, since).await?;
    let rows = [
        add(&txn, account, now).await?,
        add(&txn, pair, now).await?,
        add(&txn, addr, now).await?,
    ];
    txn.commit().await?;
    Ok(Some(Attempt {
        rows,
        delay: delay_after(failures),
    }))
}

/// The attempt succeeded: it was no failure, and the account's slow-down and this address's
/// failures on the account are forgiven. The address keeps its failures on other accounts, and
/// other addresses keep theirs on this account (the password they guess at is unchanged).
pub async fn succeeded(
    db: &impl ConnectionTrait,
    attempt: &Attempt,
    email: &str,
    address: &str,
) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(
            login_failure::Column::Id
                .is_in(attempt.rows)
                .or(login_failure::Column::Key.eq(account_key(email)))
                .or(login_failure::Column::Key.eq(pair_key(email, address))),
        )
        .exec(db)
        .await
        .map(drop)
}

/// A completed password reset: the guesses so far were at a password that no longer exists,
/// so every failure on the account (slow-down and every address's count) is forgotten.
pub async fn clear_account(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    let escaped = clip(email, 254)
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pairs = LikeExpr::new(format!("pair:{escaped}|%")).escape('\\');
    login_failure::Entity::delete_many()
        .filter(
            login_failure::Column::Key
                .eq(account_key(email))
                .or(login_failure::Column::Key.like(pairs)),
        )
        .exec(db)
        .await
        .map(drop)
}

/// At most [`RESET_LIMIT`] reset mails per account within the window, so the form cannot be
/// used to flood someone's inbox. Counts this request (atomically with the check); `false`
/// when it is over the limit.
pub async fn allow_reset_mail<C>(db: &C, email: &str, now: DateTime<Utc>) -> Result<bool, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let key = reset_key(email);
    let txn = locked(db).await?;
    let allowed = count(&txn, &key, now - Duration::minutes(WINDOW_MINUTES)).await? < RESET_LIMIT;
    if allowed {
        add(&txn, key, now).await?;
    }
    txn.commit().await?;
    Ok(allowed)
}

/// Search-alert sign-ups a client address may make within [`ALERT_SIGNUP_WINDOW_MINUTES`],
/// so the form cannot be used to send confirmation mails to many addresses.
pub const ALERT_SIGNUP_LIMIT: u64 = 5;
pub const ALERT_SIGNUP_WINDOW_MINUTES: i64 = 60;

/// Count a search-alert sign-up from `address` (atomically with the check); `false` when it is
/// over [`ALERT_SIGNUP_LIMIT`]. Only the client address is counted, never the e-mail address.
pub async fn allow_alert_signup<C>(db: &C, address: &str, now: DateTime<Utc>) -> Result<bool, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    let key = format!("alertsignup:{}", clip(address, 64));
    let txn = locked(db).await?;
    let since = now - Duration::minutes(ALERT_SIGNUP_WINDOW_MINUTES);
    let allowed = count(&txn, &key, since).await? < ALERT_SIGNUP_LIMIT;
    if allowed {
        add(&txn, key, now).await?;
    }
    txn.commit().await?;
    Ok(allowed)
}

/// Requests with an unknown, expired or revoked API token per client address within the
/// window. Tokens carry 256 bits, so this is not about guessing: it keeps scanners and
/// misconfigured clients from hammering the API. Checked before and counted after the lookup
/// (not atomically: a few parallel requests over the limit cost nothing).
pub const TOKEN_FAILURE_LIMIT: u64 = 20;

fn token_key(address: &str) -> String {
    format!("apitoken:{}", clip(address, 64))
}

pub async fn token_failures_exhausted(
    db: &impl ConnectionTrait,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    Ok(count(db, &token_key(address), since).await? >= TOKEN_FAILURE_LIMIT)
}

pub async fn record_token_failure(
    db: &impl ConnectionTrait,
    address: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Key.eq(token_key(address)))
        .filter(login_failure::Column::At.lte(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?;
    add(db, token_key(address), now).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_starts_after_the_free_failures_doubles_and_is_capped() {
        assert_eq!(delay_after(0), StdDuration::ZERO);
        assert_eq!(delay_after(ACCOUNT_FREE - 1), StdDuration::ZERO);
        assert_eq!(delay_after(ACCOUNT_FREE), StdDuration::from_millis(250));
        assert_eq!(delay_after(ACCOUNT_FREE + 2), StdDuration::from_secs(1));
        assert_eq!(delay_after(ACCOUNT_FREE + 60), MAX_DELAY);
    }
}
