//! The JSON formats: JSON Feed, the job board's own API, and JSON-LD `JobPosting` objects in an
//! HTML page.

use jobboard_domain::imports::{HarvestedItem, ItemFailure};
use serde_json::{Map, Value};

use super::super::{fields, html};
use super::{ApiPage, ParseError, Parsed};

/// JSON Feed 1.0/1.1 read with serde: the format is plain JSON, and this way an item's
/// extension object (`"_stellenboerse": {"application_deadline": …}`) is not lost.
pub(super) fn parse_json_feed(text: &str) -> Result<Parsed, ParseError> {
    let v: Value = serde_json::from_str(text).map_err(|e| ParseError::Json(e.to_string()))?;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::Feed("„items“ fehlt".into()))?;
    let mut parsed = Parsed::default();
    for (i, raw) in items.iter().enumerate() {
        // An empty or blank id names nothing in the source's status: the place does.
        let name = raw
            .as_object()
            .and_then(|o| fields::text(o, &["id"]))
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
pub(super) fn api_items(v: &Value) -> Option<&Vec<Value>> {
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
pub(super) fn parse_api(text: &str) -> Result<Parsed, ParseError> {
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
pub(super) fn parse_json_ld_page(page: &str, url: &str) -> Result<Parsed, ParseError> {
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
    // Checked after the markup is gone: a title of only tags is no title.
    let title = fields::text(p, &["title", "name"])
        .map(|t| html::to_text(&t))
        .filter(|t| !t.trim().is_empty())
        .ok_or("Die Stellenanzeige hat keinen Titel.")?;
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
        title,
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
