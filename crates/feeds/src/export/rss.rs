//! RSS 2.0 with `atom:link rel="self"`, `dc:creator` (the municipality) and the `stb:` posting
//! elements.

use std::io;

use super::xml::{self, Out};
use super::{FeedEntry, FeedError, FeedMeta, NAMESPACE, SCHEME_BASE};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

pub fn render(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> Result<String, FeedError> {
    let mut w = xml::writer(4096 + entries.len() * 8192).map_err(xml::write_error)?;
    write(&mut w, meta, entries).map_err(xml::write_error)?;
    xml::finish(w)
}

fn write(w: &mut Out, meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> io::Result<()> {
    xml::start(
        w,
        "rss",
        [
            ("version", "2.0"),
            ("xmlns:atom", ATOM_NS),
            ("xmlns:dc", DC_NS),
            ("xmlns:stb", NAMESPACE),
        ],
    )?;
    xml::start(w, "channel", [])?;
    xml::text(w, "title", &meta.title)?;
    xml::text(w, "link", &meta.page_url)?;
    xml::text(w, "description", &meta.description)?;
    xml::text(w, "language", "de-de")?;
    xml::text(w, "lastBuildDate", &meta.updated.to_rfc2822())?;
    xml::text(w, "generator", "Partheland Stellenbörse")?;
    xml::text(w, "ttl", "5")?;
    xml::empty(
        w,
        "atom:link",
        [
            ("href", meta.self_url.as_str()),
            ("rel", "self"),
            ("type", "application/rss+xml"),
        ],
    )?;
    for entry in entries {
        item(w, entry)?;
    }
    xml::end(w, "channel")?;
    xml::end(w, "rss")
}

fn item(w: &mut Out, entry: &FeedEntry<'_>) -> io::Result<()> {
    let p = entry.posting;
    xml::start(w, "item", [])?;
    xml::text(w, "title", &p.title)?;
    xml::text(w, "link", &entry.url)?;
    xml::text(w, "description", &entry.content_html())?;
    for (scheme, _code, label) in entry.categories() {
        let domain = format!("{SCHEME_BASE}:{scheme}");
        xml::text_with(w, "category", [("domain", domain.as_str())], &label)?;
    }
    xml::text_with(w, "guid", [("isPermaLink", "false")], &super::item_id(p.id))?;
    xml::text(w, "pubDate", &entry.published().to_rfc2822())?;
    xml::text(w, "dc:creator", &entry.municipality.name)?;
    xml::record(w, entry)?;
    xml::end(w, "item")
}
