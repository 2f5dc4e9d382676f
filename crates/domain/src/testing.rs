//! Test support (feature `testing`): every database test runs twice: on a fresh SQLite file and in a fresh PostgreSQL schema.
//!
//! PostgreSQL: `JOBBOARD_TEST_POSTGRES` is the server URL (default
//! `postgres://postgres@127.0.0.1:5432/test`); set it to `off` to skip the PostgreSQL variants.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::db::{self, DbOptions};
use jobboard_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend};

pub mod fuzz;

pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct TestDb {
    pub db: DatabaseConnection,
    /// How to connect again (after a server closed the pool): URL and schema.
    reopen: (String, Option<String>),
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
        let db = db::connect(&url, &DbOptions::default())
            .await
            .expect("open sqlite");
        Migrator::up(&db, None).await.expect("migrate sqlite");
        Self {
            db,
            reopen: (url, None),
            _dir: Some(dir),
            schema: None,
        }
    }

    /// `None` when PostgreSQL tests are switched off.
    pub async fn postgres() -> Option<Self> {
        let url = postgres_url()?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..)
        );
        let admin = Database::connect(&url)
            .await
            .expect("connect to PostgreSQL (set JOBBOARD_TEST_POSTGRES=off to skip)");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
            .await
            .expect("create schema");
        admin.close().await.expect("close admin connection");
        let options = DbOptions {
            schema: Some(schema.clone()),
            max_connections: Some(5),
        };
        let db = db::connect(&url, &options).await.expect("open postgres");
        Migrator::up(&db, None).await.expect("migrate postgres");
        Some(Self {
            db,
            reopen: (url.clone(), Some(schema.clone())),
            _dir: None,
            schema: Some((url, schema)),
        })
    }

    /// A new connection to the same database (the server closes its pool at shutdown).
    pub async fn reopen(&self) -> DatabaseConnection {
        let options = DbOptions {
            schema: self.reopen.1.clone(),
            max_connections: Some(2),
        };
        db::connect(&self.reopen.0, &options)
            .await
            .expect("open the test database again")
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }
}

pub fn postgres_url() -> Option<String> {
    match std::env::var("JOBBOARD_TEST_POSTGRES") {
        Ok(v) if v.eq_ignore_ascii_case("off") => None,
        Ok(v) if !v.trim().is_empty() => Some(v),
        _ => Some(DEFAULT_POSTGRES.to_owned()),
    }
}

impl Drop for TestDb {
    /// Drop the schema even when the test panicked; runs on its own thread because Drop
    /// cannot await.
    fn drop(&mut self) {
        if let Some((url, schema)) = self.schema.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Declare tests that run on both databases: `db_tests! { async fn name(t) { … } }`, where
/// `t: &TestDb`. The calling crate needs tokio as a dev-dependency.
#[macro_export]
macro_rules! db_tests {
    ($(async fn $name:ident($db:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let t = $crate::testing::TestDb::sqlite().await;
                let $db = &t;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(t) = $crate::testing::TestDb::postgres().await else {
                    eprintln!("PostgreSQL tests switched off");
                    return;
                };
                let $db = &t;
                $body
            }
        }
    )*};
}

/// A realistic posting to start tests from: "Sachbearbeiter Bürgerbüro" of Naunhof with
/// deadline `deadline`.
pub fn sample_draft(reference: &str, deadline: chrono::NaiveDate) -> crate::postings::PostingDraft {
    crate::postings::PostingDraft {
        kind: crate::postings::PostingKind::Job,
        reference_number: reference.to_owned(),
        title: "Sachbearbeiter Bürgerbüro (m/w/d)".to_owned(),
        department: Some("Hauptamt".to_owned()),
        category: crate::postings::Category::Verwaltung,
        employment: crate::postings::Employment::FullTime,
        weekly_hours: Some(39.0),
        contract: crate::postings::Contract::Permanent,
        contract_end_date: None,
        pay_scheme: crate::postings::PayScheme::TvoedVkaEg,
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
        internal: false,
        public_from: None,
    }
}

/// A realistic course to start tests from: a one-day chainsaw course with `seats` seats,
/// registration until `deadline`, held a week later 08:00–16:00 in Brandis.
pub fn sample_course(seats: i32, deadline: chrono::NaiveDate) -> crate::courses::CourseDraft {
    let day = deadline + chrono::Days::new(7);
    crate::courses::CourseDraft {
        title: "Motorsägenlehrgang Modul A".to_owned(),
        category: crate::courses::CourseCategory::BauhofTechnik,
        target_group: "Beschäftigte der Bauhöfe".to_owned(),
        description: "Sicherer Umgang mit der **Motorsäge** nach DGUV 214-059.".to_owned(),
        seats,
        registration_deadline: deadline,
        cost_cents: 12_000,
        contact_email: Some("bauhof@brandis.de".to_owned()),
        partners: vec![],
        quotas: vec![],
        sessions: vec![crate::courses::SessionDraft {
            day,
            start: chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"),
            end: chrono::NaiveTime::from_hms_opt(16, 0, 0).expect("valid time"),
            place: "Bauhof Brandis, Am Wasserturm 2".to_owned(),
        }],
    }
}

/// A realistic agreement to start tests from: mutual cover of the registration office
/// (Meldewesen) between `parties` from `from` on, reimbursed at 42,50 € an hour.
pub fn sample_agreement(
    parties: Vec<i64>,
    from: chrono::NaiveDate,
) -> crate::cover::AgreementDraft {
    crate::cover::AgreementDraft {
        title: "Gegenseitige Vertretung im Meldewesen".to_owned(),
        legal_form: crate::cover::LegalForm::Zweckvereinbarung,
        areas: vec![crate::cover::TaskArea::Meldewesen],
        parties,
        valid_from: from,
        valid_until: None,
        hourly_rate_cents: Some(4250),
        note: None,
    }
}

/// A realistic cover request: the registration office, full days of 8 hours from `from` to
/// `until`, because of holidays.
pub fn sample_cover_request(
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> crate::cover::CoverRequestDraft {
    crate::cover::CoverRequestDraft {
        task_area: crate::cover::TaskArea::Meldewesen,
        starts_on: from,
        ends_on: until,
        day_part: crate::cover::DayPart::Full,
        minutes_per_day: 8 * 60,
        place: "Rathaus, Bürgerbüro Erdgeschoss".to_owned(),
        skills: "Erfahrung mit An- und Ummeldungen".to_owned(),
        requirements: vec![crate::cover::Requirement::Meldesoftware],
        urgency: crate::cover::Urgency::Urgent,
        reason: crate::cover::CoverReason::Urlaub,
    }
}

/// An offer on request `request_id` for `from` to `until`, `hours` a day.
pub fn sample_offer(
    request_id: i64,
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
    hours: i32,
) -> crate::cover::OfferDraft {
    crate::cover::OfferDraft {
        request_id,
        starts_on: from,
        ends_on: until,
        minutes_per_day: hours * 60,
        person_name: Some("Frau Beispiel".to_owned()),
        person_contact: Some("meldeamt@brandis.de".to_owned()),
        note: None,
    }
}
