//! Cookie-free counting (issue 20): how often a posting was seen, listed and applied for, per
//! day and kind of source — events, never people. Nothing that identifies a person is stored:
//! no address, no browser string, no cookie, no per-visitor hash. The web crate adds events up in
//! memory and hands them to [`counts::flush`] now and then; several processes add up because
//! every flush adds to the stored number (`count = count + excluded.count`). Days older than
//! [`RETENTION_MONTHS`] are folded into months ([`counts::fold_old_days`]).
//!
//! - [`classify`]: which kind of source a request came from (the board's own `quelle=`
//!   parameter first, then the host of the referring page);
//! - [`counts`]: flushing, folding and reading the numbers;
//! - [`report`]: the figures of the statistics pages (medians per kind, time to fill);
//! - [`filling`]: marking a posting filled („besetzt“) through the audited pipeline.

pub mod counts;
pub mod filling;
pub mod report;

use sea_orm::entity::prelude::*;

use crate::postings::types::vocabulary;

/// Days are kept this many months, then folded into months.
pub const RETENTION_MONTHS: u32 = 25;

/// The query parameter the board puts on its own feed, alert-mail and embed links.
pub const SOURCE_PARAM: &str = "quelle";

vocabulary! {
    /// What happened to a posting.
    CountEvent {
        View = "view" => "Aufrufe",
        Impression = "impression" => "Einblendungen in Trefferlisten",
        Apply = "apply" => "Klicks auf „Jetzt bewerben“",
        AlertMail = "alert_mail" => "in Mails von Suchaufträgen",
    }
}

vocabulary! {
    /// Where a request came from, as a category (never the address itself).
    TrafficSource {
        Board = "board" => "diese Stellenbörse",
        Member = "member" => "Website einer Kommune",
        SearchEngine = "search_engine" => "Suchmaschine",
        Agency = "agency" => "Bundesagentur für Arbeit",
        Feed = "feed" => "Feed oder API",
        Alert = "alert" => "Mail eines Suchauftrags",
        Other = "other" => "andere oder keine Angabe",
    }
}

impl TrafficSource {
    /// The value of `quelle=` that names this source on the board's own links.
    pub fn param(self) -> &'static str {
        match self {
            Self::Board => "boerse",
            Self::Member => "kommune",
            Self::SearchEngine => "suchmaschine",
            Self::Agency => "ba",
            Self::Feed => "feed",
            Self::Alert => "suchauftrag",
            Self::Other => "sonstige",
        }
    }

    /// A `quelle=` value: the board's own names, and a few plain synonyms.
    pub fn from_param(value: &str) -> Option<Self> {
        let value = value.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.param() == value || s.code() == value)
            .or(match value.as_str() {
                "api" | "rss" | "atom" | "json" => Some(Self::Feed),
                "einbettung" | "einbetten" | "embed" => Some(Self::Member),
                "mail" | "alert" => Some(Self::Alert),
                _ => None,
            })
    }
}

/// Hosts of the search engines people use in Germany (a host ending in one of these, or with
/// `google.` in it).
const SEARCH_ENGINES: &[&str] = &[
    "bing.com",
    "duckduckgo.com",
    "ecosia.org",
    "qwant.com",
    "startpage.com",
    "metager.de",
    "search.brave.com",
    "yahoo.com",
    "yandex.ru",
    "baidu.com",
    "t-online.de",
    "web.de",
    "gmx.net",
];

/// `www.example.de` and `example.de` are one site.
fn bare(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

/// `host` is `site` or one of its subdomains.
fn within(host: &str, site: &str) -> bool {
    let (host, site) = (bare(host), bare(site));
    !site.is_empty() && (host == site || host.ends_with(&format!(".{site}")))
}

/// The host of an http(s) address, lower case; `None` for anything else.
pub fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.host_str().map(str::to_ascii_lowercase)
}

/// The kind of source of one request: the board's `quelle=` value when it names one, else the
/// referring page's host — the board itself (`own_host`), a member's website (`member_hosts`),
/// a search engine, the Bundesagentur — else [`TrafficSource::Other`].
pub fn classify(
    quelle: Option<&str>,
    referrer_host: Option<&str>,
    own_host: &str,
    member_hosts: &[String],
) -> TrafficSource {
    if let Some(s) = quelle.and_then(TrafficSource::from_param) {
        return s;
    }
    let Some(host) = referrer_host.map(str::to_ascii_lowercase) else {
        return TrafficSource::Other;
    };
    if within(&host, own_host) {
        TrafficSource::Board
    } else if member_hosts.iter().any(|m| within(&host, m)) {
        TrafficSource::Member
    } else if within(&host, "arbeitsagentur.de") {
        TrafficSource::Agency
    } else if host.contains("google.") || SEARCH_ENGINES.iter().any(|s| within(&host, s)) {
        TrafficSource::SearchEngine
    } else {
        TrafficSource::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_told_apart_by_parameter_then_referring_host() {
        let members = vec!["naunhof.de".to_owned(), "www.borsdorf.de".to_owned()];
        let c =
            |q: Option<&str>, r: Option<&str>| classify(q, r, "stellen.partheland.de", &members);
        assert_eq!(c(Some("feed"), Some("www.google.de")), TrafficSource::Feed);
        assert_eq!(c(Some("suchauftrag"), None), TrafficSource::Alert);
        assert_eq!(c(Some("kommune"), None), TrafficSource::Member);
        assert_eq!(c(Some("quatsch"), None), TrafficSource::Other);
        assert_eq!(c(None, Some("stellen.partheland.de")), TrafficSource::Board);
        assert_eq!(c(None, Some("www.naunhof.de")), TrafficSource::Member);
        assert_eq!(c(None, Some("borsdorf.de")), TrafficSource::Member);
        assert_eq!(c(None, Some("rathaus.borsdorf.de")), TrafficSource::Member);
        assert_eq!(c(None, Some("notborsdorf.de")), TrafficSource::Other);
        assert_eq!(c(None, Some("www.google.de")), TrafficSource::SearchEngine);
        assert_eq!(c(None, Some("duckduckgo.com")), TrafficSource::SearchEngine);
        assert_eq!(
            c(None, Some("www.arbeitsagentur.de")),
            TrafficSource::Agency
        );
        assert_eq!(
            c(None, Some("jobboerse.arbeitsagentur.de")),
            TrafficSource::Agency
        );
        assert_eq!(c(None, None), TrafficSource::Other);
        for s in TrafficSource::ALL {
            assert_eq!(TrafficSource::from_param(s.param()), Some(*s));
        }
        assert_eq!(
            host_of("https://WWW.Naunhof.de/rathaus"),
            Some("www.naunhof.de".into())
        );
        assert_eq!(host_of("mailto:a@b.de"), None);
    }
}
