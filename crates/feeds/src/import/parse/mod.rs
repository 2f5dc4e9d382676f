//! From a response body to harvested items: the format recognised (or the configured one
//! used), the text decoded, the items read. An item we cannot use becomes an [`ItemFailure`];
//! a document we cannot read at all is a [`ParseError`] and nothing is imported from it.
//!
//! A response of the JSON API that is one page of several is read like any other and says so
//! in [`Parsed::page`]; fetching the other pages is the harvester's part (`import::pages`).

use jobboard_domain::imports::{HarvestedItem, ImportFormat, ItemFailure};

use super::fetch::Body;

mod json;
mod xml;

use json::{api_items, parse_api, parse_json_feed, parse_json_ld_page};
use serde_json::Value;
use xml::parse_xml_feed;

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

/// The readable text of an HTML page: its `<main>`, else its `<article>`, else its `<body>`
/// (site navigation and footers mostly lie outside), as plain text.
pub fn main_text(body: &Body) -> String {
    let content_type = body
        .content_type
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let charset = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset="))
        .map(|c| c.trim_matches('"').to_owned())
        .or_else(|| meta_charset(&body.bytes));
    let html = decode(&body.bytes, charset.as_deref());
    let lower = html.to_ascii_lowercase();
    let part = ["main", "article", "body"].iter().find_map(|tag| {
        let open = lower.find(&format!("<{tag}"))?;
        let start = open + lower[open..].find('>')? + 1;
        let end = lower[start..]
            .find(&format!("</{tag}>"))
            .map_or(html.len(), |e| start + e);
        Some(&html[start..end])
    });
    super::html::to_text(part.unwrap_or(&html))
}
