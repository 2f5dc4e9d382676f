//! The stages of reading the configuration, one group of variables each. Every stage takes the
//! lookup of non-empty variables and fails with the first variable it cannot use.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{ConfigError, DemoData, LogFormat, SearchBackend, invalid, parse, redact, switch};

/// `JOBBOARD_DATA_DIR` and `JOBBOARD_DATABASE_URL`.
pub(super) fn database(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(PathBuf, String), ConfigError> {
    let data_dir = PathBuf::from(var("JOBBOARD_DATA_DIR").unwrap_or_else(|| "./data".into()));
    let database_url = match var("JOBBOARD_DATABASE_URL") {
        None => format!("sqlite://{}/jobboard.db?mode=rwc", data_dir.display()),
        Some(url) if url.starts_with("sqlite:") || jobboard_domain::db::is_postgres_url(&url) => {
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
    Ok((data_dir, database_url))
}

/// How the process runs: demo data, logs, scheduler, pool.
pub(super) struct Operation {
    pub demo_data: DemoData,
    pub log_format: LogFormat,
    /// Seconds between scheduler runs.
    pub interval: u64,
    pub db_max_connections: Option<u32>,
}

pub(super) fn operation(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<Operation, ConfigError> {
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
        var,
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
    Ok(Operation {
        demo_data,
        log_format,
        interval,
        db_max_connections,
    })
}

/// `MEILI_URL` given: the Meilisearch backend with its index and key.
fn meili(
    var: &impl Fn(&'static str) -> Option<String>,
    url: String,
) -> Result<SearchBackend, ConfigError> {
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
    Ok(SearchBackend::Meilisearch {
        url,
        api_key: var("MEILI_MASTER_KEY"),
        index,
        scoped_keys: scoped_keys(var)?,
    })
}

/// `JOBBOARD_MEILI_SEARCH_KEY` and `JOBBOARD_MEILI_ADMIN_KEY`: both or neither.
fn scoped_keys(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<Option<(String, String)>, ConfigError> {
    match (
        var("JOBBOARD_MEILI_SEARCH_KEY"),
        var("JOBBOARD_MEILI_ADMIN_KEY"),
    ) {
        (Some(search), Some(admin)) => Ok(Some((search, admin))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(invalid(
            "JOBBOARD_MEILI_ADMIN_KEY",
            "",
            "set together with JOBBOARD_MEILI_SEARCH_KEY",
        )),
        (None, Some(_)) => Err(invalid(
            "JOBBOARD_MEILI_SEARCH_KEY",
            "",
            "set together with JOBBOARD_MEILI_ADMIN_KEY",
        )),
    }
}

/// The search backend and whether `serve` runs the indexer.
pub(super) fn search(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(SearchBackend, bool), ConfigError> {
    let meili_url = var("MEILI_URL");
    let search = match (
        var("JOBBOARD_SEARCH")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        meili_url,
    ) {
        (None | Some("auto"), None) | (Some("embedded"), _) => SearchBackend::Embedded,
        (None | Some("auto" | "meilisearch"), Some(url)) => meili(var, url)?,
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
    Ok((search, indexer_in_serve))
}

/// `JOBBOARD_BIND` and `JOBBOARD_PUBLIC_URL`.
pub(super) fn address(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(SocketAddr, String), ConfigError> {
    let bind: SocketAddr = parse(
        var,
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
    Ok((bind, public_url))
}

/// `JOBBOARD_SMTP_URL` and `JOBBOARD_MAIL_FROM`.
pub(super) fn mail(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(Option<String>, String), ConfigError> {
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
    Ok((smtp_url, mail_from))
}

/// Cookies, client addresses and the page cache: whether the session cookie is `Secure`, whether
/// `X-Forwarded-For` is trusted, how many pages are cached.
pub(super) fn http(
    var: &impl Fn(&'static str) -> Option<String>,
    public_url: &str,
) -> Result<(bool, bool, usize), ConfigError> {
    let local_http = url::Url::parse(public_url).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
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
        Some(v) => {
            switch(&v).ok_or_else(|| invalid("JOBBOARD_TRUST_FORWARDED_FOR", &v, "on or off"))?
        }
    };
    let page_cache_pages = parse(
        var,
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
    Ok((cookie_secure, trust_forwarded_for, page_cache_pages))
}

/// The harvester in `serve`: interval, reachable networks, default deadline.
pub(super) fn imports(
    var: &impl Fn(&'static str) -> Option<String>,
) -> Result<(Option<Duration>, jobboard_feeds::import::AddressPolicy, u32), ConfigError> {
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
        var,
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
    Ok((import_interval, import_policy, import_default_deadline_days))
}
