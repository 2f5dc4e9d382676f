//! The course form: its table of fields, its session rows and member choices, how a
//! [`CourseDraft`] fills it and how the submitted values become a draft. The mechanism (parsing,
//! dates in both forms, errors beside fields, the summary) is [`super`]'s.

use jobboard_domain::courses::{CourseCategory, CourseDraft, QuotaDraft, SessionDraft};
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::ValidationErrors;

use super::field::{FieldSpec, Group, GroupSpec, Input, groups, options};
use super::{Parser, Submitted, error_links, parse_date, parse_time};

/// Empty session rows offered below the filled ones.
const SPARE_SESSIONS: usize = 2;
/// Session rows read from a submitted form at most.
const MAX_SESSIONS: usize = 60;

fn categories() -> Vec<(&'static str, &'static str)> {
    options(
        CourseCategory::ALL,
        CourseCategory::code,
        CourseCategory::label,
    )
}

/// Every field of the course form but the sessions and the partners, in the order of the page.
pub const TABLE: &[GroupSpec] = &[GroupSpec {
    legend: "Lehrgang",
    fields: &[
        FieldSpec {
            name: "title",
            label: "Titel",
            help: "",
            required: true,
            input: Input::Text,
        },
        FieldSpec {
            name: "category",
            label: "Bereich",
            help: "",
            required: true,
            input: Input::Select(categories),
        },
        FieldSpec {
            name: "target_group",
            label: "Zielgruppe",
            help: "Für wen ist der Lehrgang gedacht? Z. B. „Beschäftigte der Bauhöfe“.",
            required: true,
            input: Input::Text,
        },
        FieldSpec {
            name: "description",
            label: "Inhalt und Ablauf",
            help: "Markdown: **fett**, Listen mit „- “, Links als [Text](https://…).",
            required: true,
            input: Input::Markdown,
        },
        FieldSpec {
            name: "seats",
            label: "Plätze",
            help: "",
            required: true,
            input: Input::Integer,
        },
        FieldSpec {
            name: "registration_deadline",
            label: "Anmeldeschluss",
            help: "Anmeldungen sind bis zum Ende dieses Tages möglich.",
            required: true,
            input: Input::Date,
        },
        FieldSpec {
            name: "cost",
            label: "Kosten je Person in Euro",
            help: "0 oder leer für kostenfrei, z. B. 45,50.",
            required: false,
            input: Input::Decimal,
        },
        FieldSpec {
            name: "contact_email",
            label: "E-Mail für Fragen",
            help: "",
            required: false,
            input: Input::Email,
        },
    ],
}];

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

/// What the course form shows: the fields, the session rows and the members, with errors.
pub struct CourseForm {
    pub groups: Vec<Group>,
    pub sessions: Vec<SessionRow>,
    pub members: Vec<MemberChoice>,
    pub errors: ValidationErrors,
}

impl CourseForm {
    /// The form showing `s` (as typed) and `errors`.
    pub fn new(
        s: &Submitted,
        members: &[Municipality],
        provider: i64,
        errors: ValidationErrors,
    ) -> Self {
        let partners = s.ids("partner");
        Self {
            groups: groups(TABLE, |name| s.get(name), &errors, false),
            sessions: session_rows(s),
            members: members
                .iter()
                .map(|m| MemberChoice {
                    id: m.id,
                    name: if m.id == provider {
                        format!("{} (anbietend)", m.name)
                    } else {
                        m.name.clone()
                    },
                    partner: partners.contains(&m.id),
                    quota: s.get(&format!("quota_{}", m.id)).trim().to_owned(),
                })
                .collect(),
            errors,
        }
    }

    /// The errors of a field that is not in [`TABLE`] (sessions, partners, quotas), joined.
    pub fn error(&self, name: &str) -> String {
        self.errors.for_field(name).collect::<Vec<_>>().join(" ")
    }

    /// `(anchor, message)` for the error summary at the top.
    pub fn error_links(&self) -> Vec<(String, String)> {
        error_links(&self.errors, |field| match field {
            "sessions" => Some("f-sessions"),
            "partners" | "quotas" => Some("f-partners"),
            _ => None,
        })
    }
}

/// The filled session rows, numbered from 1, and [`SPARE_SESSIONS`] empty ones.
fn session_rows(s: &Submitted) -> Vec<SessionRow> {
    let mut rows: Vec<SessionRow> = (1..=MAX_SESSIONS)
        .map(|n| {
            let get = |f: &str| s.get(&format!("session_{f}_{n}")).trim().to_owned();
            SessionRow {
                n,
                day: get("day"),
                start: get("start"),
                end: get("end"),
                place: get("place"),
            }
        })
        .filter(|r| {
            [&r.day, &r.start, &r.end, &r.place]
                .iter()
                .any(|v| !v.is_empty())
        })
        .collect();
    for _ in 0..SPARE_SESSIONS {
        rows.push(SessionRow {
            n: 0,
            day: String::new(),
            start: String::new(),
            end: String::new(),
            place: String::new(),
        });
    }
    for (i, r) in rows.iter_mut().enumerate() {
        r.n = i + 1;
        // A day that reads is shown in ISO form, the only one a date control takes.
        if let Some(d) = parse_date(&r.day) {
            r.day = d.to_string();
        }
    }
    rows
}

/// The draft's values as the form shows them (to prefill the editor).
pub fn from_draft(d: &CourseDraft) -> Submitted {
    let mut s = Submitted::default();
    s.set("title", d.title.clone());
    s.set("category", d.category.code());
    s.set("target_group", d.target_group.clone());
    s.set("description", d.description.clone());
    s.set("seats", d.seats.to_string());
    s.set("registration_deadline", d.registration_deadline.to_string());
    s.set("cost", euros(d.cost_cents));
    s.set("contact_email", d.contact_email.clone().unwrap_or_default());
    for (i, x) in d.sessions.iter().enumerate() {
        let n = i + 1;
        s.set(format!("session_day_{n}"), x.day.to_string());
        s.set(
            format!("session_start_{n}"),
            x.start.format("%H:%M").to_string(),
        );
        s.set(
            format!("session_end_{n}"),
            x.end.format("%H:%M").to_string(),
        );
        s.set(format!("session_place_{n}"), x.place.clone());
    }
    for q in &d.quotas {
        s.set(format!("quota_{}", q.municipality_id), q.seats.to_string());
    }
    s.set_ids("partner", d.partners.iter().copied());
    s
}

/// The sessions of the filled rows; a row that does not read is an error naming its number.
fn sessions(p: &mut Parser<'_>, s: &Submitted) -> Vec<SessionDraft> {
    let mut out = Vec::new();
    let rows = session_rows(s);
    for r in rows.iter().filter(|r| {
        [&r.day, &r.start, &r.end, &r.place]
            .iter()
            .any(|v| !v.is_empty())
    }) {
        match (parse_date(&r.day), parse_time(&r.start), parse_time(&r.end)) {
            (Some(day), Some(start), Some(end)) => out.push(SessionDraft {
                day,
                start,
                end,
                place: r.place.clone(),
            }),
            _ => p.fail(
                "sessions",
                format!(
                    "Termin {}: Bitte geben Sie Datum, Beginn und Ende an (z. B. 08:00).",
                    r.n
                ),
            ),
        }
    }
    out
}

/// The quotas given for members; an empty one means "none".
fn quotas(p: &mut Parser<'_>, s: &Submitted, members: &[Municipality]) -> Vec<QuotaDraft> {
    let mut out = Vec::new();
    for m in members {
        let raw = s.get(&format!("quota_{}", m.id)).trim();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i32>() {
            Ok(seats) => out.push(QuotaDraft {
                municipality_id: m.id,
                seats,
            }),
            Err(_) => p.fail(
                "quotas",
                format!("Kontingent für {}: bitte eine ganze Zahl angeben.", m.name),
            ),
        }
    }
    out
}

/// The draft and every problem with it: values that do not parse, then the domain's rules for
/// the rest (the domain names cost `cost_cents`; the form calls it `cost`).
pub fn parse(
    s: &Submitted,
    members: &[Municipality],
    provider: i64,
) -> (CourseDraft, ValidationErrors) {
    let mut p = Parser::new(s);
    let get = |k: &str| s.get(k).trim().to_owned();
    let category = p.choice(
        "category",
        CourseCategory::from_code,
        CourseCategory::Sonstiges,
        "Bitte wählen Sie einen Bereich.",
    );
    let seats_message = "Bitte geben Sie die Zahl der Plätze als ganze Zahl an.";
    let seats = p.int("seats", seats_message);
    if seats.is_none() && !p.has_failed("seats") {
        p.fail("seats", seats_message);
    }
    let deadline = p.required_date(
        "registration_deadline",
        "Bitte geben Sie den Anmeldeschluss als Datum an (TT.MM.JJJJ).",
    );
    let cost_cents = parse_euros(&get("cost")).unwrap_or_else(|| {
        p.fail(
            "cost",
            "Bitte geben Sie die Kosten in Euro an, z. B. 45 oder 45,50 (0 für kostenfrei).",
        );
        0
    });
    let partners = s
        .ids("partner")
        .into_iter()
        .filter(|id| members.iter().any(|m| m.id == *id))
        .collect();
    let draft = CourseDraft {
        title: get("title"),
        category,
        target_group: get("target_group"),
        description: s.get("description").to_owned(),
        seats: seats.unwrap_or(1),
        registration_deadline: deadline.unwrap_or(chrono::NaiveDate::MIN),
        cost_cents,
        contact_email: Some(get("contact_email")).filter(|e| !e.is_empty()),
        partners,
        quotas: quotas(&mut p, s, members),
        sessions: sessions(&mut p, s),
    };
    let rules = if p.is_clean() {
        Ok(())
    } else {
        jobboard_domain::courses::validate(&draft, provider)
    };
    (draft, form_names(p.finish(rules)))
}

/// The domain's field names as the form's.
pub fn form_names(mut errors: ValidationErrors) -> ValidationErrors {
    for e in &mut errors.0 {
        if e.field == "cost_cents" {
            e.field = "cost";
        }
    }
    errors
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
    #![expect(clippy::unwrap_used, reason = "tests")]
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

    /// The form asked for „TT.MM.JJJJ“ but read only ISO dates; now both read, also in the
    /// session rows.
    #[test]
    fn a_course_with_german_dates_reads() {
        let pairs = [
            ("title", "Motorsägenlehrgang"),
            ("category", "bauhof_technik"),
            ("target_group", "Bauhöfe"),
            ("description", "Sicher sägen."),
            ("seats", "8"),
            ("registration_deadline", "15.03.2027"),
            ("cost", "45,50"),
            ("session_day_1", "22.03.2027"),
            ("session_start_1", "08:00"),
            ("session_end_1", "16:00"),
            ("session_place_1", "Bauhof"),
        ];
        let s = Submitted::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        );
        let (d, errors) = parse(&s, &[], 1);
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(d.registration_deadline, parse_date("2027-03-15").unwrap());
        assert_eq!(d.sessions[0].day, parse_date("2027-03-22").unwrap());
        assert_eq!(d.cost_cents, 4550);
        let form = CourseForm::new(&s, &[], 1, errors);
        assert_eq!(
            form.sessions[0].day, "2027-03-22",
            "shown as a date control takes it"
        );
        assert_eq!(form.sessions.len(), 1 + SPARE_SESSIONS);
    }
}
