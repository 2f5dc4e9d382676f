//! The posting form: every field of a [`PostingDraft`] with its German label and help, parsed
//! from the submitted pairs (unknown fields ignored, nothing trusted) and rendered back with the
//! input as typed and the errors beside the fields they concern.

use std::collections::HashMap;

use chrono::NaiveDate;
use jobboard_domain::markdown;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::{ValidationContext, ValidationErrors, validate};
use jobboard_domain::postings::{
    Category, Contract, Employment, PartnerDraft, PayScheme, PostingDraft, PostingKind,
};

/// The submitted form as name → value (the last value wins; partners may repeat).
pub struct Submitted {
    values: HashMap<String, String>,
    partners: Vec<i64>,
}

impl Submitted {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        let mut partners = Vec::new();
        let mut values = HashMap::new();
        for (k, v) in pairs {
            if k == "partner" {
                if let Ok(id) = v.trim().parse() {
                    partners.push(id);
                }
            } else {
                values.insert(k, v);
            }
        }
        Self { values, partners }
    }

    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// The draft's values as the form shows them (to prefill the editor).
    pub fn from_draft(d: &PostingDraft) -> Self {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let num = |v: Option<f64>| {
            v.map(|x| x.to_string().replace('.', ","))
                .unwrap_or_default()
        };
        let int = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
        let date = |v: Option<NaiveDate>| v.map(|x| x.to_string()).unwrap_or_default();
        let mut values: HashMap<String, String> = [
            ("kind", d.kind.code().to_owned()),
            ("reference_number", d.reference_number.clone()),
            ("title", d.title.clone()),
            ("department", opt(&d.department)),
            ("category", d.category.code().to_owned()),
            ("employment", d.employment.code().to_owned()),
            ("weekly_hours", num(d.weekly_hours)),
            ("contract", d.contract.code().to_owned()),
            ("contract_end_date", date(d.contract_end_date)),
            ("pay_scheme", d.pay_scheme.code().to_owned()),
            ("pay_grade_from", opt(&d.pay_grade_from)),
            ("pay_grade_to", opt(&d.pay_grade_to)),
            ("pay_monthly_min_eur", int(d.pay_monthly_min_eur)),
            ("pay_monthly_max_eur", int(d.pay_monthly_max_eur)),
            ("location_place", d.location_place.clone()),
            ("location_postcode", d.location_postcode.clone()),
            ("latitude", num(d.latitude)),
            ("longitude", num(d.longitude)),
            ("start_date", date(d.start_date)),
            ("application_deadline", d.application_deadline.to_string()),
            ("description", d.description.clone()),
            ("tasks", d.tasks.clone()),
            ("profile", d.profile.clone()),
            ("benefits", d.benefits.clone()),
            ("contact_name", opt(&d.contact_name)),
            ("contact_phone", opt(&d.contact_phone)),
            ("contact_email", opt(&d.contact_email)),
            ("apply_url", opt(&d.apply_url)),
            ("apply_email", opt(&d.apply_email)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for p in &d.partners {
            values.insert(format!("partner_note_{}", p.municipality_id), opt(&p.note));
        }
        Self {
            values,
            partners: d.partners.iter().map(|p| p.municipality_id).collect(),
        }
    }

    /// The draft and every problem with it: values that do not parse, then the domain's rules
    /// for the rest. A field that did not parse gets only its parse error.
    pub fn parse(&self, owner: i64) -> (PostingDraft, ValidationErrors) {
        let mut e = ValidationErrors::default();
        let text = |n: &str| self.get(n).to_owned();
        let opt = |n: &str| Some(self.get(n).to_owned());
        let mut parse_errors: Vec<&'static str> = Vec::new();
        macro_rules! choice {
            ($ty:ty, $name:literal, $default:expr, $what:literal) => {
                match <$ty>::from_code(self.get($name)) {
                    Some(v) => v,
                    None => {
                        e.add($name, concat!("Bitte wählen Sie ", $what, "."));
                        parse_errors.push($name);
                        $default
                    }
                }
            };
        }
        macro_rules! number {
            ($ty:ty, $name:literal, $what:literal) => {{
                let raw = self.get($name).trim().replace(',', ".");
                if raw.is_empty() {
                    None
                } else {
                    match raw.parse::<$ty>() {
                        Ok(v) if v.to_string() != "NaN" && v.to_string() != "inf" => Some(v),
                        _ => {
                            e.add($name, concat!("Bitte geben Sie ", $what, " als Zahl an."));
                            parse_errors.push($name);
                            None
                        }
                    }
                }
            }};
        }
        macro_rules! date {
            ($name:literal) => {{
                let raw = self.get($name).trim();
                if raw.is_empty() {
                    None
                } else {
                    match NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                        .or_else(|_| NaiveDate::parse_from_str(raw, "%d.%m.%Y"))
                    {
                        Ok(d) => Some(d),
                        Err(_) => {
                            e.add($name, "Bitte geben Sie ein Datum an, z. B. 31.12.2026.");
                            parse_errors.push($name);
                            None
                        }
                    }
                }
            }};
        }
        let kind = choice!(
            PostingKind,
            "kind",
            PostingKind::Job,
            "die Art des Angebots"
        );
        let category = choice!(Category, "category", Category::Sonstiges, "einen Bereich");
        let employment = choice!(
            Employment,
            "employment",
            Employment::FullTime,
            "die Arbeitszeit"
        );
        let contract = choice!(Contract, "contract", Contract::Permanent, "die Vertragsart");
        let pay_scheme = choice!(
            PayScheme,
            "pay_scheme",
            PayScheme::Other,
            "die Vergütungsordnung"
        );
        let weekly_hours = number!(f64, "weekly_hours", "die Wochenstunden");
        let pay_monthly_min_eur = number!(
            i32,
            "pay_monthly_min_eur",
            "den Monatsbetrag in ganzen Euro"
        );
        let pay_monthly_max_eur = number!(
            i32,
            "pay_monthly_max_eur",
            "den Monatsbetrag in ganzen Euro"
        );
        let latitude = number!(f64, "latitude", "den Breitengrad");
        let longitude = number!(f64, "longitude", "den Längengrad");
        let contract_end_date = date!("contract_end_date");
        let start_date = date!("start_date");
        let deadline = date!("application_deadline");
        if deadline.is_none() && !parse_errors.contains(&"application_deadline") {
            e.add(
                "application_deadline",
                "Bitte geben Sie die Bewerbungsfrist an.",
            );
            parse_errors.push("application_deadline");
        }
        let mut partners: Vec<i64> = self
            .partners
            .iter()
            .copied()
            .filter(|&id| id != owner)
            .collect();
        partners.sort_unstable();
        partners.dedup();
        let draft = PostingDraft {
            kind,
            reference_number: text("reference_number"),
            title: text("title"),
            department: opt("department"),
            category,
            employment,
            weekly_hours,
            contract,
            contract_end_date,
            pay_scheme,
            pay_grade_from: opt("pay_grade_from"),
            pay_grade_to: opt("pay_grade_to"),
            pay_monthly_min_eur,
            pay_monthly_max_eur,
            location_place: text("location_place"),
            location_postcode: text("location_postcode"),
            latitude,
            longitude,
            start_date,
            application_deadline: deadline.unwrap_or(NaiveDate::MAX),
            description: text("description"),
            tasks: text("tasks"),
            profile: text("profile"),
            benefits: text("benefits"),
            contact_name: opt("contact_name"),
            contact_phone: opt("contact_phone"),
            contact_email: opt("contact_email"),
            apply_url: opt("apply_url"),
            apply_email: opt("apply_email"),
            partners: partners
                .into_iter()
                .map(|id| PartnerDraft {
                    municipality_id: id,
                    note: Some(self.get(&format!("partner_note_{id}")).to_owned()),
                })
                .collect(),
        }
        .normalized();
        if !e.is_empty() {
            // Show the rules' verdict on everything else too, so one round trip finds all.
            let ctx = ValidationContext {
                owner_municipality_id: owner,
                publication_day: None,
            };
            if let Err(more) = validate(&draft, ctx) {
                for f in more.0 {
                    if !parse_errors.contains(&f.field) {
                        e.0.push(f);
                    }
                }
            }
        }
        (draft, e)
    }
}

pub enum Input {
    Text,
    Decimal,
    Date,
    Email,
    Url,
    Tel,
    Markdown,
    Select(Vec<(&'static str, &'static str)>),
}

pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub required: bool,
    pub input: Input,
    pub value: String,
    pub errors: Vec<String>,
    /// `aria-describedby`: help and error ids.
    pub described_by: String,
    /// Rendered Markdown when the preview was asked for.
    pub preview_html: String,
}

impl Field {
    pub fn kind(&self) -> &'static str {
        match self.input {
            Input::Text | Input::Decimal => "text",
            Input::Date => "date",
            Input::Email => "email",
            Input::Url => "url",
            Input::Tel => "tel",
            Input::Markdown => "textarea",
            Input::Select(_) => "select",
        }
    }

    pub fn options(&self) -> &[(&'static str, &'static str)] {
        match &self.input {
            Input::Select(o) => o,
            _ => &[],
        }
    }

    pub fn is_selected(&self, code: &str) -> bool {
        self.value == code
    }

    pub fn is_decimal(&self) -> bool {
        matches!(self.input, Input::Decimal)
    }
}

pub struct Group {
    pub legend: &'static str,
    pub fields: Vec<Field>,
}

pub struct PartnerChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    pub note: String,
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&v| (code(v), label(v))).collect()
}

/// The form's fields in groups, filled with `s` and `errors`.
pub fn groups(s: &Submitted, errors: &ValidationErrors, preview: bool) -> Vec<Group> {
    use Input::*;
    let f = |name: &'static str,
             label: &'static str,
             help: &'static str,
             required: bool,
             input: Input| {
        let errs: Vec<String> = errors.for_field(name).map(str::to_owned).collect();
        let mut ids = Vec::new();
        if !help.is_empty() {
            ids.push(format!("h-{name}"));
        }
        if !errs.is_empty() {
            ids.push(format!("e-{name}"));
        }
        let value = s.get(name).to_owned();
        let preview_html = if preview && matches!(input, Markdown) && !value.trim().is_empty() {
            markdown::render(&value)
        } else {
            String::new()
        };
        Field {
            name,
            label,
            help,
            required,
            input,
            value,
            errors: errs,
            described_by: ids.join(" "),
            preview_html,
        }
    };
    vec![
        Group {
            legend: "Das Angebot",
            fields: vec![
                f(
                    "kind",
                    "Art des Angebots",
                    "",
                    true,
                    Select(options(
                        PostingKind::ALL,
                        PostingKind::code,
                        PostingKind::label,
                    )),
                ),
                f(
                    "title",
                    "Titel",
                    "Wie die Stelle heißt, mit (m/w/d), z. B. „Sachbearbeiter Bürgerbüro (m/w/d)“.",
                    true,
                    Text,
                ),
                f(
                    "reference_number",
                    "Kennziffer",
                    "Eindeutig in Ihrer Kommune, z. B. NAU-2026-07.",
                    true,
                    Text,
                ),
                f("department", "Amt oder Fachbereich", "", false, Text),
                f(
                    "category",
                    "Bereich",
                    "",
                    true,
                    Select(options(Category::ALL, Category::code, Category::label)),
                ),
            ],
        },
        Group {
            legend: "Arbeitszeit, Vertrag und Vergütung",
            fields: vec![
                f(
                    "employment",
                    "Arbeitszeit",
                    "",
                    true,
                    Select(options(
                        Employment::ALL,
                        Employment::code,
                        Employment::label,
                    )),
                ),
                f(
                    "weekly_hours",
                    "Wochenstunden",
                    "Zum Beispiel 39 oder 19,5.",
                    false,
                    Decimal,
                ),
                f(
                    "contract",
                    "Vertrag",
                    "",
                    true,
                    Select(options(Contract::ALL, Contract::code, Contract::label)),
                ),
                f(
                    "contract_end_date",
                    "Befristet bis",
                    "Nur bei befristeten Verträgen.",
                    false,
                    Date,
                ),
                f(
                    "pay_scheme",
                    "Vergütung nach",
                    "",
                    true,
                    Select(options(PayScheme::ALL, PayScheme::code, PayScheme::label)),
                ),
                f(
                    "pay_grade_from",
                    "Entgeltgruppe von",
                    "Zum Beispiel 9a (TVöD) oder 8a (SuE).",
                    false,
                    Text,
                ),
                f("pay_grade_to", "Entgeltgruppe bis", "", false, Text),
                f(
                    "pay_monthly_min_eur",
                    "Monatlich ab (Euro)",
                    "Für Ausbildung und Praktika: ganze Euro brutto.",
                    false,
                    Decimal,
                ),
                f(
                    "pay_monthly_max_eur",
                    "Monatlich bis (Euro)",
                    "",
                    false,
                    Decimal,
                ),
            ],
        },
        Group {
            legend: "Ort und Termine",
            fields: vec![
                f("location_place", "Arbeitsort", "", true, Text),
                f("location_postcode", "Postleitzahl", "", true, Text),
                f(
                    "latitude",
                    "Breitengrad",
                    "Optional, für die Umkreissuche, z. B. 51,2772.",
                    false,
                    Decimal,
                ),
                f(
                    "longitude",
                    "Längengrad",
                    "Optional, z. B. 12,5883.",
                    false,
                    Decimal,
                ),
                f(
                    "start_date",
                    "Beginn",
                    "Leer lassen für „ab sofort“.",
                    false,
                    Date,
                ),
                f(
                    "application_deadline",
                    "Bewerbungsfrist",
                    "Der letzte Tag, an dem Bewerbungen eingehen können.",
                    true,
                    Date,
                ),
            ],
        },
        Group {
            legend: "Texte",
            fields: vec![
                f(
                    "description",
                    "Beschreibung",
                    "Markdown: **fett**, *kursiv*, Listen mit „- “, Links als [Text](https://…).",
                    true,
                    Markdown,
                ),
                f(
                    "tasks",
                    "Ihre Aufgaben",
                    "Markdown, am besten als Liste.",
                    false,
                    Markdown,
                ),
                f(
                    "profile",
                    "Ihr Profil",
                    "Markdown, am besten als Liste.",
                    false,
                    Markdown,
                ),
                f(
                    "benefits",
                    "Wir bieten",
                    "Markdown, am besten als Liste.",
                    false,
                    Markdown,
                ),
            ],
        },
        Group {
            legend: "Kontakt und Bewerbung",
            fields: vec![
                f("contact_name", "Ansprechperson", "", false, Text),
                f("contact_phone", "Telefon", "", false, Tel),
                f("contact_email", "E-Mail für Rückfragen", "", false, Email),
                f(
                    "apply_url",
                    "Online bewerben unter",
                    "Adresse mit https://.",
                    false,
                    Url,
                ),
                f(
                    "apply_email",
                    "Bewerbung per E-Mail an",
                    "Mindestens eine Bewerbungsmöglichkeit ist nötig.",
                    false,
                    Email,
                ),
            ],
        },
    ]
}

/// The other municipalities, to pick as partners of a shared offer.
pub fn partner_choices(s: &Submitted, members: &[Municipality], owner: i64) -> Vec<PartnerChoice> {
    members
        .iter()
        .filter(|m| m.id != owner)
        .map(|m| PartnerChoice {
            id: m.id,
            name: m.name.clone(),
            checked: s.partners.contains(&m.id),
            note: s.get(&format!("partner_note_{}", m.id)).to_owned(),
        })
        .collect()
}
