//! Typed configuration from `JOBBOARD_*` environment variables, read once at start.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

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
        let data_dir = PathBuf::from(var("JOBBOARD_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match var("JOBBOARD_DATABASE_URL") {
            None => format!("sqlite://{}/jobboard.db?mode=rwc", data_dir.display()),
            Some(url)
                if url.starts_with("sqlite:") || jobboard_domain::db::is_postgres_url(&url) =>
            {
                url
            }
            Some(url) => {
                return Err(ConfigError {
                    var: "JOBBOARD_DATABASE_URL",
                    value: redact(&url),
                    expected: "a sqlite://path or postgres://user@host/db URL".into(),
                });
            }
        };
        let demo_data = match var("JOBBOARD_DEMO_DATA") {
            None => DemoData::Auto,
            Some(v) if v.eq_ignore_ascii_case("auto") => DemoData::Auto,
            Some(v) => match switch(&v) {
                Some(true) => DemoData::On,
                Some(false) => DemoData::Off,
                None => return Err(invalid("JOBBOARD_DEMO_DATA", &v, "one of auto, on, off")),
            },
        };
        let log_format = match var("JOBBOARD_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(invalid("JOBBOARD_LOG_FORMAT", other, "text or json")),
        };
        let interval: u64 = parse(
            &var,
            "JOBBOARD_SCHEDULER_INTERVAL_SECS",
            30,
            "whole seconds between 1 and 3600",
        )?;
        if !(1..=3600).contains(&interval) {
            return Err(invalid(
                "JOBBOARD_SCHEDULER_INTERVAL_SECS",
                &interval.to_string(),
                "whole seconds between 1 and 3600",
            ));
        }
        let db_max_connections = match var("JOBBOARD_DB_MAX_CONNECTIONS") {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "JOBBOARD_DB_MAX_CONNECTIONS",
                            &v,
                            "a number between 1 and 1000",
                        )
                    })?,
            ),
        };
        let meili_url = var("MEILI_URL");
        let meili = |url: String| -> Result<SearchBackend, ConfigError> {
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || url::Url::parse(&url).is_err()
            {
                return Err(invalid(
                    "MEILI_URL",
                    &url,
                    "an http(s) URL, e.g. http://127.0.0.1:7700",
                ));
            }
            let index = var("JOBBOARD_MEILI_INDEX").unwrap_or_else(|| "postings".into());
            if !index
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(invalid(
                    "JOBBOARD_MEILI_INDEX",
                    &index,
                    "letters, digits, - and _",
                ));
            }
            let scoped_keys = match (
                var("JOBBOARD_MEILI_SEARCH_KEY"),
                var("JOBBOARD_MEILI_ADMIN_KEY"),
            ) {
                (Some(search), Some(admin)) => Some((search, admin)),
                (None, None) => None,
                (Some(_), None) => {
                    return Err(invalid(
                        "JOBBOARD_MEILI_ADMIN_KEY",
                        "",
                        "set together with JOBBOARD_MEILI_SEARCH_KEY",
                    ));
                }
                (None, Some(_)) => {
                    return Err(invalid(
                        "JOBBOARD_MEILI_SEARCH_KEY",
                        "",
                        "set together with JOBBOARD_MEILI_ADMIN_KEY",
                    ));
                }
            };
            Ok(SearchBackend::Meilisearch {
                url,
                api_key: var("MEILI_MASTER_KEY"),
                index,
                scoped_keys,
            })
        };
        let search = match (
            var("JOBBOARD_SEARCH")
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            meili_url,
        ) {
            (None | Some("auto"), None) | (Some("embedded"), _) => SearchBackend::Embedded,
            (None | Some("auto" | "meilisearch"), Some(url)) => meili(url)?,
            (Some("meilisearch"), None) => {
                return Err(invalid(
                    "MEILI_URL",
                    "",
                    "set when JOBBOARD_SEARCH=meilisearch",
                ));
            }
            (Some(other), _) => {
                return Err(invalid(
                    "JOBBOARD_SEARCH",
                    other,
                    "one of auto, embedded, meilisearch",
                ));
            }
        };
        let indexer_in_serve = match var("JOBBOARD_INDEXER") {
            None => true,
            Some(v) => switch(&v).ok_or_else(|| invalid("JOBBOARD_INDEXER", &v, "on or off"))?,
        };
        let bind: SocketAddr = parse(
            &var,
            "JOBBOARD_BIND",
            SocketAddr::from(([127, 0, 0, 1], 8080)),
            "host:port, e.g. 127.0.0.1:8080",
        )?;
        let public_url = match var("JOBBOARD_PUBLIC_URL") {
            None => format!("http://{bind}"),
            Some(u)
                if (u.starts_with("http://") || u.starts_with("https://"))
                    && url::Url::parse(&u).is_ok() =>
            {
                u.trim_end_matches('/').to_owned()
            }
            Some(u) => {
                return Err(invalid(
                    "JOBBOARD_PUBLIC_URL",
                    &u,
                    "an http(s) URL, e.g. https://stellen.partheland.de",
                ));
            }
        };
        let smtp_url = match var("JOBBOARD_SMTP_URL") {
            None => None,
            Some(u) if u.starts_with("smtp://") || u.starts_with("smtps://") => Some(u),
            Some(u) => {
                return Err(invalid(
                    "JOBBOARD_SMTP_URL",
                    &redact(&u),
                    "an smtp:// or smtps:// URL, e.g. smtps://user:pass@mail.example.de",
                ));
            }
        };
        let mail_from = var("JOBBOARD_MAIL_FROM")
            .unwrap_or_else(|| "Partheland Stellenbörse <noreply@localhost>".into());
        let local_http = url::Url::parse(&public_url).is_ok_and(|u| {
            u.scheme() == "http"
                && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
        });
        let cookie_secure = match var("JOBBOARD_COOKIE_SECURE") {
            None => !local_http,
            Some(v) => match switch(&v) {
                Some(false) if !local_http => {
                    return Err(invalid(
                        "JOBBOARD_COOKIE_SECURE",
                        &v,
                        "on (off is allowed only for a JOBBOARD_PUBLIC_URL of http://localhost or http://127.0.0.1)",
                    ));
                }
                Some(b) => b,
                None => return Err(invalid("JOBBOARD_COOKIE_SECURE", &v, "on or off")),
            },
        };
        let trust_forwarded_for = match var("JOBBOARD_TRUST_FORWARDED_FOR") {
            None => false,
            Some(v) => switch(&v)
                .ok_or_else(|| invalid("JOBBOARD_TRUST_FORWARDED_FOR", &v, "on or off"))?,
        };
        let page_cache_pages = parse(
            &var,
            "JOBBOARD_PAGE_CACHE",
            512,
            "a number of pages from 0 (off) to 100000",
        )?;
        if page_cache_pages > 100_000 {
            return Err(invalid(
                "JOBBOARD_PAGE_CACHE",
                &page_cache_pages.to_string(),
                "a number of pages from 0 (off) to 100000",
            ));
        }
        let import_interval = match var("JOBBOARD_IMPORT_INTERVAL_SECS") {
            None => Some(Duration::from_secs(3600)),
            Some(v) if v.trim() == "0" || switch(&v) == Some(false) => None,
            Some(v) => Some(Duration::from_secs(
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=604_800).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "JOBBOARD_IMPORT_INTERVAL_SECS",
                            &v,
                            "whole seconds up to 604800, or 0/off",
                        )
                    })?,
            )),
        };
        let import_policy = match var("JOBBOARD_IMPORT_ALLOW_PRIVATE") {
            None => jobboard_feeds::import::AddressPolicy::default(),
            Some(v) => jobboard_feeds::import::AddressPolicy::parse(&v).map_err(|_| {
                invalid(
                    "JOBBOARD_IMPORT_ALLOW_PRIVATE",
                    &v,
                    "none, or a comma list of loopback, private and CIDR networks (10.1.0.0/16)",
                )
            })?,
        };
        let import_default_deadline_days: u32 = parse(
            &var,
            "JOBBOARD_IMPORT_DEFAULT_DEADLINE_DAYS",
            30,
            "whole days between 1 and 365",
        )?;
        if !(1..=365).contains(&import_default_deadline_days) {
            return Err(invalid(
                "JOBBOARD_IMPORT_DEFAULT_DEADLINE_DAYS",
                &import_default_deadline_days.to_string(),
                "whole days between 1 and 365",
            ));
        }
        Ok(Self {
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
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_give_a_sqlite_board_on_localhost_8080() {
        let c = from(&[]).expect("defaults are valid");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://./data/jobboard.db?mode=rwc");
        assert!(c.wants_demo_data());
    }

    #[test]
    fn postgres_gets_no_demo_data_unless_asked() {
        let c = from(&[("JOBBOARD_DATABASE_URL", "postgres://u@h/db")]).expect("valid");
        assert!(!c.wants_demo_data());
        let c = from(&[
            ("JOBBOARD_DATABASE_URL", "postgres://u@h/db"),
            ("JOBBOARD_DEMO_DATA", "on"),
        ])
        .expect("valid");
        assert!(c.wants_demo_data());
    }

    #[test]
    fn a_bad_value_names_the_variable_and_what_is_expected() {
        let e = from(&[("JOBBOARD_BIND", "localhost")]).expect_err("not a socket address");
        assert_eq!(e.var, "JOBBOARD_BIND");
        assert!(
            e.to_string()
                .starts_with("JOBBOARD_BIND=\"localhost\": host:port"),
            "{e}"
        );
        assert_eq!(
            from(&[("JOBBOARD_DEMO_DATA", "maybe")])
                .expect_err("bad")
                .var,
            "JOBBOARD_DEMO_DATA"
        );
        assert_eq!(
            from(&[("JOBBOARD_INDEXER", "vielleicht")])
                .expect_err("bad")
                .var,
            "JOBBOARD_INDEXER"
        );
        assert!(
            !from(&[("JOBBOARD_INDEXER", "OFF")])
                .expect("valid")
                .indexer_in_serve
        );
        assert_eq!(
            from(&[("JOBBOARD_SCHEDULER_INTERVAL_SECS", "0")])
                .expect_err("bad")
                .var,
            "JOBBOARD_SCHEDULER_INTERVAL_SECS"
        );
        assert_eq!(
            from(&[("JOBBOARD_DEMO_COUNT", "-3")]).expect_err("bad").var,
            "JOBBOARD_DEMO_COUNT"
        );
        for bad in ["viele", "-1", "100001"] {
            assert_eq!(
                from(&[("JOBBOARD_PAGE_CACHE", bad)]).expect_err("bad").var,
                "JOBBOARD_PAGE_CACHE"
            );
        }
        assert_eq!(
            from(&[("JOBBOARD_PAGE_CACHE", "0")])
                .expect("valid")
                .page_cache_pages,
            0
        );
        assert_eq!(from(&[]).expect("valid").page_cache_pages, 512);
    }

    #[test]
    fn meilisearch_is_chosen_when_its_url_is_set_and_the_key_is_never_displayed() {
        assert_eq!(from(&[]).expect("valid").search, SearchBackend::Embedded);
        let c = from(&[
            ("MEILI_URL", "http://meili:7700"),
            ("MEILI_MASTER_KEY", "geheim"),
        ])
        .expect("valid");
        assert!(
            matches!(&c.search, SearchBackend::Meilisearch { index, api_key: Some(_), .. } if index == "postings")
        );
        assert!(!c.search.to_string().contains("geheim"));
        let c = from(&[
            ("MEILI_URL", "http://meili:7700"),
            ("JOBBOARD_MEILI_SEARCH_KEY", "suche"),
            ("JOBBOARD_MEILI_ADMIN_KEY", "index"),
        ])
        .expect("valid");
        assert!(
            matches!(&c.search, SearchBackend::Meilisearch { scoped_keys: Some((s, a)), .. } if s == "suche" && a == "index")
        );
        assert!(!c.search.to_string().contains("suche"));
        assert_eq!(
            from(&[
                ("MEILI_URL", "http://meili:7700"),
                ("JOBBOARD_MEILI_SEARCH_KEY", "suche"),
            ])
            .expect_err("half a pair")
            .var,
            "JOBBOARD_MEILI_ADMIN_KEY"
        );
        let c = from(&[
            ("MEILI_URL", "http://meili:7700"),
            ("JOBBOARD_SEARCH", "embedded"),
        ])
        .expect("valid");
        assert_eq!(c.search, SearchBackend::Embedded);
        assert_eq!(
            from(&[("MEILI_URL", "meili:7700")])
                .expect_err("no scheme")
                .var,
            "MEILI_URL"
        );
        assert_eq!(
            from(&[("JOBBOARD_SEARCH", "meilisearch")])
                .expect_err("no url")
                .var,
            "MEILI_URL"
        );
        assert_eq!(
            from(&[("JOBBOARD_SEARCH", "solr")])
                .expect_err("unknown")
                .var,
            "JOBBOARD_SEARCH"
        );
    }

    #[test]
    fn import_settings_have_safe_defaults_and_refuse_bad_values() {
        let c = from(&[]).expect("valid");
        assert_eq!(c.import_interval, Some(Duration::from_secs(3600)));
        assert!(!c.import_policy.allow_loopback && !c.import_policy.allow_private);
        assert_eq!(c.import_default_deadline_days, 30);
        let c = from(&[
            ("JOBBOARD_IMPORT_INTERVAL_SECS", "off"),
            ("JOBBOARD_IMPORT_ALLOW_PRIVATE", "loopback,10.0.0.0/8"),
        ])
        .expect("valid");
        assert_eq!(c.import_interval, None);
        assert!(c.import_policy.allow_loopback && c.import_policy.allowed.len() == 1);
        for (var, value) in [
            ("JOBBOARD_IMPORT_INTERVAL_SECS", "-1"),
            ("JOBBOARD_IMPORT_ALLOW_PRIVATE", "intranet"),
            ("JOBBOARD_IMPORT_DEFAULT_DEADLINE_DAYS", "0"),
        ] {
            assert_eq!(from(&[(var, value)]).expect_err("bad").var, var);
        }
    }

    #[test]
    fn database_password_is_never_echoed() {
        let e =
            from(&[("JOBBOARD_DATABASE_URL", "mysql://u:secret@h/db")]).expect_err("unsupported");
        assert!(!e.to_string().contains("secret"), "{e}");
    }
}
