//! `jobboard token create|list|revoke`: API tokens of the municipalities for the push API.

use chrono::Utc;
use jobboard_domain::{Actor, api_tokens, municipalities};
use sea_orm::DatabaseConnection;

use crate::TokenCommand;
use crate::commands::say;

pub async fn run(db: &DatabaseConnection, command: TokenCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match command {
        TokenCommand::Create {
            municipality,
            label,
            expires_in_days,
        } => {
            let m = municipalities::find_by_slug(db, &municipality)
                .await?
                .ok_or_else(|| anyhow::anyhow!("unknown municipality {municipality:?}"))?;
            let now = Utc::now();
            let expires = expires_in_days.map(|d| now + chrono::Duration::days(i64::from(d)));
            let created =
                api_tokens::create_expiring(db, m.id, &label, expires, &actor, now).await?;
            say(format_args!(
                "token {} for {} ({}) created. Shown only this once:\n{}",
                created.token.id, m.name, created.token.label, created.plaintext
            ));
        }
        TokenCommand::List { municipality } => {
            let members = municipalities::list(db).await?;
            let filter = match municipality {
                Some(slug) => Some(
                    members
                        .iter()
                        .find(|m| m.slug == slug)
                        .ok_or_else(|| anyhow::anyhow!("unknown municipality {slug:?}"))?
                        .id,
                ),
                None => None,
            };
            say(format_args!(
                "id\tmunicipality\tprefix\tstatus\tlast used\tlabel"
            ));
            for t in api_tokens::list(db, filter).await? {
                let slug = members
                    .iter()
                    .find(|m| m.id == t.municipality_id)
                    .map_or("?", |m| m.slug.as_str());
                say(format_args!(
                    "{}\t{slug}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.token_prefix,
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else if t.expires_at.is_some_and(|at| at <= Utc::now()) {
                        "expired"
                    } else {
                        "active"
                    },
                    t.last_used_at.map_or("never".to_owned(), |at| at
                        .format("%Y-%m-%d %H:%M")
                        .to_string()),
                    t.label
                ));
            }
        }
        TokenCommand::Revoke { id } => {
            let t = api_tokens::revoke(db, id, None, &actor, Utc::now())
                .await
                .map_err(|e| match e {
                    jobboard_domain::DomainError::NotFound => anyhow::anyhow!("no token {id}"),
                    other => other.into(),
                })?;
            say(format_args!("token {} ({}) revoked", t.id, t.label));
        }
    }
    Ok(())
}
