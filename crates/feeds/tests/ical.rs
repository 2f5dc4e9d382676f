//! The course calendar read back by a standard parser (Python's `icalendar`).

#![expect(clippy::unwrap_used, reason = "tests")]

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::courses::{Course, CourseCategory, CourseStatus, Session};
use jobboard_feeds::ical::{CalendarCourse, course_calendar};
use serde_json::Value;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn course(id: i64, status: CourseStatus) -> Course {
    Course {
        id,
        municipality_id: 2,
        slug: format!("kurs-{id}"),
        title: "Erste Hilfe; Auffrischung, Modul 2 – für Bauhöfe".into(),
        category: CourseCategory::BauhofTechnik,
        target_group: "Beschäftigte der Bauhöfe".into(),
        description: "Ablauf:\n\n- Theorie, Praxis; Prüfung\n- sehr lange Zeile ".repeat(4),
        seats: 12,
        registration_deadline: NaiveDate::from_ymd_opt(2027, 3, 20).unwrap(),
        registration_closes_at: at("2027-03-20T23:00:00Z"),
        cost_cents: 0,
        contact_email: None,
        status,
        version: 3,
        created_by: "user:1".into(),
        updated_by: "user:1".into(),
        created_at: at("2026-11-01T10:00:00.123Z"),
        updated_at: at("2026-11-02T10:00:00.456Z"),
    }
}

fn parse(ics: &str) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/python/ical_dump.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with icalendar (scripts/test installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn local_times_are_right_on_both_sides_of_the_spring_clock_change() {
    let c = course(7, CourseStatus::Open);
    // 09:00–12:30 in Berlin on Saturday (CET) and on Monday after the change (CEST).
    let sessions = [
        Session {
            id: 70,
            course_id: 7,
            starts_at: at("2027-03-27T08:00:00Z"),
            ends_at: at("2027-03-27T11:30:00Z"),
            place: "Rathaus Brandis, Markt 1, Saal".into(),
        },
        Session {
            id: 71,
            course_id: 7,
            starts_at: at("2027-03-29T07:00:00Z"),
            ends_at: at("2027-03-29T10:30:00Z"),
            place: "Bauhof Naunhof".into(),
        },
    ];
    let ics = course_calendar(
        "Lehrgänge im Partheland",
        "stellen.partheland.de",
        &[CalendarCourse {
            course: &c,
            sessions: &sessions,
            provider: "Brandis",
            url: "https://stellen.partheland.de/lehrgaenge/kurs-7".into(),
        }],
    );
    assert!(
        ics.lines().all(|l| l.len() <= 75),
        "lines are folded at 75 octets"
    );
    assert!(ics.contains("\r\n"), "CRLF line ends");
    let v = parse(&ics);
    assert_eq!(v["version"], "2.0");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["uid"],
        "course-7-session-70@stellen.partheland.de"
    );
    assert_eq!(events[0]["start"], "2027-03-27T09:00:00+01:00");
    assert_eq!(events[0]["end"], "2027-03-27T12:30:00+01:00");
    assert_eq!(events[1]["start"], "2027-03-29T09:00:00+02:00");
    assert_eq!(events[1]["end"], "2027-03-29T12:30:00+02:00");
    assert_eq!(
        events[0]["summary"],
        "Erste Hilfe; Auffrischung, Modul 2 – für Bauhöfe (Termin 1 von 2)"
    );
    assert_eq!(events[0]["location"], "Rathaus Brandis, Markt 1, Saal");
    assert_eq!(events[0]["status"], "CONFIRMED");
    assert!(
        events[0]["description"]
            .as_str()
            .unwrap()
            .contains("Theorie, Praxis; Prüfung")
    );
    assert!(
        events[0]["description"]
            .as_str()
            .unwrap()
            .ends_with("https://stellen.partheland.de/lehrgaenge/kurs-7")
    );
    assert_eq!(events[0]["dtstamp"], "2026-11-02T10:00:00+00:00");
}

#[test]
fn a_cancelled_course_keeps_its_events_marked_cancelled() {
    let c = course(8, CourseStatus::Cancelled);
    let sessions = [Session {
        id: 80,
        course_id: 8,
        starts_at: at("2027-10-31T08:00:00Z"),
        ends_at: at("2027-10-31T10:00:00Z"),
        place: "Machern".into(),
    }];
    let ics = course_calendar(
        "x",
        "h",
        &[CalendarCourse {
            course: &c,
            sessions: &sessions,
            provider: "Machern",
            url: "https://h/l".into(),
        }],
    );
    let v = parse(&ics);
    let e = &v["events"][0];
    assert_eq!(e["status"], "CANCELLED");
    assert_eq!(e["summary"], c.title.as_str());
    // 31 October 2027 is after the autumn change: 08:00 UTC is 09:00 CET.
    assert_eq!(e["start"], "2027-10-31T09:00:00+01:00");
}
