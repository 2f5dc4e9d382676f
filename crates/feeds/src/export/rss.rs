//! RSS 2.0 with `atom:link rel="self"`, `dc:creator` (the municipality) and the `stb:` posting
//! elements.

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Guid, Item};

use super::{FeedEntry, FeedError, FeedMeta, NAMESPACE, PREFIX, SCHEME_BASE};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

pub fn render(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> Result<String, FeedError> {
    let mut channel = Channel {
        title: meta.title.clone(),
        link: meta.page_url.clone(),
        description: meta.description.clone(),
        language: Some("de-de".into()),
        last_build_date: Some(meta.updated.to_rfc2822()),
        generator: Some("Partheland Stellenbörse".into()),
        ttl: Some("5".into()),
        items: entries.iter().map(item).collect(),
        ..Default::default()
    };
    channel.namespaces.insert(PREFIX.into(), NAMESPACE.into());
    channel.namespaces.insert("atom".into(), ATOM_NS.into());
    let mut self_link = Extension {
        name: "atom:link".into(),
        ..Default::default()
    };
    self_link.attrs.insert("href".into(), meta.self_url.clone());
    self_link.attrs.insert("rel".into(), "self".into());
    self_link
        .attrs
        .insert("type".into(), "application/rss+xml".into());
    channel
        .extensions
        .entry("atom".into())
        .or_default()
        .insert("link".into(), vec![self_link]);
    let bytes = channel
        .write_to(Vec::with_capacity(4096 + entries.len() * 4096))
        .map_err(|e| FeedError::Write(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| FeedError::Write(e.to_string()))
}

fn item(entry: &FeedEntry<'_>) -> Item {
    let p = entry.posting;
    let mut fields: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for (key, value) in entry.record_fields() {
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
    Item {
        title: Some(p.title.clone()),
        link: Some(entry.url.clone()),
        description: Some(entry.content_html()),
        categories: entry
            .categories()
            .into_iter()
            .map(|(scheme, _code, label)| Category {
                name: label,
                domain: Some(format!("{SCHEME_BASE}:{scheme}")),
            })
            .collect(),
        guid: Some(Guid {
            value: super::item_id(p.id),
            permalink: false,
        }),
        pub_date: Some(entry.published().to_rfc2822()),
        dublin_core_ext: Some(DublinCoreExtension {
            creators: vec![entry.municipality.name.clone()],
            ..Default::default()
        }),
        extensions,
        ..Default::default()
    }
}
