//! RSS, RSS 1.0 and Atom: the feed read by feed-rs, the extension elements of each item read
//! alongside.

use feed_rs::model::{Entry, Feed};
use jobboard_domain::imports::{HarvestedItem, ItemFailure};
use serde_json::{Map, Value};

use super::super::{fields, html};
use super::{ParseError, Parsed, decode};

/// RSS, RSS 1.0 and Atom through feed-rs. feed-rs (quick-xml) resolves only the five predefined
/// XML entities and character references, never a DOCTYPE's own entities, so an entity bomb
/// stays a few bytes of unexpanded text. The encoding of the XML declaration is honoured by
/// feed-rs; a charset given only in the Content-Type is applied here.
pub(super) fn parse_xml_feed(
    bytes: &[u8],
    charset: Option<&str>,
    url: &str,
) -> Result<Parsed, ParseError> {
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
    let id = entry.id.trim();
    if !id.is_empty() {
        return id.to_owned();
    }
    entry
        .links
        .first()
        .map(|l| l.href.trim())
        .filter(|href| !href.is_empty())
        .map_or_else(|| format!("Eintrag {}", index + 1), str::to_owned)
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
    // A blank id is no id.
    let guid = match entry.id.trim() {
        "" => url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .ok_or("Der Eintrag hat weder eine Kennung noch einen Link.")?,
        id => id.to_owned(),
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
