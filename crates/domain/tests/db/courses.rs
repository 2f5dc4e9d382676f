use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveTime;
use jobboard_domain::audit::AuditEntity;
use jobboard_domain::courses::mutations::{self, CourseAction};
use jobboard_domain::courses::registrations::{self, RegistrationDraft};
use jobboard_domain::courses::{
    CourseStatus, QuotaDraft, RegistrationStatus, SessionDraft, queries,
};
use jobboard_domain::testing::sample_course;
use jobboard_domain::{Actor, DomainError, audit};
use sea_orm::DatabaseConnection;

use crate::fixtures::*;
use jobboard_domain::db_tests;

fn person(n: usize) -> RegistrationDraft {
    RegistrationDraft {
        name: format!("Person {n}"),
        email: format!("person{n}@gemeinde.de"),
        note: None,
    }
}

/// An open course of Brandis with `seats` seats, registration until 2026-12-10.
async fn open_course(db: &DatabaseConnection, seats: i32) -> jobboard_domain::courses::Course {
    let brandis = municipality_id(db, "brandis").await;
    let now = at("2026-11-21T10:00:00Z");
    let c = mutations::create_course(
        db,
        brandis,
        sample_course(seats, day(2026, 12, 10)),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap();
    mutations::change_status(db, c.id, 1, CourseAction::Open, &Actor::user(1), now)
        .await
        .unwrap()
        .0
}

db_tests! {
    async fn two_hundred_concurrent_registrations_never_exceed_ten_seats(t) {
        let db = Arc::new(t.db.clone());
        let course = open_course(&db, 10).await;
        let naunhof = municipality_id(&db, "naunhof").await;
        let now = at("2026-11-22T09:00:00Z");

        let tasks: Vec<_> = (0..200)
            .map(|n| {
                let db = Arc::clone(&db);
                tokio::spawn(async move {
                    registrations::register(&*db, course.id, naunhof, person(n), &Actor::user(7), now)
                        .await
                        .map(|(r, notices)| (r, notices.len()))
                })
            })
            .collect();
        let mut created = Vec::new();
        for task in tasks {
            let (r, notices) = task.await.unwrap().unwrap();
            assert_eq!(notices, 1, "every registration sends one message");
            created.push(r);
        }

        let active = registrations::active_registrations(&*db, course.id).await.unwrap();
        let confirmed: Vec<_> = active.iter().filter(|r| r.status == RegistrationStatus::Confirmed).collect();
        let waiting: Vec<_> = active.iter().filter(|r| r.status == RegistrationStatus::Waiting).collect();
        assert_eq!(confirmed.len(), 10);
        assert_eq!(waiting.len(), 190);
        // Seats went to the first ten who got through, the waiting list keeps joining order.
        let last_confirmed = confirmed.iter().map(|r| (r.joined_at, r.id)).max().unwrap();
        assert!(waiting.iter().all(|w| (w.joined_at, w.id) > last_confirmed));
        assert!(waiting.windows(2).all(|p| (p[0].joined_at, p[0].id) < (p[1].joined_at, p[1].id)));
        let positions = registrations::waiting_positions(&active);
        assert_eq!(positions.iter().map(|p| p.1).collect::<Vec<_>>(), (1..=190).collect::<Vec<_>>());

        // Five confirmed people cancel at the same time: exactly the first five waiting move up.
        let first_five: HashSet<i64> = waiting.iter().take(5).map(|r| r.id).collect();
        let brandis = course.municipality_id;
        let cancellations: Vec<_> = confirmed
            .iter()
            .take(5)
            .map(|r| {
                let db = Arc::clone(&db);
                let id = r.id;
                tokio::spawn(async move {
                    registrations::cancel(&*db, id, brandis, &Actor::user(1), at("2026-11-23T09:00:00Z")).await
                })
            })
            .collect();
        let mut promoted = HashSet::new();
        for task in cancellations {
            let (r, notices) = task.await.unwrap().unwrap();
            assert_eq!(r.status, RegistrationStatus::Cancelled);
            for n in notices {
                let id = active.iter().find(|a| a.email == n.to_email).unwrap().id;
                assert!(promoted.insert(id));
            }
        }
        assert_eq!(promoted, first_five);
        let after = registrations::active_registrations(&*db, course.id).await.unwrap();
        assert_eq!(after.iter().filter(|r| r.status == RegistrationStatus::Confirmed).count(), 10);
        assert_eq!(after.iter().filter(|r| r.status == RegistrationStatus::Waiting).count(), 185);
        let listing = queries::listing_of(&*db, course.clone()).await.unwrap();
        assert_eq!((listing.confirmed, listing.waiting), (10, 185));
        assert_eq!(listing.status(at("2026-11-23T09:00:00Z")), CourseStatus::Full);
    }

    async fn quotas_cap_a_municipality_and_promotion_skips_whom_the_quota_blocks(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let naunhof = municipality_id(db, "naunhof").await;
        let machern = municipality_id(db, "machern").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = sample_course(3, day(2026, 12, 10));
        d.quotas = vec![QuotaDraft { municipality_id: naunhof, seats: 1 }];
        let c = mutations::create_course(db, brandis, d, &Actor::user(1), now).await.unwrap();
        mutations::change_status(db, c.id, 1, CourseAction::Open, &Actor::user(1), now).await.unwrap();

        let officer = Actor::user(2);
        let reg = |m: i64, n: usize| registrations::register(db, c.id, m, person(n), &officer, now);
        let n1 = reg(naunhof, 1).await.unwrap().0;
        let n2 = reg(naunhof, 2).await.unwrap().0;
        assert_eq!(n1.status, RegistrationStatus::Confirmed);
        assert_eq!(n2.status, RegistrationStatus::Waiting, "Naunhof's quota of one is used");
        let m3 = reg(machern, 3).await.unwrap().0;
        let m4 = reg(machern, 4).await.unwrap().0;
        assert_eq!((m3.status, m4.status), (RegistrationStatus::Confirmed, RegistrationStatus::Confirmed));
        let m5 = reg(machern, 5).await.unwrap().0;
        assert_eq!(m5.status, RegistrationStatus::Waiting, "all three seats are taken");

        // A Machern seat frees up: Naunhof's person 2 waits longest but its quota is used, so
        // Machern's person 5 moves up.
        let (_, notices) = registrations::cancel(db, m3.id, machern, &Actor::user(3), now).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].to_email, "person5@gemeinde.de");
        // Naunhof's own seat frees up: its person 2 moves up.
        let (_, notices) = registrations::cancel(db, n1.id, naunhof, &Actor::user(2), now).await.unwrap();
        assert_eq!(notices[0].to_email, "person2@gemeinde.de");
    }

    async fn registration_closes_at_the_end_of_the_deadline_day_in_berlin(t) {
        let db = &t.db;
        let course = open_course(db, 5).await;
        let naunhof = municipality_id(db, "naunhof").await;
        // 10 December 2026, 23:59:59 in Berlin is 22:59:59 UTC.
        registrations::register(db, course.id, naunhof, person(1), &Actor::user(2), at("2026-12-10T22:59:59Z"))
            .await
            .unwrap();
        let err = registrations::register(db, course.id, naunhof, person(2), &Actor::user(2), at("2026-12-10T23:00:00Z"))
            .await
            .unwrap_err();
        assert!(matches!(&err, DomainError::Refused(m) if m.contains("Anmeldeschluss")), "{err:?}");
        assert_eq!(registrations::list_for_course(db, course.id).await.unwrap().len(), 1);
    }

    async fn a_draft_or_cancelled_course_takes_no_registrations(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let draft = mutations::create_course(db, brandis, sample_course(5, day(2026, 12, 10)), &Actor::user(1), now).await.unwrap();
        let err = registrations::register(db, draft.id, brandis, person(1), &Actor::user(1), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");

        let open = open_course(db, 5).await;
        registrations::register(db, open.id, brandis, person(1), &Actor::user(1), now).await.unwrap();
        registrations::register(db, open.id, brandis, person(2), &Actor::user(1), now).await.unwrap();
        let (cancelled, notices) = mutations::change_status(db, open.id, open.version, CourseAction::Cancel, &Actor::user(1), now)
            .await
            .unwrap();
        assert_eq!(cancelled.status, CourseStatus::Cancelled);
        let mut told: Vec<_> = notices.iter().map(|n| n.to_email.as_str()).collect();
        told.sort_unstable();
        assert_eq!(told, ["person1@gemeinde.de", "person2@gemeinde.de"]);
        assert!(notices.iter().all(|n| n.subject.starts_with("Abgesagt")));
        let err = registrations::register(db, open.id, brandis, person(3), &Actor::user(1), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
    }

    async fn only_the_persons_municipality_or_the_provider_may_cancel(t) {
        let db = &t.db;
        let course = open_course(db, 5).await;
        let naunhof = municipality_id(db, "naunhof").await;
        let machern = municipality_id(db, "machern").await;
        let now = at("2026-11-22T10:00:00Z");
        let r = registrations::register(db, course.id, naunhof, person(1), &Actor::user(2), now).await.unwrap().0;
        let err = registrations::cancel(db, r.id, machern, &Actor::user(9), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        let stored = registrations::list_for_course(db, course.id).await.unwrap();
        assert_eq!(stored[0].status, RegistrationStatus::Confirmed);
        // The provider (Brandis) may.
        let (r, _) = registrations::cancel(db, r.id, course.municipality_id, &Actor::user(1), now).await.unwrap();
        assert_eq!(r.status, RegistrationStatus::Cancelled);
    }

    async fn the_same_person_cannot_register_twice(t) {
        let db = &t.db;
        let course = open_course(db, 5).await;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-22T10:00:00Z");
        registrations::register(db, course.id, naunhof, person(1), &Actor::user(2), now).await.unwrap();
        let mut again = person(1);
        again.email = "PERSON1@gemeinde.de".into();
        let err = registrations::register(db, course.id, naunhof, again, &Actor::user(2), now).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        assert_eq!(e.0[0].field, "email");
    }

    async fn more_seats_promote_and_fewer_than_confirmed_are_refused(t) {
        let db = &t.db;
        let course = open_course(db, 1).await;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-22T10:00:00Z");
        for n in 1..=3 {
            registrations::register(db, course.id, naunhof, person(n), &Actor::user(2), now).await.unwrap();
        }
        let mut d = sample_course(2, day(2026, 12, 10));
        let (updated, notices) = mutations::update_course(db, course.id, course.version, d.clone(), &Actor::user(1), now)
            .await
            .unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].to_email, "person2@gemeinde.de");
        d.seats = 1;
        let err = mutations::update_course(db, course.id, updated.version, d, &Actor::user(1), now).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        assert_eq!(e.0[0].field, "seats");
        assert_eq!(queries::find_by_id(db, course.id).await.unwrap().unwrap().seats, 2);
    }

    async fn invalid_sessions_get_field_errors_and_nothing_is_written(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = sample_course(5, day(2027, 3, 20));
        d.sessions = vec![
            SessionDraft { day: day(2027, 3, 28), start: NaiveTime::from_hms_opt(2, 30, 0).unwrap(), end: NaiveTime::from_hms_opt(4, 0, 0).unwrap(), place: "Rathaus".into() },
            SessionDraft { day: day(2027, 3, 29), start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(), end: NaiveTime::from_hms_opt(9, 0, 0).unwrap(), place: " ".into() },
        ];
        d.registration_deadline = day(2027, 3, 30);
        let err = mutations::create_course(db, brandis, d, &Actor::user(1), now).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        let messages: Vec<&str> = e.0.iter().map(|f| f.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("Zeitumstellung")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("Termin 2: Das Ende")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("Termin 2: Bitte geben Sie den Ort")), "{messages:?}");
        assert!(e.0.iter().any(|f| f.field == "registration_deadline"));
        assert!(queries::list_provided_by(db, brandis).await.unwrap().is_empty());
    }

    async fn sessions_are_stored_as_instants_across_the_clock_change(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = sample_course(5, day(2027, 3, 20));
        d.sessions = vec![
            SessionDraft { day: day(2027, 3, 27), start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(), end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(), place: "Rathaus Brandis".into() },
            SessionDraft { day: day(2027, 3, 29), start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(), end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(), place: "Rathaus Brandis".into() },
        ];
        let c = mutations::create_course(db, brandis, d.clone(), &Actor::user(1), now).await.unwrap();
        let sessions = queries::sessions_of(db, c.id).await.unwrap();
        assert_eq!(sessions[0].starts_at, at("2027-03-27T08:00:00Z"), "CET, UTC+1");
        assert_eq!(sessions[1].starts_at, at("2027-03-29T07:00:00Z"), "CEST, UTC+2");
        // Reading the draft back gives the local times that were entered.
        assert_eq!(mutations::draft_of(db, &c).await.unwrap().sessions, d.normalized().sessions);
    }

    async fn attendance_is_recorded_by_the_provider_only_after_the_session_started(t) {
        let db = &t.db;
        let course = open_course(db, 5).await;
        let naunhof = municipality_id(db, "naunhof").await;
        let r = registrations::register(db, course.id, naunhof, person(1), &Actor::user(2), at("2026-11-22T10:00:00Z")).await.unwrap().0;
        let session = queries::sessions_of(db, course.id).await.unwrap()[0].clone();
        let before = session.starts_at - chrono::Duration::minutes(1);
        let err = registrations::record_attendance(db, course.id, course.municipality_id, session.id, &[(r.id, true)], &Actor::user(1), before).await.unwrap_err();
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
        let err = registrations::record_attendance(db, course.id, naunhof, session.id, &[(r.id, true)], &Actor::user(2), session.ends_at).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        registrations::record_attendance(db, course.id, course.municipality_id, session.id, &[(r.id, true)], &Actor::user(1), session.ends_at).await.unwrap();
        assert_eq!(registrations::attendance_of(db, course.id).await.unwrap(), vec![(r.id, session.id, true)]);
        let (held, _) = mutations::change_status(db, course.id, course.version, CourseAction::MarkHeld, &Actor::user(1), session.ends_at).await.unwrap();
        assert_eq!(held.status, CourseStatus::Held);
        assert!(audit::history(db, AuditEntity::Course, course.id).await.unwrap().len() >= 4);
    }
}
