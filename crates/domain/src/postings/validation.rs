//! Validation of a posting draft: every problem at once, each with a German message a person
//! can act on, attached to the field it concerns.

use std::fmt;

use chrono::NaiveDate;
use email_address::EmailAddress;
use serde::Serialize;

use super::draft::PostingDraft;
use crate::berlin;

pub const TITLE_MAX: usize = 150;
pub const REFERENCE_MAX: usize = 64;
pub const SHORT_TEXT_MAX: usize = 200;
pub const MARKDOWN_MAX: usize = 20_000;
pub const NOTE_MAX: usize = 500;
pub const MONTHLY_PAY_MAX_EUR: i32 = 20_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The draft field, as named in forms and the API.
    pub field: &'static str,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn for_field(&self, field: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Die Angaben sind unvollständig oder fehlerhaft: ")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// What the rules need to know beyond the draft itself.
#[derive(Clone, Copy, Debug)]
pub struct ValidationContext {
    /// The municipality that owns the posting (it cannot be its own partner).
    pub owner_municipality_id: i64,
    /// The day the posting goes (or went) online, if it is published or about to be.
    pub publication_day: Option<NaiveDate>,
}

/// Check a (normalized) draft against every rule; `Ok` only if all hold.
pub fn validate(d: &PostingDraft, ctx: ValidationContext) -> Result<(), ValidationErrors> {
    check(d, ctx, Some(d.application_deadline)).into_result()
}

/// Every rule, stage by stage, in the order the form shows its fields. `deadline` is `None`
/// while a source has not supplied one (see [`super::draft::DraftBuilder`]): the rules that
/// compare with it are left out then, and `d.application_deadline` is not looked at.
pub(crate) fn check(
    d: &PostingDraft,
    ctx: ValidationContext,
    deadline: Option<NaiveDate>,
) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    validate_identity(&mut e, d);
    validate_contract(&mut e, d, deadline);
    validate_pay(&mut e, d);
    validate_location(&mut e, d);
    if let (Some(day), Some(deadline)) = (ctx.publication_day, deadline)
        && deadline < day
    {
        e.add(
            "application_deadline",
            format!(
                "Die Bewerbungsfrist ({}) liegt vor der Veröffentlichung ({}). Bitte ein späteres Datum wählen.",
                berlin::format_date(deadline),
                berlin::format_date(day)
            ),
        );
    }
    validate_texts(&mut e, d);
    validate_contact(&mut e, d);
    validate_partners(&mut e, d, ctx.owner_municipality_id);
    validate_audience(&mut e, d, deadline);
    e
}

/// Internal first, then public: a public day only for an internal posting, and not after the
/// deadline (it would never be public). That the day is not in the past needs the clock and
/// the stored posting, so the pipeline checks it (`postings::record`).
fn validate_audience(e: &mut ValidationErrors, d: &PostingDraft, deadline: Option<NaiveDate>) {
    let Some(day) = d.public_from else {
        return;
    };
    if !d.internal {
        e.add(
            "public_from",
            "Ein Datum für die öffentliche Ausschreibung gibt es nur bei einer internen Stelle. Bitte „nur für Beschäftigte der Partheland-Kommunen“ wählen oder das Datum leeren.",
        );
    } else if let Some(deadline) = deadline
        && day > deadline
    {
        e.add(
            "public_from",
            format!(
                "Die Stelle würde erst nach dem Ende der Bewerbungsfrist ({}) öffentlich. Bitte ein früheres Datum wählen oder das Datum leeren, wenn sie intern bleiben soll.",
                berlin::format_date(deadline)
            ),
        );
    }
}

/// Title, reference number, department and weekly hours.
fn validate_identity(e: &mut ValidationErrors, d: &PostingDraft) {
    required_text(e, "title", &d.title, "den Titel", TITLE_MAX);
    required_text(
        e,
        "reference_number",
        &d.reference_number,
        "die Kennziffer",
        REFERENCE_MAX,
    );
    if !d
        .reference_number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-/_. ".contains(c))
    {
        e.add(
            "reference_number",
            "Die Kennziffer darf nur Buchstaben ohne Umlaute, Ziffern, Leerzeichen und - / _ . enthalten.",
        );
    }
    optional_text(e, "department", d.department.as_deref(), SHORT_TEXT_MAX);
    if let Some(h) = d.weekly_hours
        && !(1.0..=48.0).contains(&h)
    {
        e.add(
            "weekly_hours",
            "Die Wochenarbeitszeit muss zwischen 1 und 48 Stunden liegen.",
        );
    }
}

/// A fixed-term contract ends after the start (or the deadline, when the start is "ab
/// sofort") when its end is known; a stand-in for parental leave often has no date yet, so the
/// end may be left open. A permanent one has no end.
fn validate_contract(e: &mut ValidationErrors, d: &PostingDraft, deadline: Option<NaiveDate>) {
    match (d.contract.is_fixed_term(), d.contract_end_date) {
        (_, None) => {}
        (false, Some(_)) => e.add(
            "contract_end_date",
            "Eine unbefristete Stelle hat kein Vertragsende. Bitte das Datum entfernen oder „befristet“ wählen.",
        ),
        (true, Some(end)) => {
            if let Some(begins) = d.start_date.or(deadline)
                && end <= begins
            {
                e.add(
                    "contract_end_date",
                    format!(
                        "Das Ende der Befristung ({}) muss nach dem Beginn ({}) liegen.",
                        berlin::format_date(end),
                        berlin::format_date(begins)
                    ),
                );
            }
        }
    }
}

fn validate_location(e: &mut ValidationErrors, d: &PostingDraft) {
    required_text(
        e,
        "location_place",
        &d.location_place,
        "den Arbeitsort",
        SHORT_TEXT_MAX,
    );
    if !is_german_postcode(&d.location_postcode) {
        e.add(
            "location_postcode",
            "Die Postleitzahl muss aus fünf Ziffern bestehen, z. B. 04451.",
        );
    }
    match (d.latitude, d.longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) {
                e.add(
                    "latitude",
                    "Die geografische Breite muss zwischen -90 und 90 liegen.",
                );
            }
            if !(-180.0..=180.0).contains(&lon) {
                e.add(
                    "longitude",
                    "Die geografische Länge muss zwischen -180 und 180 liegen.",
                );
            }
        }
        (None, None) => {}
        (None, Some(_)) => e.add("latitude", "Bitte Breite und Länge gemeinsam angeben."),
        (Some(_), None) => e.add("longitude", "Bitte Breite und Länge gemeinsam angeben."),
    }
}

fn validate_texts(e: &mut ValidationErrors, d: &PostingDraft) {
    if d.description.trim().is_empty() {
        e.add("description", "Bitte beschreiben Sie die Stelle.");
    }
    for (field, value) in [
        ("description", &d.description),
        ("tasks", &d.tasks),
        ("profile", &d.profile),
        ("benefits", &d.benefits),
    ] {
        if value.chars().count() > MARKDOWN_MAX {
            e.add(
                field,
                format!("Der Text ist zu lang (höchstens {MARKDOWN_MAX} Zeichen)."),
            );
        }
    }
}

/// Contact person and how to apply: a link or an address at least.
fn validate_contact(e: &mut ValidationErrors, d: &PostingDraft) {
    optional_text(e, "contact_name", d.contact_name.as_deref(), SHORT_TEXT_MAX);
    if let Some(phone) = d.contact_phone.as_deref()
        && !is_phone_number(phone)
    {
        e.add(
            "contact_phone",
            "Die Telefonnummer darf nur Ziffern, Leerzeichen und + / - ( ) enthalten, z. B. 034291 123-45.",
        );
    }
    email(e, "contact_email", d.contact_email.as_deref());
    email(e, "apply_email", d.apply_email.as_deref());
    if let Some(u) = d.apply_url.as_deref()
        && !is_web_url(u)
    {
        e.add(
            "apply_url",
            "Der Bewerbungslink muss eine vollständige Webadresse sein, die mit https:// oder http:// beginnt.",
        );
    }
    if d.apply_url.is_none() && d.apply_email.is_none() {
        e.add(
            "apply_url",
            "Bitte geben Sie an, wie man sich bewirbt: einen Bewerbungslink oder eine E-Mail-Adresse.",
        );
    }
}

fn validate_partners(e: &mut ValidationErrors, d: &PostingDraft, owner: i64) {
    let mut seen = Vec::with_capacity(d.partners.len());
    for p in &d.partners {
        if p.municipality_id == owner {
            e.add(
                "partners",
                "Die ausschreibende Kommune kann nicht zugleich Partnerin sein.",
            );
        } else if seen.contains(&p.municipality_id) {
            e.add(
                "partners",
                "Jede Partnerkommune bitte nur einmal auswählen.",
            );
        }
        seen.push(p.municipality_id);
        if p.note
            .as_deref()
            .is_some_and(|n| n.chars().count() > NOTE_MAX)
        {
            e.add(
                "partners",
                format!("Die Notiz zur Partnerkommune ist zu lang (höchstens {NOTE_MAX} Zeichen)."),
            );
        }
    }
}

fn validate_pay(e: &mut ValidationErrors, d: &PostingDraft) {
    let scheme = d.pay_scheme;
    let from = d.pay_grade_from.as_deref();
    let to = d.pay_grade_to.as_deref();
    match scheme.grades() {
        Some([]) => {
            if from.is_some() || to.is_some() {
                e.add(
                    "pay_grade_from",
                    format!(
                        "Im {} gibt es keine Entgeltgruppen; bitte das Feld leer lassen.",
                        scheme.label()
                    ),
                );
            }
        }
        Some(_) => {
            let rank = |field: &'static str, grade: Option<&str>, e: &mut ValidationErrors| {
                let grade = grade?;
                let r = scheme.grade_rank(grade);
                if r.is_none() {
                    e.add(
                        field,
                        format!(
                            "„{}“ ist keine Gruppe im {}.",
                            scheme.grade_label(grade),
                            scheme.label()
                        ),
                    );
                }
                r
            };
            let rank_from = rank("pay_grade_from", from, e);
            let rank_to = rank("pay_grade_to", to, e);
            if let (Some(a), Some(b), Some(f), Some(t)) = (rank_from, rank_to, from, to)
                && a > b
            {
                e.add(
                    "pay_grade_to",
                    format!(
                        "Die Gruppe „bis“ ({}) liegt unter der Gruppe „von“ ({}).",
                        scheme.grade_label(t),
                        scheme.grade_label(f)
                    ),
                );
            }
            if to.is_some() && from.is_none() {
                e.add("pay_grade_from", "Bitte auch die Gruppe „von“ angeben.");
            }
        }
        None => {
            optional_text(e, "pay_grade_from", from, 8);
            optional_text(e, "pay_grade_to", to, 8);
        }
    }
    for (field, v) in [
        ("pay_monthly_min_eur", d.pay_monthly_min_eur),
        ("pay_monthly_max_eur", d.pay_monthly_max_eur),
    ] {
        if let Some(v) = v
            && !(1..=MONTHLY_PAY_MAX_EUR).contains(&v)
        {
            e.add(
                field,
                format!("Das Monatsentgelt muss zwischen 1 und {MONTHLY_PAY_MAX_EUR} Euro liegen."),
            );
        }
    }
    if let (Some(min), Some(max)) = (d.pay_monthly_min_eur, d.pay_monthly_max_eur)
        && min > max
    {
        e.add(
            "pay_monthly_max_eur",
            format!("Das Höchstentgelt ({max} €) liegt unter dem Mindestentgelt ({min} €)."),
        );
    }
}

fn required_text(
    e: &mut ValidationErrors,
    field: &'static str,
    value: &str,
    what: &str,
    max: usize,
) {
    if value.trim().is_empty() {
        e.add(field, format!("Bitte geben Sie {what} an."));
    } else {
        optional_text(e, field, Some(value), max);
    }
}

fn optional_text(e: &mut ValidationErrors, field: &'static str, value: Option<&str>, max: usize) {
    if let Some(v) = value {
        let len = v.chars().count();
        if len > max {
            e.add(
                field,
                format!("Der Text ist zu lang: {len} Zeichen, erlaubt sind höchstens {max}."),
            );
        }
    }
}

fn email(e: &mut ValidationErrors, field: &'static str, value: Option<&str>) {
    if let Some(v) = value
        && (!EmailAddress::is_valid(v)
            || !crate::mailbox::is_public(v)
            || !v
                .rsplit_once('@')
                .is_some_and(|(_, domain)| domain.contains('.'))
            || v.len() > 254)
    {
        e.add(
            field,
            format!("„{v}“ ist keine gültige E-Mail-Adresse, z. B. personal@naunhof.de."),
        );
    }
}

pub fn is_german_postcode(s: &str) -> bool {
    s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) && s != "00000"
}

pub fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    }) && s.len() <= 2000
}

fn is_phone_number(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && s.len() <= 30
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +/-()".contains(c))
}

#[cfg(test)]
#[path = "validation_tests.rs"]
mod tests;
