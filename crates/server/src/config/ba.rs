//! `JOBBOARD_BA_*` transfer settings: uploading the HR-BA-XML files to the Bundesagentur für
//! Arbeit over HTTPS with a client certificate, fetching its error files, and the schedule on
//! which `serve` does both. The certificate files are read and checked here, once, at start.

use std::time::Duration;

use jobboard_domain::ba_export::Schedule;
use jobboard_feeds::export::ba_transfer::{BaIdentity, TransferSettings, TrustedRoots};

use super::{ConfigError, invalid};

/// How long one request to the BA may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The transfer to the BA (all of `JOBBOARD_BA_UPLOAD_URL`, `JOBBOARD_BA_CLIENT_CERT`,
/// `JOBBOARD_BA_CLIENT_KEY` set).
#[derive(Clone, Debug)]
pub struct BaTransferConfig {
    pub settings: TransferSettings,
    /// `JOBBOARD_BA_SCHEDULE`: when `serve` exports and uploads the deltas; `None`: only by
    /// hand (`jobboard ba-export --upload`).
    pub schedule: Option<Schedule>,
}

pub(super) fn transfer(
    var: &impl Fn(&'static str) -> Option<String>,
    has_partners: bool,
) -> Result<Option<BaTransferConfig>, ConfigError> {
    const MAIN: [&str; 3] = [
        "JOBBOARD_BA_UPLOAD_URL",
        "JOBBOARD_BA_CLIENT_CERT",
        "JOBBOARD_BA_CLIENT_KEY",
    ];
    let set: Vec<&str> = MAIN.into_iter().filter(|v| var(v).is_some()).collect();
    if set.is_empty() {
        for extra in [
            "JOBBOARD_BA_CA",
            "JOBBOARD_BA_ERRORS_URL",
            "JOBBOARD_BA_SCHEDULE",
        ] {
            if let Some(value) = var(extra) {
                return Err(invalid(
                    extra,
                    &value,
                    "only together with JOBBOARD_BA_UPLOAD_URL, JOBBOARD_BA_CLIENT_CERT and JOBBOARD_BA_CLIENT_KEY",
                ));
            }
        }
        return Ok(None);
    }
    if let Some(missing) = MAIN.into_iter().find(|v| !set.contains(v)) {
        return Err(invalid(
            missing,
            "",
            "set as well: the upload to the BA needs JOBBOARD_BA_UPLOAD_URL, JOBBOARD_BA_CLIENT_CERT and JOBBOARD_BA_CLIENT_KEY",
        ));
    }
    let Some(upload_url) = https_url(var, "JOBBOARD_BA_UPLOAD_URL")? else {
        return Err(invalid("JOBBOARD_BA_UPLOAD_URL", "", "an https:// address"));
    };
    if !has_partners {
        return Err(invalid(
            "JOBBOARD_BA_UPLOAD_URL",
            upload_url.as_str(),
            "a BA partner account in JOBBOARD_BA_PARTNERS as well",
        ));
    }
    let certificate = read_file(var, "JOBBOARD_BA_CLIENT_CERT", "the client certificate")?;
    let key = read_file(var, "JOBBOARD_BA_CLIENT_KEY", "the private key")?;
    let identity = BaIdentity::from_pem(&certificate, &key).map_err(|why| {
        invalid(
            "JOBBOARD_BA_CLIENT_KEY",
            &var("JOBBOARD_BA_CLIENT_KEY").unwrap_or_default(),
            &format!("the PEM private key of the certificate in JOBBOARD_BA_CLIENT_CERT: {why}"),
        )
    })?;
    let roots = match var("JOBBOARD_BA_CA") {
        None => None,
        Some(path) => {
            let pem = read_file(var, "JOBBOARD_BA_CA", "the trusted certificates")?;
            Some(TrustedRoots::from_pem(&pem).map_err(|why| {
                invalid(
                    "JOBBOARD_BA_CA",
                    &path,
                    &format!("a PEM file of CA certificates: {why}"),
                )
            })?)
        }
    };
    let schedule = match var("JOBBOARD_BA_SCHEDULE") {
        None => None,
        Some(v) => Some(Schedule::parse(&v).ok_or_else(|| {
            invalid(
                "JOBBOARD_BA_SCHEDULE",
                &v,
                "daily times in Berlin like 06:30 or 06:30,18:00, or an interval like every 4h or every 90m (5m to 24h)",
            )
        })?),
    };
    Ok(Some(BaTransferConfig {
        settings: TransferSettings {
            upload_url,
            errors_url: https_url(var, "JOBBOARD_BA_ERRORS_URL")?,
            identity,
            roots,
            timeout: TIMEOUT,
        },
        schedule,
    }))
}

fn https_url(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
) -> Result<Option<url::Url>, ConfigError> {
    let Some(value) = var(name) else {
        return Ok(None);
    };
    match url::Url::parse(value.trim()) {
        Ok(u) if u.scheme() == "https" && u.host_str().is_some() && u.password().is_none() => {
            Ok(Some(u))
        }
        _ => Err(invalid(
            name,
            &super::redact(&value),
            "an https:// address without credentials, e.g. https://hrbaxml.arbeitsagentur.de/in/",
        )),
    }
}

fn read_file(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    what: &str,
) -> Result<Vec<u8>, ConfigError> {
    let path = var(name).unwrap_or_default();
    std::fs::read(path.trim()).map_err(|e| {
        invalid(
            name,
            &path,
            &format!("the path of a readable PEM file with {what} ({e})"),
        )
    })
}
