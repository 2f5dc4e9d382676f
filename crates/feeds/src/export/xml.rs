//! Streaming XML output for the RSS and Atom feeds: quick-xml's writer straight into one
//! buffer, without building the whole feed as a tree of owned strings first. A feed of 1,000
//! postings is several megabytes; writing it as it is read keeps rendering to one pass.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{FeedEntry, FeedError, PREFIX};

pub(super) type Out = Writer<Vec<u8>>;

pub(super) fn writer(capacity: usize) -> io::Result<Out> {
    let mut w = Writer::new(Vec::with_capacity(capacity));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    Ok(w)
}

pub(super) fn finish(w: Out) -> Result<String, FeedError> {
    String::from_utf8(w.into_inner()).map_err(|e| FeedError::Write(e.to_string()))
}

pub(super) fn start<'a>(
    w: &mut Out,
    name: &str,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<()> {
    let mut start = BytesStart::new(name);
    for a in attributes {
        start.push_attribute(a);
    }
    w.write_event(Event::Start(start))
}

pub(super) fn end(w: &mut Out, name: &str) -> io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// `<name>text</name>`, the text escaped.
pub(super) fn text(w: &mut Out, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// `<name a="…">text</name>`.
pub(super) fn text_with<'a>(
    w: &mut Out,
    name: &str,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
    text: &str,
) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attributes)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// `<name a="…"/>`.
pub(super) fn empty<'a>(
    w: &mut Out,
    name: &str,
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attributes)
        .write_empty()?;
    Ok(())
}

/// The whole posting as `stb:` elements, in the order of [`FeedEntry::record_fields`].
pub(super) fn record(w: &mut Out, entry: &FeedEntry<'_>) -> io::Result<()> {
    let mut name = String::with_capacity(32);
    for (key, value) in entry.record_fields() {
        name.clear();
        name.push_str(PREFIX);
        name.push(':');
        name.push_str(key);
        text(w, &name, &value)?;
    }
    Ok(())
}

pub(super) fn write_error(e: io::Error) -> FeedError {
    FeedError::Write(e.to_string())
}
