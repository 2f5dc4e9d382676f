//! The editable content of an agreement and its rules: every problem at once, in German,
//! attached to the field it concerns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::types::{LegalForm, TaskArea};
use crate::postings::validation::ValidationErrors;

pub const TITLE_MAX: usize = 150;
pub const NOTE_MAX: usize = 2000;
/// 1.000 € an hour at most.
pub const RATE_MAX_CENTS: i32 = 100_000;

/// What the parties agree on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementDraft {
    pub title: String,
    pub legal_form: LegalForm,
    pub areas: Vec<TaskArea>,
    /// Every party, the recording municipality included.
    pub parties: Vec<i64>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub hourly_rate_cents: Option<i32>,
    pub note: Option<String>,
}

impl AgreementDraft {
    /// Trimmed text, empty note as `None`, areas and parties sorted without duplicates.
    pub fn normalized(mut self) -> Self {
        use crate::text::clean;
        self.title = clean(self.title.trim()).trim().to_owned();
        self.note = self
            .note
            .map(|n| clean(n.trim()).trim().to_owned())
            .filter(|n| !n.is_empty());
        self.areas.sort_unstable();
        self.areas.dedup();
        self.parties.sort_unstable();
        self.parties.dedup();
        self
    }
}

/// Check a normalized draft recorded by the officer of municipality `recorder` (which must be a
/// party), or by the platform admin (`None`: any two or more members).
pub fn validate(d: &AgreementDraft, recorder: Option<i64>) -> Result<(), ValidationErrors> {
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
    if d.areas.is_empty() {
        e.add(
            "areas",
            "Bitte wählen Sie mindestens einen Aufgabenbereich.",
        );
    }
    match recorder {
        Some(r) if !d.parties.contains(&r) || d.parties.len() < 2 => e.add(
            "parties",
            "Eine Vereinbarung braucht Ihre Kommune und mindestens eine weitere Kommune.",
        ),
        None if d.parties.len() < 2 => e.add(
            "parties",
            "Eine Vereinbarung braucht mindestens zwei beteiligte Kommunen.",
        ),
        _ => {}
    }
    if let Some(until) = d.valid_until
        && until < d.valid_from
    {
        e.add(
            "valid_until",
            "Das Ende der Laufzeit darf nicht vor ihrem Beginn liegen.",
        );
    }
    if let Some(rate) = d.hourly_rate_cents
        && !(0..=RATE_MAX_CENTS).contains(&rate)
    {
        e.add(
            "hourly_rate",
            "Der Stundensatz muss zwischen 0 und 1.000 Euro liegen.",
        );
    }
    if d.note
        .as_ref()
        .is_some_and(|n| n.chars().count() > NOTE_MAX)
    {
        e.add(
            "note",
            format!("Die Notiz darf höchstens {NOTE_MAX} Zeichen lang sein."),
        );
    }
    e.into_result()
}
