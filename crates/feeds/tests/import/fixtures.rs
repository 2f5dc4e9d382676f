//! Fixture feeds as municipalities' websites serve them.

use chrono::{Days, Utc};

/// A deadline comfortably in the future, as `YYYY-MM-DD`.
pub fn deadline() -> String {
    (Utc::now().date_naive() + Days::new(60)).to_string()
}

pub fn rss_item(guid: &str, title: &str, description: &str) -> String {
    format!(
        "<item><title>{title}</title><link>https://www.brandis.de/stellen/{guid}</link>\
         <guid isPermaLink=\"false\">{guid}</guid><category>Verwaltung</category>\
         <description>{description}</description></item>"
    )
}

pub fn rss_with(items: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Stellen der Stadt Brandis</title><link>https://www.brandis.de</link>\
         <description>Stellenangebote</description>{}</channel></rss>\n",
        items.concat()
    )
}

pub fn rss() -> String {
    rss_with(&[
        rss_item(
            "brandis-1",
            "Sachbearbeiter Bauamt (m/w/d)",
            "&lt;p&gt;Wir suchen Verstärkung im &lt;b&gt;Bauamt&lt;/b&gt;.&lt;/p&gt;",
        ),
        rss_item(
            "brandis-2",
            "Erzieherin Kita Regenbogen (m/w/d), Teilzeit",
            "Für unsere Kita suchen wir Sie.",
        ),
        rss_item(
            "brandis-3",
            "Ausbildung Verwaltungsfachangestellte 2027",
            "Starten Sie Ihre Ausbildung bei uns.",
        ),
    ])
}

/// The second item has no title: skipped and reported, the others imported.
pub fn malformed_rss() -> String {
    rss_with(&[
        rss_item(
            "m-1",
            "Hausmeister Grundschule",
            "Schule sucht Hausmeister.",
        ),
        "<item><guid>m-2</guid><description>Ohne Titel</description></item>".to_owned(),
        rss_item(
            "m-3",
            "Bibliothekar (m/w/d)",
            "Stadtbibliothek sucht Verstärkung.",
        ),
    ])
}

pub fn atom() -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:jb="https://example.org/other" xmlns:s="urn:x-partheland:stellenboerse:1">
  <title>Stellen Naunhof</title><id>urn:naunhof:stellen</id><updated>2026-11-20T10:00:00Z</updated>
  <entry>
    <title>IT-Administrator (m/w/d)</title><id>urn:naunhof:stelle:17</id>
    <link rel="alternate" href="https://www.naunhof.de/stellen/17"/>
    <updated>2026-11-20T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;Betreuung der IT der Stadtverwaltung.&lt;/p&gt;</summary>
    <category term="it_digitales"/>
  </entry>
  <entry>
    <title>Gärtner Bauhof</title><id>urn:naunhof:stelle:18</id>
    <link href="https://www.naunhof.de/stellen/18"/>
    <updated>2026-11-20T10:00:00Z</updated>
    <content type="text">Pflege der Grünanlagen.</content>
    <s:application_deadline>{}</s:application_deadline><s:employment>part_time</s:employment>
    <jb:weekly_hours>12</jb:weekly_hours>
  </entry>
</feed>
"#,
        deadline()
    )
}

pub fn json_feed() -> String {
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Stellen Machern",
        "items": [
            {
                "id": "machern-5",
                "url": "https://www.machern.de/stellen/5",
                "title": "Ordnungsamt: Mitarbeiter Vollzugsdienst",
                "content_html": "<p>Kontrolle des ruhenden Verkehrs.</p>",
                "tags": ["Feuerwehr/Ordnung"],
                "_stellenboerse": { "application_deadline": deadline(), "employment": "part_time", "weekly_hours": 30 }
            },
            { "id": "machern-6", "url": "https://www.machern.de/stellen/6", "content_text": "Kein Titel" }
        ]
    })
    .to_string()
}

pub fn api() -> String {
    serde_json::json!({
        "items": [{
            "id": 42,
            "slug": "kaemmerer-grosspoesna-grp-2026-07",
            "url": "https://stellen.example/stellen/kaemmerer-grosspoesna-grp-2026-07",
            "kind": "job",
            "reference_number": "GRP-2026-07",
            "title": "Kämmerer (m/w/d)",
            "category": "verwaltung",
            "employment": "full_time",
            "weekly_hours": 40,
            "contract": "permanent",
            "pay_scheme": "tvoed_vka_eg",
            "pay_grade_from": "11",
            "pay_grade_to": "12",
            "location": { "place": "Großpösna", "postcode": "04463" },
            "application_deadline": deadline(),
            "description": "Leitung der Kämmerei.",
            "tasks": "- Haushaltsplanung",
            "apply_email": "personal@grosspoesna.de"
        }],
        "total": 1
    })
    .to_string()
}

/// Posting `n` as this board's API lists it, with the fields a posting needs.
pub fn api_posting(n: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("api-{n}"),
        "slug": format!("stelle-{n}"),
        "url": format!("https://stellen.example/stellen/stelle-{n}"),
        "title": format!("Sachbearbeiter Nr. {n} (m/w/d)"),
        "description": format!("Stelle Nummer {n}."),
        "application_deadline": deadline()
    })
}

pub fn json_ld_page() -> String {
    let posting = serde_json::json!({
        "@context": "https://schema.org",
        "@graph": [
            { "@type": "WebPage", "name": "Stellen" },
            {
                "@type": "JobPosting",
                "title": "Sozialarbeiter Jugendclub (m/w/d)",
                "identifier": { "@type": "PropertyValue", "name": "Parthenstein", "value": "PAR-2026-3" },
                "url": "https://www.parthenstein.de/stellen/3",
                "description": "<p>Offene Jugendarbeit im Jugendclub.</p>",
                "datePosted": "2026-11-01",
                "validThrough": format!("{}T23:59:59+01:00", deadline()),
                "employmentType": ["PART_TIME"],
                "jobLocation": { "@type": "Place", "address": { "postalCode": "04668", "addressLocality": "Parthenstein" } }
            }
        ]
    });
    format!(
        "<!doctype html><html lang=\"de\"><head><title>Stellen</title>\
         <script type=\"application/ld+json\">{posting}</script></head><body><h1>Stellen</h1></body></html>"
    )
}

/// Ten levels of ten-fold entities: a billion "lol"s if anything expanded them.
pub fn entity_bomb() -> String {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">"));
    }
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [{dtd}]>\n<rss version=\"2.0\"><channel><title>Bombe</title>\
         <link>https://example.org</link><description>x</description>{}</channel></rss>",
        rss_item("bomb-1", "Sachbearbeiter &lol9;", "Text &lol9;")
    )
}

/// 6 MB of RSS.
pub fn huge_rss() -> String {
    let filler = rss_item("x", "Füller", &"Lorem ipsum ".repeat(1000));
    let items: Vec<String> = (0..500).map(|_| filler.clone()).collect();
    rss_with(&items)
}

pub fn latin1_rss() -> Vec<u8> {
    let text = rss_with(&[rss_item(
        "l-1",
        "Gärtner für Großpösna (m/w/d)",
        "Pflege der Grünflächen, Straßenbäume.",
    )])
    .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    latin1(&text)
}

pub fn latin1_page() -> Vec<u8> {
    latin1(&json_ld_page().replace("Sozialarbeiter Jugendclub", "Straßenwärter Großpösna"))
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}
