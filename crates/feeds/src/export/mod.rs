//! Outgoing feeds of a search: RSS 2.0, Atom 1.0 and JSON Feed 1.1, rendered from the postings
//! the search found, in its order.
//!
//! Every item carries, beside the usual title, link, dates, categories and HTML content, the
//! whole posting as another instance needs it to rebuild the posting: in RSS and Atom as
//! elements in the namespace [`NAMESPACE`] (prefix `stb`), in JSON Feed as the extension object
//! `_stellenboerse`. Their names are the field names of the JSON API (`kind`, `reference_number`,
//! `application_deadline`, `description` as Markdown, …; `municipality` and `partners` as slugs).
//!
//! Item ids are `urn:x-partheland:stellenboerse:posting:<id>`: posting ids are never reused, so
//! neither are item ids.

mod atom;
pub mod ba_transfer;
pub mod hrbaxml;
mod json_feed;
mod rss;
mod xml;

use chrono::{DateTime, Utc};
use jobboard_domain::markdown;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::PostingDraft;
use jobboard_domain::postings::queries::Posting;
use jobboard_domain::search_params::SearchParam;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Namespace of the extension elements that carry the whole posting.
pub const NAMESPACE: &str = "urn:x-partheland:stellenboerse:1";
/// Prefix of [`NAMESPACE`] in RSS and Atom; `_stellenboerse` is the JSON Feed extension.
pub const PREFIX: &str = "stb";
/// Categories: `<NAMESPACE-base>:art`, `:bereich`, `:kommune`, `:umfang` as RSS domain and
/// Atom scheme, with the code as Atom term.
const SCHEME_BASE: &str = "urn:x-partheland:stellenboerse";

/// The stable, never reused id of a posting's feed item.
pub fn item_id(posting_id: i64) -> String {
    format!("{SCHEME_BASE}:posting:{posting_id}")
}

/// The posting id in an item id of this board, if it is one.
pub fn posting_id_of(item_id: &str) -> Option<i64> {
    item_id
        .strip_prefix(SCHEME_BASE)?
        .strip_prefix(":posting:")?
        .parse()
        .ok()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    JsonFeed,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::JsonFeed => "application/feed+json; charset=utf-8",
        }
    }

    /// Media type without parameters, as in `<link rel="alternate" type="…">`.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::JsonFeed => "application/feed+json",
        }
    }

    /// File extension of the feed address: `feed.rss`, `feed.atom`, `feed.json`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Rss => "rss",
            Self::Atom => "atom",
            Self::JsonFeed => "json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rss => "RSS",
            Self::Atom => "Atom",
            Self::JsonFeed => "JSON Feed",
        }
    }

    pub const ALL: [Self; 3] = [Self::Rss, Self::Atom, Self::JsonFeed];
}

/// The feed as a whole.
#[derive(Clone, Debug)]
pub struct FeedMeta {
    pub title: String,
    pub description: String,
    /// The HTML page showing the same search.
    pub page_url: String,
    /// The feed's own address; also the Atom feed id.
    pub self_url: String,
    /// When what the feed shows last changed.
    pub updated: DateTime<Utc>,
}

/// One posting in a feed.
#[derive(Clone, Debug)]
pub struct FeedEntry<'a> {
    pub posting: &'a Posting,
    pub municipality: &'a Municipality,
    /// Confirmed partner municipalities of a shared offer.
    pub partners: Vec<&'a Municipality>,
    /// Absolute address of the detail page.
    pub url: String,
}

impl FeedEntry<'_> {
    fn published(&self) -> DateTime<Utc> {
        self.posting.published_at.unwrap_or(self.posting.created_at)
    }

    fn updated(&self) -> DateTime<Utc> {
        self.posting.updated_at.max(self.published())
    }

    /// (scheme suffix, code, German label) of each classification. The scheme is named after
    /// the search parameter that filters by it, so a reader can build the search link.
    fn categories(&self) -> Vec<(&'static str, String, String)> {
        let p = self.posting;
        let mut list = vec![
            (
                SearchParam::Kind.name(),
                p.kind.code().to_owned(),
                p.kind.label().to_owned(),
            ),
            (
                SearchParam::Category.name(),
                p.category.code().to_owned(),
                p.category.label().to_owned(),
            ),
            (
                SearchParam::Employment.name(),
                p.employment.code().to_owned(),
                p.employment.label().to_owned(),
            ),
        ];
        for m in std::iter::once(&self.municipality).chain(&self.partners) {
            let param = SearchParam::Municipality.name();
            list.push((param, m.slug.clone(), m.name.clone()));
        }
        list
    }

    /// The content as sanitized HTML: key facts, then the sections of the posting.
    pub fn content_html(&self) -> String {
        let p = self.posting;
        let mut facts = vec![
            ("Kommune", self.municipality.name.clone()),
            ("Art", p.kind.label().to_owned()),
            ("Bereich", p.category.label().to_owned()),
            ("Arbeitszeit", p.employment.label().to_owned()),
            ("Vertrag", p.contract.label().to_owned()),
            (
                "Bewerbungsfrist",
                jobboard_domain::berlin::format_date(p.application_deadline),
            ),
            ("Kennziffer", p.reference_number.clone()),
        ];
        if !self.partners.is_empty() {
            let names: Vec<&str> = self.partners.iter().map(|m| m.name.as_str()).collect();
            facts.insert(1, ("Im Verbund mit", names.join(", ")));
        }
        let mut md = String::with_capacity(
            p.description.len() + p.tasks.len() + p.profile.len() + p.benefits.len() + 64,
        );
        for (heading, text) in [
            ("", &p.description),
            ("Ihre Aufgaben", &p.tasks),
            ("Ihr Profil", &p.profile),
            ("Wir bieten", &p.benefits),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            if !heading.is_empty() {
                md.push_str("\n\n### ");
                md.push_str(heading);
                md.push_str("\n\n");
            }
            md.push_str(text);
        }
        let mut html = String::with_capacity(md.len() * 2 + 512);
        html.push_str("<ul>");
        for (label, value) in facts {
            html.push_str("<li>");
            html.push_str(label);
            html.push_str(": ");
            html.push_str(&escape_html(&value));
            html.push_str("</li>");
        }
        html.push_str("</ul>");
        html.push_str(&body_html(p.id, p.updated_at, md));
        html
    }

    /// A plain-text summary: the start of the description.
    pub fn summary(&self) -> String {
        let text = markdown::to_plain_text(&self.posting.description);
        let mut out: String = text.chars().take(300).collect();
        if text.chars().count() > 300 {
            out.push('…');
        }
        out
    }

    /// The whole posting for the extension elements: the JSON API's field names; municipality
    /// and partners as slugs; no nulls.
    pub fn record(&self) -> Map<String, Value> {
        let p = self.posting;
        let draft = PostingDraft::from_model(p, vec![]);
        let mut map = match serde_json::to_value(draft) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        map.retain(|_, v| !v.is_null());
        // Who may see it is this board's decision, not content another board rebuilds: a
        // public feed never carries an internal posting, and the internal feed says so itself.
        map.remove("internal");
        map.remove("public_from");
        map.insert("id".into(), p.id.into());
        map.insert("slug".into(), p.slug.clone().into());
        map.insert("municipality".into(), self.municipality.slug.clone().into());
        map.insert(
            "partners".into(),
            self.partners
                .iter()
                .map(|m| Value::from(m.slug.clone()))
                .collect(),
        );
        if let Some(t) = p.published_at {
            map.insert("published_at".into(), rfc3339(t).into());
        }
        map.insert("updated_at".into(), rfc3339(p.updated_at).into());
        map
    }
}

impl FeedEntry<'_> {
    /// The extension elements of [`FeedEntry::record`] as (field name, text) in document order:
    /// field names sorted, arrays as repeated fields, numbers as JSON writes them, no nulls.
    /// Written from the typed posting, without building JSON values.
    pub fn record_fields(&self) -> Vec<(&'static str, Cow<'_, str>)> {
        let p = self.posting;
        let mut out: Vec<(&'static str, Cow<'_, str>)> = Vec::with_capacity(40);
        fn text<'s>(
            out: &mut Vec<(&'static str, Cow<'s, str>)>,
            name: &'static str,
            v: &'s Option<String>,
        ) {
            if let Some(v) = v {
                out.push((name, Cow::Borrowed(v.as_str())));
            }
        }
        fn float(out: &mut Vec<(&'static str, Cow<'_, str>)>, name: &'static str, v: Option<f64>) {
            if let Some(n) = v.and_then(serde_json::Number::from_f64) {
                out.push((name, Cow::Owned(n.to_string())));
            }
        }
        fn int(out: &mut Vec<(&'static str, Cow<'_, str>)>, name: &'static str, v: Option<i32>) {
            if let Some(v) = v {
                out.push((name, Cow::Owned(v.to_string())));
            }
        }
        fn date(
            out: &mut Vec<(&'static str, Cow<'_, str>)>,
            name: &'static str,
            v: Option<chrono::NaiveDate>,
        ) {
            if let Some(v) = v {
                out.push((name, Cow::Owned(v.to_string())));
            }
        }
        out.push(("kind", Cow::Borrowed(p.kind.code())));
        out.push(("reference_number", Cow::Borrowed(&p.reference_number)));
        out.push(("title", Cow::Borrowed(&p.title)));
        text(&mut out, "department", &p.department);
        out.push(("category", Cow::Borrowed(p.category.code())));
        out.push(("employment", Cow::Borrowed(p.employment.code())));
        float(&mut out, "weekly_hours", p.weekly_hours);
        out.push(("contract", Cow::Borrowed(p.contract.code())));
        date(&mut out, "contract_end_date", p.contract_end_date);
        out.push(("pay_scheme", Cow::Borrowed(p.pay_scheme.code())));
        text(&mut out, "pay_grade_from", &p.pay_grade_from);
        text(&mut out, "pay_grade_to", &p.pay_grade_to);
        int(&mut out, "pay_monthly_min_eur", p.pay_monthly_min_eur);
        int(&mut out, "pay_monthly_max_eur", p.pay_monthly_max_eur);
        out.push(("location_place", Cow::Borrowed(&p.location_place)));
        out.push(("location_postcode", Cow::Borrowed(&p.location_postcode)));
        float(&mut out, "latitude", p.latitude);
        float(&mut out, "longitude", p.longitude);
        date(&mut out, "start_date", p.start_date);
        date(
            &mut out,
            "application_deadline",
            Some(p.application_deadline),
        );
        out.push(("description", Cow::Borrowed(&p.description)));
        out.push(("tasks", Cow::Borrowed(&p.tasks)));
        out.push(("profile", Cow::Borrowed(&p.profile)));
        out.push(("benefits", Cow::Borrowed(&p.benefits)));
        text(&mut out, "contact_name", &p.contact_name);
        text(&mut out, "contact_phone", &p.contact_phone);
        text(&mut out, "contact_email", &p.contact_email);
        text(&mut out, "apply_url", &p.apply_url);
        text(&mut out, "apply_email", &p.apply_email);
        out.push(("id", Cow::Owned(p.id.to_string())));
        out.push(("slug", Cow::Borrowed(&p.slug)));
        out.push(("municipality", Cow::Borrowed(&self.municipality.slug)));
        for m in &self.partners {
            out.push(("partners", Cow::Borrowed(m.slug.as_str())));
        }
        if let Some(t) = p.published_at {
            out.push(("published_at", Cow::Owned(rfc3339(t))));
        }
        out.push(("updated_at", Cow::Owned(rfc3339(p.updated_at))));
        // Stable: repeated fields (partners) keep their order.
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }
}

/// Rendered Markdown body of a posting, by (posting id, updated_at); an entry is used only if
/// its Markdown source is the same, so a stale or colliding key can never show wrong content.
struct BodyCache {
    entries: HashMap<(i64, DateTime<Utc>), (String, Arc<str>)>,
}

/// More postings than this in the cache: start afresh (no LRU needed for a few thousand).
const BODY_CACHE_MAX: usize = 20_000;

fn body_html(id: i64, updated_at: DateTime<Utc>, md: String) -> Arc<str> {
    static CACHE: OnceLock<Mutex<BodyCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        Mutex::new(BodyCache {
            entries: HashMap::new(),
        })
    });
    let key = (id, updated_at);
    if let Ok(c) = cache.lock()
        && let Some((source, html)) = c.entries.get(&key)
        && *source == md
    {
        return Arc::clone(html);
    }
    let html: Arc<str> = markdown::render(&md).into();
    if let Ok(mut c) = cache.lock() {
        if c.entries.len() >= BODY_CACHE_MAX {
            c.entries.clear();
        }
        c.entries.insert(key, (md, Arc::clone(&html)));
    }
    html
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("feed could not be written: {0}")]
    Write(String),
}

/// Render `entries` (in this order) as a feed of `format`.
pub fn render(
    format: Format,
    meta: &FeedMeta,
    entries: &[FeedEntry<'_>],
) -> Result<String, FeedError> {
    match format {
        Format::Rss => rss::render(meta, entries),
        Format::Atom => atom::render(meta, entries),
        Format::JsonFeed => json_feed::render(meta, entries),
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
