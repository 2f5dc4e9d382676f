//! The posting form: its table of fields (German label and help), how a [`PostingDraft`] fills
//! it, and how the submitted values become a draft. The mechanism is [`super`]'s.

use chrono::NaiveDate;
use jobboard_domain::municipalities::Municipality;
use jobboard_domain::postings::validation::{ValidationContext, ValidationErrors};
use jobboard_domain::postings::{
    Category, Contract, DraftBuilder, Employment, PartnerDraft, PayScheme, PostingDraft,
    PostingKind,
};

use super::field::{FieldSpec, Group, GroupSpec, Input, groups, options};
use super::{Parser, Submitted};

const fn spec(
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

fn kinds() -> Vec<(&'static str, &'static str)> {
    options(PostingKind::ALL, PostingKind::code, PostingKind::label)
}
fn categories() -> Vec<(&'static str, &'static str)> {
    options(Category::ALL, Category::code, Category::label)
}
fn employments() -> Vec<(&'static str, &'static str)> {
    options(Employment::ALL, Employment::code, Employment::label)
}
fn contracts() -> Vec<(&'static str, &'static str)> {
    options(Contract::ALL, Contract::code, Contract::label)
}
fn pay_schemes() -> Vec<(&'static str, &'static str)> {
    options(PayScheme::ALL, PayScheme::code, PayScheme::label)
}

/// Who may apply: the public, or first only the members' staff.
fn audiences() -> Vec<(&'static str, &'static str)> {
    vec![
        ("public", "öffentlich ausschreiben"),
        (
            "internal",
            "intern: nur für Beschäftigte der Partheland-Kommunen",
        ),
    ]
}

/// The audience as the form names it; an absent value (a form of before) is public.
fn audience_of(code: &str) -> Option<bool> {
    match code {
        "" | "public" => Some(false),
        "internal" => Some(true),
        _ => None,
    }
}

const LIST_HELP: &str = "Markdown, am besten als Liste.";

/// Every field of the posting form, in the order of the page.
pub const TABLE: &[GroupSpec] = &[
    GroupSpec {
        legend: "Das Angebot",
        fields: &[
            spec("kind", "Art des Angebots", "", true, Input::Select(kinds)),
            spec(
                "title",
                "Titel",
                "Wie die Stelle heißt, mit (m/w/d), z. B. „Sachbearbeiter Bürgerbüro (m/w/d)“.",
                true,
                Input::Text,
            ),
            spec(
                "reference_number",
                "Kennziffer",
                "Eindeutig in Ihrer Kommune, z. B. NAU-2026-07.",
                true,
                Input::Text,
            ),
            spec("department", "Amt oder Fachbereich", "", false, Input::Text),
            spec("category", "Bereich", "", true, Input::Select(categories)),
        ],
    },
    GroupSpec {
        legend: "Arbeitszeit, Vertrag und Vergütung",
        fields: &[
            spec(
                "employment",
                "Arbeitszeit",
                "",
                true,
                Input::Select(employments),
            ),
            spec(
                "weekly_hours",
                "Wochenstunden",
                "Zum Beispiel 39 oder 19,5.",
                false,
                Input::Decimal,
            ),
            spec("contract", "Vertrag", "", true, Input::Select(contracts)),
            spec(
                "contract_end_date",
                "Befristet bis",
                "Nur bei befristeten Verträgen, wenn das Ende feststeht (bei einer Elternzeitvertretung oft noch nicht).",
                false,
                Input::Date,
            ),
            spec(
                "pay_scheme",
                "Vergütung nach",
                "",
                true,
                Input::Select(pay_schemes),
            ),
            spec(
                "pay_grade_from",
                "Entgeltgruppe von",
                "Zum Beispiel 9a (TVöD) oder 8a (SuE).",
                false,
                Input::Text,
            ),
            spec("pay_grade_to", "Entgeltgruppe bis", "", false, Input::Text),
            spec(
                "pay_monthly_min_eur",
                "Monatlich ab (Euro)",
                "Für Ausbildung und Praktika: ganze Euro brutto.",
                false,
                Input::Decimal,
            ),
            spec(
                "pay_monthly_max_eur",
                "Monatlich bis (Euro)",
                "",
                false,
                Input::Decimal,
            ),
        ],
    },
    GroupSpec {
        legend: "Ort und Termine",
        fields: &[
            spec("location_place", "Arbeitsort", "", true, Input::Text),
            spec("location_postcode", "Postleitzahl", "", true, Input::Text),
            spec(
                "latitude",
                "Breitengrad",
                "Optional, für die Umkreissuche, z. B. 51,2772.",
                false,
                Input::Decimal,
            ),
            spec(
                "longitude",
                "Längengrad",
                "Optional, z. B. 12,5883.",
                false,
                Input::Decimal,
            ),
            spec(
                "start_date",
                "Beginn",
                "Leer lassen für „ab sofort“.",
                false,
                Input::Date,
            ),
            spec(
                "application_deadline",
                "Bewerbungsfrist",
                "Der letzte Tag, an dem Bewerbungen eingehen können.",
                true,
                Input::Date,
            ),
        ],
    },
    GroupSpec {
        legend: "Wer sich bewerben kann",
        fields: &[
            spec(
                "audience",
                "Ausschreibung",
                "Eine interne Stelle sehen nur die Personalstellen der Partheland-Kommunen und die internen Feeds; Suche, Feeds und API zeigen sie nicht.",
                true,
                Input::Select(audiences),
            ),
            spec(
                "public_from",
                "Öffentlich ab",
                "Nur bei internen Stellen: ab diesem Tag ist die Stelle auch öffentlich. Leer lassen, wenn sie intern bleibt.",
                false,
                Input::Date,
            ),
        ],
    },
    GroupSpec {
        legend: "Texte",
        fields: &[
            spec(
                "description",
                "Beschreibung",
                "Markdown: **fett**, *kursiv*, Listen mit „- “, Links als [Text](https://…).",
                true,
                Input::Markdown,
            ),
            spec("tasks", "Ihre Aufgaben", LIST_HELP, false, Input::Markdown),
            spec("profile", "Ihr Profil", LIST_HELP, false, Input::Markdown),
            spec("benefits", "Wir bieten", LIST_HELP, false, Input::Markdown),
        ],
    },
    GroupSpec {
        legend: "Kontakt und Bewerbung",
        fields: &[
            spec("contact_name", "Ansprechperson", "", false, Input::Text),
            spec("contact_phone", "Telefon", "", false, Input::Tel),
            spec(
                "contact_email",
                "E-Mail für Rückfragen",
                "",
                false,
                Input::Email,
            ),
            spec(
                "apply_url",
                "Online bewerben unter",
                "Adresse mit https://.",
                false,
                Input::Url,
            ),
            spec(
                "apply_email",
                "Bewerbung per E-Mail an",
                "Mindestens eine Bewerbungsmöglichkeit ist nötig.",
                false,
                Input::Email,
            ),
        ],
    },
];

/// The fieldsets of the posting form, showing `s` and `errors`.
pub fn posting_groups(s: &Submitted, errors: &ValidationErrors, preview: bool) -> Vec<Group> {
    groups(TABLE, |name| s.get(name), errors, preview)
}

/// Where the error summary links a field that is not an input of its own.
pub fn anchor(field: &str) -> Option<&'static str> {
    (field == "partners").then_some("partner-wahl")
}

/// The draft's values as the form shows them (to prefill the editor).
pub fn from_draft(d: &PostingDraft) -> Submitted {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<f64>| {
        v.map(|x| x.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    let int = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
    let date = |v: Option<NaiveDate>| v.map(|x| x.to_string()).unwrap_or_default();
    let values = [
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
        (
            "audience",
            if d.internal { "internal" } else { "public" }.to_owned(),
        ),
        ("public_from", date(d.public_from)),
    ];
    let mut s = Submitted::default();
    for (k, v) in values {
        s.set(k, v);
    }
    for p in &d.partners {
        s.set(format!("partner_note_{}", p.municipality_id), opt(&p.note));
    }
    s.set_ids("partner", d.partners.iter().map(|p| p.municipality_id));
    s
}

/// The values of the select fields.
struct Choices {
    kind: PostingKind,
    category: Category,
    employment: Employment,
    contract: Contract,
    pay_scheme: PayScheme,
}

fn choices(p: &mut Parser<'_>) -> Choices {
    Choices {
        kind: p.choice(
            "kind",
            PostingKind::from_code,
            PostingKind::Job,
            "Bitte wählen Sie die Art des Angebots.",
        ),
        category: p.choice(
            "category",
            Category::from_code,
            Category::Sonstiges,
            "Bitte wählen Sie einen Bereich.",
        ),
        employment: p.choice(
            "employment",
            Employment::from_code,
            Employment::FullTime,
            "Bitte wählen Sie die Arbeitszeit.",
        ),
        contract: p.choice(
            "contract",
            Contract::from_code,
            Contract::Permanent,
            "Bitte wählen Sie die Vertragsart.",
        ),
        pay_scheme: p.choice(
            "pay_scheme",
            PayScheme::from_code,
            PayScheme::Other,
            "Bitte wählen Sie die Vergütungsordnung.",
        ),
    }
}

/// The partners ticked, without the owner itself, each once, with their notes.
fn partners(s: &Submitted, owner: i64) -> Vec<PartnerDraft> {
    let mut ids: Vec<i64> = s
        .ids("partner")
        .into_iter()
        .filter(|&id| id != owner)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| PartnerDraft {
            municipality_id: id,
            note: Some(s.get(&format!("partner_note_{id}")).to_owned()),
        })
        .collect()
}

/// The draft, or every problem with it: values that do not parse, then the domain's rules
/// for the rest. A field that did not parse gets only its parse error. Built through the
/// domain's [`DraftBuilder`] like the push API's drafts, so no placeholder deadline exists.
pub fn parse(s: &Submitted, owner: i64) -> Result<PostingDraft, ValidationErrors> {
    let mut p = Parser::new(s);
    let text = |n: &str| s.get(n).to_owned();
    let opt = |n: &str| Some(s.get(n).to_owned());
    let c = choices(&mut p);
    let internal = p.choice(
        "audience",
        audience_of,
        false,
        "Bitte wählen Sie, ob die Stelle öffentlich oder intern ausgeschrieben wird.",
    );
    let public_from = p.date("public_from");
    let whole_euros = "Bitte geben Sie den Monatsbetrag in ganzen Euro als Zahl an.";
    let deadline = p.required_date(
        "application_deadline",
        "Bitte geben Sie die Bewerbungsfrist an.",
    );
    let mut b = DraftBuilder::new(deadline);
    let defaults = b.draft().clone();
    let draft = PostingDraft {
        kind: c.kind,
        reference_number: text("reference_number"),
        title: text("title"),
        department: opt("department"),
        category: c.category,
        employment: c.employment,
        weekly_hours: p.decimal(
            "weekly_hours",
            "Bitte geben Sie die Wochenstunden als Zahl an.",
        ),
        contract: c.contract,
        contract_end_date: p.date("contract_end_date"),
        pay_scheme: c.pay_scheme,
        pay_grade_from: opt("pay_grade_from"),
        pay_grade_to: opt("pay_grade_to"),
        pay_monthly_min_eur: p.int("pay_monthly_min_eur", whole_euros),
        pay_monthly_max_eur: p.int("pay_monthly_max_eur", whole_euros),
        location_place: text("location_place"),
        location_postcode: text("location_postcode"),
        latitude: p.decimal("latitude", "Bitte geben Sie den Breitengrad als Zahl an."),
        longitude: p.decimal("longitude", "Bitte geben Sie den Längengrad als Zahl an."),
        start_date: p.date("start_date"),
        description: text("description"),
        tasks: text("tasks"),
        profile: text("profile"),
        benefits: text("benefits"),
        contact_name: opt("contact_name"),
        contact_phone: opt("contact_phone"),
        contact_email: opt("contact_email"),
        apply_url: opt("apply_url"),
        apply_email: opt("apply_email"),
        partners: partners(s, owner),
        internal,
        public_from,
        ..defaults
    };
    *b.draft() = draft;
    for e in p.finish(Ok(())).0 {
        b.reject(e.field, e.message);
    }
    b.build(ValidationContext {
        owner_municipality_id: owner,
        publication_day: None,
    })
}

pub struct PartnerChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    pub note: String,
}

/// The other municipalities, to pick as partners of a shared offer.
pub fn partner_choices(s: &Submitted, members: &[Municipality], owner: i64) -> Vec<PartnerChoice> {
    let ticked = s.ids("partner");
    members
        .iter()
        .filter(|m| m.id != owner)
        .map(|m| PartnerChoice {
            id: m.id,
            name: m.name.clone(),
            checked: ticked.contains(&m.id),
            note: s.get(&format!("partner_note_{}", m.id)).to_owned(),
        })
        .collect()
}
