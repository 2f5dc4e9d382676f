//! The editable content of a course and its validation: every problem at once, in German,
//! attached to the field it concerns.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use email_address::EmailAddress;
use serde::{Deserialize, Serialize};

use super::types::CourseCategory;
use crate::berlin;
use crate::postings::validation::{MARKDOWN_MAX, ValidationErrors};

pub const TITLE_MAX: usize = 150;
pub const TARGET_GROUP_MAX: usize = 300;
pub const PLACE_MAX: usize = 300;
pub const SEATS_MAX: i32 = 500;
pub const SESSIONS_MAX: usize = 50;
pub const COST_MAX_CENTS: i32 = 1_000_000;

/// Everything about a course that its provider decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseDraft {
    pub title: String,
    pub category: CourseCategory,
    pub target_group: String,
    /// Markdown.
    pub description: String,
    pub seats: i32,
    pub registration_deadline: NaiveDate,
    /// Cost per participant in cents; 0 = free of charge.
    pub cost_cents: i32,
    pub contact_email: Option<String>,
    #[serde(default)]
    pub partners: Vec<i64>,
    #[serde(default)]
    pub quotas: Vec<QuotaDraft>,
    pub sessions: Vec<SessionDraft>,
}

/// At most `seats` confirmed places for the staff of one municipality.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaDraft {
    pub municipality_id: i64,
    pub seats: i32,
}

/// One meeting of a course, in local time (Europe/Berlin).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionDraft {
    pub day: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub place: String,
}

impl SessionDraft {
    /// Start and end as instants; `None` when a time does not exist on that day in Berlin
    /// (the hour skipped when clocks go forward).
    pub fn instants(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some((
            berlin::local_to_utc(self.day, self.start)?,
            berlin::local_to_utc(self.day, self.end)?,
        ))
    }
}

impl CourseDraft {
    /// Trimmed text, empty optional text as `None`, partners and quotas without duplicates,
    /// sessions in chronological order.
    pub fn normalized(mut self) -> Self {
        use crate::text::clean;
        self.title = clean(self.title.trim()).trim().to_owned();
        self.target_group = clean(self.target_group.trim()).trim().to_owned();
        self.description = clean(self.description.trim()).trim().to_owned();
        self.contact_email = self
            .contact_email
            .map(|e| clean(e.trim()).trim().to_owned())
            .filter(|e| !e.is_empty());
        self.partners.sort_unstable();
        self.partners.dedup();
        self.quotas.sort_by_key(|q| q.municipality_id);
        self.quotas.dedup_by_key(|q| q.municipality_id);
        for s in &mut self.sessions {
            s.place = clean(s.place.trim()).trim().to_owned();
        }
        self.sessions.sort_by_key(|s| (s.day, s.start));
        self
    }

    /// The day of the first session.
    pub fn first_day(&self) -> Option<NaiveDate> {
        self.sessions.iter().map(|s| s.day).min()
    }
}

/// Check a normalized draft of a course provided by `provider_id`.
pub fn validate(d: &CourseDraft, provider_id: i64) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    let title_len = d.title.chars().count();
    if title_len == 0 {
        e.add("title", "Bitte geben Sie einen Titel an.");
    } else if title_len > TITLE_MAX {
        e.add(
            "title",
            format!("Der Titel darf höchstens {TITLE_MAX} Zeichen lang sein."),
        );
    }
    if d.target_group.is_empty() {
        e.add(
            "target_group",
            "Bitte beschreiben Sie die Zielgruppe (z. B. „Beschäftigte der Bauhöfe“).",
        );
    } else if d.target_group.chars().count() > TARGET_GROUP_MAX {
        e.add(
            "target_group",
            format!("Die Zielgruppe darf höchstens {TARGET_GROUP_MAX} Zeichen lang sein."),
        );
    }
    if d.description.is_empty() {
        e.add("description", "Bitte beschreiben Sie Inhalt und Ablauf.");
    } else if d.description.chars().count() > MARKDOWN_MAX {
        e.add(
            "description",
            format!("Die Beschreibung darf höchstens {MARKDOWN_MAX} Zeichen lang sein."),
        );
    }
    if !(1..=SEATS_MAX).contains(&d.seats) {
        e.add(
            "seats",
            format!("Die Zahl der Plätze muss zwischen 1 und {SEATS_MAX} liegen."),
        );
    }
    if !(0..=COST_MAX_CENTS).contains(&d.cost_cents) {
        e.add(
            "cost_cents",
            "Die Kosten je Person müssen zwischen 0 und 10.000 Euro liegen.",
        );
    }
    if let Some(mail) = &d.contact_email
        && !(EmailAddress::is_valid(mail) && crate::mailbox::is_public(mail))
    {
        e.add(
            "contact_email",
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. bildung@gemeinde.de.",
        );
    }
    if d.partners.contains(&provider_id) {
        e.add(
            "partners",
            "Die anbietende Kommune kann nicht zugleich Partnerin sein.",
        );
    }
    for q in &d.quotas {
        if q.seats < 1 || q.seats > d.seats.max(1) {
            e.add(
                "quotas",
                "Ein Kontingent muss mindestens 1 Platz umfassen und darf die Gesamtzahl der Plätze nicht übersteigen.",
            );
            break;
        }
    }
    validate_sessions(d, &mut e);
    e.into_result()
}

fn validate_sessions(d: &CourseDraft, e: &mut ValidationErrors) {
    if d.sessions.is_empty() {
        e.add("sessions", "Bitte geben Sie mindestens einen Termin an.");
        return;
    }
    if d.sessions.len() > SESSIONS_MAX {
        e.add(
            "sessions",
            format!("Ein Lehrgang hat höchstens {SESSIONS_MAX} Termine."),
        );
    }
    for (i, s) in d.sessions.iter().enumerate() {
        let n = i + 1;
        if s.end <= s.start {
            e.add(
                "sessions",
                format!("Termin {n}: Das Ende muss nach dem Beginn liegen."),
            );
        }
        if s.instants().is_none() {
            e.add(
                "sessions",
                format!(
                    "Termin {n}: Diese Uhrzeit gibt es am {} wegen der Zeitumstellung nicht.",
                    berlin::format_date(s.day)
                ),
            );
        }
        if s.place.is_empty() {
            e.add(
                "sessions",
                format!("Termin {n}: Bitte geben Sie den Ort an."),
            );
        } else if s.place.chars().count() > PLACE_MAX {
            e.add(
                "sessions",
                format!("Termin {n}: Der Ort darf höchstens {PLACE_MAX} Zeichen lang sein."),
            );
        }
    }
    if let Some(first) = d.first_day()
        && d.registration_deadline > first
    {
        e.add(
            "registration_deadline",
            "Der Anmeldeschluss darf nicht nach dem ersten Termin liegen.",
        );
    }
}
