//! One-time tokens sent by e-mail: invitations (set a first password) and password resets.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait, prelude::*,
};

use super::secret::{hash_token, random_token};
use super::users::{self, User};
use super::{AccountError, AccountResult, password};
use crate::Actor;
use crate::entities::{account_token, user};

/// Stored as `invitation` / `reset` in `account_tokens.purpose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TokenPurpose {
    #[sea_orm(string_value = "invitation")]
    Invitation,
    #[sea_orm(string_value = "reset")]
    Reset,
}

impl TokenPurpose {
    pub fn lifetime(self) -> Duration {
        match self {
            Self::Invitation => Duration::days(7),
            Self::Reset => Duration::hours(1),
        }
    }
}

/// Every unused link of the user stops working (when a password is set, by any way).
pub(super) async fn void_open(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map(drop)
}

/// A new token for `user_id`; earlier unused tokens of the same purpose stop working.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> AccountResult<String> {
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let token = random_token();
    account_token::ActiveModel {
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        purpose: Set(purpose),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user a still valid token belongs to, without using it up (to show the form).
pub async fn peek(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> AccountResult<User> {
    let found = account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(hash_token(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .ok_or(AccountError::InvalidToken)?;
    let owner = user::Entity::find_by_id(found.user_id)
        .one(db)
        .await?
        .filter(|u| u.active)
        .ok_or(AccountError::InvalidToken)?;
    Ok(owner.into())
}

/// Use a token to set a password. The rules are checked first, so a refused password leaves
/// the token usable; the token is claimed with a conditional update, so two requests with the
/// same token cannot both succeed.
pub async fn set_password_with_token<C>(
    db: &C,
    token: &str,
    purpose: TokenPurpose,
    new_password: &str,
    now: DateTime<Utc>,
) -> AccountResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    password::check_rules(new_password)?;
    let hash = password::hash_blocking(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let owner = peek(&txn, token, purpose, now).await?;
    let claimed = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::TokenHash.eq(hash_token(token)))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AccountError::InvalidToken);
    }
    let updated = users::store_password(&txn, owner.id, hash, &Actor::user(owner.id), now).await?;
    txn.commit().await?;
    Ok(updated)
}

/// A reset token for the active account with this e-mail address, if there is one and it has
/// not had [`super::throttle::RESET_LIMIT`] already within the window. The caller answers the
/// same either way.
pub async fn request_reset<C>(
    db: &C,
    email: &str,
    now: DateTime<Utc>,
) -> AccountResult<Option<(User, String)>>
where
    C: ConnectionTrait + TransactionTrait,
{
    match users::find_by_email(db, email).await? {
        Some(u) if u.active && super::throttle::allow_reset_mail(db, &u.email, now).await? => {
            let token = issue(db, u.id, TokenPurpose::Reset, now).await?;
            Ok(Some((u, token)))
        }
        _ => Ok(None),
    }
}
