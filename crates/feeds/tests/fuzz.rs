//! Fuzzing the feed reader (see `jobboard_domain::testing::fuzz` for the budget): RSS, Atom,
//! JSON Feed, the board's JSON API and JSON-LD in HTML, built from the fields the reader knows
//! with arbitrary values, cut off anywhere, in any declared encoding and content type, and
//! arbitrary bytes. Whatever comes, the reader answers (a document, or a `ParseError`) and never
//! panics; every item it reads has an id and a title, every number is finite.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::atomic::{AtomicU64, Ordering};

use jobboard_domain::imports::ImportFormat;
use jobboard_domain::testing::fuzz::proptest;
use jobboard_domain::testing::fuzz::{
    fuzz,
    proptest::prelude::*,
    proptest::test_runner::{TestCaseError, TestCaseResult},
};
use jobboard_feeds::import::fetch::Body;
use jobboard_feeds::import::parse;
use serde_json::Value;

/// The field names the reader looks for, in every format.
const FIELDS: &[&str] = &[
    "id",
    "slug",
    "url",
    "title",
    "description",
    "summary",
    "content_html",
    "content_text",
    "items",
    "item",
    "entry",
    "postings",
    "hits",
    "results",
    "data",
    "total",
    "page",
    "pages",
    "per_page",
    "version",
    "_stellenboerse",
    "@type",
    "@graph",
    "@id",
    "@context",
    "JobPosting",
    "identifier",
    "value",
    "name",
    "validThrough",
    "valid_through",
    "datePosted",
    "employmentType",
    "jobLocation",
    "address",
    "postalCode",
    "addressLocality",
    "hiringOrganization",
    "applicationContact",
    "email",
    "telephone",
    "jobStartDate",
    "occupationalCategory",
    "industry",
    "application_deadline",
    "deadline",
    "weekly_hours",
    "employment",
    "contract",
    "contract_end_date",
    "pay_scheme",
    "pay_grade_from",
    "pay_grade_to",
    "pay_monthly_min_eur",
    "pay_monthly_max_eur",
    "kind",
    "category",
    "tags",
    "department",
    "reference",
    "reference_number",
    "start_date",
    "location",
    "location_place",
    "location_postcode",
    "place",
    "postcode",
    "latitude",
    "longitude",
    "contact_name",
    "contact_email",
    "contact_phone",
    "apply_email",
    "apply_url",
    "detail_url",
    "external_url",
    "html_url",
    "tasks",
    "profile",
    "benefits",
    "guid",
    "link",
    "alternate",
    "published",
    "updated",
    "pubDate",
    "baseSalary",
    "employmentUnit",
];

/// Values that are almost right.
const VALUES: &[&str] = &[
    "",
    " ",
    "2026-12-31",
    "2026-02-30",
    "31.12.2026",
    "2026-12-31T23:59:59+01:00",
    "9999-99-99",
    "-1",
    "0",
    "1e308",
    "1e999",
    "NaN",
    "inf",
    "39,5",
    "39.5",
    "full_time",
    "FULL_TIME",
    "part_time",
    "job",
    "apprenticeship",
    "tvoed_vka_eg",
    "8",
    "fixed_term",
    "permanent",
    "https://www.naunhof.de/stellen/1",
    "javascript:alert(1)",
    "mailto:a@b.de",
    "bewerbung%40naunhof.de?bcc=x@evil.example",
    "<p>Text</p>",
    "<script>x</script>",
    "&amp;&lt;",
    "&bogus;",
    "ä",
    "\u{0}",
    "\u{feff}",
    "04463",
    "Naunhof",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(VALUES).prop_map(str::to_owned),
        1 => "\\PC{0,16}",
        1 => any::<String>(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((field(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ]
}

/// `<name>text</name>` elements, some ours (`sb:`), some in CDATA, some unclosed.
fn xml_elements() -> impl Strategy<Value = String> {
    let element = (field(), text(), 0..12u8).prop_map(|(name, text, style)| {
        let name: String = name
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let name = if name.is_empty() {
            "x".to_owned()
        } else {
            name
        };
        let escaped = escape(&text);
        match style {
            0..=3 => format!("<sb:{name}>{escaped}</sb:{name}>"),
            4 => format!("<{name}><![CDATA[{text}]]></{name}>"),
            5 => format!("<{name} href=\"{}\"/>", escaped.replace('"', "&quot;")),
            // Markup as it comes, even when it breaks the document.
            6 => format!("<{name}>{text}</{name}>"),
            7 => format!("<{name}>{escaped}"),
            _ => format!("<{name}>{escaped}</{name}>"),
        }
    });
    let named = proptest::option::weighted(0.7, (text(), text())).prop_map(|n| {
        n.map_or_else(String::new, |(id, title)| {
            format!(
                "<guid>{}</guid><title>{}</title>",
                escape(&id),
                escape(&title)
            )
        })
    });
    (named, proptest::collection::vec(element, 0..12)).prop_map(|(n, e)| n + &e.concat())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// A JSON item: often with an id and a title, then any fields.
fn json_item() -> impl Strategy<Value = Value> {
    let named = proptest::option::weighted(0.7, (text(), text()));
    let fields = proptest::collection::vec((field(), json_value()), 0..8);
    (named, fields).prop_map(|(named, fields)| {
        let mut item: serde_json::Map<String, Value> = fields.into_iter().collect();
        if let Some((id, title)) = named {
            item.insert("id".into(), Value::String(id));
            item.insert("title".into(), Value::String(title));
        }
        Value::Object(item)
    })
}

fn document() -> impl Strategy<Value = String> {
    let xml_head = proptest::sample::select(
        &[
            "UTF-8",
            "UTF-8",
            "UTF-8",
            "ISO-8859-1",
            "windows-1252",
            "utf-16",
            "x-bogus",
        ][..],
    )
    .prop_map(|enc| format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>"));
    let items = || proptest::collection::vec(xml_elements(), 0..5);
    prop_oneof![
        3 => (xml_head.clone(), items()).prop_map(|(head, items)| format!(
            "{head}<rss version=\"2.0\" xmlns:sb=\"urn:x-partheland:stellenboerse:1\"><channel><title>S</title>{}</channel></rss>",
            items.iter().map(|i| format!("<item>{i}</item>")).collect::<String>()
        )),
        3 => (xml_head, items()).prop_map(|(head, entries)| format!(
            "{head}<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:sb=\"urn:x-partheland:stellenboerse:1\"><title>S</title>{}</feed>",
            entries.iter().map(|e| format!("<entry>{e}</entry>")).collect::<String>()
        )),
        1 => json_value().prop_map(|v| v.to_string()),
        2 => proptest::collection::vec(json_item(), 0..4).prop_map(|items| serde_json::json!({
            "version": "https://jsonfeed.org/version/1.1", "title": "S", "items": items
        }).to_string()),
        2 => (json_item(), any::<u8>(), any::<u8>()).prop_map(|(item, page, pages)| serde_json::json!({
            "total": u64::from(pages) * 20, "page": page, "pages": pages, "per_page": 20,
            "items": [item], "facets": []
        }).to_string()),
        2 => proptest::collection::vec(json_item(), 0..3).prop_map(|blocks| format!(
            "<!doctype html><html><head>{}</head><body><p>Stellen</p></body></html>",
            blocks.iter().map(|b| {
                let mut b = b.clone();
                if let Some(o) = b.as_object_mut() { o.insert("@type".into(), "JobPosting".into()); }
                format!("<script type=\"application/ld+json\">{b}</script>")
            }).collect::<String>()
        )),
        1 => "\\PC{0,200}",
    ]
}

struct Input {
    bytes: Vec<u8>,
    content_type: Option<String>,
    format: ImportFormat,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("text", &String::from_utf8_lossy(&self.bytes))
            .field("content_type", &self.content_type)
            .field("format", &self.format)
            .finish()
    }
}

fn input() -> impl Strategy<Value = Input> {
    let content_type = proptest::option::of(proptest::sample::select(
        &[
            "application/rss+xml",
            "application/atom+xml; charset=utf-8",
            "application/xml",
            "text/xml; charset=ISO-8859-1",
            "application/json",
            "application/feed+json",
            "text/html; charset=utf-8",
            "text/html; charset=bogus",
            "text/plain",
            "image/png",
            "",
        ][..],
    ));
    let bytes = prop_oneof![
        4 => (document(), any::<proptest::sample::Index>(), proptest::bool::weighted(0.9)).prop_map(|(doc, cut, whole)| {
            let bytes = doc.into_bytes();
            if whole || bytes.is_empty() { bytes } else { bytes[..cut.index(bytes.len())].to_vec() }
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..300),
    ];
    (
        bytes,
        content_type,
        proptest::sample::select(ImportFormat::ALL),
    )
        .prop_map(|(bytes, ct, format)| Input {
            bytes,
            content_type: ct.map(str::to_owned),
            format,
        })
}

/// Cases read as a document, and items read: the fuzzer must reach past the errors.
static DOCUMENTS: AtomicU64 = AtomicU64::new(0);
static ITEMS: AtomicU64 = AtomicU64::new(0);

fn check(input: Input) -> TestCaseResult {
    let body = Body {
        bytes: input.bytes,
        content_type: input.content_type,
        etag: None,
        last_modified: None,
        url: "https://www.naunhof.de/stellen".into(),
    };
    let Ok((format, parsed)) = parse::parse(&body, input.format) else {
        return Ok(());
    };
    DOCUMENTS.fetch_add(1, Ordering::Relaxed);
    ITEMS.fetch_add(parsed.items.len() as u64, Ordering::Relaxed);
    let fail = |why: String| Err(TestCaseError::fail(why));
    if format == ImportFormat::Auto {
        return fail("read as Auto".into());
    }
    for item in &parsed.items {
        if item.guid.trim().is_empty() || item.title.trim().is_empty() {
            return fail(format!("an item without id or title: {item:?}"));
        }
        let numbers = [
            item.weekly_hours,
            item.coordinates.map(|c| c.0),
            item.coordinates.map(|c| c.1),
        ];
        if numbers.into_iter().flatten().any(|n| !n.is_finite()) {
            return fail(format!("a number that is not finite: {item:?}"));
        }
    }
    if parsed
        .failures
        .iter()
        .any(|f| f.item.trim().is_empty() || f.reason.is_empty())
    {
        return fail(format!(
            "a failure without item or reason: {:?}",
            parsed.failures
        ));
    }
    Ok(())
}

#[test]
fn any_feed_is_read_or_refused_and_never_panics() {
    let run = fuzz("feeds", input(), check);
    let (documents, items) = (
        DOCUMENTS.load(Ordering::Relaxed),
        ITEMS.load(Ordering::Relaxed),
    );
    eprintln!(
        "fuzz feeds: {documents} of {} cases read as a document, {items} items",
        run.cases
    );
    assert!(
        documents * 10 > run.cases && items * 10 > run.cases,
        "{documents} documents, {items} items"
    );
}

fn body(text: &str, content_type: &str) -> Body {
    Body {
        bytes: text.as_bytes().to_vec(),
        content_type: Some(content_type.into()),
        etag: None,
        last_modified: None,
        url: "https://www.naunhof.de/stellen".into(),
    }
}

/// Found by the fuzzer: a blank id named the failing item "" (JSON Feed) or " " (Atom).
#[test]
fn a_blank_id_does_not_name_a_failing_item() {
    let feed = r#"{"version":"https://jsonfeed.org/version/1.1","title":"S","items":[{"id":" ","title":""}]}"#;
    let (_, parsed) =
        parse::parse(&body(feed, "application/feed+json"), ImportFormat::Auto).unwrap();
    assert_eq!(parsed.failures[0].item, "Eintrag 1");
    let atom = r#"<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>S</title><entry><id><![CDATA[ ]]></id></entry></feed>"#;
    let (_, parsed) =
        parse::parse(&body(atom, "application/atom+xml"), ImportFormat::Auto).unwrap();
    assert_eq!(parsed.failures[0].item, "Eintrag 1");
    assert!(parsed.items.is_empty());
}

/// Found by the fuzzer: a JSON-LD title of markup only was read as an empty title.
#[test]
fn a_json_ld_title_of_markup_only_is_no_title() {
    let page = r#"<html><script type="application/ld+json">{"@type":"JobPosting","title":"<a"}</script></html>"#;
    let (_, parsed) = parse::parse(&body(page, "text/html"), ImportFormat::Auto).unwrap();
    assert!(parsed.items.is_empty(), "{:?}", parsed.items);
    assert_eq!(
        parsed.failures[0].reason,
        "Die Stellenanzeige hat keinen Titel."
    );
}

/// Found by the fuzzer: "1e999" and "NaN" parse as floats, infinite or not a number.
#[test]
fn numbers_that_are_not_finite_are_left_out() {
    for hours in ["1e999", "NaN", "-inf"] {
        let rss = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:sb="urn:x-partheland:stellenboerse:1"><channel><title>S</title><item><guid>a</guid><title>Koch</title><sb:weekly_hours>{hours}</sb:weekly_hours></item></channel></rss>"#
        );
        let (_, parsed) =
            parse::parse(&body(&rss, "application/rss+xml"), ImportFormat::Auto).unwrap();
        assert_eq!(parsed.items[0].weekly_hours, None, "{hours}");
    }
}

#[test]
fn an_api_page_reads_its_paging_fields_whatever_their_values() {
    let body = |json: Value| Body {
        bytes: json.to_string().into_bytes(),
        content_type: Some("application/json".into()),
        etag: None,
        last_modified: None,
        url: "https://www.naunhof.de/api/v1/postings".into(),
    };
    for (page, pages) in [(0, 0), (u64::MAX, u64::MAX), (1, u64::MAX)] {
        let json = serde_json::json!({"total": 1, "page": page, "pages": pages, "per_page": 20, "items": [], "facets": []});
        let _ = parse::parse(&body(json), ImportFormat::Auto);
    }
    assert!(parse::parse(&body(Value::Null), ImportFormat::Auto).is_err());
}
