//! iCalendar (RFC 5545) export of courses (one event per session) and of a municipality's
//! confirmed cover (one event per day): times in UTC so every client shows the right local time
//! on both sides of a clock change without a VTIMEZONE block; the calendar names Europe/Berlin.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use jobboard_domain::courses::{Course, CourseStatus, Session};
use jobboard_domain::cover::ledger::CoverEvent;
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
    let mut cal = calendar(name, "-//Partheland//Stellenboerse Lehrgaenge//DE");
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

/// An empty calendar named `name` with the board's header.
fn calendar(name: &str, prodid: &str) -> Calendar {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", prodid))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(name)
        .timezone("Europe/Berlin");
    cal
}

/// What the cover calendar needs of one day of confirmed cover.
pub struct CoverEntry<'a> {
    pub event: &'a CoverEvent,
    /// Name of the municipality that covers.
    pub provider: String,
    /// Name of the municipality that is covered.
    pub receiver: String,
    /// Whether the calendar's own municipality gives the cover (else it receives it).
    pub giving: bool,
}

/// The cover calendar of one municipality: every day of confirmed cover it gives or receives.
/// UIDs stay the same while the offer stands, so subscribed clients update their entries.
pub fn cover_calendar(name: &str, host: &str, entries: &[CoverEntry<'_>]) -> String {
    let mut cal = calendar(name, "-//Partheland//Stellenboerse Vertretungen//DE");
    for e in entries {
        let ev = e.event;
        let summary = if e.giving {
            format!("Vertretung für {}: {}", e.receiver, ev.task_area.label())
        } else {
            format!("Vertretung durch {}: {}", e.provider, ev.task_area.label())
        };
        let mut description = format!(
            "{} vertritt {} im Bereich {}.",
            e.provider,
            e.receiver,
            ev.task_area.label()
        );
        if let Some(person) = &ev.person_name {
            description.push_str(&format!("\nVertretung: {person}"));
        }
        let mut event = Event::new();
        event
            .uid(&format!(
                "cover-{}-{}@{host}",
                ev.offer_id,
                ev.day.format("%Y%m%d")
            ))
            .timestamp(stamp(ev.updated_at))
            .last_modified(stamp(ev.updated_at))
            .sequence(u32::try_from(ev.version).unwrap_or(0))
            .summary(&summary)
            .description(&description)
            .location(&ev.place)
            .starts(ev.starts_at)
            .ends(ev.ends_at)
            .status(EventStatus::Confirmed)
            .append_property(Property::new("CATEGORIES", "Vertretung"));
        cal.push(event.done());
    }
    cal.done().to_string()
}

/// iCalendar timestamps have whole seconds.
fn stamp(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}
