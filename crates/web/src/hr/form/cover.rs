//! The cover request form and the offer form: their tables of fields, the requirement
//! checklist, and how the submitted values become the domain's drafts. Hours are typed with a
//! decimal comma ("7,5") and stored as minutes.

use jobboard_domain::cover::{
    CoverReason, CoverRequestDraft, DayPart, OfferDraft, Requirement, TaskArea, Urgency,
};
use jobboard_domain::postings::validation::ValidationErrors;

use super::agreement::Choice;
use super::field::{FieldSpec, Group, GroupSpec, Input, groups, options};
use super::{Parser, Submitted, error_links};

fn task_areas() -> Vec<(&'static str, &'static str)> {
    options(TaskArea::ALL, TaskArea::code, TaskArea::label)
}
fn day_parts() -> Vec<(&'static str, &'static str)> {
    options(DayPart::ALL, DayPart::code, DayPart::label)
}
fn urgencies() -> Vec<(&'static str, &'static str)> {
    options(Urgency::ALL, Urgency::code, Urgency::label)
}
fn reasons() -> Vec<(&'static str, &'static str)> {
    options(CoverReason::ALL, CoverReason::code, CoverReason::label)
}

const fn field(
    name: &'static str,
    label: &'static str,
    help: &'static str,
    required: bool,
    input: Input,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        help,
        required,
        input,
    }
}

pub const REQUEST: &[GroupSpec] = &[
    GroupSpec {
        legend: "Was und wann",
        fields: &[
            field(
                "task_area",
                "Aufgabenbereich",
                "",
                true,
                Input::Select(task_areas),
            ),
            field("starts_on", "Erster Tag", "", true, Input::Date),
            field(
                "ends_on",
                "Letzter Tag",
                "Vertretung wird für die Werktage (Montag bis Freitag) dazwischen angefragt.",
                true,
                Input::Date,
            ),
            field("day_part", "Tageszeit", "", true, Input::Select(day_parts)),
            field(
                "hours",
                "Stunden je Tag",
                "Z. B. 7,5. Ganztags höchstens 10, halbtags höchstens 6 Stunden.",
                true,
                Input::Decimal,
            ),
            field("place", "Einsatzort", "", true, Input::Text),
        ],
    },
    GroupSpec {
        legend: "Anforderungen und Anlass",
        fields: &[
            field(
                "skills",
                "Was die Vertretung können muss",
                "Freitext, z. B. „Erfahrung mit An- und Ummeldungen“.",
                false,
                Input::Markdown,
            ),
            field(
                "urgency",
                "Dringlichkeit",
                "",
                true,
                Input::Select(urgencies),
            ),
            field(
                "reason",
                "Anlass",
                "Nur die Kategorie – bitte keine Angaben zur Gesundheit.",
                true,
                Input::Select(reasons),
            ),
        ],
    },
];

pub const OFFER: &[GroupSpec] = &[GroupSpec {
    legend: "Ihr Angebot",
    fields: &[
        field("starts_on", "Erster Tag", "", true, Input::Date),
        field("ends_on", "Letzter Tag", "", true, Input::Date),
        field(
            "hours",
            "Stunden je Tag",
            "Z. B. 7,5.",
            true,
            Input::Decimal,
        ),
        field(
            "person_name",
            "Name der Vertretung",
            "Optional.",
            false,
            Input::Text,
        ),
        field(
            "person_contact",
            "Kontakt der Vertretung",
            "Optional: Telefon oder dienstliche E-Mail.",
            false,
            Input::Text,
        ),
        field("note", "Hinweis", "Optional.", false, Input::Markdown),
    ],
}];

/// A form of one of the tables above, with the requirement checklist for a request.
pub struct CoverForm {
    pub groups: Vec<Group>,
    pub requirements: Vec<Choice>,
    pub errors: ValidationErrors,
}

impl CoverForm {
    pub fn request(s: &Submitted, errors: ValidationErrors) -> Self {
        let checked = s.repeated_values("requirement");
        Self {
            groups: groups(REQUEST, |name| s.get(name), &errors, false),
            requirements: Requirement::ALL
                .iter()
                .map(|r| Choice {
                    value: r.code().to_owned(),
                    label: r.label().to_owned(),
                    checked: checked.iter().any(|c| c == r.code()),
                    fixed: false,
                })
                .collect(),
            errors,
        }
    }

    pub fn offer(s: &Submitted, errors: ValidationErrors) -> Self {
        Self {
            groups: groups(OFFER, |name| s.get(name), &errors, false),
            requirements: Vec::new(),
            errors,
        }
    }

    pub fn error_links(&self) -> Vec<(String, String)> {
        error_links(&self.errors, |_| None)
    }
}

/// Minutes from hours typed with a decimal comma; `None` when empty or not a number.
fn minutes(p: &mut Parser<'_>) -> Option<i32> {
    p.decimal(
        "hours",
        "Bitte geben Sie die Stunden je Tag als Zahl an, z. B. 7,5.",
    )
    .map(|h| (h * 60.0).round() as i32)
}

pub fn parse_request(s: &Submitted) -> (CoverRequestDraft, ValidationErrors) {
    let mut p = Parser::new(s);
    let task_area = p.choice(
        "task_area",
        TaskArea::from_code,
        TaskArea::Sonstige,
        "Bitte wählen Sie einen Aufgabenbereich.",
    );
    let starts_on = p.required_date(
        "starts_on",
        "Bitte geben Sie den ersten Tag an (TT.MM.JJJJ).",
    );
    let ends_on = p.required_date(
        "ends_on",
        "Bitte geben Sie den letzten Tag an (TT.MM.JJJJ).",
    );
    let day_part = p.choice(
        "day_part",
        DayPart::from_code,
        DayPart::Full,
        "Bitte wählen Sie die Tageszeit.",
    );
    let minutes_per_day = minutes(&mut p).unwrap_or(0);
    let urgency = p.choice(
        "urgency",
        Urgency::from_code,
        Urgency::Normal,
        "Bitte wählen Sie die Dringlichkeit.",
    );
    let reason = p.choice(
        "reason",
        CoverReason::from_code,
        CoverReason::Urlaub,
        "Bitte wählen Sie den Anlass.",
    );
    let draft = CoverRequestDraft {
        task_area,
        starts_on: starts_on.unwrap_or(chrono::NaiveDate::MIN),
        ends_on: ends_on.unwrap_or(chrono::NaiveDate::MIN),
        day_part,
        minutes_per_day,
        place: s.get("place").to_owned(),
        skills: s.get("skills").to_owned(),
        requirements: s
            .repeated_values("requirement")
            .iter()
            .filter_map(|c| Requirement::from_code(c))
            .collect(),
        urgency,
        reason,
    }
    .normalized();
    let rules = if p.is_clean() {
        Ok(())
    } else {
        jobboard_domain::cover::request_draft::validate_request(&draft)
    };
    (draft, p.finish(rules))
}

/// The offer on request `request_id`; the rules that need the request run in the domain.
pub fn parse_offer(s: &Submitted, request_id: i64) -> (OfferDraft, ValidationErrors) {
    let mut p = Parser::new(s);
    let starts_on = p.required_date(
        "starts_on",
        "Bitte geben Sie den ersten Tag an (TT.MM.JJJJ).",
    );
    let ends_on = p.required_date(
        "ends_on",
        "Bitte geben Sie den letzten Tag an (TT.MM.JJJJ).",
    );
    let minutes_per_day = minutes(&mut p).unwrap_or(0);
    let text = |k: &str| Some(s.get(k).to_owned()).filter(|v| !v.trim().is_empty());
    let draft = OfferDraft {
        request_id,
        starts_on: starts_on.unwrap_or(chrono::NaiveDate::MIN),
        ends_on: ends_on.unwrap_or(chrono::NaiveDate::MIN),
        minutes_per_day,
        person_name: text("person_name"),
        person_contact: text("person_contact"),
        note: text("note"),
    }
    .normalized();
    (draft, p.finish(Ok(())))
}

/// "7,5" from minutes, to prefill a form.
pub fn hours(minutes: i32) -> String {
    let h = f64::from(minutes) / 60.0;
    format!("{h}").replace('.', ",")
}
