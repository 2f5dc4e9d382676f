//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) with the `_stellenboerse` extension.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{FeedEntry, FeedError, FeedMeta, rfc3339};

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    language: &'static str,
    authors: Vec<Author>,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct Author {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    content_html: String,
    summary: String,
    date_published: String,
    date_modified: String,
    tags: Vec<String>,
    authors: Vec<Author>,
    #[serde(rename = "_stellenboerse")]
    extension: Map<String, Value>,
}

pub fn render(meta: &FeedMeta, entries: &[FeedEntry<'_>]) -> Result<String, FeedError> {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.page_url,
        feed_url: &meta.self_url,
        description: &meta.description,
        language: "de-DE",
        authors: vec![Author {
            name: "Partheland Stellenbörse".into(),
            url: None,
        }],
        items: entries
            .iter()
            .map(|e| JsonItem {
                id: super::item_id(e.posting.id),
                url: e.url.clone(),
                title: e.posting.title.clone(),
                content_html: e.content_html(),
                summary: e.summary(),
                date_published: rfc3339(e.published()),
                date_modified: rfc3339(e.updated()),
                tags: e
                    .categories()
                    .into_iter()
                    .map(|(_, _, label)| label)
                    .collect(),
                authors: vec![Author {
                    name: e.municipality.name.clone(),
                    url: Some(e.municipality.website.clone()).filter(|w| !w.is_empty()),
                }],
                extension: e.record(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&feed).map_err(|e| FeedError::Write(e.to_string()))
}
