//! One form mechanism for every form of the workspace (postings, courses, and the forms to come):
//! the submitted pairs ([`Submitted`]), parsing them with every problem collected at once
//! ([`Parser`]: numbers, choices, dates in TT.MM.JJJJ and ISO form), the fields as the page
//! shows them with the input as typed and their errors beside them ([`field`]), and the error
//! summary at the top with a link to each field ([`error_links`]).
//!
//! A form module ([`posting`], [`course`]) holds only what is its own: its table of fields and
//! how its values become the domain's draft.

pub mod agreement;
pub mod course;
pub mod cover;
pub mod field;
pub mod posting;
pub mod survey;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use jobboard_domain::DomainError;
use jobboard_domain::postings::validation::ValidationErrors;

use crate::{AppError, AppResult};

pub use field::Group;

/// The submitted form: name → value (the last value wins) and, for names that repeat
/// (checkboxes), every value in order.
#[derive(Clone, Debug, Default)]
pub struct Submitted {
    values: HashMap<String, String>,
    repeated: HashMap<String, Vec<String>>,
}

impl Submitted {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        let mut s = Self::default();
        for (k, v) in pairs {
            s.repeated.entry(k.clone()).or_default().push(v.clone());
            s.values.insert(k, v);
        }
        s
    }

    /// The value as typed; "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Every submitted name, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    /// Every id submitted under a repeated `name` (e.g. checked checkboxes); others ignored.
    pub fn ids(&self, name: &str) -> Vec<i64> {
        self.repeated
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }

    /// Every value submitted under a repeated `name`, as typed.
    pub fn repeated_values(&self, name: &str) -> Vec<String> {
        self.repeated.get(name).cloned().unwrap_or_default()
    }

    pub fn set_values(&mut self, name: &str, values: impl IntoIterator<Item = String>) {
        self.repeated
            .insert(name.to_owned(), values.into_iter().collect());
    }

    /// Every value submitted under a repeated `name` (e.g. checked checkboxes of codes).
    pub fn codes(&self, name: &str) -> Vec<String> {
        self.repeated
            .get(name)
            .into_iter()
            .flatten()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn set_ids(&mut self, name: &str, ids: impl IntoIterator<Item = i64>) {
        self.repeated.insert(
            name.to_owned(),
            ids.into_iter().map(|id| id.to_string()).collect(),
        );
    }
}

/// Reads a [`Submitted`] into typed values, collecting every problem instead of stopping at the
/// first. A field that did not parse gets only its parse error, not the rules' verdict too.
pub struct Parser<'a> {
    s: &'a Submitted,
    errors: ValidationErrors,
    failed: Vec<String>,
}

impl<'a> Parser<'a> {
    pub fn new(s: &'a Submitted) -> Self {
        Self {
            s,
            errors: ValidationErrors::default(),
            failed: Vec::new(),
        }
    }

    /// The value as typed.
    pub fn raw(&self, name: &str) -> &'a str {
        self.s.get(name)
    }

    /// Record that `name` could not be read.
    pub fn fail(&mut self, name: &'static str, message: impl Into<String>) {
        self.errors.add(name, message);
        self.failed.push(name.to_owned());
    }

    pub fn has_failed(&self, name: &str) -> bool {
        self.failed.iter().any(|f| f == name)
    }

    /// One of a fixed set of codes; `default` (with an error) for anything else.
    pub fn choice<T>(
        &mut self,
        name: &'static str,
        from_code: fn(&str) -> Option<T>,
        default: T,
        message: &str,
    ) -> T {
        from_code(self.raw(name).trim()).unwrap_or_else(|| {
            self.fail(name, message);
            default
        })
    }

    /// A number with a decimal comma or point; `None` when empty or not a number.
    pub fn decimal(&mut self, name: &'static str, message: &str) -> Option<f64> {
        self.number(name, message, |raw| {
            raw.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
        })
    }

    /// A whole number; `None` when empty or not a whole number.
    pub fn int(&mut self, name: &'static str, message: &str) -> Option<i32> {
        self.number(name, message, |raw| raw.parse().ok())
    }

    fn number<T>(
        &mut self,
        name: &'static str,
        message: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let raw = self.raw(name).trim();
        if raw.is_empty() {
            return None;
        }
        let v = parse(raw);
        if v.is_none() {
            self.fail(name, message);
        }
        v
    }

    /// A date, as TT.MM.JJJJ or ISO; `None` when empty or not a date.
    pub fn date(&mut self, name: &'static str) -> Option<NaiveDate> {
        let raw = self.raw(name).trim();
        if raw.is_empty() {
            return None;
        }
        let d = parse_date(raw);
        if d.is_none() {
            self.fail(name, DATE_MESSAGE);
        }
        d
    }

    /// A date that must be given: `missing` when empty.
    pub fn required_date(&mut self, name: &'static str, missing: &str) -> Option<NaiveDate> {
        let d = self.date(name);
        if d.is_none() && !self.has_failed(name) {
            self.fail(name, missing);
        }
        d
    }

    /// The problems found while reading, and the rules' verdict on the fields that did read.
    pub fn finish(mut self, rules: Result<(), ValidationErrors>) -> ValidationErrors {
        if let Err(more) = rules {
            let failed = &self.failed;
            self.errors.0.extend(
                more.0
                    .into_iter()
                    .filter(|f| !failed.iter().any(|n| n == f.field)),
            );
        }
        self.errors
    }

    /// Whether reading found problems (before the rules are asked).
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

/// What saving a form's draft came to, for the handler to answer.
pub enum Outcome<T> {
    Saved(T),
    /// The rules refused it: the form again, with these errors.
    Invalid(ValidationErrors),
    /// Someone saved in between; nothing was written. The error says so in the domain's words.
    Stale(DomainError),
}

impl<T> Outcome<T> {
    pub fn of(result: Result<T, DomainError>) -> AppResult<Self> {
        match result {
            Ok(t) => Ok(Self::Saved(t)),
            Err(DomainError::Validation(e)) => Ok(Self::Invalid(e)),
            Err(e @ DomainError::Conflict { .. }) => Ok(Self::Stale(e)),
            Err(e) => Err(e.into()),
        }
    }
}

/// The version an editing form was loaded at (optimistic locking).
pub fn version(s: &Submitted) -> AppResult<i32> {
    s.get("version")
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("Die Versionsangabe des Formulars fehlt.".into()))
}

pub const DATE_MESSAGE: &str = "Bitte geben Sie ein Datum an, z. B. 31.12.2026.";

/// "31.12.2026" or "2026-12-31" (what a date field sends).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d.%m.%Y"))
        .ok()
}

/// "08:00" (what a time field sends) or "8.00".
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    let raw = raw.trim();
    NaiveTime::parse_from_str(raw, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(raw, "%H.%M"))
        .ok()
}

/// `(anchor, message)` of every error, in order, for the summary at the top of a form. A field
/// is `#f-{name}` unless `anchor` names another target (a fieldset of checkboxes, say).
pub fn error_links(
    errors: &ValidationErrors,
    anchor: impl Fn(&str) -> Option<&'static str>,
) -> Vec<(String, String)> {
    errors
        .0
        .iter()
        .map(|e| {
            let target = anchor(e.field).map_or_else(|| format!("f-{}", e.field), str::to_owned);
            (target, e.message.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_german_and_iso_form_alike() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 15);
        assert_eq!(parse_date("15.03.2027"), d);
        assert_eq!(parse_date(" 2027-03-15 "), d);
        assert_eq!(parse_date("15.3.2027"), d);
        assert_eq!(parse_date("31.02.2027"), None);
        assert_eq!(parse_date("morgen"), None);
        assert_eq!(parse_time("08:00"), NaiveTime::from_hms_opt(8, 0, 0));
        assert_eq!(parse_time("8.30"), NaiveTime::from_hms_opt(8, 30, 0));
        assert_eq!(parse_time("25:00"), None);
    }

    #[test]
    fn a_field_that_did_not_parse_gets_only_its_parse_error() {
        let s = Submitted::new(vec![
            ("seats".into(), "eins".into()),
            ("day".into(), "".into()),
        ]);
        let mut p = Parser::new(&s);
        assert_eq!(p.int("seats", "ganze Zahl"), None);
        assert_eq!(p.required_date("day", "Datum fehlt"), None);
        let mut rules = ValidationErrors::default();
        rules.add("seats", "mindestens 1");
        rules.add("title", "Titel fehlt");
        let e = p.finish(Err(rules));
        let fields: Vec<&str> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["seats", "day", "title"]);
        assert_eq!(e.for_field("seats").collect::<Vec<_>>(), ["ganze Zahl"]);
    }
}
