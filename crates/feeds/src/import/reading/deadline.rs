//! The application deadline from German phrasings: „Bewerbungsfrist: 15.12.2026“, „Bewerbungen
//! bis zum 10. Januar 2027“, „bis spätestens 31.01.27“, „Ende der Bewerbungsfrist ist der …“.
//!
//! A date counts when the same sentence before it has a deadline phrase, and between the phrase
//! and the date nothing says it is another date (start, end of a fixed term). Of those, the
//! nearest date from today on wins; a past one never does.

use chrono::NaiveDate;

use super::dates::{find_dates, sentence_before};

/// Words that name the deadline by themselves.
const PHRASES: [&str; 9] = [
    "bewerbungsfrist",
    "bewerbungsschluss",
    "einsendeschluss",
    "bewerbungsende",
    "bewerbungstermin",
    "bis spätestens",
    "spätestens bis",
    "eingang bis",
    "einreichen bis",
];

/// Words after the phrase that make the date something else („ab“ as a word, „ab sofort“ aside:
/// „Bewerbungen bis …, die Stelle ist ab 01.02.2027 zu besetzen“).
const OTHER_DATES: [&str; 10] = [
    "besetz",
    "einstell",
    "beginn",
    "eintritt",
    "befrist",
    "vertrag",
    "gespräch",
    "ab dem",
    " ab ",
    "veröffentl",
];

/// Whether `after_phrase` (lower case) says its date is another one than the deadline.
fn names_other_date(after_phrase: &str) -> bool {
    let text = after_phrase
        .replace("ab sofort", "")
        .replace("(ab ", "( ab ");
    OTHER_DATES.iter().any(|w| text.contains(w))
}

/// Where the last deadline phrase in `sentence` (lower case) starts and ends, if any.
fn phrase(sentence: &str) -> Option<(usize, usize)> {
    let direct = PHRASES
        .iter()
        .filter_map(|p| sentence.rfind(p).map(|i| (i, i + p.len())))
        .max_by_key(|(_, end)| *end);
    // „Bewerbungen … bis“, „bewerben Sie sich … bis“: the „bis“ after a form of „bewerb…“.
    let bis = sentence.find("bewerb").and_then(|b| {
        sentence[b..]
            .rfind(" bis")
            .map(|i| (b, b + i + " bis".len()))
    });
    [direct, bis]
        .into_iter()
        .flatten()
        .max_by_key(|(_, end)| *end)
}

/// The deadline `text` names: the nearest from `today` on; when the text names only past
/// deadlines, the latest of them (the item's time is over: it is skipped as expired rather than
/// given a fresh default deadline).
pub fn deadline(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let named: Vec<NaiveDate> = find_dates(text)
        .into_iter()
        .filter(|f| {
            let sentence = sentence_before(text, f.start).to_lowercase();
            phrase(&sentence).is_some_and(|(start, end)| {
                sentence[end..].chars().count() <= 60 && !names_other_date(&sentence[start..])
            })
        })
        .map(|f| f.date)
        .collect();
    let future = named.iter().copied().filter(|d| *d >= today).min();
    future.or_else(|| named.iter().copied().max())
}
