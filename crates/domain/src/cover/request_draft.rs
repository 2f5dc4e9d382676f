//! The content of a cover request and of an offer on it, and their rules: every problem at
//! once, in German, attached to the field it concerns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::types::{CoverReason, DayPart, Requirement, TaskArea, Urgency};
use super::{CoverRequest, format_hours, working_days};
use crate::berlin;
use crate::postings::validation::ValidationErrors;

pub const PLACE_MAX: usize = 300;
pub const TEXT_MAX: usize = 2000;
pub const NAME_MAX: usize = 200;
pub const CONTACT_MAX: usize = 254;
pub const REASON_MAX: usize = 500;
/// The longest period one request may span.
pub const PERIOD_MAX_DAYS: i64 = 184;

/// What a municipality asks its partners for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverRequestDraft {
    pub task_area: TaskArea,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub day_part: DayPart,
    pub minutes_per_day: i32,
    pub place: String,
    pub skills: String,
    pub requirements: Vec<Requirement>,
    pub urgency: Urgency,
    pub reason: CoverReason,
}

/// What a partner offers on a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferDraft {
    pub request_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minutes_per_day: i32,
    pub person_name: Option<String>,
    pub person_contact: Option<String>,
    pub note: Option<String>,
}

fn clean(s: &str) -> String {
    crate::text::clean(s.trim()).trim().to_owned()
}

fn clean_opt(s: Option<String>) -> Option<String> {
    s.map(|v| clean(&v)).filter(|v| !v.is_empty())
}

impl CoverRequestDraft {
    pub fn normalized(mut self) -> Self {
        self.place = clean(&self.place);
        self.skills = clean(&self.skills);
        self.requirements.sort_unstable();
        self.requirements.dedup();
        self
    }

    /// The requirement codes as stored: comma-separated.
    pub fn requirement_codes(&self) -> String {
        self.requirements
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl OfferDraft {
    pub fn normalized(mut self) -> Self {
        self.person_name = clean_opt(self.person_name);
        self.person_contact = clean_opt(self.person_contact);
        self.note = clean_opt(self.note);
        self
    }
}

/// The requirements of a stored request.
pub fn requirements_of(r: &CoverRequest) -> Vec<Requirement> {
    r.requirements
        .split(',')
        .filter_map(|c| Requirement::from_code(c.trim()))
        .collect()
}

/// The most a day of `part` may hold.
pub fn max_minutes(part: DayPart) -> i32 {
    match part {
        DayPart::Full => 10 * 60,
        DayPart::Morning | DayPart::Afternoon => 6 * 60,
    }
}

fn check_period(e: &mut ValidationErrors, from: NaiveDate, until: NaiveDate) {
    if until < from {
        e.add("ends_on", "Das Ende darf nicht vor dem Beginn liegen.");
    } else if (until - from).num_days() >= PERIOD_MAX_DAYS {
        e.add(
            "ends_on",
            format!("Ein Zeitraum umfasst höchstens {PERIOD_MAX_DAYS} Tage."),
        );
    } else if working_days(from, until).next().is_none() {
        e.add(
            "ends_on",
            "Im gewählten Zeitraum liegt kein Werktag (Montag bis Freitag).",
        );
    }
}

fn check_len(e: &mut ValidationErrors, field: &'static str, what: &str, v: &str, max: usize) {
    if v.chars().count() > max {
        e.add(
            field,
            format!("{what} darf höchstens {max} Zeichen lang sein."),
        );
    }
}

/// Check a normalized request.
pub fn validate_request(d: &CoverRequestDraft) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    check_period(&mut e, d.starts_on, d.ends_on);
    let max = max_minutes(d.day_part);
    if d.minutes_per_day <= 0 {
        e.add("hours", "Bitte geben Sie die Stunden je Tag an, z. B. 7,5.");
    } else if d.minutes_per_day > max {
        e.add(
            "hours",
            format!(
                "{} hat höchstens {} – mehr Stunden passen nicht in den Tag.",
                if d.day_part == DayPart::Full {
                    "Ein ganzer Arbeitstag"
                } else {
                    "Ein halber Tag"
                },
                format_hours(i64::from(max))
            ),
        );
    }
    if d.place.is_empty() {
        e.add("place", "Bitte geben Sie den Einsatzort an.");
    }
    check_len(&mut e, "place", "Der Einsatzort", &d.place, PLACE_MAX);
    check_len(&mut e, "skills", "Die Beschreibung", &d.skills, TEXT_MAX);
    e.into_result()
}

/// Check a normalized offer on `request`.
pub fn validate_offer(d: &OfferDraft, request: &CoverRequest) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    check_period(&mut e, d.starts_on, d.ends_on);
    if d.starts_on < request.starts_on || d.ends_on > request.ends_on {
        e.add(
            "starts_on",
            format!(
                "Das Angebot muss im angefragten Zeitraum liegen ({} bis {}).",
                berlin::format_date(request.starts_on),
                berlin::format_date(request.ends_on)
            ),
        );
    }
    if d.minutes_per_day <= 0 {
        e.add("hours", "Bitte geben Sie die Stunden je Tag an, z. B. 7,5.");
    } else if d.minutes_per_day > request.minutes_per_day {
        e.add(
            "hours",
            format!(
                "Angefragt sind {} am Tag; mehr Stunden können nicht angeboten werden.",
                format_hours(i64::from(request.minutes_per_day))
            ),
        );
    }
    check_len(
        &mut e,
        "person_name",
        "Der Name",
        d.person_name.as_deref().unwrap_or(""),
        NAME_MAX,
    );
    check_len(
        &mut e,
        "person_contact",
        "Der Kontakt",
        d.person_contact.as_deref().unwrap_or(""),
        CONTACT_MAX,
    );
    check_len(
        &mut e,
        "note",
        "Die Notiz",
        d.note.as_deref().unwrap_or(""),
        TEXT_MAX,
    );
    e.into_result()
}

/// A cancellation needs a reason.
pub fn validate_reason(reason: &str) -> Result<String, ValidationErrors> {
    let reason = clean(reason);
    let mut e = ValidationErrors::default();
    if reason.is_empty() {
        e.add(
            "reason",
            "Bitte geben Sie einen Grund an (ohne Gesundheitsangaben).",
        );
    }
    check_len(&mut e, "reason", "Der Grund", &reason, REASON_MAX);
    e.into_result().map(|()| reason)
}
