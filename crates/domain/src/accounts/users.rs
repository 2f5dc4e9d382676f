//! Users: platform admins and HR officers of exactly one municipality.

use chrono::{DateTime, Utc};
use email_address::EmailAddress;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait, prelude::*,
};
use serde_json::json;

use super::{AccountError, AccountResult, password, sessions, throttle, tokens};
use crate::Actor;
use crate::audit::{self, AuditAction, AuditEntity, AuditRecord};
use crate::entities::{municipality, user};

/// Stored as `admin` / `officer` in `users.role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Runs the platform: municipalities and users. Edits no postings.
    #[sea_orm(string_value = "admin")]
    Admin,
    /// Manages the postings and profile of one municipality.
    #[sea_orm(string_value = "officer")]
    Officer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Officer => "officer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "officer" => Some(Self::Officer),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Administration",
            Self::Officer => "Personalverantwortliche/r",
        }
    }
}

/// A user as the rest of the board sees it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// `Some` exactly for officers.
    pub municipality_id: Option<i64>,
    pub active: bool,
    pub has_password: bool,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            email: m.email,
            name: m.name,
            role: m.role,
            municipality_id: m.municipality_id,
            active: m.active,
            has_password: m.password_hash.is_some(),
        }
    }
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor::user(self.id)
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub municipality_id: Option<i64>,
}

/// E-mail addresses compare without case and surrounding blanks.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Create an active user without a password; they set one through an invitation.
pub async fn create_user<C>(
    db: &C,
    new: NewUser,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AccountResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    let email = normalize_email(&new.email);
    if email.len() > 254 || !EmailAddress::is_valid(&email) {
        return Err(AccountError::InvalidEmail);
    }
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AccountError::InvalidName);
    }
    let txn = crate::db::begin_write(db).await?;
    match (new.role, new.municipality_id) {
        (Role::Admin, None) => {}
        (Role::Officer, Some(id)) => {
            municipality::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AccountError::InvalidMunicipality)?;
        }
        _ => return Err(AccountError::InvalidMunicipality),
    }
    if find_model_by_email(&txn, &email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let created = user::ActiveModel {
        email: Set(email.clone()),
        name: Set(name.clone()),
        password_hash: Set(None),
        role: Set(new.role),
        municipality_id: Set(new.municipality_id),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut changes = serde_json::Map::new();
    changes.insert("email".into(), json!({ "from": null, "to": email }));
    changes.insert("name".into(), json!({ "from": null, "to": name }));
    changes.insert(
        "role".into(),
        json!({ "from": null, "to": new.role.as_str() }),
    );
    record(&txn, &created, AuditAction::Created, actor, changes, now).await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> AccountResult<Option<User>> {
    Ok(user::Entity::find_by_id(id).one(db).await?.map(User::from))
}

pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> AccountResult<Option<User>> {
    Ok(find_model_by_email(db, &normalize_email(email))
        .await?
        .map(User::from))
}

async fn find_model_by_email(
    db: &impl ConnectionTrait,
    normalized: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(normalized))
        .one(db)
        .await
}

/// Everyone, admins first, then by e-mail.
pub async fn list(db: &impl ConnectionTrait) -> AccountResult<Vec<User>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Role)
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(User::from)
        .collect())
}

/// Check e-mail and password. Throttled per account and address and per address, slowed down
/// per account (see [`throttle`]); every refusal other than throttling is the same
/// [`AccountError::InvalidCredentials`], and an unknown account costs as much time as a wrong
/// password.
pub async fn authenticate<C>(
    db: &C,
    email: &str,
    password_given: &str,
    address: &str,
    now: DateTime<Utc>,
) -> AccountResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    let email = normalize_email(email);
    let Some(attempt) = throttle::begin_attempt(db, &email, address, now).await? else {
        tracing::warn!(address, "sign-in throttled");
        return Err(AccountError::Throttled);
    };
    if !attempt.delay.is_zero() {
        tracing::info!(delay_ms = attempt.delay.as_millis(), "sign-in slowed down");
        tokio::time::sleep(attempt.delay).await;
    }
    let found = find_model_by_email(db, &email).await?;
    let stored = found.as_ref().and_then(|u| u.password_hash.as_deref());
    let matches = password_given.chars().count() <= password::MAX_CHARS
        && password::verify_or_dummy_blocking(password_given, stored).await?;
    match found {
        Some(u) if matches && u.active && u.password_hash.is_some() => {
            throttle::succeeded(db, &attempt, &email, address).await?;
            Ok(u.into())
        }
        _ => {
            tracing::info!(address, "sign-in refused");
            Err(AccountError::InvalidCredentials)
        }
    }
}

/// Set a password directly (the command line). Checks the rules; ends the user's sessions.
pub async fn set_password<C>(
    db: &C,
    user_id: i64,
    new_password: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AccountResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    password::check_rules(new_password)?;
    let hash = password::hash_blocking(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let updated = store_password(&txn, user_id, hash, actor, now).await?;
    txn.commit().await?;
    Ok(updated)
}

pub(super) async fn store_password(
    db: &impl ConnectionTrait,
    user_id: i64,
    hash: String,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AccountResult<User> {
    let found = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AccountError::NotFound)?;
    let mut am = found.into_active_model();
    am.password_hash = Set(Some(hash));
    am.updated_at = Set(now);
    let updated = am.update(db).await?;
    sessions::delete_for_user(db, user_id).await?;
    // Every other invitation or reset link was sent for a password that is now set.
    tokens::void_open(db, user_id, now).await?;
    // Guesses so far were at a password that no longer exists.
    throttle::clear_account(db, &updated.email).await?;
    let mut changes = serde_json::Map::new();
    changes.insert(
        "password".into(),
        json!({ "from": "…", "to": "(neu gesetzt)" }),
    );
    record(db, &updated, AuditAction::PasswordSet, actor, changes, now).await?;
    Ok(updated.into())
}

/// Deactivate (or reactivate) a user. A deactivated user cannot sign in; their sessions end.
pub async fn set_active<C>(
    db: &C,
    user_id: i64,
    active: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AccountResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = crate::db::begin_write(db).await?;
    let found = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AccountError::NotFound)?;
    if found.active == active {
        return Ok(found.into());
    }
    let mut am = found.into_active_model();
    am.active = Set(active);
    am.updated_at = Set(now);
    let updated = am.update(&txn).await?;
    let mut changes = serde_json::Map::new();
    changes.insert("active".into(), json!({ "from": !active, "to": active }));
    if !active {
        sessions::delete_for_user(&txn, user_id).await?;
        // Tokens the user made could have been copied by them: they end with the access.
        let revoked = crate::api_tokens::revoke_created_by(&txn, user_id, actor, now).await?;
        if revoked > 0 {
            changes.insert("api_tokens_revoked".into(), json!(revoked));
        }
    }
    let action = if active {
        AuditAction::Activated
    } else {
        AuditAction::Deactivated
    };
    record(&txn, &updated, action, actor, changes, now).await?;
    txn.commit().await?;
    Ok(updated.into())
}

async fn record(
    db: &impl ConnectionTrait,
    u: &user::Model,
    action: AuditAction,
    actor: &Actor,
    changes: serde_json::Map<String, serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit::record(
        db,
        AuditRecord {
            entity_type: AuditEntity::User,
            entity_id: u.id,
            municipality_id: u.municipality_id,
            action,
            actor,
            changes,
        },
        now,
    )
    .await
}
