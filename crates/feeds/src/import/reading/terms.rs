//! Terms of a posting as German texts write them: working time and weekly hours, pay scheme and
//! grade, fixed term, start.

use std::sync::LazyLock;

use chrono::{Months, NaiveDate};
use jobboard_domain::imports::item::PayDetails;
use jobboard_domain::postings::{Contract, Employment, PayScheme};
use regex::Regex;

use super::dates::{find_dates, sentence_before};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

fn hours_value(s: &str) -> Option<f64> {
    s.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| (1.0..=48.0).contains(h))
}

/// Weekly hours: „30 Std./Woche“, „30 Stunden pro Woche“, „19,5 Wochenstunden“, „wöchentliche
/// Arbeitszeit von 30 Stunden“.
pub fn weekly_hours(text: &str) -> Option<f64> {
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(\d{1,2}(?:,\d{1,2})?)\s*(?:wochenstunden|wochenstd\.?|(?:std\.?|stunden|h)\s*(?:/|pro|je|in der|die)\s*(?:woche|wo\.)|(?:std\.?|stunden)\s+wöchentlich)",
        )
    });
    static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)wöchentliche[n]?\s+(?:regel)?arbeitszeit\s+(?:von|beträgt|:)?\s*(?:derzeit\s+|zurzeit\s+)?(\d{1,2}(?:,\d{1,2})?)\s*(?:stunden|std)",
        )
    });
    [&*AFTER, &*BEFORE].iter().find_map(|r| {
        r.captures(text)
            .and_then(|c| hours_value(c.get(1)?.as_str()))
    })
}

/// Full or part time from the words, else from the hours (39 a week and more is full time).
pub fn employment(text: &str, hours: Option<f64>) -> Option<Employment> {
    let lower = text.to_lowercase();
    let full = lower.contains("vollzeit");
    let part = lower.contains("teilzeit");
    match (full, part, hours) {
        (true, true, _) => Some(Employment::Either),
        (true, false, _) => Some(Employment::FullTime),
        (false, true, _) => Some(Employment::PartTime),
        (false, false, Some(h)) if h >= 38.5 => Some(Employment::FullTime),
        (false, false, Some(_)) => Some(Employment::PartTime),
        _ => None,
    }
}

fn pay(scheme: PayScheme, from: &str, to: Option<&str>) -> Option<PayDetails> {
    let from = scheme
        .grades()?
        .iter()
        .find(|g| g.eq_ignore_ascii_case(from))?;
    let to = to.and_then(|t| scheme.grades()?.iter().find(|g| g.eq_ignore_ascii_case(t)));
    Some(PayDetails {
        scheme,
        grade_from: Some((*from).to_owned()),
        grade_to: to.map(|t| (*t).to_owned()),
        monthly_min_eur: None,
        monthly_max_eur: None,
    })
}

/// Pay scheme and grade: „EG 9a TVöD“, „Entgeltgruppe 8 bis 9a TVöD-VKA“, „Entgeltgruppe S 8a
/// TVöD SuE“, „A 10 SächsBesG“, „Besoldungsgruppe A 11“, „TVAöD“.
pub fn pay_details(text: &str) -> Option<PayDetails> {
    static SUE: LazyLock<Regex> = LazyLock::new(|| {
        re(r"(?i)\bS\s?(\d{1,2}[ab]?)\b(?:\s*(?:bis|–|-)\s*S\s?(\d{1,2}[ab]?)\b)?[^.\n]{0,20}?SuE")
    });
    static EG: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"\b(Entgeltgruppe|EG|E)\s?(\d{1,2}[abc]?)\b(?:\s*(?:bis|–|-)\s*(?:EG|E)?\s?(\d{1,2}[abc]?)\b)?([^.\n]{0,30})",
        )
    });
    static A: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?:Besoldungsgruppe\s+A\s?(\d{1,2})\b|\bA\s?(\d{1,2})\s*(?:\(?SächsBesG|\(?BBesG|\(?BesG|Besoldung))",
        )
    });
    if let Some(c) = SUE.captures(text)
        && let Some(p) = pay(
            PayScheme::TvoedSueS,
            c.get(1)?.as_str(),
            c.get(2).map(|m| m.as_str()),
        )
    {
        return Some(p);
    }
    for c in EG.captures_iter(text) {
        let named = c.get(1).is_some_and(|m| m.as_str() != "E");
        let tvoed = c.get(4).is_some_and(|m| m.as_str().contains("TVöD"));
        if (named || tvoed)
            && let Some(p) = pay(
                PayScheme::TvoedVkaEg,
                c.get(2)?.as_str(),
                c.get(3).map(|m| m.as_str()),
            )
        {
            return Some(p);
        }
    }
    if let Some(c) = A.captures(text)
        && let Some(p) = pay(PayScheme::BesoldungA, c.get(1).or(c.get(2))?.as_str(), None)
    {
        return Some(p);
    }
    text.contains("TVAöD").then_some(PayDetails {
        scheme: PayScheme::Tvaoed,
        grade_from: None,
        grade_to: None,
        monthly_min_eur: None,
        monthly_max_eur: None,
    })
}

fn number_word(s: &str) -> Option<u32> {
    Some(match s.to_lowercase().as_str() {
        "ein" | "einen" | "eines" | "1" => 1,
        "zwei" => 2,
        "drei" => 3,
        "vier" => 4,
        "fünf" => 5,
        "sechs" => 6,
        "zwölf" => 12,
        "achtzehn" => 18,
        "vierundzwanzig" => 24,
        n => n.parse().ok().filter(|n| (1..=120).contains(n))?,
    })
}

/// The contract: „befristet bis 31.12.2027“, „befristet für 2 Jahre“, „auf zwei Jahre
/// befristet“ (the end counted from `begins`), „befristet“ without an end, „unbefristet“.
pub fn contract(text: &str, begins: NaiveDate) -> Option<(Contract, Option<NaiveDate>)> {
    static SPAN: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:befristet\s+(?:für|auf)\s+(?:die\s+dauer\s+von\s+)?(\S+)\s+(jahre?|monate?)|(?:für|auf)\s+(?:die\s+dauer\s+von\s+)?(\S+)\s+(jahre?|monate?)\s+befristet)",
        )
    });
    let lower = text.to_lowercase();
    for f in find_dates(text) {
        let before = sentence_before(text, f.start).to_lowercase();
        let before = before.trim_end();
        if before.ends_with("befristet bis") || before.ends_with("befristet bis zum") {
            return Some((Contract::FixedTerm, Some(f.date)));
        }
    }
    if let Some(c) = SPAN.captures(text) {
        let n = number_word(c.get(1).or(c.get(3))?.as_str())?;
        let unit = c.get(2).or(c.get(4))?.as_str().to_lowercase();
        let months = if unit.starts_with("jahr") { n * 12 } else { n };
        return Some((
            Contract::FixedTerm,
            begins.checked_add_months(Months::new(months)),
        ));
    }
    // „befristet“ alone (an Elternzeitvertretung, say) has no end the text names; „nicht
    // befristet“ is permanent; both words at once („befristet, Übernahme unbefristet
    // angestrebt“) are left to the default.
    let permanent = lower.contains("unbefristet") || lower.contains("nicht befristet");
    let fixed = lower
        .replace("unbefristet", "")
        .replace("nicht befristet", "")
        .contains("befristet");
    match (fixed, permanent) {
        (true, false) => Some((Contract::FixedTerm, None)),
        (false, true) => Some((Contract::Permanent, None)),
        _ => None,
    }
}

/// The start, when the text names a date for it („zum 01.02.2027 zu besetzen“, „ab 1. März
/// 2027“, „Beginn: …“); `Some(None)` for „ab sofort“ and „zum nächstmöglichen Zeitpunkt“.
pub fn start(text: &str, today: NaiveDate) -> Option<Option<NaiveDate>> {
    static MARKER: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?i)(?:\bzum|\bab|\bab dem|beginn(?:\s+am|\s+ist\s+(?:der|am))?:?|eintritt(?:stermin)?:?|einstellung(?:stermin)?:?|besetzen\s+(?:zum|ab))\s*$",
        )
    });
    for f in find_dates(text) {
        let before = sentence_before(text, f.start);
        let lower = before.to_lowercase();
        if MARKER.is_match(before)
            && !lower.trim_end().ends_with("bis zum")
            && !lower.contains("bewerb")
            && f.date >= today
        {
            return Some(Some(f.date));
        }
    }
    let lower = text.to_lowercase();
    (lower.contains("ab sofort") || lower.contains("nächstmöglichen zeitpunkt")).then_some(None)
}
