//! Realistic postings and instants for the persistence tests.

use chrono::{DateTime, NaiveDate, Utc};
use jobboard_domain::municipalities;
use jobboard_domain::postings::{
    Category, Contract, Employment, PayScheme, PostingDraft, PostingKind,
};
use sea_orm::DatabaseConnection;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

pub async fn municipality_id(db: &DatabaseConnection, slug: &str) -> i64 {
    municipalities::find_by_slug(db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// "Sachbearbeiter Bürgerbüro" with deadline `deadline`.
pub fn draft(reference: &str, deadline: NaiveDate) -> PostingDraft {
    PostingDraft {
        kind: PostingKind::Job,
        reference_number: reference.to_owned(),
        title: "Sachbearbeiter Bürgerbüro (m/w/d)".to_owned(),
        department: Some("Hauptamt".to_owned()),
        category: Category::Verwaltung,
        employment: Employment::FullTime,
        weekly_hours: Some(39.0),
        contract: Contract::Permanent,
        contract_end_date: None,
        pay_scheme: PayScheme::TvoedVkaEg,
        pay_grade_from: Some("8".to_owned()),
        pay_grade_to: Some("9a".to_owned()),
        pay_monthly_min_eur: None,
        pay_monthly_max_eur: None,
        location_place: "Naunhof".to_owned(),
        location_postcode: "04683".to_owned(),
        latitude: Some(51.2772),
        longitude: Some(12.5883),
        start_date: None,
        application_deadline: deadline,
        description: "Die Stadt Naunhof sucht Verstärkung für das **Bürgerbüro**.".to_owned(),
        tasks: "- Pass- und Meldewesen\n- Beratung der Bürgerinnen und Bürger".to_owned(),
        profile: "- Abschluss als Verwaltungsfachangestellte/r".to_owned(),
        benefits: "- 30 Tage Urlaub\n- Jobticket".to_owned(),
        contact_name: Some("Frau Keller".to_owned()),
        contact_phone: Some("034293 42-110".to_owned()),
        contact_email: Some("personal@naunhof.de".to_owned()),
        apply_url: Some("https://www.naunhof.de/karriere".to_owned()),
        apply_email: None,
        partners: vec![],
    }
}
