//! The API keys the board uses: a search-only key for queries and an admin key limited to the
//! board's indexes for the indexer. Created with the master key on first use (or given by the
//! operator), so the master key never serves a request after start-up and a leaked search key
//! cannot change anything.

use meilisearch_sdk::client::Client;
use meilisearch_sdk::errors::{Error, ErrorCode};
use meilisearch_sdk::key::{Action, Key, KeyBuilder, KeysQuery};

use super::http::MeiliHttp;
use crate::SearchError;

/// The keys for queries and for the indexer; `None` where the server takes no key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopedKeys {
    pub search: Option<String>,
    pub admin: Option<String>,
}

fn search_name(uid: &str) -> String {
    format!("jobboard-search:{uid}")
}

fn admin_name(uid: &str) -> String {
    format!("jobboard-indexer:{uid}")
}

/// The indexes the indexer writes: the live one and its companions (see `MeiliIndex::new`);
/// the side indexes of rebuilds by pattern.
pub(super) fn admin_indexes(uid: &str) -> Vec<String> {
    vec![
        uid.to_owned(),
        format!("{uid}_meta"),
        format!("{uid}_rebuild_*"),
    ]
}

fn admin_actions() -> Vec<Action> {
    vec![
        Action::Unknown("documents.*".into()),
        Action::Unknown("indexes.*".into()),
        Action::Unknown("indexes.swap".into()),
        Action::Unknown("settings.*".into()),
        Action::TasksGet,
    ]
}

/// Find the board's keys for index `uid`, creating those that are missing, with the master
/// key. Idempotent: every process of the board finds the same keys by name (two processes
/// starting at once may each create one; either works).
pub(super) async fn provision(
    master: &Client<MeiliHttp>,
    uid: &str,
) -> Result<ScopedKeys, SearchError> {
    let existing = match master
        .get_keys_with(KeysQuery::new().with_limit(1000))
        .await
    {
        Ok(keys) => keys.results,
        // A development server without a master key checks no key at all.
        Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::MissingMasterKey => {
            return Ok(ScopedKeys::default());
        }
        Err(e) => return Err(e.into()),
    };
    // A key of an older release with other indexes is left alone and a new one created.
    let find = |name: &str, indexes: &[String]| {
        existing
            .iter()
            .find(|k| k.name.as_deref() == Some(name) && k.indexes == indexes)
            .map(|k| k.key.clone())
    };
    let search = match find(&search_name(uid), &[uid.to_owned()]) {
        Some(key) => key,
        None => {
            create(
                master,
                KeyBuilder::new()
                    .with_name(search_name(uid))
                    .with_description("Partheland Stellenbörse: search only")
                    .with_action(Action::Search)
                    .with_index(uid),
            )
            .await?
        }
    };
    let admin = match find(&admin_name(uid), &admin_indexes(uid)) {
        Some(key) => key,
        None => {
            create(
                master,
                KeyBuilder::new()
                    .with_name(admin_name(uid))
                    .with_description("Partheland Stellenbörse: indexer of the board's indexes")
                    .with_actions(admin_actions())
                    .with_indexes(admin_indexes(uid)),
            )
            .await?
        }
    };
    Ok(ScopedKeys {
        search: Some(search),
        admin: Some(admin),
    })
}

async fn create(master: &Client<MeiliHttp>, builder: &KeyBuilder) -> Result<String, SearchError> {
    let key: Key = master.create_key(builder).await?;
    tracing::info!(name = ?key.name, indexes = ?key.indexes, "created a Meilisearch API key");
    Ok(key.key)
}

/// Delete the board's keys for index `uid` (tests clean up after themselves).
pub(super) async fn remove(master: &Client<MeiliHttp>, uid: &str) -> Result<(), SearchError> {
    let keys = match master
        .get_keys_with(KeysQuery::new().with_limit(1000))
        .await
    {
        Ok(keys) => keys.results,
        Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::MissingMasterKey => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for key in keys {
        let name = key.name.as_deref().unwrap_or_default();
        if name == search_name(uid) || name == admin_name(uid) {
            master.delete_key(&key.uid).await?;
        }
    }
    Ok(())
}
