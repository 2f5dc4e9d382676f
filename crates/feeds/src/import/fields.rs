//! Reading posting fields out of JSON objects: this board's own API (`/api/v1/postings`), the
//! extension object of its JSON Feed items (`"_stellenboerse": {…}`) and its `stb:` elements in
//! RSS and Atom name them like [`PostingDraft`] (texts as Markdown, codes for `kind`,
//! `category`, …); a few common alternatives are accepted too.
//!
//! [`PostingDraft`]: jobboard_domain::postings::PostingDraft

use chrono::NaiveDate;
use jobboard_domain::imports::HarvestedItem;
use jobboard_domain::imports::item::PayDetails;
use jobboard_domain::postings::{Category, Contract, Employment, PayScheme, PostingKind};
use serde_json::{Map, Value};

pub fn text(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match obj.get(*n)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A finite number: "NaN", "inf" and "1e999" parse as floats but are no value.
fn number(obj: &Map<String, Value>, names: &[&str]) -> Option<f64> {
    names
        .iter()
        .find_map(|n| match obj.get(*n)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().replace(',', ".").parse().ok(),
            _ => None,
        })
        .filter(|n: &f64| n.is_finite())
}

/// A date as `2026-12-31` or the date part of an RFC 3339 instant.
pub fn date(obj: &Map<String, Value>, names: &[&str]) -> Option<NaiveDate> {
    let s = text(obj, names)?;
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Fill `item` with every posting field `obj` carries.
pub fn enrich(item: &mut HarvestedItem, obj: &Map<String, Value>) {
    enrich_texts(item, obj);
    enrich_codes(item, obj);
}

/// The free-text fields, then a nested `location` object (read whole, so its codes count too).
fn enrich_texts(item: &mut HarvestedItem, obj: &Map<String, Value>) {
    let set = |slot: &mut Option<String>, names: &[&str]| {
        if let Some(v) = text(obj, names) {
            *slot = Some(v);
        }
    };
    if let Some(t) = text(obj, &["title"]) {
        item.title = t;
    }
    // This board's texts are Markdown and stay as they are; only HTML is turned into text.
    if let Some(d) = text(obj, &["description"]) {
        item.description = if d.trim_start().starts_with('<') {
            super::html::to_text(&d)
        } else {
            d
        };
    }
    set(
        &mut item.reference_number,
        &["reference_number", "reference"],
    );
    set(&mut item.department, &["department"]);
    set(&mut item.tasks, &["tasks"]);
    set(&mut item.profile, &["profile"]);
    set(&mut item.benefits, &["benefits"]);
    set(&mut item.contact_name, &["contact_name"]);
    set(&mut item.contact_phone, &["contact_phone"]);
    set(&mut item.contact_email, &["contact_email"]);
    set(&mut item.apply_url, &["apply_url"]);
    set(&mut item.apply_email, &["apply_email"]);
    set(&mut item.location_place, &["location_place", "place"]);
    set(
        &mut item.location_postcode,
        &["location_postcode", "postcode"],
    );
    if let Some(Value::Object(loc)) = obj.get("location") {
        enrich(item, loc);
    }
}

/// The URL, the coded fields, numbers and dates; after the nested location, so the outer
/// object's values win.
fn enrich_codes(item: &mut HarvestedItem, obj: &Map<String, Value>) {
    if let Some(u) = text(obj, &["url", "detail_url", "html_url"]) {
        item.url = Some(u);
    }
    let code = |names: &[&str]| text(obj, names);
    if let Some(k) = code(&["kind"]).and_then(|c| PostingKind::from_code(&c)) {
        item.kind = Some(k);
    }
    if let Some(c) = code(&["category"]).and_then(|c| Category::from_code(&c)) {
        item.category = Some(c);
    }
    if let Some(e) = code(&["employment"]).and_then(|c| Employment::from_code(&c)) {
        item.employment = Some(e);
    }
    if let Some(c) = code(&["contract"]).and_then(|c| Contract::from_code(&c)) {
        item.contract = Some((c, date(obj, &["contract_end_date"])));
    }
    if let Some(s) = code(&["pay_scheme"]).and_then(|c| PayScheme::from_code(&c)) {
        item.pay = Some(PayDetails {
            scheme: s,
            grade_from: text(obj, &["pay_grade_from"]),
            grade_to: text(obj, &["pay_grade_to"]),
            monthly_min_eur: number(obj, &["pay_monthly_min_eur"]).map(|v| v as i32),
            monthly_max_eur: number(obj, &["pay_monthly_max_eur"]).map(|v| v as i32),
        });
    }
    if let Some(h) = number(obj, &["weekly_hours"]) {
        item.weekly_hours = Some(h);
    }
    if let (Some(lat), Some(lon)) = (number(obj, &["latitude"]), number(obj, &["longitude"])) {
        item.coordinates = Some((lat, lon));
    }
    if let Some(d) = date(obj, &["start_date"]) {
        item.start_date = Some(d);
    }
    if let Some(d) = date(
        obj,
        &[
            "application_deadline",
            "deadline",
            "valid_through",
            "validThrough",
        ],
    ) {
        item.deadline = Some(d);
    }
}
