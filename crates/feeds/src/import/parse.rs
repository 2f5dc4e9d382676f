//! From a response body to harvested items: the format recognised (or the configured one
//! used), the text decoded, the items read. An item we cannot use becomes an [`ItemFailure`];
//! a document we cannot read at all is a [`ParseError`] and nothing is imported from it.
//!
//! A response of the JSON API that is one page of several is read like any other and says so
//! in [`Parsed::page`]; fetching the other pages is the harvester's part (`import::pages`).

use feed_rs::model::{Entry, Feed};
use jobboard_domain::imports::{HarvestedItem, ImportFormat, ItemFailure};
use serde_json::{Map, Value};

use super::fetch::Body;
use super::{fields, html};

#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<HarvestedItem>,
    pub failures: Vec<ItemFailure>,
    /// Where a JSON API response stands among its pages, when it names them.
    pub page: Option<ApiPage>,
}

/// The paging fields of a JSON API response (`page`, `pages`, `total`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiPage {
    /// This page, from 1.
    pub page: u64,
    /// How many pages there are at the requested page size.
    pub pages: u64,
    /// How many postings all pages hold together, if the response says.
    pub total: Option<u64>,
}

impl ApiPage {
    /// One page of several: the others must be fetched too, or their postings would be archived.
    pub fn is_partial(&self) -> bool {
        self.pages > 1
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("Die Quelle lieferte „{0}“ statt eines Feeds oder einer Webseite.")]
    WrongContentType(String),
    #[error(
        "Das Format der Quelle ist nicht erkennbar (weder RSS, Atom, JSON Feed, Stellenbörsen-API noch eine Seite mit JobPosting-Daten)."
    )]
    Unrecognised,
    #[error("Der Feed ist nicht lesbar: {0}")]
    Feed(String),
    #[error("Der Feed ist unvollständig (abgeschnitten).")]
    Truncated,
    #[error("Die JSON-Daten sind nicht lesbar: {0}")]
    Json(String),
    #[error("Die Seite enthält keine Stellenanzeigen im Format schema.org JobPosting.")]
    NoJobPostings,
}

/// Read `body` as `format` (`Auto`: recognise it).
pub fn parse(body: &Body, format: ImportFormat) -> Result<(ImportFormat, Parsed), ParseError> {
    let content_type = body
        .content_type
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if [
        "image/",
        "audio/",
        "video/",
        "font/",
        "application/pdf",
        "application/zip",
    ]
    .iter()
    .any(|p| mime.starts_with(p))
    {
        return Err(ParseError::WrongContentType(mime.to_owned()));
    }
    let charset = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"').to_owned());
    let bytes = body
        .bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&body.bytes);
    let format = match format {
        ImportFormat::Auto => detect(bytes)?,
        forced => forced,
    };
    let parsed = match format {
        ImportFormat::Rss | ImportFormat::Atom | ImportFormat::Auto => {
            parse_xml_feed(bytes, charset.as_deref(), &body.url)?
        }
        ImportFormat::JsonFeed => parse_json_feed(&decode(bytes, charset.as_deref()))?,
        ImportFormat::JobboardApi => parse_api(&decode(bytes, charset.as_deref()))?,
        ImportFormat::JsonLdHtml => {
            let charset = charset.or_else(|| meta_charset(bytes));
            parse_json_ld_page(&decode(bytes, charset.as_deref()), &body.url)?
        }
    };
    Ok((format, parsed))
}

fn detect(bytes: &[u8]) -> Result<ImportFormat, ParseError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    match bytes.get(start) {
        Some(b'{' | b'[') => {
            let v: Value =
                serde_json::from_slice(bytes).map_err(|e| ParseError::Json(e.to_string()))?;
            if v.get("version")
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with("https://jsonfeed.org/version/"))
            {
                Ok(ImportFormat::JsonFeed)
            } else if api_items(&v).is_some() {
                Ok(ImportFormat::JobboardApi)
            } else {
                Err(ParseError::Unrecognised)
            }
        }
        Some(b'<') => {
            let head: String =
                String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 4096)])
                    .to_ascii_lowercase();
            if head.contains("<rss") || head.contains("<rdf:rdf") {
                Ok(ImportFormat::Rss)
            } else if head.contains("<feed") {
                Ok(ImportFormat::Atom)
            } else if head.contains("<html") || head.contains("<!doctype html") {
                Ok(ImportFormat::JsonLdHtml)
            } else {
                Err(ParseError::Unrecognised)
            }
        }
        _ => Err(ParseError::Unrecognised),
    }
}

/// Text in `charset` (from the Content-Type) or UTF-8, decoded to a Rust string; malformed
/// sequences become U+FFFD rather than stopping the import.
fn decode(bytes: &[u8], charset: Option<&str>) -> String {
    let encoding = charset
        .and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode_with_bom_removal(bytes).0.into_owned()
}

/// `<meta charset="…">` or the http-equiv form, within the first 1024 bytes.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!value.is_empty()).then_some(value)
}

/// RSS, RSS 1.0 and Atom through feed-rs. feed-rs (quick-xml) resolves only the five predefined
/// XML entities and character references, never a DOCTYPE's own entities, so an entity bomb
/// stays a few bytes of unexpanded text. The encoding of the XML declaration is honoured by
/// feed-rs; a charset given only in the Content-Type is applied here.
fn parse_xml_feed(bytes: &[u8], charset: Option<&str>, url: &str) -> Result<Parsed, ParseError> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head.starts_with("<?xml")
        && head[..head.find("?>").unwrap_or(head.len())].contains("encoding=");
    let transcoded;
    let input: &[u8] = match charset {
        Some(c) if !declared && !c.eq_ignore_ascii_case("utf-8") => {
            transcoded = decode(bytes, Some(c));
            transcoded.as_bytes()
        }
        _ => bytes,
    };
    if !ends_with_root_close(input) {
        return Err(ParseError::Truncated);
    }
    let feed: Feed = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        .build()
        .parse(input)
        .map_err(|e| ParseError::Feed(e.to_string()))?;
    let mut parsed = Parsed::default();
    let extensions = item_extensions(input);
    let extensions = (extensions.len() == feed.entries.len()).then_some(extensions);
    for (i, entry) in feed.entries.iter().enumerate() {
        match entry_item(entry) {
            Ok(mut item) => {
                if let Some(ext) = extensions.as_ref().and_then(|e| e.get(i)) {
                    fields::enrich(&mut item, ext);
                }
                parsed.items.push(item);
            }
            Err(reason) => parsed.failures.push(ItemFailure {
                item: entry_name(entry, i),
                reason,
            }),
        }
    }
    Ok(parsed)
}

/// The posting as this board's outgoing feeds carry it: the elements of [`NAMESPACE`] in an RSS
/// item or Atom entry (`<stb:application_deadline>2026-12-31</stb:application_deadline>`),
/// named like the JSON API's fields, one map per item in document order. Matched by namespace
/// URI, whatever prefix the document binds it to; a repeated element (`partners`) becomes an
/// array. feed-rs drops unknown elements, so they are read here with quick-xml (which, like
/// feed-rs, expands no entities beyond the predefined ones and character references).
///
/// [`NAMESPACE`]: crate::export::NAMESPACE
fn item_extensions(input: &[u8]) -> Vec<Map<String, Value>> {
    use quick_xml::events::Event;
    use quick_xml::name::ResolveResult;
    let text = String::from_utf8_lossy(input);
    let mut reader = quick_xml::NsReader::from_str(&text);
    let mut out = Vec::new();
    let mut current: Option<Map<String, Value>> = None;
    // The field being read and its text so far, still escaped (text and entity references
    // arrive as separate events).
    let mut field: Option<(String, String)> = None;
    while let Ok((ns, event)) = reader.read_resolved_event() {
        let ours = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == crate::export::NAMESPACE);
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if !ours && matches!(local.as_str(), "item" | "entry") {
                    current = Some(Map::new());
                } else if current.is_some() && ours {
                    field = Some((local, String::new()));
                }
            }
            Event::Text(t) => {
                if let Some((_, raw)) = field.as_mut() {
                    raw.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, raw)) = field.as_mut() {
                    raw.push('&');
                    raw.push_str(&r.into_inner());
                    raw.push(';');
                }
            }
            Event::CData(c) => {
                if let Some((_, raw)) = field.as_mut() {
                    raw.push_str(&quick_xml::escape::escape(c.into_inner()));
                }
            }
            Event::End(e) => {
                if let (Some(map), Some((name, raw))) = (current.as_mut(), field.take()) {
                    let value = quick_xml::escape::unescape(&raw)
                        .map_or(raw.clone(), |v| v.into_owned())
                        .trim()
                        .to_owned();
                    match map.get_mut(&name) {
                        Some(Value::Array(list)) => list.push(value.into()),
                        Some(single) => *single = Value::Array(vec![single.take(), value.into()]),
                        None => {
                            map.insert(name, value.into());
                        }
                    }
                } else if !ours && matches!(e.local_name().as_ref(), "item" | "entry") {
                    out.extend(current.take());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// A feed cut off in transfer still parses as far as it goes; its last item would be lost and
/// every later posting archived. So the document must end with the closing tag of its root.
fn ends_with_root_close(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(64)..]);
    let mut tail = text.trim_end();
    while let Some(before) = tail
        .strip_suffix("-->")
        .and_then(|t| t.rfind("<!--").map(|i| &t[..i]))
    {
        tail = before.trim_end();
    }
    let tail = tail.to_ascii_lowercase();
    ["</rss>", "</feed>", "</rdf:rdf>"]
        .iter()
        .any(|end| tail.ends_with(end))
}

fn entry_name(entry: &Entry, index: usize) -> String {
    if !entry.id.is_empty() {
        return entry.id.clone();
    }
    entry
        .links
        .first()
        .map_or_else(|| format!("Eintrag {}", index + 1), |l| l.href.clone())
}

fn entry_item(entry: &Entry) -> Result<HarvestedItem, String> {
    let title = entry
        .title
        .as_ref()
        .map(|t| html::to_text(&t.content))
        .unwrap_or_default();
    if title.is_empty() {
        return Err("Der Eintrag hat keinen Titel.".into());
    }
    let url = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.clone());
    let guid = if entry.id.is_empty() {
        url.clone()
            .ok_or("Der Eintrag hat weder eine Kennung noch einen Link.")?
    } else {
        entry.id.clone()
    };
    let description = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .or(entry.summary.as_ref().map(|s| s.content.as_str()))
        .map(html::to_text)
        .unwrap_or_default();
    let labels = entry
        .categories
        .iter()
        .flat_map(|c| [Some(c.term.clone()), c.label.clone()])
        .flatten()
        .collect();
    Ok(HarvestedItem {
        guid,
        title,
        url,
        description,
        labels,
        ..Default::default()
    })
}

/// JSON Feed 1.0/1.1 read with serde: the format is plain JSON, and this way an item's
/// extension object (`"_stellenboerse": {"application_deadline": …}`) is not lost.
fn parse_json_feed(text: &str) -> Result<Parsed, ParseError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::Feed("„items“ fehlt".into()))?;
    let mut parsed = Parsed::default();
    for (i, raw) in items.iter().enumerate() {
        let name = raw
            .get("id")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .unwrap_or_else(|| format!("Eintrag {}", i + 1));
        match json_feed_item(raw) {
            Ok(item) => parsed.items.push(item),
            Err(reason) => parsed.failures.push(ItemFailure { item: name, reason }),
        }
    }
    Ok(parsed)
}

fn json_feed_item(raw: &Value) -> Result<HarvestedItem, String> {
    let obj = raw.as_object().ok_or("Der Eintrag ist kein JSON-Objekt.")?;
    let url = fields::text(obj, &["url", "external_url"]);
    let guid = fields::text(obj, &["id"])
        .or(url.clone())
        .ok_or("Der Eintrag hat weder eine Kennung noch einen Link.")?;
    let title = fields::text(obj, &["title"]).ok_or("Der Eintrag hat keinen Titel.")?;
    let description = fields::text(obj, &["content_html"])
        .map(|h| html::to_text(&h))
        .or_else(|| fields::text(obj, &["content_text", "summary"]))
        .unwrap_or_default();
    let labels = obj
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut item = HarvestedItem {
        guid,
        title,
        url,
        description,
        labels,
        ..Default::default()
    };
    for (key, ext) in obj {
        if key.starts_with('_')
            && let Value::Object(ext) = ext
        {
            fields::enrich(&mut item, ext);
        }
    }
    Ok(item)
}

/// The list of postings in a response of this board's JSON API (or one shaped like it): an
/// array of objects with a title, at the top or under `items`/`postings`/`data`/`results`.
fn api_items(v: &Value) -> Option<&Vec<Value>> {
    let list = match v {
        Value::Array(a) => a,
        Value::Object(o) => ["items", "postings", "data", "results", "hits"]
            .iter()
            .find_map(|k| o.get(*k)?.as_array())?,
        _ => return None,
    };
    let looks_right = list.is_empty()
        || list.iter().any(|p| {
            p.get("title").is_some() && (p.get("id").is_some() || p.get("slug").is_some())
        });
    looks_right.then_some(list)
}

/// One response of the JSON API. Its paging fields, when present, go to [`Parsed::page`]; an
/// item without an id is named by its place, with the page when there are several, so the
/// names stay distinct over all pages of a harvest.
fn parse_api(text: &str) -> Result<Parsed, ParseError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    let list = api_items(&v).ok_or(ParseError::Unrecognised)?;
    let page = v.get("pages").and_then(Value::as_u64).map(|pages| ApiPage {
        page: v.get("page").and_then(Value::as_u64).unwrap_or(1),
        pages,
        total: v.get("total").and_then(Value::as_u64),
    });
    let place = |i: usize| match page {
        Some(p) if p.is_partial() => format!("Seite {}, Eintrag {}", p.page, i + 1),
        _ => format!("Eintrag {}", i + 1),
    };
    let mut parsed = Parsed {
        page,
        ..Parsed::default()
    };
    for (i, raw) in list.iter().enumerate() {
        let Some(obj) = raw.as_object() else {
            parsed.failures.push(ItemFailure {
                item: place(i),
                reason: "Der Eintrag ist kein JSON-Objekt.".into(),
            });
            continue;
        };
        let Some(guid) = fields::text(obj, &["id", "slug", "url"]) else {
            parsed.failures.push(ItemFailure {
                item: place(i),
                reason: "Der Eintrag hat keine Kennung.".into(),
            });
            continue;
        };
        let mut item = HarvestedItem {
            guid,
            ..Default::default()
        };
        fields::enrich(&mut item, obj);
        if item.title.is_empty() {
            parsed.failures.push(ItemFailure {
                item: item.guid,
                reason: "Der Eintrag hat keinen Titel.".into(),
            });
            continue;
        }
        parsed.items.push(item);
    }
    Ok(parsed)
}

/// schema.org JobPosting objects of a page's JSON-LD blocks (also inside `@graph` and arrays).
fn parse_json_ld_page(page: &str, url: &str) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    let mut values = Vec::new();
    for (i, block) in html::json_ld_blocks(page).iter().enumerate() {
        match serde_json::from_str::<Value>(block) {
            Ok(v) => values.push(v),
            Err(e) => parsed.failures.push(ItemFailure {
                item: format!("JSON-LD-Block {}", i + 1),
                reason: format!("Die JSON-LD-Daten sind nicht lesbar: {e}"),
            }),
        }
    }
    let mut postings = Vec::new();
    for v in &values {
        collect_job_postings(v, &mut postings);
    }
    if postings.is_empty() && parsed.failures.is_empty() {
        return Err(ParseError::NoJobPostings);
    }
    for (i, p) in postings.iter().enumerate() {
        match job_posting_item(p, url, i) {
            Ok(item) => parsed.items.push(item),
            Err(reason) => parsed.failures.push(ItemFailure {
                item: format!("{url}#{}", i + 1),
                reason,
            }),
        }
    }
    Ok(parsed)
}

fn collect_job_postings<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_job_postings(x, out)),
        Value::Object(o) => {
            let is_posting = match o.get("@type") {
                Some(Value::String(t)) => t == "JobPosting",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "JobPosting"),
                _ => false,
            };
            if is_posting {
                out.push(o);
            } else if let Some(graph) = o.get("@graph") {
                collect_job_postings(graph, out);
            }
        }
        _ => {}
    }
}

fn job_posting_item(
    p: &Map<String, Value>,
    page_url: &str,
    index: usize,
) -> Result<HarvestedItem, String> {
    let title =
        fields::text(p, &["title", "name"]).ok_or("Die Stellenanzeige hat keinen Titel.")?;
    let identifier = match p.get("identifier") {
        Some(Value::Object(id)) => fields::text(id, &["value", "@id", "name"]),
        Some(_) => fields::text(p, &["identifier"]),
        None => None,
    };
    let url = fields::text(p, &["url"]).or_else(|| (index == 0).then(|| page_url.to_owned()));
    let guid = identifier
        .clone()
        .or(url.clone())
        .unwrap_or_else(|| format!("{page_url}#{}", index + 1));
    let types: Vec<String> = match p.get("employmentType") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_ascii_lowercase))
            .collect(),
        _ => Vec::new(),
    };
    let mut labels: Vec<String> = types.iter().map(|t| t.replace('_', "-")).collect();
    for key in ["occupationalCategory", "industry", "employmentUnit"] {
        if let Some(t) = fields::text(p, &[key]) {
            labels.push(t);
        }
    }
    let mut item = HarvestedItem {
        guid,
        title: html::to_text(&title),
        url,
        description: fields::text(p, &["description"])
            .map(|d| html::to_text(&d))
            .unwrap_or_default(),
        reference_number: identifier,
        labels,
        deadline: fields::date(p, &["validThrough"]),
        start_date: fields::date(p, &["jobStartDate"]),
        ..Default::default()
    };
    let location = match p.get("jobLocation") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    if let Some(Value::Object(address)) = location.and_then(|l| l.get("address")) {
        item.location_place = fields::text(address, &["addressLocality"]);
        item.location_postcode = fields::text(address, &["postalCode"]);
    }
    if let Some(Value::Object(hiring)) = p.get("hiringOrganization")
        && let Some(Value::Object(dept)) = hiring.get("department")
    {
        item.department = fields::text(dept, &["name"]);
    }
    if let Some(Value::Object(contact)) = p.get("applicationContact") {
        item.contact_email = fields::text(contact, &["email"]);
        item.contact_phone = fields::text(contact, &["telephone"]);
        item.contact_name = fields::text(contact, &["name"]);
    }
    Ok(item)
}
