//! The agreement form: its table of fields, the task areas and parties as checkboxes, how an
//! [`AgreementDraft`] fills it and how the submitted values become a draft.

use jobboard_domain::cover::{AgreementDraft, LegalForm, TaskArea};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::ValidationErrors;

use super::field::{FieldSpec, Group, GroupSpec, Input, groups, options};
use super::{Parser, Submitted, error_links};

fn legal_forms() -> Vec<(&'static str, &'static str)> {
    options(LegalForm::ALL, LegalForm::code, LegalForm::label)
}

pub const TABLE: &[GroupSpec] = &[GroupSpec {
    legend: "Vereinbarung",
    fields: &[
        FieldSpec {
            name: "title",
            label: "Titel",
            help: "Z. B. „Gegenseitige Vertretung im Meldewesen“.",
            required: true,
            input: Input::Text,
        },
        FieldSpec {
            name: "legal_form",
            label: "Rechtsform",
            help: "",
            required: true,
            input: Input::Select(legal_forms),
        },
        FieldSpec {
            name: "valid_from",
            label: "Gültig ab",
            help: "",
            required: true,
            input: Input::Date,
        },
        FieldSpec {
            name: "valid_until",
            label: "Gültig bis",
            help: "Leer lassen, wenn die Vereinbarung unbefristet ist.",
            required: false,
            input: Input::Date,
        },
        FieldSpec {
            name: "hourly_rate",
            label: "Stundensatz für die Erstattung in Euro",
            help: "Optional, z. B. 42,50. Ohne Satz zeigt die Stundenaufstellung nur Stunden.",
            required: false,
            input: Input::Decimal,
        },
        FieldSpec {
            name: "note",
            label: "Notiz",
            help: "Optional: Ansprechpersonen, Aktenzeichen, Besonderheiten.",
            required: false,
            input: Input::Markdown,
        },
    ],
}];

/// A checkbox of a list (task areas, parties).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
    /// The own municipality is always a party.
    pub fixed: bool,
}

pub struct AgreementForm {
    pub groups: Vec<Group>,
    pub areas: Vec<Choice>,
    pub parties: Vec<Choice>,
    pub errors: ValidationErrors,
}

impl AgreementForm {
    /// `own`: the officer's municipality, always a party; `None` for the platform admin.
    pub fn new(
        s: &Submitted,
        members: &[Municipality],
        own: Option<i64>,
        errors: ValidationErrors,
    ) -> Self {
        let areas = s.repeated_values("area");
        let parties = s.ids("party");
        Self {
            groups: groups(TABLE, |name| s.get(name), &errors, false),
            areas: TaskArea::ALL
                .iter()
                .map(|a| Choice {
                    value: a.code().to_owned(),
                    label: a.label().to_owned(),
                    checked: areas.iter().any(|v| v == a.code()),
                    fixed: false,
                })
                .collect(),
            parties: members
                .iter()
                .map(|m| Choice {
                    value: m.id.to_string(),
                    label: m.name.clone(),
                    checked: Some(m.id) == own || parties.contains(&m.id),
                    fixed: Some(m.id) == own,
                })
                .collect(),
            errors,
        }
    }

    pub fn error(&self, name: &str) -> String {
        self.errors.for_field(name).collect::<Vec<_>>().join(" ")
    }

    pub fn error_links(&self) -> Vec<(String, String)> {
        error_links(&self.errors, |field| match field {
            "areas" => Some("f-areas"),
            "parties" => Some("f-parties"),
            _ => None,
        })
    }
}

pub fn from_draft(d: &AgreementDraft) -> Submitted {
    let mut s = Submitted::default();
    s.set("title", d.title.clone());
    s.set("legal_form", d.legal_form.code());
    s.set("valid_from", d.valid_from.to_string());
    s.set(
        "valid_until",
        d.valid_until.map(|v| v.to_string()).unwrap_or_default(),
    );
    s.set(
        "hourly_rate",
        d.hourly_rate_cents.map(euros).unwrap_or_default(),
    );
    s.set("note", d.note.clone().unwrap_or_default());
    s.set_values("area", d.areas.iter().map(|a| a.code().to_owned()));
    s.set_ids("party", d.parties.iter().copied());
    s
}

/// "45,50" from cents.
pub fn euros(cents: i32) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

/// The draft and every problem with it; `own` as for [`AgreementForm::new`].
pub fn parse(
    s: &Submitted,
    members: &[Municipality],
    own: Option<i64>,
) -> (AgreementDraft, ValidationErrors) {
    let mut p = Parser::new(s);
    let legal_form = p.choice(
        "legal_form",
        LegalForm::from_code,
        LegalForm::Sonstige,
        "Bitte wählen Sie eine Rechtsform.",
    );
    let valid_from = p.required_date(
        "valid_from",
        "Bitte geben Sie an, ab wann die Vereinbarung gilt (TT.MM.JJJJ).",
    );
    let valid_until = p.date("valid_until");
    let rate = p
        .decimal(
            "hourly_rate",
            "Bitte geben Sie den Stundensatz in Euro an, z. B. 42,50.",
        )
        .map(|v| (v * 100.0).round() as i32);
    let mut parties: Vec<i64> = s
        .ids("party")
        .into_iter()
        .filter(|id| members.iter().any(|m| m.id == *id))
        .collect();
    parties.extend(own);
    let note = s.get("note").trim().to_owned();
    let draft = AgreementDraft {
        title: s.get("title").trim().to_owned(),
        legal_form,
        areas: s
            .repeated_values("area")
            .iter()
            .filter_map(|v| TaskArea::from_code(v))
            .collect(),
        parties,
        valid_from: valid_from.unwrap_or(chrono::NaiveDate::MIN),
        valid_until,
        hourly_rate_cents: rate,
        note: Some(note).filter(|n| !n.is_empty()),
    }
    .normalized();
    let rules = if p.is_clean() {
        Ok(())
    } else {
        jobboard_domain::cover::agreement_draft::validate(&draft, own)
    };
    (draft, p.finish(rules))
}
