use chrono::NaiveDate;
use jobboard_domain::postings::{Contract, Employment, PayScheme};

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn today() -> NaiveDate {
    day(2026, 12, 1)
}

/// Today's date in Berlin, and a day `days` from it written as German texts do (TT.MM.JJJJ):
/// tests with these do not rot as the calendar moves on.
fn real_today() -> NaiveDate {
    jobboard_domain::berlin::today(chrono::Utc::now())
}

fn from_today(days: i64) -> (NaiveDate, String) {
    let d = real_today() + chrono::Duration::days(days);
    (d, d.format("%d.%m.%Y").to_string())
}

#[test]
fn a_text_naming_only_past_deadlines_passes_the_latest_on_so_the_item_expires() {
    let (past, written) = from_today(-1);
    let (_, written_earlier) = from_today(-20);
    assert_eq!(
        deadline(&format!("Bewerbungsfrist: {written}"), real_today()),
        Some(past),
        "a past deadline is not dropped (the item would get a fresh default)"
    );
    assert_eq!(
        deadline(
            &format!("Bewerbungsfrist: {written_earlier}, verlängert bis {written}"),
            real_today()
        ),
        Some(past),
        "the latest of several past deadlines"
    );
    let (future, written_future) = from_today(14);
    assert_eq!(
        deadline(
            &format!("Bewerbungsfrist: {written} (verlängert bis {written_future})"),
            real_today()
        ),
        Some(future),
        "a future date still wins over past ones"
    );
    // Through the reader: the item keeps its past deadline and is not counted as defaulted,
    // so the import skips it as expired instead of publishing it for another 30 days.
    let mut items = vec![HarvestedItem {
        guid: "a".into(),
        title: "Sachbearbeiter Bauamt (m/w/d)".into(),
        description: format!("Wir suchen Verstärkung. Bewerbungsfrist: {written}"),
        ..Default::default()
    }];
    assert_eq!(
        read_items(&mut items, real_today()),
        0,
        "no default deadline"
    );
    assert_eq!(items[0].deadline, Some(past));
}

#[test]
fn dates_in_every_written_form() {
    let found: Vec<NaiveDate> = find_dates("am 15.12.2026, am 31.01.27, am 10. Januar 2027, am 3. Sept. 2027, nicht am 31.02.2027 und nicht 1.2.345")
        .into_iter()
        .map(|f| f.date)
        .collect();
    assert_eq!(
        found,
        [
            day(2026, 12, 15),
            day(2027, 1, 31),
            day(2027, 1, 10),
            day(2027, 9, 3)
        ]
    );
}

#[test]
fn deadline_phrasings_are_read() {
    let cases = [
        ("Bewerbungsfrist: 15.12.2026", day(2026, 12, 15)),
        (
            "Bewerbungen bis zum 10. Januar 2027 an das Hauptamt.",
            day(2027, 1, 10),
        ),
        (
            "Bitte senden Sie Ihre Unterlagen bis spätestens 31.01.27 an uns.",
            day(2027, 1, 31),
        ),
        (
            "Ende der Bewerbungsfrist ist der 20.12.2026.",
            day(2026, 12, 20),
        ),
        (
            "Bitte bewerben Sie sich bis 18.12.2026 über unser Portal.",
            day(2026, 12, 18),
        ),
        ("Bewerbungsschluss 05.01.2027", day(2027, 1, 5)),
        (
            "Ihre Bewerbung richten Sie bitte bis zum 1. Februar 2027 an die Gemeinde.",
            day(2027, 2, 1),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(deadline(text, today()), Some(expected), "{text}");
    }
}

#[test]
fn the_nearest_future_date_of_a_deadline_phrase_wins() {
    assert_eq!(
        deadline(
            "Bewerbungsfrist: 15.11.2026 (verlängert bis 15.12.2026)",
            today()
        ),
        Some(day(2026, 12, 15)),
        "the past date is not the deadline"
    );
    assert_eq!(
        deadline(
            "Bewerbungsfrist für die erste Runde: 20.01.2027, für die zweite bis 10.12.2026",
            today()
        ),
        Some(day(2026, 12, 10))
    );
}

#[test]
fn dates_that_are_no_deadline_do_not_match() {
    for text in [
        // A start date.
        "Die Stelle ist zum 01.02.2027 zu besetzen.",
        "Wir freuen uns auf Ihre Bewerbung. Beginn: 01.03.2027",
        // The end of a fixed term in the deadline's sentence.
        "Bewerbungen sind bis dahin willkommen, die Stelle ist befristet bis 31.12.2028",
        // A date without a deadline phrase.
        "Veröffentlicht am 20.12.2026. Vorstellungsgespräche finden am 10.01.2027 statt.",
    ] {
        assert_eq!(deadline(text, today()), None, "{text}");
    }
    assert_eq!(
        deadline(
            "Bewerbungen bis 15.12.2026. Die Stelle ist ab 01.02.2027 zu besetzen.",
            today()
        ),
        Some(day(2026, 12, 15)),
        "the start date in the next sentence is not taken"
    );
}

#[test]
fn working_time_and_weekly_hours() {
    assert_eq!(weekly_hours("Teilzeit mit 30 Std./Woche"), Some(30.0));
    assert_eq!(weekly_hours("30 Stunden pro Woche"), Some(30.0));
    assert_eq!(weekly_hours("mit 19,5 Wochenstunden"), Some(19.5));
    assert_eq!(
        weekly_hours("Die wöchentliche Arbeitszeit beträgt 39 Stunden."),
        Some(39.0)
    );
    assert_eq!(
        weekly_hours("Öffnungszeiten 8 bis 16 Uhr, 24 h erreichbar"),
        None
    );
    assert_eq!(weekly_hours("99 Stunden pro Woche"), None);
    assert_eq!(employment("in Vollzeit", None), Some(Employment::FullTime));
    assert_eq!(employment("Teilzeit", None), Some(Employment::PartTime));
    assert_eq!(
        employment("in Vollzeit oder Teilzeit", None),
        Some(Employment::Either)
    );
    assert_eq!(employment("Stelle", Some(30.0)), Some(Employment::PartTime));
    assert_eq!(employment("Stelle", Some(39.0)), Some(Employment::FullTime));
    assert_eq!(employment("Stelle", None), None);
}

fn grade(text: &str) -> Option<(PayScheme, Option<String>, Option<String>)> {
    pay_details(text).map(|p| (p.scheme, p.grade_from, p.grade_to))
}

#[test]
fn pay_scheme_and_grade() {
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        grade("Vergütung nach EG 9a TVöD"),
        Some((PayScheme::TvoedVkaEg, s("9a"), None))
    );
    assert_eq!(
        grade("Entgeltgruppe 8 bis 9a TVöD-VKA"),
        Some((PayScheme::TvoedVkaEg, s("8"), s("9a")))
    );
    assert_eq!(
        grade("E 11 TVöD"),
        Some((PayScheme::TvoedVkaEg, s("11"), None))
    );
    assert_eq!(
        grade("Entgeltgruppe S 8a TVöD SuE"),
        Some((PayScheme::TvoedSueS, s("8a"), None))
    );
    assert_eq!(
        grade("Besoldung nach A 10 SächsBesG"),
        Some((PayScheme::BesoldungA, s("10"), None))
    );
    assert_eq!(
        grade("Besoldungsgruppe A 11"),
        Some((PayScheme::BesoldungA, s("11"), None))
    );
    assert_eq!(
        grade("Ausbildungsvergütung nach TVAöD"),
        Some((PayScheme::Tvaoed, None, None))
    );
    // Not pay: a grade the scheme lacks, an „E“ without TVöD, a house number.
    assert_eq!(grade("EG 9d TVöD"), None);
    assert_eq!(grade("Kita E 5, Haus A 3"), None);
}

#[test]
fn fixed_term_and_start() {
    let begins = day(2027, 2, 1);
    assert_eq!(
        contract("befristet bis 31.12.2027", begins),
        Some((Contract::FixedTerm, Some(day(2027, 12, 31))))
    );
    assert_eq!(
        contract("Die Stelle ist befristet für 2 Jahre.", begins),
        Some((Contract::FixedTerm, Some(day(2029, 2, 1))))
    );
    assert_eq!(
        contract("zunächst auf zwei Jahre befristet", begins),
        Some((Contract::FixedTerm, Some(day(2029, 2, 1))))
    );
    assert_eq!(
        contract("Die Stelle ist unbefristet.", begins),
        Some((Contract::Permanent, None))
    );
    assert_eq!(contract("Sachbearbeiter Bauamt", begins), None);
    // „befristet“ without an end is fixed-term all the same, never the permanent default.
    assert_eq!(
        contract("Die Stelle ist als Elternzeitvertretung befristet.", begins),
        Some((Contract::FixedTerm, None))
    );
    assert_eq!(
        contract("Die Stelle ist nicht befristet.", begins),
        Some((Contract::Permanent, None))
    );
    assert_eq!(
        contract(
            "Zunächst befristet, eine unbefristete Übernahme ist geplant.",
            begins
        ),
        None
    );
    assert_eq!(
        start("Die Stelle ist zum 01.02.2027 zu besetzen.", today()),
        Some(Some(day(2027, 2, 1)))
    );
    assert_eq!(
        start("Beginn: 1. März 2027", today()),
        Some(Some(day(2027, 3, 1)))
    );
    assert_eq!(start("ab sofort zu besetzen", today()), Some(None));
    // Not the start: a deadline „bis zum“, a date in the past.
    assert_eq!(start("Bewerbungen bis zum 15.12.2026", today()), None);
    assert_eq!(start("zum 01.02.2025 zu besetzen", today()), None);
}

/// A day `days` from today written out („10. Januar 2027“).
fn named_from_today(days: i64) -> (NaiveDate, String) {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    let d = real_today() + chrono::Duration::days(days);
    let name = MONTHS[d.month0() as usize];
    (d, format!("{}. {name} {}", d.day(), d.year()))
}

#[test]
fn a_date_ending_a_sentence_ends_the_sentence() {
    let (past, past_text) = from_today(-1);
    let (starts, start_text) = from_today(60);
    let text = format!("Bewerbungsfrist: {past_text}. Die Stelle ist ab {start_text} zu besetzen.");
    assert_eq!(
        deadline(&text, real_today()),
        Some(past),
        "the start date in the next sentence is not the deadline: {text}"
    );
    assert_eq!(start(&text, real_today()), Some(Some(starts)), "{text}");
    // The same with a written-out date and a two-digit year.
    let (_, named_past) = named_from_today(-1);
    let text = format!("Bewerbungen bis zum {named_past}. Ab {start_text} sind Sie bei uns.");
    assert_eq!(deadline(&text, real_today()), Some(past), "{text}");
    let short = past.format("%d.%m.%y").to_string();
    let text = format!("Bewerbungsschluss {short}. Eintritt zum {start_text}.");
    assert_eq!(deadline(&text, real_today()), Some(past), "{text}");
    assert_eq!(start(&text, real_today()), Some(Some(starts)), "{text}");
    // What does not end a sentence: the day of a written-out date, „Std.“, „z. B.“.
    let (due, named_due) = named_from_today(20);
    assert_eq!(
        deadline(
            &format!("Bewerbungsfrist ist z. B. der {named_due}"),
            real_today()
        ),
        Some(due)
    );
}

#[test]
fn the_start_after_a_deadline_sentence_is_read() {
    let (_, due_text) = from_today(14);
    let (starts, start_text) = from_today(60);
    let text = format!("Bewerbungen bis {due_text}. Die Stelle ist ab {start_text} zu besetzen.");
    assert_eq!(start(&text, real_today()), Some(Some(starts)), "{text}");
    let mut items = vec![HarvestedItem {
        guid: "a".into(),
        title: "Erzieher (m/w/d)".into(),
        description: text,
        ..Default::default()
    }];
    read_items(&mut items, real_today());
    assert_eq!(items[0].start_date, Some(starts));
}

#[test]
fn a_date_after_ab_is_no_deadline() {
    let (past, past_text) = from_today(-1);
    let (_, start_text) = from_today(60);
    let text = format!("Bewerbungen bis {past_text}, die Stelle ist ab {start_text} zu besetzen.");
    assert_eq!(
        deadline(&text, real_today()),
        Some(past),
        "„ab“ names the start: {text}"
    );
    // „ab sofort“ is no other date.
    let (due, due_text) = from_today(14);
    let text = format!("Bewerbungen nehmen wir ab sofort bis {due_text} entgegen.");
    assert_eq!(deadline(&text, real_today()), Some(due), "{text}");
}
