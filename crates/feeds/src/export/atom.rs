//! Atom 1.0 with the `stb:` posting elements.

use std::io;

use chrono::{DateTime, Utc};

use super::xml::{self, Out};
use super::{FeedEntry, FeedError, FeedMeta, NAMESPACE, SCHEME_BASE};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

pub fn render(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> Result<String, FeedError> {
    let mut w = xml::writer(4096 + entries.len() * 8192).map_err(xml::write_error)?;
    write(&mut w, meta, entries).map_err(xml::write_error)?;
    xml::finish(w)
}

fn timestamp(t: DateTime<Utc>) -> String {
    super::rfc3339(t)
}

fn write(w: &mut Out, meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> io::Result<()> {
    xml::start(
        w,
        "feed",
        [
            ("xmlns", ATOM_NS),
            ("xmlns:stb", NAMESPACE),
            ("xml:lang", "de-DE"),
        ],
    )?;
    xml::text(w, "title", &meta.title)?;
    xml::text(w, "id", &meta.self_url)?;
    xml::text(w, "updated", &timestamp(meta.updated))?;
    xml::text(w, "subtitle", &meta.description)?;
    xml::text(w, "generator", "Partheland Stellenbörse")?;
    xml::start(w, "author", [])?;
    xml::text(w, "name", "Partheland Stellenbörse")?;
    xml::end(w, "author")?;
    link(w, &meta.self_url, "self", "application/atom+xml")?;
    link(w, &meta.page_url, "alternate", "text/html")?;
    for e in entries {
        entry(w, e)?;
    }
    xml::end(w, "feed")
}

fn link(w: &mut Out, href: &str, rel: &str, mime: &str) -> io::Result<()> {
    xml::empty(w, "link", [("href", href), ("rel", rel), ("type", mime)])
}

fn entry(w: &mut Out, e: &FeedEntry<'_>) -> io::Result<()> {
    let p = e.posting;
    xml::start(w, "entry", [])?;
    xml::text(w, "title", &p.title)?;
    xml::text(w, "id", &super::item_id(p.id))?;
    xml::text(w, "updated", &timestamp(e.updated()))?;
    xml::text(w, "published", &timestamp(e.published()))?;
    xml::start(w, "author", [])?;
    xml::text(w, "name", &e.municipality.name)?;
    if !e.municipality.website.is_empty() {
        xml::text(w, "uri", &e.municipality.website)?;
    }
    xml::end(w, "author")?;
    for (scheme, code, label) in e.categories() {
        let scheme = format!("{SCHEME_BASE}:{scheme}");
        xml::empty(
            w,
            "category",
            [
                ("term", code.as_str()),
                ("scheme", scheme.as_str()),
                ("label", label.as_str()),
            ],
        )?;
    }
    link(w, &e.url, "alternate", "text/html")?;
    xml::text(w, "summary", &e.summary())?;
    xml::text_with(w, "content", [("type", "html")], &e.content_html())?;
    xml::record(w, e)?;
    xml::end(w, "entry")
}
