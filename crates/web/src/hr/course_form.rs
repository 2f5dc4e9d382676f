//! The course form: every field of a [`CourseDraft`], parsed from the submitted pairs (unknown
//! fields ignored, nothing trusted) and shown back as typed, with errors beside the fields.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use jobboard_domain::courses::{CourseCategory, CourseDraft, QuotaDraft, SessionDraft};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::ValidationErrors;

/// Empty session rows offered below the filled ones.
const SPARE_SESSIONS: usize = 2;

pub struct SessionRow {
    pub n: usize,
    pub day: String,
    pub start: String,
    pub end: String,
    pub place: String,
}

pub struct MemberChoice {
    pub id: i64,
    pub name: String,
    pub partner: bool,
    pub quota: String,
}

/// What the form shows: the values as typed and the errors by field.
pub struct CourseForm {
    pub values: HashMap<String, String>,
    pub sessions: Vec<SessionRow>,
    pub members: Vec<MemberChoice>,
    pub errors: HashMap<&'static str, Vec<String>>,
    pub categories: Vec<(&'static str, &'static str)>,
}

impl CourseForm {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn selected(&self, name: &str, code: &str) -> bool {
        self.value(name) == code
    }

    pub fn error(&self, name: &str) -> String {
        self.errors
            .get(name)
            .map(|e| e.join(" "))
            .unwrap_or_default()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `(anchor, message)` for the error summary at the top.
    pub fn error_links(&self) -> Vec<(String, String)> {
        let order = [
            "title",
            "category",
            "target_group",
            "description",
            "seats",
            "registration_deadline",
            "cost",
            "contact_email",
            "sessions",
            "partners",
            "quotas",
        ];
        order
            .iter()
            .filter_map(|f| self.errors.get(f).map(|e| (format!("f-{f}"), e.join(" "))))
            .collect()
    }

    /// The form of an existing draft, or an empty one.
    pub fn from_draft(d: Option<&CourseDraft>, members: &[Municipality], provider: i64) -> Self {
        let mut values = HashMap::new();
        let mut sessions = Vec::new();
        let (partners, quotas) = match d {
            Some(d) => {
                values.insert("title".into(), d.title.clone());
                values.insert("category".into(), d.category.code().into());
                values.insert("target_group".into(), d.target_group.clone());
                values.insert("description".into(), d.description.clone());
                values.insert("seats".into(), d.seats.to_string());
                values.insert(
                    "registration_deadline".into(),
                    d.registration_deadline.to_string(),
                );
                values.insert("cost".into(), euros(d.cost_cents));
                values.insert(
                    "contact_email".into(),
                    d.contact_email.clone().unwrap_or_default(),
                );
                for (i, s) in d.sessions.iter().enumerate() {
                    sessions.push(SessionRow {
                        n: i + 1,
                        day: s.day.to_string(),
                        start: s.start.format("%H:%M").to_string(),
                        end: s.end.format("%H:%M").to_string(),
                        place: s.place.clone(),
                    });
                }
                (d.partners.clone(), d.quotas.clone())
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut form = Self {
            values,
            sessions,
            members: choices(members, provider, &partners, |id| {
                quotas
                    .iter()
                    .find(|q| q.municipality_id == id)
                    .map(|q| q.seats.to_string())
                    .unwrap_or_default()
            }),
            errors: HashMap::new(),
            categories: categories(),
        };
        form.pad_sessions();
        form
    }

    /// Parse submitted pairs into a draft; problems the draft cannot even express (a date that
    /// is not a date) are returned as errors beside the draft.
    pub fn parse(
        pairs: Vec<(String, String)>,
        members: &[Municipality],
        provider: i64,
    ) -> (Self, CourseDraft, ValidationErrors) {
        let mut values: HashMap<String, String> = HashMap::new();
        let mut partners = Vec::new();
        for (k, v) in pairs {
            if k == "partner" {
                if let Ok(id) = v.trim().parse::<i64>()
                    && members.iter().any(|m| m.id == id)
                {
                    partners.push(id);
                }
            } else {
                values.insert(k, v);
            }
        }
        let mut e = ValidationErrors::default();
        let get = |k: &str| values.get(k).map_or("", |v| v.trim());
        let category = CourseCategory::from_code(get("category")).unwrap_or_else(|| {
            e.add("category", "Bitte wählen Sie einen Bereich.");
            CourseCategory::Sonstiges
        });
        let seats = match get("seats").parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                e.add(
                    "seats",
                    "Bitte geben Sie die Zahl der Plätze als ganze Zahl an.",
                );
                1
            }
        };
        let deadline = match NaiveDate::parse_from_str(get("registration_deadline"), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                e.add(
                    "registration_deadline",
                    "Bitte geben Sie den Anmeldeschluss als Datum an (TT.MM.JJJJ).",
                );
                NaiveDate::MIN
            }
        };
        let cost_cents = match parse_euros(get("cost")) {
            Some(c) => c,
            None => {
                e.add(
                    "cost",
                    "Bitte geben Sie die Kosten in Euro an, z. B. 45 oder 45,50 (0 für kostenfrei).",
                );
                0
            }
        };
        let mut sessions = Vec::new();
        let mut rows = Vec::new();
        for n in 1..=60 {
            let key = |f: &str| format!("session_{f}_{n}");
            let (day, start, end, place) = (
                values.get(&key("day")).map_or("", |v| v.trim()),
                values.get(&key("start")).map_or("", |v| v.trim()),
                values.get(&key("end")).map_or("", |v| v.trim()),
                values.get(&key("place")).map_or("", |v| v.trim()),
            );
            if [day, start, end, place].iter().all(|v| v.is_empty()) {
                continue;
            }
            rows.push(SessionRow {
                n: rows.len() + 1,
                day: day.into(),
                start: start.into(),
                end: end.into(),
                place: place.into(),
            });
            let parsed_day = NaiveDate::parse_from_str(day, "%Y-%m-%d");
            let parsed_start = NaiveTime::parse_from_str(start, "%H:%M");
            let parsed_end = NaiveTime::parse_from_str(end, "%H:%M");
            match (parsed_day, parsed_start, parsed_end) {
                (Ok(day), Ok(start), Ok(end)) => sessions.push(SessionDraft {
                    day,
                    start,
                    end,
                    place: place.into(),
                }),
                _ => e.add(
                    "sessions",
                    format!(
                        "Termin {}: Bitte geben Sie Datum, Beginn und Ende an (z. B. 08:00).",
                        rows.len()
                    ),
                ),
            }
        }
        let mut quotas = Vec::new();
        for m in members {
            let raw = values
                .get(&format!("quota_{}", m.id))
                .map_or("", |v| v.trim());
            if raw.is_empty() {
                continue;
            }
            match raw.parse::<i32>() {
                Ok(seats) => quotas.push(QuotaDraft {
                    municipality_id: m.id,
                    seats,
                }),
                Err(_) => e.add(
                    "quotas",
                    format!("Kontingent für {}: bitte eine ganze Zahl angeben.", m.name),
                ),
            }
        }
        let draft = CourseDraft {
            title: get("title").into(),
            category,
            target_group: get("target_group").into(),
            description: values.get("description").cloned().unwrap_or_default(),
            seats,
            registration_deadline: deadline,
            cost_cents,
            contact_email: Some(get("contact_email").to_owned()).filter(|s| !s.is_empty()),
            partners: partners.clone(),
            quotas: quotas.clone(),
            sessions,
        };
        let mut form = Self {
            members: choices(members, provider, &partners, |id| {
                values
                    .get(&format!("quota_{id}"))
                    .cloned()
                    .unwrap_or_default()
            }),
            values,
            sessions: rows,
            errors: HashMap::new(),
            categories: categories(),
        };
        form.pad_sessions();
        (form, draft, e)
    }

    /// Attach errors (from parsing and from the domain) to the form; the domain names cost
    /// `cost_cents`, the form calls it `cost`.
    pub fn with_errors(mut self, errors: ValidationErrors) -> Self {
        for f in errors.0 {
            let field = if f.field == "cost_cents" {
                "cost"
            } else {
                f.field
            };
            self.errors.entry(field).or_default().push(f.message);
        }
        self
    }

    fn pad_sessions(&mut self) {
        for _ in 0..SPARE_SESSIONS {
            self.sessions.push(SessionRow {
                n: self.sessions.len() + 1,
                day: String::new(),
                start: String::new(),
                end: String::new(),
                place: String::new(),
            });
        }
    }
}

fn choices(
    members: &[Municipality],
    provider: i64,
    partners: &[i64],
    quota: impl Fn(i64) -> String,
) -> Vec<MemberChoice> {
    members
        .iter()
        .map(|m| MemberChoice {
            id: m.id,
            name: if m.id == provider {
                format!("{} (anbietend)", m.name)
            } else {
                m.name.clone()
            },
            partner: partners.contains(&m.id),
            quota: quota(m.id),
        })
        .collect()
}

fn categories() -> Vec<(&'static str, &'static str)> {
    CourseCategory::ALL
        .iter()
        .map(|c| (c.code(), c.label()))
        .collect()
}

/// "45,50" / "45.50" / "45" / "45 €" → cents.
fn parse_euros(raw: &str) -> Option<i32> {
    let s = raw.trim().trim_end_matches('€').trim().replace('.', ",");
    if s.is_empty() {
        return Some(0);
    }
    let (whole, frac) = s.split_once(',').unwrap_or((&s, ""));
    let whole: i32 = whole.trim().parse().ok()?;
    let frac: i32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i32>().ok()? * 10,
        2 => frac.parse().ok()?,
        _ => return None,
    };
    if whole < 0 {
        return None;
    }
    whole.checked_mul(100)?.checked_add(frac)
}

fn euros(cents: i32) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, cents % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_read_the_german_way() {
        assert_eq!(parse_euros("45,50"), Some(4550));
        assert_eq!(parse_euros("45.5"), Some(4550));
        assert_eq!(parse_euros("120 €"), Some(12_000));
        assert_eq!(parse_euros(""), Some(0));
        assert_eq!(parse_euros("-3"), None);
        assert_eq!(parse_euros("1,234"), None);
        assert_eq!(parse_euros("zwölf"), None);
        assert_eq!(euros(4550), "45,50");
        assert_eq!(euros(12_000), "120");
    }
}
