use chrono::NaiveDate;

use super::*;
use crate::postings::draft::PartnerDraft;
use crate::postings::types::{Category, Contract, Employment, PayScheme, PostingKind};

const OWNER: i64 = 1;
const PARTNER: i64 = 2;
const OTHER_PARTNER: i64 = 3;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A realistic posting of the town of Naunhof that passes every rule.
fn valid_draft() -> PostingDraft {
    PostingDraft {
        kind: PostingKind::Job,
        reference_number: "NH-2026/17".to_owned(),
        title: "Sachbearbeiter Bürgerbüro (m/w/d)".to_owned(),
        department: Some("Hauptamt, Sachgebiet Bürgerservice".to_owned()),
        category: Category::Verwaltung,
        employment: Employment::Either,
        weekly_hours: Some(39.0),
        contract: Contract::Permanent,
        contract_end_date: None,
        pay_scheme: PayScheme::TvoedVkaEg,
        pay_grade_from: Some("6".to_owned()),
        pay_grade_to: Some("9a".to_owned()),
        pay_monthly_min_eur: Some(3_150),
        pay_monthly_max_eur: Some(4_380),
        location_place: "Naunhof".to_owned(),
        location_postcode: "04683".to_owned(),
        latitude: Some(51.2776),
        longitude: Some(12.5886),
        start_date: Some(day(2027, 2, 1)),
        application_deadline: day(2026, 12, 15),
        description: "Die Stadt Naunhof sucht zum 1. Februar 2027 eine engagierte Verstärkung \
                      für das Bürgerbüro."
            .to_owned(),
        tasks: "- Melde-, Pass- und Ausweisangelegenheiten\n- Beglaubigungen\n- Fundbüro"
            .to_owned(),
        profile: "- abgeschlossene Ausbildung als Verwaltungsfachangestellte/r\n- Freude am \
                  Umgang mit Menschen"
            .to_owned(),
        benefits: "- Jahressonderzahlung nach TVöD\n- betriebliche Altersvorsorge (ZVK)".to_owned(),
        contact_name: Some("Frau Müller".to_owned()),
        contact_phone: Some("034293 42-123".to_owned()),
        contact_email: Some("personal@naunhof.de".to_owned()),
        apply_url: Some("https://www.naunhof.de/stellen/nh-2026-17".to_owned()),
        apply_email: Some("bewerbung@naunhof.de".to_owned()),
        partners: vec![PartnerDraft {
            municipality_id: PARTNER,
            note: Some("Vertretung im Bürgerbüro Brandis an zwei Tagen je Woche".to_owned()),
        }],
        internal: false,
        public_from: None,
    }
}

fn ctx() -> ValidationContext {
    ValidationContext {
        owner_municipality_id: OWNER,
        publication_day: Some(day(2026, 11, 21)),
    }
}

fn errors_of(d: &PostingDraft) -> ValidationErrors {
    errors_with(d, ctx())
}

fn errors_with(d: &PostingDraft, ctx: ValidationContext) -> ValidationErrors {
    validate(d, ctx).expect_err("the draft should have been refused")
}

fn assert_valid(d: &PostingDraft) {
    if let Err(errors) = validate(d, ctx()) {
        panic!("the draft should be valid, got: {errors}");
    }
}

/// The draft breaks exactly one rule, on `field`; its German message contains `keyword`.
fn assert_single_error(d: &PostingDraft, field: &str, keyword: &str) -> String {
    let errors = errors_of(d);
    assert_eq!(
        errors.0.len(),
        1,
        "expected exactly one error, got: {errors}"
    );
    let messages: Vec<&str> = errors.for_field(field).collect();
    assert_eq!(
        messages.len(),
        1,
        "expected the error on `{field}`, got: {errors}"
    );
    let message = messages[0];
    assert!(
        message.contains(keyword),
        "the message for `{field}` should mention „{keyword}“: {message}"
    );
    assert!(
        message.ends_with('.'),
        "the message should be a full sentence: {message}"
    );
    message.to_owned()
}

fn text_of_len(len: usize) -> String {
    // Umlauts make sure characters are counted, not bytes.
    "ä".repeat(len)
}

#[test]
fn the_realistic_draft_is_valid() {
    assert_eq!(validate(&valid_draft(), ctx()), Ok(()));
}

#[test]
fn the_realistic_draft_is_valid_without_any_publication_day() {
    let c = ValidationContext {
        publication_day: None,
        ..ctx()
    };
    assert_eq!(validate(&valid_draft(), c), Ok(()));
}

// --- title ---

#[test]
fn missing_title_is_refused() {
    let mut d = valid_draft();
    d.title = String::new();
    assert_single_error(&d, "title", "Titel");
}

#[test]
fn blank_title_is_refused() {
    let mut d = valid_draft();
    d.title = "   \t ".to_owned();
    assert_single_error(&d, "title", "Bitte geben Sie den Titel an");
}

#[test]
fn title_of_exactly_150_characters_is_accepted() {
    let mut d = valid_draft();
    d.title = text_of_len(TITLE_MAX);
    assert_eq!(d.title.chars().count(), 150);
    assert_valid(&d);
}

#[test]
fn title_of_151_characters_is_refused() {
    let mut d = valid_draft();
    d.title = text_of_len(TITLE_MAX + 1);
    let msg = assert_single_error(&d, "title", "zu lang");
    assert!(msg.contains("151") && msg.contains("150"), "{msg}");
}

// --- reference number ---

#[test]
fn missing_reference_number_is_refused() {
    let mut d = valid_draft();
    d.reference_number = String::new();
    assert_single_error(&d, "reference_number", "Kennziffer");
}

#[test]
fn reference_number_with_an_umlaut_is_refused() {
    let mut d = valid_draft();
    d.reference_number = "BÜ-2026/17".to_owned();
    assert_single_error(&d, "reference_number", "ohne Umlaute");
}

#[test]
fn reference_number_with_a_semicolon_is_refused() {
    let mut d = valid_draft();
    d.reference_number = "NH;2026".to_owned();
    assert_single_error(&d, "reference_number", "Kennziffer");
}

#[test]
fn reference_number_with_every_allowed_sign_is_accepted() {
    let mut d = valid_draft();
    d.reference_number = "BUE 2026-17/a_b.c".to_owned();
    assert_valid(&d);
}

#[test]
fn reference_number_longer_than_64_characters_is_refused() {
    let mut d = valid_draft();
    d.reference_number = "A".repeat(REFERENCE_MAX + 1);
    assert_single_error(&d, "reference_number", "zu lang");
}

// --- department ---

#[test]
fn department_longer_than_200_characters_is_refused() {
    let mut d = valid_draft();
    d.department = Some(text_of_len(SHORT_TEXT_MAX + 1));
    assert_single_error(&d, "department", "höchstens 200");
}

#[test]
fn department_of_exactly_200_characters_is_accepted() {
    let mut d = valid_draft();
    d.department = Some(text_of_len(SHORT_TEXT_MAX));
    assert_valid(&d);
}

// --- weekly hours ---

#[test]
fn zero_weekly_hours_are_refused() {
    let mut d = valid_draft();
    d.weekly_hours = Some(0.0);
    assert_single_error(&d, "weekly_hours", "Wochenarbeitszeit");
}

#[test]
fn forty_nine_weekly_hours_are_refused() {
    let mut d = valid_draft();
    d.weekly_hours = Some(49.0);
    assert_single_error(&d, "weekly_hours", "48 Stunden");
}

#[test]
fn negative_or_nan_weekly_hours_are_refused() {
    for h in [-1.0, f64::NAN, f64::INFINITY] {
        let mut d = valid_draft();
        d.weekly_hours = Some(h);
        assert_single_error(&d, "weekly_hours", "Wochenarbeitszeit");
    }
}

#[test]
fn thirty_eight_and_a_half_weekly_hours_are_accepted() {
    let mut d = valid_draft();
    d.weekly_hours = Some(38.5);
    assert_valid(&d);
}

#[test]
fn forty_eight_weekly_hours_and_no_hours_at_all_are_accepted() {
    for h in [Some(48.0), None] {
        let mut d = valid_draft();
        d.weekly_hours = h;
        assert_valid(&d);
    }
}

#[test]
fn half_an_hour_a_week_is_refused_as_the_message_promises() {
    let mut d = valid_draft();
    d.weekly_hours = Some(0.5);
    assert_single_error(&d, "weekly_hours", "zwischen 1 und 48");
}

// --- contract ---

#[test]
fn fixed_term_contract_may_leave_its_end_open() {
    // A stand-in for parental leave („Elternzeitvertretung“) often has no end date yet.
    for contract in [Contract::FixedTerm, Contract::FixedTermExtensionOption] {
        let mut d = valid_draft();
        d.contract = contract;
        d.contract_end_date = None;
        assert_valid(&d);
    }
}

#[test]
fn fixed_term_contract_with_end_date_after_start_is_accepted() {
    let mut d = valid_draft();
    d.contract = Contract::FixedTerm;
    d.contract_end_date = Some(day(2028, 1, 31));
    assert_valid(&d);
}

#[test]
fn permanent_contract_with_end_date_is_refused() {
    let mut d = valid_draft();
    d.contract = Contract::Permanent;
    d.contract_end_date = Some(day(2028, 1, 31));
    assert_single_error(&d, "contract_end_date", "unbefristete");
}

#[test]
fn contract_ending_on_the_start_day_is_refused() {
    let mut d = valid_draft();
    d.contract = Contract::FixedTerm;
    d.contract_end_date = d.start_date;
    let msg = assert_single_error(&d, "contract_end_date", "nach dem Beginn");
    assert!(
        msg.contains("01.02.2027"),
        "the message names the start day: {msg}"
    );
}

#[test]
fn contract_ending_before_the_start_day_is_refused() {
    let mut d = valid_draft();
    d.contract = Contract::FixedTermExtensionOption;
    d.contract_end_date = Some(day(2027, 1, 31));
    assert_single_error(&d, "contract_end_date", "nach dem Beginn");
}

#[test]
fn contract_starting_at_once_must_end_after_the_deadline() {
    let mut d = valid_draft();
    d.contract = Contract::FixedTerm;
    d.start_date = None;

    d.contract_end_date = Some(d.application_deadline);
    let msg = assert_single_error(&d, "contract_end_date", "nach dem Beginn");
    assert!(
        msg.contains("15.12.2026"),
        "the message names the deadline: {msg}"
    );

    d.contract_end_date = Some(day(2026, 12, 1));
    assert_single_error(&d, "contract_end_date", "nach dem Beginn");

    // Without a start date only the deadline counts: the day after it is fine, although it
    // lies before the start day the draft had before.
    d.contract_end_date = Some(day(2026, 12, 16));
    assert_valid(&d);
}

// --- pay: TVöD-VKA ---

#[test]
fn unknown_tvoed_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_grade_from = Some("9d".to_owned());
    let msg = assert_single_error(&d, "pay_grade_from", "keine Gruppe");
    assert!(msg.contains("EG 9d") && msg.contains("TVöD-VKA"), "{msg}");
}

#[test]
fn unknown_upper_tvoed_grade_is_refused_on_the_upper_field() {
    let mut d = valid_draft();
    d.pay_grade_to = Some("16".to_owned());
    assert_single_error(&d, "pay_grade_to", "keine Gruppe");
}

#[test]
fn inverted_tvoed_range_is_refused() {
    let mut d = valid_draft();
    d.pay_grade_from = Some("9b".to_owned());
    d.pay_grade_to = Some("6".to_owned());
    let msg = assert_single_error(&d, "pay_grade_to", "liegt unter");
    assert!(msg.contains("EG 6") && msg.contains("EG 9b"), "{msg}");
}

#[test]
fn single_tvoed_grade_and_equal_bounds_are_accepted() {
    let mut d = valid_draft();
    d.pay_grade_to = None;
    assert_valid(&d);
    d.pay_grade_to = Some("6".to_owned());
    assert_valid(&d);
}

#[test]
fn upper_grade_without_lower_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_grade_from = None;
    assert_single_error(&d, "pay_grade_from", "„von“");
}

// --- pay: TVöD SuE ---

#[test]
fn unknown_sue_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::TvoedSueS;
    d.pay_grade_from = Some("8c".to_owned());
    d.pay_grade_to = Some("11a".to_owned());
    let msg = assert_single_error(&d, "pay_grade_from", "keine Gruppe");
    assert!(msg.contains("S 8c"), "{msg}");
}

#[test]
fn inverted_sue_range_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::TvoedSueS;
    d.pay_grade_from = Some("11b".to_owned());
    d.pay_grade_to = Some("8a".to_owned());
    assert_single_error(&d, "pay_grade_to", "liegt unter");
}

#[test]
fn sue_range_is_accepted() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::TvoedSueS;
    d.pay_grade_from = Some("8a".to_owned());
    d.pay_grade_to = Some("11b".to_owned());
    assert_valid(&d);
}

#[test]
fn sue_upper_grade_without_lower_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::TvoedSueS;
    d.pay_grade_from = None;
    d.pay_grade_to = Some("8a".to_owned());
    assert_single_error(&d, "pay_grade_from", "„von“");
}

// --- pay: Besoldung ---

#[test]
fn unknown_besoldung_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::BesoldungA;
    d.pay_grade_from = Some("2".to_owned());
    d.pay_grade_to = Some("9".to_owned());
    let msg = assert_single_error(&d, "pay_grade_from", "keine Gruppe");
    assert!(msg.contains("A 2"), "{msg}");
}

#[test]
fn inverted_besoldung_range_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::BesoldungA;
    d.pay_grade_from = Some("13".to_owned());
    d.pay_grade_to = Some("9".to_owned());
    assert_single_error(&d, "pay_grade_to", "liegt unter");
}

#[test]
fn besoldung_range_is_accepted() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::BesoldungA;
    d.pay_grade_from = Some("9".to_owned());
    d.pay_grade_to = Some("11".to_owned());
    assert_valid(&d);
}

#[test]
fn besoldung_upper_grade_without_lower_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::BesoldungA;
    d.pay_grade_from = None;
    d.pay_grade_to = Some("11".to_owned());
    assert_single_error(&d, "pay_grade_from", "„von“");
}

// --- pay: TVAöD ---

#[test]
fn tvaoed_with_a_grade_is_refused() {
    let mut d = valid_draft();
    d.kind = PostingKind::Apprenticeship;
    d.pay_scheme = PayScheme::Tvaoed;
    d.pay_grade_from = Some("1".to_owned());
    d.pay_grade_to = None;
    let msg = assert_single_error(&d, "pay_grade_from", "keine Entgeltgruppen");
    assert!(
        msg.contains("TVAöD") && msg.contains("leer lassen"),
        "{msg}"
    );
}

#[test]
fn tvaoed_with_only_an_upper_grade_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::Tvaoed;
    d.pay_grade_from = None;
    d.pay_grade_to = Some("3".to_owned());
    assert_single_error(&d, "pay_grade_from", "keine Entgeltgruppen");
}

#[test]
fn tvaoed_without_grades_is_accepted() {
    let mut d = valid_draft();
    d.kind = PostingKind::Apprenticeship;
    d.pay_scheme = PayScheme::Tvaoed;
    d.pay_grade_from = None;
    d.pay_grade_to = None;
    d.pay_monthly_min_eur = Some(1_293);
    d.pay_monthly_max_eur = Some(1_443);
    assert_valid(&d);
}

// --- pay: other ---

#[test]
fn other_pay_scheme_with_free_text_grades_is_accepted() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::Other;
    d.pay_grade_from = Some("AVR 7".to_owned());
    d.pay_grade_to = Some("TV-L 9".to_owned());
    assert_valid(&d);
}

#[test]
fn other_pay_scheme_with_free_text_longer_than_the_column_is_refused() {
    let mut d = valid_draft();
    d.pay_scheme = PayScheme::Other;
    d.pay_grade_from = Some("nach Vereinbarung".to_owned());
    d.pay_grade_to = None;
    assert_single_error(&d, "pay_grade_from", "höchstens 8");
}

// --- pay: monthly amounts ---

#[test]
fn monthly_pay_of_zero_euro_is_refused() {
    let mut d = valid_draft();
    d.pay_monthly_min_eur = Some(0);
    assert_single_error(&d, "pay_monthly_min_eur", "Monatsentgelt");
}

#[test]
fn monthly_pay_above_the_maximum_is_refused() {
    let mut d = valid_draft();
    d.pay_monthly_max_eur = Some(MONTHLY_PAY_MAX_EUR + 1);
    let msg = assert_single_error(&d, "pay_monthly_max_eur", "Monatsentgelt");
    assert!(msg.contains("20000"), "{msg}");
}

#[test]
fn monthly_pay_at_the_bounds_is_accepted() {
    let mut d = valid_draft();
    d.pay_monthly_min_eur = Some(1);
    d.pay_monthly_max_eur = Some(MONTHLY_PAY_MAX_EUR);
    assert_valid(&d);
}

#[test]
fn monthly_minimum_above_maximum_is_refused() {
    let mut d = valid_draft();
    d.pay_monthly_min_eur = Some(4_380);
    d.pay_monthly_max_eur = Some(3_150);
    let msg = assert_single_error(&d, "pay_monthly_max_eur", "Mindestentgelt");
    assert!(msg.contains("3150 €") && msg.contains("4380 €"), "{msg}");
}

// --- place ---

#[test]
fn missing_place_is_refused() {
    let mut d = valid_draft();
    d.location_place = " ".to_owned();
    assert_single_error(&d, "location_place", "Arbeitsort");
}

#[test]
fn postcode_with_four_digits_is_refused() {
    let mut d = valid_draft();
    d.location_postcode = "0445".to_owned();
    assert_single_error(&d, "location_postcode", "fünf Ziffern");
}

#[test]
fn postcode_with_a_letter_is_refused() {
    let mut d = valid_draft();
    d.location_postcode = "04451a".to_owned();
    assert_single_error(&d, "location_postcode", "fünf Ziffern");
}

#[test]
fn postcode_of_zeros_is_refused() {
    let mut d = valid_draft();
    d.location_postcode = "00000".to_owned();
    assert_single_error(&d, "location_postcode", "Postleitzahl");
}

#[test]
fn postcode_04451_is_accepted() {
    let mut d = valid_draft();
    d.location_postcode = "04451".to_owned();
    d.location_place = "Borsdorf".to_owned();
    assert_valid(&d);
    assert!(is_german_postcode("04451"));
}

#[test]
fn latitude_out_of_range_is_refused() {
    let mut d = valid_draft();
    d.latitude = Some(91.0);
    assert_single_error(&d, "latitude", "zwischen -90 und 90");
}

#[test]
fn longitude_out_of_range_is_refused() {
    let mut d = valid_draft();
    d.longitude = Some(-180.5);
    assert_single_error(&d, "longitude", "zwischen -180 und 180");
}

#[test]
fn latitude_and_longitude_both_out_of_range_are_both_refused() {
    let mut d = valid_draft();
    d.latitude = Some(-90.1);
    d.longitude = Some(181.0);
    let errors = errors_of(&d);
    assert_eq!(errors.0.len(), 2, "{errors}");
    assert_eq!(errors.for_field("latitude").count(), 1);
    assert_eq!(errors.for_field("longitude").count(), 1);
}

#[test]
fn coordinates_at_the_bounds_and_none_at_all_are_accepted() {
    let mut d = valid_draft();
    d.latitude = Some(-90.0);
    d.longitude = Some(180.0);
    assert_valid(&d);
    d.latitude = None;
    d.longitude = None;
    assert_valid(&d);
}

#[test]
fn longitude_without_latitude_is_refused() {
    let mut d = valid_draft();
    d.latitude = None;
    assert_single_error(&d, "latitude", "gemeinsam");
}

#[test]
fn latitude_without_longitude_is_refused() {
    let mut d = valid_draft();
    d.longitude = None;
    assert_single_error(&d, "longitude", "gemeinsam");
}

// --- deadline ---

#[test]
fn deadline_before_the_publication_day_is_refused() {
    let mut d = valid_draft();
    d.application_deadline = day(2026, 11, 20);
    let msg = assert_single_error(&d, "application_deadline", "späteres Datum");
    assert!(
        msg.contains("20.11.2026") && msg.contains("21.11.2026"),
        "{msg}"
    );
}

#[test]
fn deadline_on_the_publication_day_is_accepted() {
    let mut d = valid_draft();
    d.application_deadline = day(2026, 11, 21);
    assert_valid(&d);
}

#[test]
fn deadline_is_not_checked_without_a_publication_day() {
    let mut d = valid_draft();
    d.application_deadline = day(2020, 1, 1);
    let c = ValidationContext {
        publication_day: None,
        ..ctx()
    };
    assert_eq!(validate(&d, c), Ok(()));
}

// --- texts ---

#[test]
fn blank_description_is_refused() {
    let mut d = valid_draft();
    d.description = " \n\n ".to_owned();
    assert_single_error(&d, "description", "beschreiben");
}

#[test]
fn description_over_20000_characters_is_refused() {
    let mut d = valid_draft();
    d.description = text_of_len(MARKDOWN_MAX + 1);
    assert_single_error(&d, "description", "höchstens 20000 Zeichen");
}

#[test]
fn description_of_exactly_20000_characters_is_accepted() {
    let mut d = valid_draft();
    d.description = text_of_len(MARKDOWN_MAX);
    assert_valid(&d);
}

#[test]
fn every_markdown_text_over_20000_characters_is_refused_on_its_own_field() {
    for field in ["tasks", "profile", "benefits"] {
        let mut d = valid_draft();
        let long = text_of_len(MARKDOWN_MAX + 1);
        match field {
            "tasks" => d.tasks = long,
            "profile" => d.profile = long,
            _ => d.benefits = long,
        }
        assert_single_error(&d, field, "zu lang");
    }
}

#[test]
fn empty_tasks_profile_and_benefits_are_accepted() {
    let mut d = valid_draft();
    d.tasks = String::new();
    d.profile = String::new();
    d.benefits = String::new();
    assert_valid(&d);
}

// --- contact and application ---

#[test]
fn contact_name_over_200_characters_is_refused() {
    let mut d = valid_draft();
    d.contact_name = Some(text_of_len(SHORT_TEXT_MAX + 1));
    assert_single_error(&d, "contact_name", "zu lang");
}

#[test]
fn phone_number_with_letters_is_refused() {
    let mut d = valid_draft();
    d.contact_phone = Some("034293 42-123 (Durchwahl)".to_owned());
    assert_single_error(&d, "contact_phone", "Telefonnummer");
}

#[test]
fn phone_number_with_too_few_digits_is_refused() {
    let mut d = valid_draft();
    d.contact_phone = Some("12-34".to_owned());
    assert_single_error(&d, "contact_phone", "Ziffern");
}

#[test]
fn phone_number_with_too_many_digits_is_refused() {
    let mut d = valid_draft();
    d.contact_phone = Some("1234567890 1234567890 1".to_owned());
    assert_single_error(&d, "contact_phone", "Telefonnummer");
}

#[test]
fn phone_numbers_in_common_german_notations_are_accepted() {
    for phone in [
        "+49 34293 42-123",
        "(034293) 42123",
        "034293/42123",
        "0176 12345678",
    ] {
        let mut d = valid_draft();
        d.contact_phone = Some(phone.to_owned());
        assert_valid(&d);
    }
}

#[test]
fn malformed_contact_email_is_refused() {
    for bad in [
        "personal(at)naunhof.de",
        "personal@",
        "@naunhof.de",
        "personal@naunhof",
        "a b@naunhof.de",
    ] {
        let mut d = valid_draft();
        d.contact_email = Some(bad.to_owned());
        let msg = assert_single_error(&d, "contact_email", "keine gültige E-Mail-Adresse");
        assert!(msg.contains(bad), "the message quotes the input: {msg}");
    }
}

#[test]
fn malformed_apply_email_is_refused() {
    for bad in [
        "bewerbung@@naunhof.de",
        "bewerbung.naunhof.de",
        "bewerbung@naunhof",
    ] {
        let mut d = valid_draft();
        d.apply_email = Some(bad.to_owned());
        assert_single_error(&d, "apply_email", "E-Mail-Adresse");
    }
}

#[test]
fn email_whose_domain_has_no_dot_is_refused_even_with_a_dot_in_the_local_part() {
    let mut d = valid_draft();
    d.apply_email = Some("max.mustermann@naunhof".to_owned());
    assert_single_error(&d, "apply_email", "E-Mail-Adresse");
}

#[test]
fn apply_url_with_ftp_is_refused() {
    let mut d = valid_draft();
    d.apply_url = Some("ftp://ftp.naunhof.de/stellen.pdf".to_owned());
    assert_single_error(&d, "apply_url", "https://");
}

#[test]
fn apply_url_with_javascript_is_refused() {
    let mut d = valid_draft();
    d.apply_url = Some("javascript:alert(document.cookie)".to_owned());
    assert_single_error(&d, "apply_url", "Bewerbungslink");
}

#[test]
fn apply_url_without_host_is_refused() {
    for bad in [
        "https://",
        "http://",
        "https://:443/stellen",
        "www.naunhof.de/stellen",
        "file:///etc/passwd",
    ] {
        let mut d = valid_draft();
        d.apply_url = Some(bad.to_owned());
        assert_single_error(&d, "apply_url", "vollständige Webadresse");
    }
}

#[test]
fn apply_url_longer_than_2000_bytes_is_refused() {
    let mut d = valid_draft();
    d.apply_url = Some(format!("https://www.naunhof.de/{}", "a".repeat(2000)));
    assert_single_error(&d, "apply_url", "Webadresse");
}

#[test]
fn apply_by_url_only_or_by_email_only_is_accepted() {
    let mut d = valid_draft();
    d.apply_email = None;
    assert_valid(&d);
    let mut d = valid_draft();
    d.apply_url = None;
    assert_valid(&d);
    let mut d = valid_draft();
    d.apply_url = Some("http://karriere.naunhof.de".to_owned());
    assert_valid(&d);
}

#[test]
fn neither_apply_url_nor_apply_email_is_refused() {
    let mut d = valid_draft();
    d.apply_url = None;
    d.apply_email = None;
    let msg = assert_single_error(&d, "apply_url", "wie man sich bewirbt");
    assert!(msg.contains("E-Mail-Adresse"), "{msg}");
}

// --- partners ---

#[test]
fn partner_equal_to_owner_is_refused() {
    let mut d = valid_draft();
    d.partners.push(PartnerDraft {
        municipality_id: OWNER,
        note: None,
    });
    assert_single_error(&d, "partners", "nicht zugleich Partnerin");
}

#[test]
fn duplicate_partner_is_refused() {
    let mut d = valid_draft();
    d.partners.push(PartnerDraft {
        municipality_id: OTHER_PARTNER,
        note: None,
    });
    d.partners.push(PartnerDraft {
        municipality_id: PARTNER,
        note: Some("doppelt".to_owned()),
    });
    assert_single_error(&d, "partners", "nur einmal");
}

#[test]
fn several_distinct_partners_are_accepted() {
    let mut d = valid_draft();
    d.partners.push(PartnerDraft {
        municipality_id: OTHER_PARTNER,
        note: None,
    });
    assert_valid(&d);
    d.partners.clear();
    assert_valid(&d);
}

#[test]
fn partner_note_over_500_characters_is_refused() {
    let mut d = valid_draft();
    d.partners[0].note = Some(text_of_len(NOTE_MAX + 1));
    assert_single_error(&d, "partners", "höchstens 500");
}

#[test]
fn partner_note_of_exactly_500_characters_is_accepted() {
    let mut d = valid_draft();
    d.partners[0].note = Some(text_of_len(NOTE_MAX));
    assert_valid(&d);
}

// --- all at once ---

#[test]
fn draft_breaking_several_rules_returns_every_error() {
    let mut d = valid_draft();
    d.title = String::new(); // 1 title
    d.reference_number = "NÖ-1".to_owned(); // 2 reference_number
    d.weekly_hours = Some(60.0); // 3 weekly_hours
    d.contract = Contract::Permanent;
    d.contract_end_date = Some(day(2027, 12, 31)); // 4 contract_end_date
    d.pay_grade_from = Some("9b".to_owned());
    d.pay_grade_to = Some("6".to_owned()); // 5 pay_grade_to
    d.pay_monthly_min_eur = Some(0); // 6 pay_monthly_min_eur
    d.location_postcode = "4683".to_owned(); // 7 location_postcode
    d.longitude = None; // 8 longitude
    d.application_deadline = day(2026, 11, 1); // 9 application_deadline
    d.description = String::new(); // 10 description
    d.contact_phone = Some("nicht erreichbar".to_owned()); // 11 contact_phone
    d.contact_email = Some("personal".to_owned()); // 12 contact_email
    d.apply_url = None;
    d.apply_email = None; // 13 apply_url
    d.partners.push(PartnerDraft {
        municipality_id: OWNER,
        note: None,
    }); // 14 partners

    let errors = errors_of(&d);
    assert_eq!(errors.0.len(), 14, "{errors}");
    for field in [
        "title",
        "reference_number",
        "weekly_hours",
        "contract_end_date",
        "pay_grade_to",
        "pay_monthly_min_eur",
        "location_postcode",
        "longitude",
        "application_deadline",
        "description",
        "contact_phone",
        "contact_email",
        "apply_url",
        "partners",
    ] {
        assert_eq!(
            errors.for_field(field).count(),
            1,
            "one error on `{field}`: {errors}"
        );
    }
    let shown = errors.to_string();
    assert!(
        shown.starts_with("Die Angaben sind unvollständig oder fehlerhaft: "),
        "{shown}"
    );
    assert_eq!(shown.matches("; ").count(), 13, "{shown}");
}

#[test]
fn several_errors_on_the_same_field_are_all_reported() {
    let mut d = valid_draft();
    d.partners = vec![
        PartnerDraft {
            municipality_id: OWNER,
            note: None,
        },
        PartnerDraft {
            municipality_id: PARTNER,
            note: Some(text_of_len(NOTE_MAX + 1)),
        },
        PartnerDraft {
            municipality_id: PARTNER,
            note: None,
        },
    ];
    let errors = errors_with(&d, ctx());
    assert_eq!(errors.0.len(), 3, "{errors}");
    assert_eq!(errors.for_field("partners").count(), 3, "{errors}");
}

// --- normalization ---

#[test]
fn normalized_turns_blank_optionals_into_none_and_trims_texts() {
    let mut d = valid_draft();
    d.title = "  Sachbearbeiter Bürgerbüro (m/w/d)\t\n".to_owned();
    d.reference_number = " NH-2026/17 ".to_owned();
    d.location_place = " Naunhof ".to_owned();
    d.location_postcode = " 04683 ".to_owned();
    d.description = "Text mit Einrückung\n\n  ".to_owned();
    d.tasks = "  - eingerückte Liste  ".to_owned();
    d.department = Some("  ".to_owned());
    d.pay_grade_from = Some(" 6 ".to_owned());
    d.pay_grade_to = Some("\t".to_owned());
    d.contact_name = Some(String::new());
    d.contact_phone = Some("   ".to_owned());
    d.contact_email = Some(" personal@naunhof.de ".to_owned());
    d.apply_url = Some("  ".to_owned());
    d.apply_email = Some(" \n ".to_owned());
    d.partners[0].note = Some("   ".to_owned());

    let n = d.normalized();
    assert_eq!(n.title, "Sachbearbeiter Bürgerbüro (m/w/d)");
    assert_eq!(n.reference_number, "NH-2026/17");
    assert_eq!(n.location_place, "Naunhof");
    assert_eq!(n.location_postcode, "04683");
    assert_eq!(n.description, "Text mit Einrückung");
    // Leading spaces are markdown (indentation) and stay; trailing ones go.
    assert_eq!(n.tasks, "  - eingerückte Liste");
    assert_eq!(n.department, None);
    assert_eq!(n.pay_grade_from.as_deref(), Some("6"));
    assert_eq!(n.pay_grade_to, None);
    assert_eq!(n.contact_name, None);
    assert_eq!(n.contact_phone, None);
    assert_eq!(n.contact_email.as_deref(), Some("personal@naunhof.de"));
    assert_eq!(n.apply_url, None);
    assert_eq!(n.apply_email, None);
    assert_eq!(n.partners[0].note, None);

    // What validation then sees: only the missing way to apply is left.
    let errors = errors_of(&n);
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(errors.for_field("apply_url").count(), 1, "{errors}");
}

#[test]
fn normalized_drops_characters_no_feed_or_page_may_carry() {
    let mut d = valid_draft();
    d.title = "Sachbearbeiter\u{1} Bürgerbüro\u{7f} (m/w/d)\u{0}".to_owned();
    d.description = "Zeile eins\u{b}\r\nZeile\u{fffe} zwei\u{85}".to_owned();
    d.contact_name = Some("\u{2}\u{3}".to_owned());
    d.partners[0].note = Some("Station\u{c} Bauhof".to_owned());
    let n = d.normalized();
    assert_eq!(n.title, "Sachbearbeiter Bürgerbüro (m/w/d)");
    assert_eq!(n.description, "Zeile eins\r\nZeile zwei");
    assert_eq!(n.contact_name, None, "nothing left but control characters");
    assert_eq!(n.partners[0].note.as_deref(), Some("Station Bauhof"));
}

#[test]
fn normalizing_a_valid_draft_changes_nothing() {
    let d = valid_draft();
    assert_eq!(d.clone().normalized(), d);
}

// --- audience (internal first, then public) ---

#[test]
fn a_public_day_without_internal_is_refused() {
    let mut d = valid_draft();
    d.public_from = Some(d.application_deadline);
    assert_single_error(&d, "public_from", "nur bei einer internen Stelle");
}

#[test]
fn a_public_day_after_the_deadline_is_refused_and_on_the_deadline_accepted() {
    let mut d = valid_draft();
    d.internal = true;
    d.public_from = d.application_deadline.succ_opt();
    assert_single_error(&d, "public_from", "nach dem Ende der Bewerbungsfrist");
    d.public_from = Some(d.application_deadline);
    assert!(validate(&d, ctx()).is_ok());
    d.public_from = None;
    assert!(validate(&d, ctx()).is_ok(), "internal for good");
}
