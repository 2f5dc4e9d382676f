//! RSS 2.0 feed of the course catalogue: one item per course, with its dates, place, seats and
//! registration deadline, linking to the course page and its calendar file.

use rss::{Category, Channel, Enclosure, Guid, Item};

use crate::ical::CalendarCourse;

/// Stable item id of a course, never reused.
pub fn course_item_id(course_id: i64) -> String {
    format!("urn:x-partheland:stellenboerse:course:{course_id}")
}

/// What an item shows beside the course itself (rendered by the caller in German).
pub struct CourseItem<'a> {
    pub course: CalendarCourse<'a>,
    /// "Sa, 27.03.2027, 09:00–12:30 Uhr, Rathaus Brandis" per session.
    pub session_lines: Vec<String>,
    /// "3 von 12 Plätzen frei", "abgesagt", …
    pub seats: String,
    pub deadline: String,
    pub cost: String,
    pub description_html: String,
    pub ical_url: String,
}

pub fn render(title: &str, page_url: &str, items: &[CourseItem<'_>]) -> Result<String, String> {
    let channel = Channel {
        title: title.to_owned(),
        link: page_url.to_owned(),
        description: "Gemeinsame Lehrgänge der Partheland-Kommunen für ihre Beschäftigten."
            .to_owned(),
        language: Some("de-de".into()),
        generator: Some("Partheland Stellenbörse".into()),
        ttl: Some("30".into()),
        items: items.iter().map(item).collect(),
        ..Default::default()
    };
    let bytes = channel
        .write_to(Vec::with_capacity(2048 + items.len() * 2048))
        .map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn item(i: &CourseItem<'_>) -> Item {
    let c = i.course.course;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut html = format!(
        "<p>{} · {} · {}</p><ul>",
        esc(i.course.provider),
        esc(&i.seats),
        esc(&i.cost)
    );
    for line in &i.session_lines {
        html.push_str(&format!("<li>{}</li>", esc(line)));
    }
    html.push_str(&format!(
        "</ul><p>{}</p>{}",
        esc(&i.deadline),
        i.description_html
    ));
    Item {
        title: Some(c.title.clone()),
        link: Some(i.course.url.clone()),
        description: Some(html),
        author: None,
        categories: vec![Category {
            name: c.category.label().to_owned(),
            domain: Some("urn:x-partheland:stellenboerse:lehrgang-bereich".into()),
        }],
        guid: Some(Guid {
            value: course_item_id(c.id),
            permalink: false,
        }),
        pub_date: Some(c.created_at.to_rfc2822()),
        enclosure: Some(Enclosure {
            url: i.ical_url.clone(),
            length: "0".into(),
            mime_type: "text/calendar".into(),
        }),
        ..Default::default()
    }
}
