//! Atom 1.0 with the `stb:` posting elements.

use std::collections::BTreeMap;

use atom_syndication::extension::{Extension, ExtensionMap};
use atom_syndication::{
    Category, Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text,
};
use chrono::{DateTime, Utc};

use super::{FeedEntry, FeedError, FeedMeta, NAMESPACE, PREFIX, SCHEME_BASE};

pub fn render(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> Result<String, FeedError> {
    let mut feed = Feed {
        title: Text::plain(meta.title.clone()),
        id: meta.self_url.clone(),
        updated: fixed(meta.updated),
        subtitle: Some(Text::plain(meta.description.clone())),
        lang: Some("de-DE".into()),
        generator: Some(Generator {
            value: "Partheland Stellenbörse".into(),
            ..Default::default()
        }),
        authors: vec![Person {
            name: "Partheland Stellenbörse".into(),
            ..Default::default()
        }],
        links: vec![
            link(&meta.self_url, "self", "application/atom+xml"),
            link(&meta.page_url, "alternate", "text/html"),
        ],
        entries: entries.iter().map(entry).collect(),
        ..Default::default()
    };
    feed.namespaces.insert(PREFIX.into(), NAMESPACE.into());
    let bytes = feed
        .write_to(Vec::with_capacity(4096 + entries.len() * 4096))
        .map_err(|e| FeedError::Write(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| FeedError::Write(e.to_string()))
}

fn fixed(t: DateTime<Utc>) -> FixedDateTime {
    t.fixed_offset()
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: Some(mime.into()),
        ..Default::default()
    }
}

fn entry(e: &FeedEntry<'_>) -> Entry {
    let p = e.posting;
    let mut fields: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for (key, value) in e.record_fields() {
        let extension = Extension {
            name: format!("{PREFIX}:{key}"),
            value: Some(value.into_owned()),
            ..Default::default()
        };
        match fields.get_mut(key) {
            Some(list) => list.push(extension),
            None => {
                fields.insert(key.to_owned(), vec![extension]);
            }
        }
    }
    let mut extensions = ExtensionMap::new();
    extensions.insert(PREFIX.into(), fields);
    Entry {
        title: Text::plain(p.title.clone()),
        id: super::item_id(p.id),
        updated: fixed(e.updated()),
        published: Some(fixed(e.published())),
        authors: vec![Person {
            name: e.municipality.name.clone(),
            uri: Some(e.municipality.website.clone()).filter(|w| !w.is_empty()),
            ..Default::default()
        }],
        categories: e
            .categories()
            .into_iter()
            .map(|(scheme, code, label)| Category {
                term: code,
                scheme: Some(format!("{SCHEME_BASE}:{scheme}")),
                label: Some(label),
            })
            .collect(),
        links: vec![link(&e.url, "alternate", "text/html")],
        summary: Some(Text::plain(e.summary())),
        content: Some(Content {
            value: Some(e.content_html()),
            content_type: Some("html".into()),
            ..Default::default()
        }),
        extensions,
        ..Default::default()
    }
}
