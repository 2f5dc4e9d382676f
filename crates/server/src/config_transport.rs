//! Configuration of the HTTP connection (kept apart from `config` so it stays self-contained):
//!
//! - `JOBBOARD_HEADER_TIMEOUT_SECS`: time a client has for the request line and headers
//!   (default 10, 1–300);
//! - `JOBBOARD_BODY_TIMEOUT_SECS`: time for a whole request body (default 30, 1–600);
//! - `JOBBOARD_HSTS`: send `Strict-Transport-Security` (default on when `JOBBOARD_PUBLIC_URL`
//!   is https; on needs an https public URL, since browsers would then refuse plain http).

use std::time::Duration;

use jobboard_web::transport::TransportSettings;

use crate::config::ConfigError;

pub(crate) fn from_lookup(
    var: &impl Fn(&'static str) -> Option<String>,
    public_url: &str,
) -> Result<TransportSettings, ConfigError> {
    let https = public_url.starts_with("https://");
    let hsts = match var("JOBBOARD_HSTS") {
        None => https,
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" if https => true,
            "off" | "false" | "0" | "no" => false,
            _ => {
                return Err(invalid(
                    "JOBBOARD_HSTS",
                    &v,
                    "on (only with an https:// JOBBOARD_PUBLIC_URL) or off",
                ));
            }
        },
    };
    Ok(TransportSettings {
        header_timeout: seconds(var, "JOBBOARD_HEADER_TIMEOUT_SECS", 10, 300)?,
        body_timeout: seconds(var, "JOBBOARD_BODY_TIMEOUT_SECS", 30, 600)?,
        hsts,
    })
}

fn seconds(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: u64,
    max: u64,
) -> Result<Duration, ConfigError> {
    let Some(v) = var(name) else {
        return Ok(Duration::from_secs(default));
    };
    match v.trim().parse::<u64>() {
        Ok(s) if (1..=max).contains(&s) => Ok(Duration::from_secs(s)),
        _ => Err(invalid(name, &v, &format!("whole seconds from 1 to {max}"))),
    }
}

fn invalid(var: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError {
        var,
        value: value.to_owned(),
        expected: expected.to_owned(),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn read(pairs: &[(&'static str, &str)], url: &str) -> Result<TransportSettings, ConfigError> {
        from_lookup(
            &|k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            },
            url,
        )
    }

    #[test]
    fn hsts_follows_the_public_url_and_timeouts_have_bounds() {
        assert!(read(&[], "https://stellen.partheland.de").unwrap().hsts);
        assert!(!read(&[], "http://127.0.0.1:8080").unwrap().hsts);
        assert!(
            !read(&[("JOBBOARD_HSTS", "off")], "https://stellen.partheland.de")
                .unwrap()
                .hsts
        );
        let e = read(&[("JOBBOARD_HSTS", "on")], "http://127.0.0.1:8080").unwrap_err();
        assert_eq!(e.var, "JOBBOARD_HSTS");
        let d = read(&[], "http://127.0.0.1:8080").unwrap();
        assert_eq!(
            (d.header_timeout.as_secs(), d.body_timeout.as_secs()),
            (10, 30)
        );
        let s = read(
            &[
                ("JOBBOARD_HEADER_TIMEOUT_SECS", "2"),
                ("JOBBOARD_BODY_TIMEOUT_SECS", "5"),
            ],
            "http://x",
        )
        .unwrap();
        assert_eq!(
            (s.header_timeout.as_secs(), s.body_timeout.as_secs()),
            (2, 5)
        );
        assert_eq!(
            read(&[("JOBBOARD_BODY_TIMEOUT_SECS", "0")], "http://x")
                .unwrap_err()
                .var,
            "JOBBOARD_BODY_TIMEOUT_SECS"
        );
    }
}
