//! Typed configuration from `JOBBOARD_*` environment variables, read once at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

mod ba;
mod read;

pub use ba::BaTransferConfig;

/// A variable with a value we cannot use: names the variable, says what is expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}={value:?}: {expected}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub expected: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoData {
    /// Load demo data into an empty SQLite database, never into PostgreSQL.
    Auto,
    On,
    Off,
}

/// Which search engine serves the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchBackend {
    /// tantivy index under `<data dir>/search`.
    Embedded,
    Meilisearch {
        url: String,
        /// The master key: creates the two keys below unless they are given.
        api_key: Option<String>,
        index: String,
        /// `JOBBOARD_MEILI_SEARCH_KEY` and `JOBBOARD_MEILI_ADMIN_KEY`, both or neither.
        scoped_keys: Option<(String, String)>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `JOBBOARD_DATABASE_URL`: `sqlite://…` or `postgres://…`; default a SQLite file in the data dir.
    pub database_url: String,
    /// `JOBBOARD_DATA_DIR`: where the SQLite file and the search index live (default `./data`).
    pub data_dir: PathBuf,
    /// `JOBBOARD_BIND` (default `127.0.0.1:8080`).
    pub bind: SocketAddr,
    /// `JOBBOARD_DEMO_DATA`: `auto` (default), `on`, `off`.
    pub demo_data: DemoData,
    /// `JOBBOARD_DEMO_COUNT`: postings created on first start (default 250).
    pub demo_count: u64,
    /// `JOBBOARD_SCHEDULER_INTERVAL_SECS`: how often due postings are published/expired (default 30).
    pub scheduler_interval: Duration,
    /// `JOBBOARD_PUSH_RATE_LIMIT`: push API requests per minute and token, per process.
    pub push_rate_limit: u32,
    /// `JOBBOARD_DB_MAX_CONNECTIONS`: pool size (default 8 for SQLite, 16 for PostgreSQL).
    pub db_max_connections: Option<u32>,
    /// `JOBBOARD_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `JOBBOARD_LOG` (or `RUST_LOG`): tracing filter, default `info,sqlx=warn`.
    pub log_filter: String,
    /// `JOBBOARD_SEARCH` (`auto`: Meilisearch when `MEILI_URL` is set, else embedded),
    /// `MEILI_URL`, `MEILI_MASTER_KEY`, `JOBBOARD_MEILI_INDEX` (default `postings`).
    pub search: SearchBackend,
    /// `JOBBOARD_INDEXER`: run the search indexer inside `serve` (default on).
    pub indexer_in_serve: bool,
    /// `JOBBOARD_PUBLIC_URL`: the address people use, for canonical links, the sitemap and
    /// sharing (default `http://<JOBBOARD_BIND>`).
    pub public_url: String,
    /// `JOBBOARD_SMTP_URL`: send mail over SMTP (`smtps://user:pass@host`, `smtp://host:587?tls=required`);
    /// unset: `.eml` files in `<data dir>/mail-outbox`. Never logged.
    pub smtp_url: Option<String>,
    /// `JOBBOARD_MAIL_FROM`: sender of the board's mail.
    pub mail_from: String,
    /// `JOBBOARD_COOKIE_SECURE`: `Secure` session cookie; default on unless the public URL is
    /// plain http on localhost.
    pub cookie_secure: bool,
    /// `JOBBOARD_TRUST_FORWARDED_FOR`: take the client address from `X-Forwarded-For` (only
    /// behind a reverse proxy that sets it); default off.
    pub trust_forwarded_for: bool,
    /// `JOBBOARD_PAGE_CACHE`: rendered results pages kept in memory (default 512, 0 = off; only
    /// with the embedded engine).
    pub page_cache_pages: usize,
    /// `JOBBOARD_IMPORT_INTERVAL_SECS`: how often each import source is harvested inside `serve`
    /// (default 3600; `0` or `off`: not at all, only `jobboard import`).
    pub import_interval: Option<Duration>,
    /// `JOBBOARD_IMPORT_ALLOW_PRIVATE`: internal addresses import sources may reach anyway:
    /// `loopback`, `private` or CIDR networks, comma-separated (default none).
    pub import_policy: jobboard_feeds::import::AddressPolicy,
    /// `JOBBOARD_IMPORT_DEFAULT_DEADLINE_DAYS`: deadline of an imported posting whose item names
    /// none, in days after its first import (default 30).
    pub import_default_deadline_days: u32,
    /// `JOBBOARD_HEADER_TIMEOUT_SECS`, `JOBBOARD_BODY_TIMEOUT_SECS`, `JOBBOARD_HSTS`: see
    /// `config_transport`.
    pub transport: jobboard_web::transport::TransportSettings,
    /// `JOBBOARD_EMBED_ORIGINS`: origins besides the member websites that may frame the
    /// embeddable job list, comma- or space-separated (`https://www.partheland.de`).
    pub embed_origins: Vec<String>,
    /// `JOBBOARD_BA_PARTNERS`: BA partner accounts, `slug:SupplierId:PartnerId:HiringOrgId`,
    /// comma-separated (`naunhof:V123456789:P0042:A987654321`).
    pub ba_accounts: Vec<(String, jobboard_feeds::export::hrbaxml::BaAccount)>,
    /// `JOBBOARD_BA_UPLOAD_URL`, `JOBBOARD_BA_CLIENT_CERT`, `JOBBOARD_BA_CLIENT_KEY` (PEM files,
    /// read and checked at start), optional `JOBBOARD_BA_CA`, `JOBBOARD_BA_ERRORS_URL`,
    /// `JOBBOARD_BA_SCHEDULE`: the upload of the files to the BA (see `config::ba`).
    pub ba_transfer: Option<BaTransferConfig>,
    /// `JOBBOARD_COUNTING`: count views, search impressions and apply clicks, cookie-free
    /// (default on; `off` counts nothing).
    pub counting: bool,
    /// `JOBBOARD_COUNT_FLUSH_SECS`: how often the counts of this process are written (default
    /// 60; they are also written at shutdown).
    pub count_flush_interval: Duration,
}

impl std::fmt::Display for SearchBackend {
    /// For logs: never the API key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Embedded => f.write_str("embedded"),
            Self::Meilisearch { url, index, .. } => write!(f, "meilisearch {url} index {index}"),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read from any source of variables; tests pass a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &'static str| get(name).filter(|v| !v.trim().is_empty());
        let (data_dir, database_url) = read::database(&var)?;
        let read::Operation {
            demo_data,
            log_format,
            interval,
            db_max_connections,
        } = read::operation(&var)?;
        let (search, indexer_in_serve) = read::search(&var)?;
        let (bind, public_url) = read::address(&var)?;
        let (smtp_url, mail_from) = read::mail(&var)?;
        let (cookie_secure, trust_forwarded_for, page_cache_pages) = read::http(&var, &public_url)?;
        let (import_interval, import_policy, import_default_deadline_days) = read::imports(&var)?;
        let ba_accounts = ba_accounts(&var)?;
        let (counting, count_flush_interval) = counting(&var)?;
        Ok(Self {
            counting,
            count_flush_interval,
            embed_origins: embed_origins(&var)?,
            ba_transfer: ba::transfer(&var, !ba_accounts.is_empty())?,
            ba_accounts,
            transport: crate::config_transport::from_lookup(&var, &public_url)?,
            smtp_url,
            mail_from,
            cookie_secure,
            trust_forwarded_for,
            import_interval,
            import_policy,
            import_default_deadline_days,
            search,
            indexer_in_serve,
            page_cache_pages,
            public_url,
            database_url,
            bind,
            demo_data,
            demo_count: parse(&var, "JOBBOARD_DEMO_COUNT", 250, "a whole number, e.g. 250")?,
            scheduler_interval: Duration::from_secs(interval),
            push_rate_limit: parse(
                &var,
                "JOBBOARD_PUSH_RATE_LIMIT",
                jobboard_web::DEFAULT_PUSH_RATE_PER_MINUTE,
                "a whole number of requests per minute, e.g. 120",
            )?,
            db_max_connections,
            log_format,
            log_filter: var("JOBBOARD_LOG")
                .or_else(|| var("RUST_LOG"))
                .unwrap_or_else(|| "info,sqlx=warn".into()),
            data_dir,
        })
    }

    pub fn is_sqlite(&self) -> bool {
        !jobboard_domain::db::is_postgres_url(&self.database_url)
    }

    /// Should an empty database get demo data?
    pub fn wants_demo_data(&self) -> bool {
        match self.demo_data {
            DemoData::Auto => self.is_sqlite(),
            DemoData::On => true,
            DemoData::Off => false,
        }
    }
}

/// `JOBBOARD_EMBED_ORIGINS`: each entry an http(s) origin, kept as `scheme://host[:port]`.
fn embed_origins(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<Vec<String>, ConfigError> {
    let Some(value) = var("JOBBOARD_EMBED_ORIGINS") else {
        return Ok(Vec::new());
    };
    value
        .split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(|entry| {
            url::Url::parse(entry)
                .ok()
                .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
                .and_then(|u| jobboard_web::embed::origin_of(u.as_str()))
                .ok_or_else(|| {
                    invalid(
                        "JOBBOARD_EMBED_ORIGINS",
                        entry,
                        "http(s) origins without path, e.g. https://www.partheland.de",
                    )
                })
        })
        .collect()
}

/// `JOBBOARD_BA_PARTNERS`: `slug:SupplierId:PartnerId:HiringOrgId`, comma-separated; each part
/// letters, digits, `-` and `_`.
fn ba_accounts(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<Vec<(String, jobboard_feeds::export::hrbaxml::BaAccount)>, ConfigError> {
    let Some(value) = var("JOBBOARD_BA_PARTNERS") else {
        return Ok(Vec::new());
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    value
        .split(',')
        .filter(|e| !e.trim().is_empty())
        .map(
            |entry| match entry.trim().split(':').collect::<Vec<_>>()[..] {
                [slug, supplier, partner, org]
                    if [slug, supplier, partner, org].iter().all(|s| plain(s)) =>
                {
                    Ok((
                        slug.to_owned(),
                        jobboard_feeds::export::hrbaxml::BaAccount {
                            supplier_id: supplier.to_owned(),
                            partner_id: partner.to_owned(),
                            hiring_org_id: org.to_owned(),
                        },
                    ))
                }
                _ => Err(invalid(
                    "JOBBOARD_BA_PARTNERS",
                    entry,
                    "slug:SupplierId:PartnerId:HiringOrgId, comma-separated",
                )),
            },
        )
        .collect()
}

fn parse<T: FromStr>(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: T,
    expected: &str,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| invalid(name, &v, expected)),
    }
}

/// `JOBBOARD_COUNTING` and `JOBBOARD_COUNT_FLUSH_SECS`.
fn counting(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(bool, Duration), ConfigError> {
    let on = match var("JOBBOARD_COUNTING") {
        None => true,
        Some(v) => switch(&v).ok_or_else(|| invalid("JOBBOARD_COUNTING", &v, "on or off"))?,
    };
    let secs: u64 = parse(
        var,
        "JOBBOARD_COUNT_FLUSH_SECS",
        60,
        "whole seconds from 1 to 3600",
    )?;
    if !(1..=3600).contains(&secs) {
        return Err(invalid(
            "JOBBOARD_COUNT_FLUSH_SECS",
            &secs.to_string(),
            "whole seconds from 1 to 3600",
        ));
    }
    Ok((on, Duration::from_secs(secs)))
}

/// on/true/1/yes or off/false/0/no, any case.
fn switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Some(true),
        "off" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

fn invalid(var: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError {
        var,
        value: value.to_owned(),
        expected: expected.to_owned(),
    }
}

/// Never print a password from a URL.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests;
