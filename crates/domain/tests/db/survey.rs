//! The needs survey on both databases: answers through the audited pipeline with optimistic
//! locking, bad input and a closed round refused with nothing stored, the regional tables, the
//! proposals and their one-click drafts.

use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::courses::{CourseStatus, mutations::draft_of};
use jobboard_domain::entities::{survey_answer, survey_answer_occupation};
use jobboard_domain::postings::mutations;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingStatus, queries};
use jobboard_domain::stats::filling::mark_filled;
use jobboard_domain::survey::planning::{self, Taken};
use jobboard_domain::survey::rounds::{self, RoundDraft};
use jobboard_domain::survey::{
    AnswerDraft, CourseAnswer, GroupAnswer, OccupationAnswer, Priority, answers, convert,
};
use jobboard_domain::{Actor, DomainError, municipalities};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::fixtures::*;
use jobboard_domain::db_tests;

const NOW: &str = "2026-12-02T10:00:00Z";

async fn open_round(db: &DatabaseConnection) -> jobboard_domain::survey::Round {
    let draft = RoundDraft {
        year: 2027,
        deadline: day(2027, 1, 31),
        occupations: vec!["vfa".into(), "strassenwaerter".into()],
        course_types: vec!["motorsaege".into(), "erste_hilfe".into()],
    };
    rounds::open_round(db, draft, &Actor::user(1), at(NOW))
        .await
        .unwrap()
}

fn occupation(
    code: &str,
    starts: [i32; 3],
    hosts_all: bool,
    stations: &str,
    lead: bool,
) -> OccupationAnswer {
    OccupationAnswer {
        occupation: code.into(),
        starts_halves: starts,
        hosts_all,
        stations: stations.into(),
        offers_lead: lead,
    }
}

fn course(code: &str, staff: i32) -> CourseAnswer {
    CourseAnswer {
        course_type: code.into(),
        staff,
        priority: Priority::High,
    }
}

/// Brandis hosts everything and offers to lead VFA in 2027; Naunhof and Machern host some
/// stations. Straßenwärter: only Naunhof (alone, no proposal).
fn answers_of_three() -> [(&'static str, AnswerDraft); 3] {
    [
        (
            "brandis",
            AnswerDraft {
                occupations: vec![occupation("vfa", [2, 0, 2], true, "", true)],
                groups: vec![GroupAnswer {
                    group: "verwaltung".into(),
                    retiring: [1, 0, 2, 0, 0],
                    other: [0, 1, 0, 0, 0],
                    new_positions: 1,
                }],
                courses: vec![course("motorsaege", 3), course("erste_hilfe", 10)],
            },
        ),
        (
            "naunhof",
            AnswerDraft {
                occupations: vec![
                    occupation("vfa", [1, 0, 0], false, "Bürgerbüro, Kämmerei", false),
                    occupation("strassenwaerter", [2, 2, 0], true, "", false),
                ],
                groups: vec![GroupAnswer {
                    group: "technik".into(),
                    retiring: [0, 1, 0, 0, 1],
                    ..Default::default()
                }],
                courses: vec![course("motorsaege", 2)],
            },
        ),
        (
            "machern",
            AnswerDraft {
                occupations: vec![occupation("vfa", [1, 2, 0], false, "Bauamt", false)],
                groups: vec![],
                courses: vec![course("motorsaege", 1), course("erste_hilfe", 0)],
            },
        ),
    ]
}

async fn answer_all(db: &DatabaseConnection, round_id: i64) {
    for (slug, d) in answers_of_three() {
        let m = municipality_id(db, slug).await;
        answers::save_answer(db, round_id, m, 0, d, &Actor::user(2), at(NOW))
            .await
            .unwrap();
    }
}

db_tests! {
    async fn three_members_answer_and_the_regional_tables_add_up_their_answers(t) {
        let db = &t.db;
        let round = open_round(db).await;
        answer_all(db, round.id).await;
        let plan = planning::plan(&planning::load(db, round.id).await.unwrap());
        assert_eq!(plan.answered.iter().filter(|a| **a).count(), 3);
        let col = |slug: &str| plan.members.iter().position(|m| m.1.to_lowercase() == slug).unwrap();
        let vfa_2027 = plan.starts.iter().find(|s| s.occupation == "vfa" && s.year == 2027).unwrap();
        assert_eq!(vfa_2027.total, 4, "2 + 1 + 1 half places");
        assert_eq!((vfa_2027.per_member[col("brandis")], vfa_2027.per_member[col("naunhof")], vfa_2027.per_member[col("machern")]), (2, 1, 1));
        assert_eq!(plan.starts.len(), 6, "two occupations × three years");
        let verwaltung = plan.groups.iter().find(|g| g.name == "Verwaltung").unwrap();
        assert_eq!((verwaltung.leavers(), verwaltung.new_positions), (4, 1));
        assert_eq!(verwaltung.intake_halves, 2 + 2 + 1 + 1 + 2, "VFA starts over three years");
        let saw = plan.courses.iter().find(|c| c.course_type == "motorsaege").unwrap();
        assert_eq!((saw.total, saw.high), (6, 3));

        // VFA 2027: three members, two cannot host everything → Brandis (volunteer) leads.
        let vfa: Vec<_> = plan.places.iter().filter(|p| p.occupation == "vfa").collect();
        // 2028: only Machern, 2029: only Brandis — one member alone gets no shared place.
        assert_eq!(vfa.iter().map(|p| p.year).collect::<Vec<_>>(), [2027], "{vfa:?}");
        let p = vfa[0];
        assert_eq!(p.place.lead, municipality_id(db, "brandis").await);
        let naunhof = municipality_id(db, "naunhof").await;
        let machern = municipality_id(db, "machern").await;
        let mut expected = vec![(naunhof, Some("Stationen: Bürgerbüro, Kämmerei".to_owned())), (machern, Some("Stationen: Bauamt".to_owned()))];
        expected.sort();
        assert_eq!(p.place.partners, expected);
        // Straßenwärter: Naunhof alone.
        assert!(plan.places.iter().all(|p| p.occupation != "strassenwaerter"));
        assert_eq!(plan.joint_courses.len(), 2);
    }

    async fn a_proposal_becomes_a_draft_shared_posting_and_a_draft_course_with_quotas(t) {
        let db = &t.db;
        let round = open_round(db).await;
        answer_all(db, round.id).await;
        let brandis = municipality_id(db, "brandis").await;
        let naunhof = municipality_id(db, "naunhof").await;
        let machern = municipality_id(db, "machern").await;
        let posting = convert::to_posting(db, round.id, "vfa", 2027, &Actor::user(1), at(NOW)).await.unwrap();
        assert_eq!(posting.municipality_id, brandis);
        assert_eq!(posting.status, PostingStatus::Draft);
        assert!(posting.title.contains("Ausbildung im Verbund"), "{}", posting.title);
        let partners = queries::partners_of(db, posting.id).await.unwrap();
        let got: Vec<_> = partners.iter().map(|p| (p.municipality_id, p.note.clone(), p.confirmed)).collect();
        let mut expected = vec![(naunhof, Some("Stationen: Bürgerbüro, Kämmerei".to_owned()), false), (machern, Some("Stationen: Bauamt".to_owned()), false)];
        expected.sort();
        assert_eq!(got, expected);
        // Once is enough.
        let again = convert::to_posting(db, round.id, "vfa", 2027, &Actor::user(1), at(NOW)).await.unwrap_err();
        assert!(matches!(again, DomainError::Refused(_)), "{again:?}");

        let c = convert::to_course(db, round.id, "motorsaege", naunhof, day(2027, 3, 15), &Actor::user(1), at(NOW)).await.unwrap();
        assert_eq!((c.municipality_id, c.seats, c.status), (naunhof, 6, CourseStatus::Draft));
        let d = draft_of(db, &c).await.unwrap();
        let mut quotas: Vec<_> = d.quotas.iter().map(|q| (q.municipality_id, q.seats)).collect();
        quotas.sort();
        let mut expected = vec![(brandis, 3), (naunhof, 2), (machern, 1)];
        expected.sort();
        assert_eq!(quotas, expected);
        assert!(!d.partners.contains(&naunhof));

        let plan = planning::plan(&planning::load(db, round.id).await.unwrap());
        assert_eq!(plan.places[0].taken, Some(Taken::Posting { id: posting.id, owner: brandis, reference: "VERBUND-2027-VFA".into(), status: PostingStatus::Draft, filled_on: None }));
        let saw = plan.joint_courses.iter().find(|p| p.course_type == "motorsaege").unwrap();
        assert_eq!(saw.taken, Some(Taken::Course { id: c.id, owner: naunhof, status: CourseStatus::Draft }));
        let trail = audit::history(db, AuditEntity::SurveyRound, round.id).await.unwrap();
        assert_eq!(trail.iter().map(|e| e.action).collect::<Vec<_>>(), [AuditAction::Created, AuditAction::ProposalTaken, AuditAction::ProposalTaken]);
    }

    async fn negative_absurd_unknown_and_late_answers_get_german_field_errors_and_store_nothing(t) {
        let db = &t.db;
        let round = open_round(db).await;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let bad = AnswerDraft {
            occupations: vec![occupation("vfa", [-2, 0, 0], false, "", false), occupation("astronaut", [2, 0, 0], false, "", false)],
            groups: vec![GroupAnswer { group: "verwaltung".into(), new_positions: 1001, ..Default::default() }],
            courses: vec![course("erste_hilfe", 5000)],
        };
        let err = answers::save_answer(db, round.id, borsdorf, 0, bad, &Actor::user(3), at(NOW)).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["occupations", "occupations", "groups", "courses"], "{e:?}");
        assert!(e.0[0].message.contains("„astronaut“"), "{e:?}");
        assert!(e.0[1].message.contains("Verwaltungsfachangestellte, Beginn 2027"), "{e:?}");
        // A course type the round does not ask about is unknown too.
        let not_asked = AnswerDraft { courses: vec![course("atemschutz", 1)], ..Default::default() };
        assert!(matches!(answers::save_answer(db, round.id, borsdorf, 0, not_asked, &Actor::user(3), at(NOW)).await, Err(DomainError::Validation(_))));
        // After the deadline (end of 31 January in Berlin), nothing changes.
        let good = AnswerDraft { courses: vec![course("erste_hilfe", 2)], ..Default::default() };
        let late = answers::save_answer(db, round.id, borsdorf, 0, good.clone(), &Actor::user(3), at("2027-01-31T23:00:01Z")).await.unwrap_err();
        let DomainError::Validation(e) = late else { panic!("{late:?}") };
        assert_eq!(e.0[0].field, "round");
        assert!(e.0[0].message.contains("seit dem 31.01.2027 geschlossen"), "{e:?}");
        assert_eq!(survey_answer::Entity::find().count(db).await.unwrap(), 0);
        assert!(audit::history(db, AuditEntity::SurveyAnswer, 1).await.unwrap().is_empty());

        // The admin reopens it (audited); then the answer is taken.
        rounds::change_deadline(db, round.id, day(2027, 2, 14), &Actor::user(1), at("2027-02-01T08:00:00Z")).await.unwrap();
        let saved = answers::save_answer(db, round.id, borsdorf, 0, good, &Actor::user(3), at("2027-02-01T09:00:00Z")).await.unwrap();
        assert_eq!(saved.row.version, 1);
        let trail = audit::history(db, AuditEntity::SurveyRound, round.id).await.unwrap();
        assert_eq!(trail.last().unwrap().action, AuditAction::DeadlineChanged);
    }

    async fn answers_are_saved_again_and_again_with_optimistic_locking_and_a_trail_of_counts(t) {
        let db = &t.db;
        let round = open_round(db).await;
        let grosspoesna = municipality_id(db, "grosspoesna").await;
        let first = AnswerDraft { occupations: vec![occupation("vfa", [2, 0, 0], true, "", false)], ..Default::default() };
        let a = answers::save_answer(db, round.id, grosspoesna, 0, first.clone(), &Actor::user(4), at(NOW)).await.unwrap();
        assert_eq!(a.row.version, 1);
        // Same content again: nothing written.
        let same = answers::save_answer(db, round.id, grosspoesna, 1, first, &Actor::user(4), at(NOW)).await.unwrap();
        assert!(!same.changed);
        let second = AnswerDraft { occupations: vec![occupation("vfa", [4, 0, 0], true, "", true)], ..Default::default() };
        let b = answers::save_answer(db, round.id, grosspoesna, 1, second, &Actor::user(5), at(NOW)).await.unwrap();
        assert_eq!(b.row.version, 2);
        // A colleague's form from version 1 is stale now.
        let stale = AnswerDraft { occupations: vec![occupation("vfa", [6, 0, 0], true, "", false)], ..Default::default() };
        let err = answers::save_answer(db, round.id, grosspoesna, 1, stale.clone(), &Actor::user(6), at(NOW)).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { entity: AuditEntity::SurveyAnswer, expected: 1, current: 2 }), "{err:?}");
        assert!(err.to_string().starts_with("Die Antwort zur Bedarfsabfrage wurde inzwischen geändert"), "{err}");
        // So is a second "first" answer.
        assert!(matches!(answers::save_answer(db, round.id, grosspoesna, 0, stale, &Actor::user(6), at(NOW)).await, Err(DomainError::Conflict { .. })));
        let (_, stored) = answers::answer_of(db, round.id, grosspoesna).await.unwrap().unwrap();
        assert_eq!(stored.occupations[0].starts_halves, [4, 0, 0]);
        assert_eq!(survey_answer_occupation::Entity::find().count(db).await.unwrap(), 1);
        let trail = audit::history(db, AuditEntity::SurveyAnswer, a.row.id).await.unwrap();
        assert_eq!(trail.iter().map(|e| e.action).collect::<Vec<_>>(), [AuditAction::Created, AuditAction::Updated]);
        assert_eq!(trail[1].municipality_id, Some(grosspoesna));
        let changed = trail[1].changes["occupations"].to_string();
        assert!(changed.contains("\"starts_halves\":[4,0,0]") && changed.contains("\"offers_lead\":true"), "{changed}");
    }

    async fn a_round_needs_a_new_year_a_coming_deadline_and_known_lists(t) {
        let db = &t.db;
        open_round(db).await;
        let err = rounds::open_round(db, RoundDraft { year: 2027, deadline: day(2026, 1, 1), occupations: vec!["x".into()], course_types: vec![] }, &Actor::user(1), at(NOW)).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        assert_eq!(e.0.iter().map(|f| f.field).collect::<Vec<_>>(), ["year", "deadline", "occupations"]);
        assert_eq!(rounds::list(db).await.unwrap().len(), 1);
    }

    async fn the_comparison_counts_shared_places_whose_postings_were_filled(t) {
        let db = &t.db;
        let before = open_round(db).await;
        answer_all(db, before.id).await;
        let actor = Actor::user(1);
        let p = convert::to_posting(db, before.id, "vfa", 2027, &actor, at(NOW)).await.unwrap();
        let p = transition(db, p.id, p.version, Request::Publish, &actor, at(NOW)).await.unwrap();
        let later = at("2026-12-20T10:00:00Z");
        mark_filled(db, p.id, p.version, day(2026, 12, 18), &actor, later).await.unwrap();
        let draft = RoundDraft { year: 2028, deadline: day(2027, 12, 31), occupations: vec!["vfa".into()], course_types: vec![] };
        let now = rounds::open_round(db, draft, &actor, later).await.unwrap();
        let previous = planning::plan(&planning::load(db, before.id).await.unwrap());
        let Some(Taken::Posting { status, filled_on, .. }) = &previous.places[0].taken else { panic!("{:?}", previous.places[0]) };
        assert_eq!((*status, *filled_on), (PostingStatus::Archived, Some(day(2026, 12, 18))));
        let c = planning::compare(&planning::plan(&planning::load(db, now.id).await.unwrap()), &previous);
        assert_eq!((c.previous_year, c.proposed, c.posted, c.filled, c.published, c.expired), (2027, 1, 1, 1, 0, 0));
    }

    async fn a_taken_reference_a_long_station_list_and_demand_beyond_a_course_still_become_drafts(t) {
        let db = &t.db;
        let round = open_round(db).await;
        let brandis = municipality_id(db, "brandis").await;
        let naunhof = municipality_id(db, "naunhof").await;
        let machern = municipality_id(db, "machern").await;
        let actor = Actor::user(1);
        // A posting of an earlier round (or made by hand) holds the reference already.
        mutations::create_posting(db, brandis, draft("VERBUND-2027-VFA", day(2027, 3, 31)), &actor, at(NOW)).await.unwrap();
        // Naunhof names 83 stations: 496 characters, within the answer's 500, but with
        // „Stationen: “ longer than a partner note may be.
        let stations = vec!["Bäöü"; 83].join(", ");
        assert_eq!(stations.chars().count(), 496);
        let mut three = answers_of_three();
        three[0].1.courses = vec![course("motorsaege", 1000)];
        three[1].1.occupations[0].stations = stations;
        three[1].1.courses = vec![course("motorsaege", 400)];
        for (slug, d) in three {
            let m = municipality_id(db, slug).await;
            answers::save_answer(db, round.id, m, 0, d, &Actor::user(2), at(NOW)).await.unwrap();
        }
        let posting = convert::to_posting(db, round.id, "vfa", 2027, &actor, at(NOW)).await.unwrap();
        assert_eq!((posting.municipality_id, posting.reference_number.as_str()), (brandis, "VERBUND-2027-VFA-2"));
        let note = queries::partners_of(db, posting.id).await.unwrap().into_iter().find(|p| p.municipality_id == naunhof).unwrap().note.unwrap();
        assert_eq!(note.chars().count(), 500);
        assert!(note.starts_with("Stationen: Bäöü, Bäöü") && note.ends_with('…'), "{note}");

        // 1,401 staff need the course; a course has at most 500 seats.
        let c = convert::to_course(db, round.id, "motorsaege", naunhof, day(2027, 3, 15), &actor, at(NOW)).await.unwrap();
        assert_eq!(c.seats, 500);
        assert!(c.description.contains("Gemeldet wurden 1401 Plätze; ein Lehrgang hat höchstens 500 Plätze"), "{}", c.description);
        let mut quotas: Vec<_> = draft_of(db, &c).await.unwrap().quotas.iter().map(|q| (q.municipality_id, q.seats)).collect();
        quotas.sort();
        let mut expected = vec![(brandis, 357), (naunhof, 142), (machern, 1)];
        expected.sort();
        assert_eq!(quotas, expected);
    }

    async fn first_answers_saved_at_the_same_time_end_in_one_answer_and_one_conflict(t) {
        let db = &t.db;
        let round = open_round(db).await;
        let members = municipalities::list(db).await.unwrap();
        let (one, other) = (Actor::user(2), Actor::user(3));
        for m in &members {
            let mine = AnswerDraft { courses: vec![course("motorsaege", 1)], ..Default::default() };
            let theirs = AnswerDraft { courses: vec![course("motorsaege", 2)], ..Default::default() };
            let (a, b) = tokio::join!(
                answers::save_answer(db, round.id, m.id, 0, mine, &one, at(NOW)),
                answers::save_answer(db, round.id, m.id, 0, theirs, &other, at(NOW)),
            );
            let (saved, refused) = match (a, b) {
                (Ok(s), Err(e)) | (Err(e), Ok(s)) => (s, e),
                other => panic!("{}: one save, one conflict expected: {other:?}", m.name),
            };
            assert_eq!(saved.row.version, 1);
            assert!(matches!(refused, DomainError::Conflict { entity: AuditEntity::SurveyAnswer, expected: 0, current: 1 }), "{refused:?}");
        }
        assert_eq!(survey_answer::Entity::find().count(db).await.unwrap(), members.len() as u64);
    }

    async fn a_double_click_on_a_proposal_makes_one_draft_and_refuses_the_second(t) {
        let db = &t.db;
        let round = open_round(db).await;
        answer_all(db, round.id).await;
        let naunhof = municipality_id(db, "naunhof").await;
        let actor = Actor::user(1);
        let (a, b) = tokio::join!(
            convert::to_posting(db, round.id, "vfa", 2027, &actor, at(NOW)),
            convert::to_posting(db, round.id, "vfa", 2027, &actor, at(NOW)),
        );
        assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
        let err = a.err().or(b.err()).unwrap();
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
        let (a, b) = tokio::join!(
            convert::to_course(db, round.id, "motorsaege", naunhof, day(2027, 3, 15), &actor, at(NOW)),
            convert::to_course(db, round.id, "motorsaege", naunhof, day(2027, 3, 15), &actor, at(NOW)),
        );
        assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
        let err = a.err().or(b.err()).unwrap();
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
        let trail = audit::history(db, AuditEntity::SurveyRound, round.id).await.unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == AuditAction::ProposalTaken).count(), 2);
    }
}
