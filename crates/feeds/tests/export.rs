//! The outgoing feeds read back with the same well-kept parsers an importer would use: every
//! field of the posting survives, text is escaped, ids are stable.

#![expect(clippy::unwrap_used, reason = "tests")]

use chrono::{TimeZone, Utc};
use jobboard_domain::entities::{municipality, posting};
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::testing::sample_draft;
use jobboard_feeds::export::{self, FeedEntry, FeedMeta, Format, NAMESPACE};

fn member(id: i64, slug: &str, name: &str) -> municipality::Model {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    municipality::Model {
        id,
        slug: slug.into(),
        name: name.into(),
        website: format!("https://www.{slug}.de"),
        contact_email: format!("personal@{slug}.de"),
        latitude: 51.3,
        longitude: 12.6,
        postcode: "04451".into(),
        place: name.into(),
        logo_url: None,
        employer_profile: None,
        created_at: t,
        updated_at: t,
    }
}

fn posting(id: i64, title: &str) -> posting::Model {
    let d = sample_draft(
        "NAU-7",
        Utc.with_ymd_and_hms(2026, 12, 15, 0, 0, 0)
            .unwrap()
            .date_naive(),
    );
    let published = Utc.with_ymd_and_hms(2026, 11, 20, 8, 30, 0).unwrap();
    posting::Model {
        id,
        municipality_id: 1,
        kind: d.kind,
        reference_number: d.reference_number,
        title: title.into(),
        slug: format!("posting-{id}"),
        department: d.department,
        category: d.category,
        employment: d.employment,
        weekly_hours: d.weekly_hours,
        contract: d.contract,
        contract_end_date: d.contract_end_date,
        pay_scheme: d.pay_scheme,
        pay_grade_from: d.pay_grade_from,
        pay_grade_to: d.pay_grade_to,
        pay_monthly_min_eur: d.pay_monthly_min_eur,
        pay_monthly_max_eur: d.pay_monthly_max_eur,
        location_place: d.location_place,
        location_postcode: d.location_postcode,
        latitude: d.latitude,
        longitude: d.longitude,
        start_date: d.start_date,
        application_deadline: d.application_deadline,
        description: "Wir suchen **Sie** & Ihr <Team>.".into(),
        tasks: d.tasks,
        profile: d.profile,
        benefits: d.benefits,
        contact_name: d.contact_name,
        contact_phone: d.contact_phone,
        contact_email: d.contact_email,
        apply_url: d.apply_url,
        apply_email: d.apply_email,
        status: PostingStatus::Published,
        published_at: Some(published),
        expires_at: jobboard_domain::berlin::end_of_day(d.application_deadline),
        filled_on: None,
        version: 2,
        source_id: None,
        external_guid: None,
        external_id: None,
        internal: false,
        public_from: None,
        created_by: "user:1".into(),
        updated_by: "user:1".into(),
        created_at: published,
        updated_at: published,
    }
}

fn meta() -> FeedMeta {
    FeedMeta {
        title: "Stellenangebote – Partheland Stellenbörse".into(),
        description: "Test".into(),
        page_url: "https://stellen.example.org/stellen".into(),
        self_url: "https://stellen.example.org/stellen/feed.rss".into(),
        updated: Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
    }
}

fn render(format: Format) -> String {
    let naunhof = member(1, "naunhof", "Naunhof");
    let brandis = member(2, "brandis", "Brandis");
    let a = posting(41, "Sachbearbeiter Bürgerbüro (m/w/d) <Teilzeit> & mehr");
    let entries = vec![FeedEntry {
        posting: &a,
        municipality: &naunhof,
        partners: vec![&brandis],
        url: "https://stellen.example.org/stellen/posting-41".into(),
    }];
    export::render(format, &meta(), &entries).unwrap()
}

#[test]
fn rss_reads_back_with_every_field_of_the_posting() {
    let xml = render(Format::Rss);
    let channel = rss::Channel::read_from(xml.as_bytes()).unwrap();
    assert_eq!(channel.namespaces()["stb"], NAMESPACE);
    let item = &channel.items()[0];
    assert_eq!(
        item.title(),
        Some("Sachbearbeiter Bürgerbüro (m/w/d) <Teilzeit> & mehr")
    );
    assert_eq!(
        item.guid().unwrap().value(),
        "urn:x-partheland:stellenboerse:posting:41"
    );
    assert!(!item.guid().unwrap().is_permalink());
    assert_eq!(item.pub_date(), Some("Fri, 20 Nov 2026 08:30:00 +0000"));
    let html = item.description().unwrap();
    assert!(
        html.contains("<strong>Sie</strong> &amp; Ihr"),
        "Markdown rendered, raw HTML escaped: {html}"
    );
    assert!(html.contains("<li>Im Verbund mit: Brandis</li>"), "{html}");
    let categories: Vec<(&str, Option<&str>)> = item
        .categories()
        .iter()
        .map(|c| (c.name(), c.domain()))
        .collect();
    assert!(
        categories.contains(&("Naunhof", Some("urn:x-partheland:stellenboerse:kommune"))),
        "{categories:?}"
    );
    assert!(categories.contains(&("Stelle", Some("urn:x-partheland:stellenboerse:art"))));
    let stb = &item.extensions()["stb"];
    let value = |name: &str| stb[name][0].value().unwrap().to_owned();
    assert_eq!(value("reference_number"), "NAU-7");
    assert_eq!(value("application_deadline"), "2026-12-15");
    assert_eq!(value("kind"), "job");
    assert_eq!(value("pay_grade_to"), "9a");
    assert_eq!(value("weekly_hours"), "39.0");
    assert_eq!(value("municipality"), "naunhof");
    assert_eq!(value("partners"), "brandis");
    assert_eq!(value("description"), "Wir suchen **Sie** & Ihr <Team>.");
    assert!(!stb.contains_key("start_date"), "empty fields are left out");
}

#[test]
fn atom_reads_back_with_ids_dates_categories_and_fields() {
    let xml = render(Format::Atom);
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).unwrap();
    assert_eq!(feed.id(), "https://stellen.example.org/stellen/feed.rss");
    let entry = &feed.entries()[0];
    assert_eq!(entry.id(), "urn:x-partheland:stellenboerse:posting:41");
    assert_eq!(
        entry.title().as_str(),
        "Sachbearbeiter Bürgerbüro (m/w/d) <Teilzeit> & mehr"
    );
    assert_eq!(
        entry.published().unwrap().to_rfc3339(),
        "2026-11-20T08:30:00+00:00"
    );
    assert_eq!(entry.authors()[0].name(), "Naunhof");
    let places: Vec<&str> = entry
        .categories()
        .iter()
        .filter(|c| c.scheme() == Some("urn:x-partheland:stellenboerse:kommune"))
        .map(|c| c.term())
        .collect();
    assert_eq!(places, ["naunhof", "brandis"]);
    assert_eq!(
        entry.links()[0].href(),
        "https://stellen.example.org/stellen/posting-41"
    );
    assert_eq!(
        entry.extensions()["stb"]["contact_email"][0].value(),
        Some("personal@naunhof.de")
    );
    assert!(
        entry
            .content()
            .unwrap()
            .value()
            .unwrap()
            .contains("<h3>Ihre Aufgaben</h3>")
    );
}

#[test]
fn json_feed_has_the_extension_object_with_typed_values() {
    let feed: serde_json::Value = serde_json::from_str(&render(Format::JsonFeed)).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    let item = &feed["items"][0];
    assert_eq!(item["id"], "urn:x-partheland:stellenboerse:posting:41");
    assert_eq!(item["date_published"], "2026-11-20T08:30:00Z");
    let ext = &item["_stellenboerse"];
    assert_eq!(ext["weekly_hours"], 39.0);
    assert_eq!(ext["latitude"], 51.2772);
    assert_eq!(ext["partners"], serde_json::json!(["brandis"]));
    assert_eq!(ext["id"], 41);
}

#[test]
fn item_ids_map_back_to_posting_ids_and_nothing_else() {
    assert_eq!(export::posting_id_of(&export::item_id(1234)), Some(1234));
    assert_eq!(
        export::posting_id_of("urn:x-partheland:stellenboerse:posting:x"),
        None
    );
    assert_eq!(export::posting_id_of("https://example.org/1"), None);
}

#[test]
fn an_empty_feed_is_still_a_valid_document() {
    for format in Format::ALL {
        let body = export::render(format, &meta(), &[]).unwrap();
        match format {
            Format::Rss => assert!(
                rss::Channel::read_from(body.as_bytes())
                    .unwrap()
                    .items()
                    .is_empty()
            ),
            Format::Atom => assert!(
                atom_syndication::Feed::read_from(body.as_bytes())
                    .unwrap()
                    .entries()
                    .is_empty()
            ),
            Format::JsonFeed => assert_eq!(
                serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"],
                serde_json::json!([])
            ),
        }
    }
}

/// The typed extension fields of RSS and Atom are exactly the JSON record flattened: same
/// names in the same order, arrays as repeated fields, numbers as JSON writes them, no nulls.
#[test]
fn typed_extension_fields_equal_the_json_record() {
    let naunhof = member(1, "naunhof", "Naunhof");
    let brandis = member(2, "brandis", "Brandis");
    let borsdorf = member(3, "borsdorf", "Borsdorf");
    let a = posting(41, "Sachbearbeiter Bürgerbüro (m/w/d) <Teilzeit> & mehr");
    let mut b = posting(42, "Erzieher (m/w/d)");
    b.weekly_hours = Some(39.0);
    b.latitude = Some(51.277_5);
    b.published_at = None;
    b.department = None;
    for (p, partners) in [(&a, vec![&brandis, &borsdorf]), (&b, vec![])] {
        let entry = FeedEntry {
            posting: p,
            municipality: &naunhof,
            partners,
            url: "https://stellen.example.org/stellen/x".into(),
        };
        let mut expected: Vec<(String, String)> = Vec::new();
        for (key, value) in entry.record() {
            let values = match value {
                serde_json::Value::Null => vec![],
                serde_json::Value::String(s) => vec![s],
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect(),
                other => vec![other.to_string()],
            };
            expected.extend(values.into_iter().map(|v| (key.clone(), v)));
        }
        let typed: Vec<(String, String)> = entry
            .record_fields()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_owned()))
            .collect();
        assert_eq!(typed, expected);
    }
}
