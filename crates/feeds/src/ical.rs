//! iCalendar (RFC 5545) export of courses: one event per session, times in UTC so every client
//! shows the right local time on both sides of a clock change without a VTIMEZONE block.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use jobboard_domain::courses::{Course, CourseStatus, Session};
use jobboard_domain::markdown;

/// What a calendar needs of one course.
pub struct CalendarCourse<'a> {
    pub course: &'a Course,
    pub sessions: &'a [Session],
    /// Name of the providing municipality.
    pub provider: &'a str,
    /// Absolute address of the course page.
    pub url: String,
}

/// A calendar named `name` with every session of `courses`. `host` makes the event UIDs
/// globally unique (RFC 5545 §3.8.4.7); they stay the same as long as the session exists, so
/// subscribed clients update events instead of duplicating them.
pub fn course_calendar(name: &str, host: &str, courses: &[CalendarCourse<'_>]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new(
            "PRODID",
            "-//Partheland//Stellenboerse Lehrgaenge//DE",
        ))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(name)
        .timezone("Europe/Berlin");
    for c in courses {
        let total = c.sessions.len();
        let description = format!(
            "{}\n\nAnbieter: {}\nZielgruppe: {}\n{}",
            markdown::to_plain_text(&c.course.description),
            c.provider,
            c.course.target_group,
            c.url
        );
        for (i, s) in c.sessions.iter().enumerate() {
            let summary = if total > 1 {
                format!("{} (Termin {} von {total})", c.course.title, i + 1)
            } else {
                c.course.title.clone()
            };
            let mut event = Event::new();
            event
                .uid(&format!("course-{}-session-{}@{host}", c.course.id, s.id))
                .timestamp(stamp(c.course.updated_at))
                .last_modified(stamp(c.course.updated_at))
                .sequence(u32::try_from(c.course.version).unwrap_or(0))
                .summary(&summary)
                .description(&description)
                .location(&s.place)
                .url(&c.url)
                .starts(s.starts_at)
                .ends(s.ends_at)
                .status(if c.course.status == CourseStatus::Cancelled {
                    EventStatus::Cancelled
                } else {
                    EventStatus::Confirmed
                })
                .append_property(Property::new("CATEGORIES", c.course.category.label()));
            cal.push(event.done());
        }
    }
    cal.done().to_string()
}

/// iCalendar timestamps have whole seconds.
fn stamp(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
