use chrono::TimeZone;
use jobboard_domain::postings::{Category, Contract, PayScheme, PostingStatus};
use quick_xml::events::Event;

use super::*;

/// The element paths of the BA's published sample, in its order (the parts this board fills).
const SAMPLE_ORDER: [&str; 44] = [
    "Header/SupplierId",
    "Header/Timestamp",
    "Header/Amount",
    "Header/TypeOfLoad",
    "Data/JobPositionPosting/JobPositionPostingId",
    "Data/JobPositionPosting/HiringOrg/HiringOrgName",
    "Data/JobPositionPosting/HiringOrg/HiringOrgId",
    "Data/JobPositionPosting/HiringOrg/ProfileWebSite",
    "Data/JobPositionPosting/HiringOrg/Contact/FamilyName",
    "Data/JobPositionPosting/HiringOrg/Contact/PostalAddress/CountryCode",
    "Data/JobPositionPosting/HiringOrg/Contact/PostalAddress/PostalCode",
    "Data/JobPositionPosting/HiringOrg/Contact/PostalAddress/Municipality",
    "Data/JobPositionPosting/HiringOrg/Contact/VoiceNumber/TelNumber",
    "Data/JobPositionPosting/HiringOrg/Contact/EMail",
    "Data/JobPositionPosting/PostDetail/StartDate",
    "Data/JobPositionPosting/PostDetail/EndDate",
    "Data/JobPositionPosting/PostDetail/LastModificationDate",
    "Data/JobPositionPosting/PostDetail/Status",
    "Data/JobPositionPosting/PostDetail/SupplierId",
    "Data/JobPositionPosting/PostDetail/SupplierName",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionTitle/Degree",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionTitleDescription",
    "Data/JobPositionPosting/JobPositionInformation/JobOfferType",
    "Data/JobPositionPosting/JobPositionInformation/SocialInsurance",
    "Data/JobPositionPosting/JobPositionInformation/Objective",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/JobPositionLocation/Location/CountryCode",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/JobPositionLocation/Location/PostalCode",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/JobPositionLocation/Location/Municipality",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Application/KindOfApplication",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Application/ApplicationEndDate",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Application/ApplicationWebSite",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/MiniJob",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Classification/Schedule/WorkingPlan",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Classification/Schedule/HoursPerWeek",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Classification/Duration/TermLength",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Classification/Duration/TermDate",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Compensation/CollectiveAgreement",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Compensation/GradeFrom",
    "Data/JobPositionPosting/JobPositionInformation/JobPositionDescription/Compensation/GradeTo",
    "Data/JobPositionPosting/JobPositionInformation/NumberToFill",
    "Data/JobPositionPosting/JobPositionInformation/AssignmentStartDate",
    "Data/JobPositionPosting/JobPositionInformation/AssignmentEndDate",
    "Data/DeleteEntry/EntryId",
    "Data/DeleteEntry/EntryId",
];

fn naunhof() -> Municipality {
    let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Municipality {
        id: 4,
        slug: "naunhof".into(),
        name: "Naunhof".into(),
        website: "https://www.naunhof.de".into(),
        contact_email: "stadt@naunhof.de".into(),
        latitude: 51.27,
        longitude: 12.59,
        postcode: "04683".into(),
        place: "Naunhof".into(),
        logo_url: None,
        employer_profile: None,
        created_at: t,
        updated_at: t,
    }
}

pub fn sample_posting() -> Posting {
    let t = Utc.with_ymd_and_hms(2026, 12, 1, 8, 30, 0).unwrap();
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("valid date");
    Posting {
        id: 17,
        municipality_id: 4,
        kind: PostingKind::Job,
        reference_number: "NAU-2026-17".into(),
        title: "Erzieher/in (m/w/d) Kita „Regenbogen“ & Hort".into(),
        slug: "erzieher-kita-regenbogen-17".into(),
        department: Some("Kita".into()),
        category: Category::KitaErziehung,
        employment: Employment::PartTime,
        weekly_hours: Some(30.0),
        contract: Contract::FixedTerm,
        contract_end_date: Some(d(2028, 12, 31)),
        pay_scheme: PayScheme::TvoedSueS,
        pay_grade_from: Some("8a".into()),
        pay_grade_to: Some("8b".into()),
        pay_monthly_min_eur: None,
        pay_monthly_max_eur: None,
        location_place: "Naunhof".into(),
        location_postcode: "04683".into(),
        latitude: None,
        longitude: None,
        start_date: Some(d(2027, 2, 1)),
        application_deadline: d(2027, 1, 15),
        description: "Wir suchen Verstärkung <für> unsere Kita.".into(),
        tasks: "- Betreuung".into(),
        profile: String::new(),
        benefits: String::new(),
        contact_name: Some("Frau Beispiel".into()),
        contact_phone: Some("034293 1234".into()),
        contact_email: Some("kita@naunhof.de".into()),
        apply_url: None,
        apply_email: None,
        status: PostingStatus::Published,
        published_at: Some(t),
        expires_at: t,
        filled_on: None,
        version: 3,
        source_id: None,
        external_guid: None,
        external_id: None,
        internal: false,
        public_from: None,
        created_by: "user:1".into(),
        updated_by: "user:1".into(),
        created_at: t,
        updated_at: t,
    }
}

fn account() -> BaAccount {
    BaAccount {
        supplier_id: "V123456789".into(),
        partner_id: "P0042".into(),
        hiring_org_id: "A987654321".into(),
    }
}

fn sample_file() -> String {
    let m = naunhof();
    let postings = [sample_posting()];
    render(&BaFile {
        account: &account(),
        municipality: &m,
        postings: &postings,
        deletions: &[5, 9],
        full: false,
        now: Utc.with_ymd_and_hms(2026, 12, 2, 9, 5, 7).unwrap(),
        base_url: "https://stellen.partheland.de",
    })
}

/// Every leaf element's path below the root, in document order; panics unless well-formed.
fn leaf_paths(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut leaves = Vec::new();
    let mut had_child = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                if let Some(h) = had_child.last_mut() {
                    *h = true;
                }
                stack.push(e.name().0.to_owned());
                had_child.push(false);
            }
            Event::End(e) => {
                let name = stack.pop().expect("balanced");
                assert_eq!(name, e.name().0, "closed in order");
                if !had_child.pop().expect("balanced") {
                    leaves.push(
                        stack[1..]
                            .iter()
                            .chain([&name])
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("/"),
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "every element closed");
    leaves
}

#[test]
fn the_file_is_well_formed_and_in_the_order_of_the_sample() {
    let xml = sample_file();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HRBAXMLJobPositionPosting>")
    );
    assert_eq!(leaf_paths(&xml), SAMPLE_ORDER, "{xml}");
}

#[test]
fn the_posting_is_mapped_and_escaped() {
    let xml = sample_file();
    for expected in [
        "<SupplierId>V123456789</SupplierId>",
        "<Amount>3</Amount>",
        "<TypeOfLoad>D</TypeOfLoad>",
        "<Timestamp>2026-12-02T09:05:07Z</Timestamp>",
        "<JobPositionPostingId>P0042-17</JobPositionPostingId>",
        "<HiringOrgId>A987654321</HiringOrgId>",
        "<JobPositionTitleDescription>Erzieher/in (m/w/d) Kita „Regenbogen“ &amp; Hort</JobPositionTitleDescription>",
        "<Objective>Wir suchen Verstärkung &lt;für&gt; unsere Kita.\n\n- Betreuung</Objective>",
        "<JobOfferType>1</JobOfferType>",
        "<WorkingPlan>2</WorkingPlan>",
        "<HoursPerWeek>30.0</HoursPerWeek>",
        "<TermLength>2</TermLength>",
        "<TermDate>2028-12-31</TermDate>",
        "<CollectiveAgreement>TVöD SuE</CollectiveAgreement>",
        "<GradeFrom>S 8a</GradeFrom>",
        "<ApplicationEndDate>2027-01-15</ApplicationEndDate>",
        "<ApplicationWebSite>https://stellen.partheland.de/stellen/erzieher-kita-regenbogen-17</ApplicationWebSite>",
        "<EMail>kita@naunhof.de</EMail>",
        "<AssignmentStartDate>2027-02-01</AssignmentStartDate>",
        "<EntryId>P0042-5</EntryId>",
    ] {
        assert!(xml.contains(expected), "{expected} missing in\n{xml}");
    }
}

#[test]
fn kinds_map_to_offer_types_and_the_file_name_follows_the_ba() {
    assert_eq!(offer_type(PostingKind::Apprenticeship), "4");
    assert_eq!(offer_type(PostingKind::DualStudy), "4");
    assert_eq!(offer_type(PostingKind::Internship), "34");
    assert_eq!(offer_type(PostingKind::Job), "1");
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 5, 7).unwrap();
    assert_eq!(
        file_name(&account(), now),
        "DSV123456789_2026-12-02_09-05-07.xml"
    );
}
