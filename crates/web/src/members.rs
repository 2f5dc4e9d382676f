//! The member municipalities, read on almost every page: kept in memory for a few seconds instead
//! of a query per request. An edit (name, profile) shows after at most [`TTL`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jobboard_domain::municipalities::{self, Municipality};
use sea_orm::{DatabaseConnection, DbErr};

pub const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct MemberCache(Mutex<Option<(Instant, Arc<Vec<Municipality>>)>>);

impl MemberCache {
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<Vec<Municipality>>, DbErr> {
        if let Ok(guard) = self.0.lock()
            && let Some((at, list)) = guard.as_ref()
            && at.elapsed() < TTL
        {
            return Ok(list.clone());
        }
        let fresh = Arc::new(municipalities::list(db).await?);
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    pub fn clear(&self) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = None;
        }
    }
}
