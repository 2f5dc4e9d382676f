//! Working together: agreements in force only when every party confirmed, cover requests seen
//! only by partners, offers, acceptance, the ledger and the calendar; on both databases.

use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::cover::{
    CoverStatus, DayPart, FeedPurpose, OfferStatus, TaskArea, agreements, feed_tokens, ledger,
    offers, requests, visibility,
};
use jobboard_domain::entities::{agreement, cover_offer, cover_request};
use jobboard_domain::testing::{sample_agreement, sample_cover_request, sample_offer};
use jobboard_domain::{Actor, DomainError};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::fixtures::*;
use jobboard_domain::db_tests;

struct Three {
    borsdorf: i64,
    brandis: i64,
    naunhof: i64,
}

async fn three(db: &DatabaseConnection) -> Three {
    let t = Three {
        borsdorf: municipality_id(db, "borsdorf").await,
        brandis: municipality_id(db, "brandis").await,
        naunhof: municipality_id(db, "naunhof").await,
    };
    for (slug, m) in [
        ("borsdorf", t.borsdorf),
        ("brandis", t.brandis),
        ("naunhof", t.naunhof),
    ] {
        users::create_user(
            db,
            NewUser {
                email: format!("personal@{slug}.de"),
                name: format!("Personal {slug}"),
                role: Role::Officer,
                municipality_id: Some(m),
            },
            &Actor::system("test"),
            at("2026-12-01T08:00:00Z"),
        )
        .await
        .unwrap();
    }
    t
}

/// Borsdorf and Brandis agree on the Meldewesen from 1 January 2027; both confirmed.
async fn in_force(db: &DatabaseConnection, t: &Three) -> jobboard_domain::cover::Agreement {
    let now = at("2026-12-01T09:00:00Z");
    let (a, _) = agreements::create_agreement(
        db,
        t.borsdorf,
        sample_agreement(vec![t.borsdorf, t.brandis], day(2027, 1, 1)),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap();
    agreements::confirm_agreement(db, a.id, a.version, t.brandis, &Actor::user(2), now)
        .await
        .unwrap();
    a
}

db_tests! {
    async fn an_agreement_is_in_force_only_once_every_party_confirmed_and_until_it_is_ended(t) {
        let db = &t.db;
        let m = three(db).await;
        let now = at("2026-12-01T09:00:00Z");
        let (a, notices) = agreements::create_agreement(db, m.borsdorf, sample_agreement(vec![m.borsdorf, m.brandis], day(2027, 1, 1)), &Actor::user(1), now).await.unwrap();
        assert_eq!(notices.iter().map(|n| n.to_email.as_str()).collect::<Vec<_>>(), ["personal@brandis.de"]);
        let (from, until) = (day(2027, 3, 1), day(2027, 3, 12));
        assert!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, from, until).await.unwrap().is_empty(), "not yet confirmed by Brandis");
        // A municipality that is not a party cannot confirm; it does not even see it.
        let err = agreements::confirm_agreement(db, a.id, a.version, m.naunhof, &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        assert!(agreements::find_for(db, a.id, m.naunhof).await.unwrap().is_none());
        let told = agreements::confirm_agreement(db, a.id, a.version, m.brandis, &Actor::user(2), now).await.unwrap();
        assert_eq!(told.len(), 2, "both parties hear it is in force");
        assert_eq!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, from, until).await.unwrap(), [(m.brandis, a.id)]);
        assert!(visibility::partners_for(db, m.borsdorf, TaskArea::Bauhof, from, until).await.unwrap().is_empty(), "another task area");
        assert!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, day(2026, 12, 28), until).await.unwrap().is_empty(), "before it starts");

        // Brandis ends it on 31 March: April is no longer covered.
        let err = agreements::end_agreement(db, a.id, a.version, m.brandis, Some(day(2026, 12, 1)), &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("ended_on").count() == 1), "{err:?}");
        let (ended, told) = agreements::end_agreement(db, a.id, a.version, m.brandis, Some(day(2027, 3, 31)), &Actor::user(2), now).await.unwrap();
        assert_eq!(ended.ended_on, Some(day(2027, 3, 31)));
        assert_eq!(told.iter().map(|n| n.to_email.as_str()).collect::<Vec<_>>(), ["personal@borsdorf.de"]);
        assert!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, day(2027, 3, 29), day(2027, 4, 2)).await.unwrap().is_empty());
        assert_eq!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, from, until).await.unwrap().len(), 1);

        let trail: Vec<AuditAction> = audit::history(db, AuditEntity::Agreement, a.id).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(trail, [AuditAction::Created, AuditAction::Confirmed, AuditAction::Confirmed, AuditAction::Ended]);
    }

    async fn a_new_wording_must_be_confirmed_again_and_bad_agreements_are_refused_with_field_errors(t) {
        let db = &t.db;
        let m = three(db).await;
        let a = in_force(db, &m).await;
        let mut d = agreements::draft_of(db, &a).await.unwrap();
        d.hourly_rate_cents = Some(5000);
        let (a2, notices) = agreements::update_agreement(db, a.id, a.version, d, &Actor::user(1), at("2026-12-02T09:00:00Z")).await.unwrap();
        assert_eq!(a2.version, a.version + 1);
        assert_eq!(notices.len(), 1, "Brandis is asked again");
        let view = agreements::find_for(db, a.id, m.borsdorf).await.unwrap().unwrap();
        assert!(view.has_confirmed(m.borsdorf) && !view.has_confirmed(m.brandis));
        // Brandis confirming the old wording is a conflict, not a confirmation.
        let err = agreements::confirm_agreement(db, a.id, a.version, m.brandis, &Actor::user(2), at("2026-12-02T10:00:00Z")).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { entity: AuditEntity::Agreement, .. }), "{err:?}");

        let before = agreement::Entity::find().count(db).await.unwrap();
        let mut bad = sample_agreement(vec![m.borsdorf], day(2027, 5, 1));
        bad.valid_until = Some(day(2027, 4, 1));
        bad.areas.clear();
        bad.hourly_rate_cents = Some(-1);
        let err = agreements::create_agreement(db, m.borsdorf, bad, &Actor::user(1), at("2026-12-02T09:00:00Z")).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        let fields: Vec<&str> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(fields, ["areas", "parties", "valid_until", "hourly_rate"]);
        assert_eq!(agreement::Entity::find().count(db).await.unwrap(), before, "nothing stored");
    }

    async fn a_cover_request_is_seen_offered_on_and_accepted_only_by_the_parties_it_concerns(t) {
        let db = &t.db;
        let m = three(db).await;
        let a = in_force(db, &m).await;
        let now = at("2027-02-01T09:00:00Z");
        // Naunhof has no agreement: its request is refused with a field error.
        let err = requests::create_request(db, m.naunhof, sample_cover_request(day(2027, 3, 1), day(2027, 3, 5)), &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("task_area").count() == 1), "{err:?}");
        let mut bad = sample_cover_request(day(2027, 3, 5), day(2027, 3, 1));
        bad.minutes_per_day = 11 * 60;
        let err = requests::create_request(db, m.borsdorf, bad, &Actor::user(1), now).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        assert_eq!(e.0.iter().map(|f| f.field).collect::<Vec<_>>(), ["ends_on", "hours"]);
        assert_eq!(cover_request::Entity::find().count(db).await.unwrap(), 0, "nothing stored");

        // Borsdorf asks for 1–12 March (ten working days); only Brandis is told and sees it.
        let (r, notices) = requests::create_request(db, m.borsdorf, sample_cover_request(day(2027, 3, 1), day(2027, 3, 12)), &Actor::user(1), now).await.unwrap();
        assert_eq!(notices.iter().map(|n| n.to_email.as_str()).collect::<Vec<_>>(), ["personal@brandis.de"]);
        assert!(requests::find_visible(db, r.id, m.brandis).await.unwrap().is_some());
        assert!(requests::find_visible(db, r.id, m.naunhof).await.unwrap().is_none());
        assert_eq!(visibility::visible_requests(db, m.brandis).await.unwrap().len(), 1);
        assert!(visibility::visible_requests(db, m.naunhof).await.unwrap().is_empty());
        let err = requests::create_request(db, m.borsdorf, sample_cover_request(day(2027, 3, 10), day(2027, 3, 19)), &Actor::user(1), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("starts_on").count() == 1), "overlap: {err:?}");

        // Naunhof cannot offer; Brandis offers twice (one week each).
        let err = offers::create_offer(db, m.naunhof, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 5), 8), &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        let err = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 5), 9), &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("hours").count() == 1), "{err:?}");
        let (o1, told) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 5), 8), &Actor::user(2), now).await.unwrap();
        assert_eq!(told.iter().map(|n| n.to_email.as_str()).collect::<Vec<_>>(), ["personal@borsdorf.de"]);
        assert_eq!(o1.agreement_id, a.id);
        let (o2, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 8), day(2027, 3, 12), 6), &Actor::user(2), now).await.unwrap();

        // Brandis (not the requester) cannot accept; Borsdorf accepts the first week only.
        let err = offers::accept_offers(db, r.id, r.version, m.brandis, &[o1.id], &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        let told = offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o1.id], &Actor::user(1), now).await.unwrap();
        let subjects: Vec<&str> = told.iter().map(|n| n.subject.as_str()).collect();
        assert_eq!(subjects, ["Vertretung bestätigt", "Vertretung nicht benötigt"]);
        let status = |id| async move { cover_offer::Entity::find_by_id(id).one(db).await.unwrap().unwrap().status };
        assert_eq!(status(o1.id).await, OfferStatus::Accepted);
        assert_eq!(status(o2.id).await, OfferStatus::Declined);
        let r2 = cover_request::Entity::find_by_id(r.id).one(db).await.unwrap().unwrap();
        assert_eq!(r2.status, CoverStatus::Covered);

        // 5 days × 8 h = 40 h at 42,50 € = 1.700 €, in March, Brandis for Borsdorf.
        let rows = ledger::ledger(db, &a).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].month.as_str(), rows[0].provider, rows[0].receiver, rows[0].minutes, rows[0].amount_cents), ("2027-03", m.brandis, m.borsdorf, 2400, Some(170_000)));
        let events = ledger::calendar_events(db, m.brandis).await.unwrap();
        assert_eq!(events.len(), 5);
        assert_eq!(events[0].starts_at, at("2027-03-01T07:00:00Z"), "08:00 in Berlin");
        assert_eq!(events[0].ends_at, at("2027-03-01T15:00:00Z"));
        assert_eq!(ledger::calendar_events(db, m.borsdorf).await.unwrap().len(), 5);
        assert!(ledger::calendar_events(db, m.naunhof).await.unwrap().is_empty());

        // Brandis cancels: the request is open again and off the ledger.
        let err = offers::cancel_offer(db, o1.id, o1.version + 1, m.brandis, " ", &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("reason").count() == 1), "{err:?}");
        let err = offers::cancel_offer(db, o1.id, o1.version + 1, m.naunhof, "Personalengpass", &Actor::user(3), now).await.unwrap_err();
        assert!(matches!(err, DomainError::NotFound), "{err:?}");
        let told = offers::cancel_offer(db, o1.id, o1.version + 1, m.brandis, "Personalengpass", &Actor::user(2), now).await.unwrap();
        assert_eq!(told.iter().map(|n| n.to_email.as_str()).collect::<Vec<_>>(), ["personal@borsdorf.de"]);
        assert_eq!(cover_request::Entity::find_by_id(r.id).one(db).await.unwrap().unwrap().status, CoverStatus::Open);
        assert!(ledger::ledger(db, &a).await.unwrap().is_empty());
        let trail: Vec<AuditAction> = audit::history(db, AuditEntity::CoverOffer, o1.id).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(trail, [AuditAction::Created, AuditAction::Accepted, AuditAction::Withdrawn]);
    }

    async fn accepted_offers_may_not_give_a_day_more_hours_than_were_asked_for(t) {
        let db = &t.db;
        let m = three(db).await;
        in_force(db, &m).await;
        let now = at("2027-02-01T09:00:00Z");
        let (r, _) = requests::create_request(db, m.borsdorf, sample_cover_request(day(2027, 3, 1), day(2027, 3, 5)), &Actor::user(1), now).await.unwrap();
        let (o1, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 3), 8), &Actor::user(2), now).await.unwrap();
        let err = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 3), day(2027, 3, 5), 8), &Actor::user(2), now).await.unwrap_err();
        assert!(matches!(&err, DomainError::Validation(e) if e.for_field("starts_on").count() == 1), "own offers overlap: {err:?}");
        let (o2, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 4), day(2027, 3, 5), 8), &Actor::user(2), now).await.unwrap();
        let both = offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o1.id, o2.id], &Actor::user(1), now).await.unwrap();
        assert_eq!(both.len(), 2);
        let err = offers::accept_offers(db, r.id, r.version, m.borsdorf, &[], &Actor::user(1), now).await.unwrap_err();
        assert!(matches!(err, DomainError::Conflict { .. }), "stale version: {err:?}");
        let told = requests::cancel_request(db, r.id, r.version + 1, m.borsdorf, "Urlaub verschoben", &Actor::user(1), now).await.unwrap();
        assert_eq!(told.len(), 1, "Brandis once");
        assert!(cover_offer::Entity::find().all(db).await.unwrap().iter().all(|o| o.status == OfferStatus::Cancelled));
    }

    async fn offers_are_accepted_only_while_their_agreement_is_in_force_over_their_days(t) {
        let db = &t.db;
        let m = three(db).await;
        let a = in_force(db, &m).await;
        let now = at("2027-02-01T09:00:00Z");
        let (r, _) = requests::create_request(db, m.borsdorf, sample_cover_request(day(2027, 3, 1), day(2027, 3, 12)), &Actor::user(1), now).await.unwrap();
        let (o1, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 5), 8), &Actor::user(2), now).await.unwrap();
        let (o2, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 8), day(2027, 3, 12), 8), &Actor::user(2), now).await.unwrap();
        let offers_refused = |err: &DomainError, n: usize| matches!(err, DomainError::Validation(e) if e.for_field("offers").count() == n && e.0.len() == n);
        let untouched = || async move {
            let all = cover_offer::Entity::find().all(db).await.unwrap();
            assert!(all.iter().all(|o| o.status == OfferStatus::Offered && o.version == 1), "{all:?}");
            assert_eq!(cover_request::Entity::find_by_id(r.id).one(db).await.unwrap().unwrap().status, CoverStatus::Open);
            assert_eq!(audit::history(db, AuditEntity::CoverOffer, o1.id).await.unwrap().len(), 1, "only created");
        };

        // A new wording clears Brandis's confirmation: nothing is accepted until it confirms again.
        let mut d = agreements::draft_of(db, &a).await.unwrap();
        d.hourly_rate_cents = Some(5000);
        let (a2, _) = agreements::update_agreement(db, a.id, a.version, d, &Actor::user(1), now).await.unwrap();
        let err = offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o1.id], &Actor::user(1), now).await.unwrap_err();
        assert!(offers_refused(&err, 1), "{err:?}");
        untouched().await;
        agreements::confirm_agreement(db, a.id, a2.version, m.brandis, &Actor::user(2), now).await.unwrap();

        // Brandis ends it on Friday 5 March: the second week can no longer be accepted.
        agreements::end_agreement(db, a.id, a2.version, m.brandis, Some(day(2027, 3, 5)), &Actor::user(2), now).await.unwrap();
        let err = offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o1.id, o2.id], &Actor::user(1), now).await.unwrap_err();
        assert!(offers_refused(&err, 1), "only the second week: {err:?}");
        untouched().await;
        offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o1.id], &Actor::user(1), now).await.unwrap();
        let status = |id| async move { cover_offer::Entity::find_by_id(id).one(db).await.unwrap().unwrap().status };
        assert_eq!(status(o1.id).await, OfferStatus::Accepted);
        assert_eq!(status(o2.id).await, OfferStatus::Declined);
    }

    async fn days_after_an_agreement_ended_drop_out_of_the_ledger_and_the_calendars(t) {
        let db = &t.db;
        let m = three(db).await;
        let a = in_force(db, &m).await;
        let now = at("2027-02-01T09:00:00Z");
        let (r, _) = requests::create_request(db, m.borsdorf, sample_cover_request(day(2027, 3, 1), day(2027, 3, 12)), &Actor::user(1), now).await.unwrap();
        let (o, _) = offers::create_offer(db, m.brandis, sample_offer(r.id, day(2027, 3, 1), day(2027, 3, 12), 8), &Actor::user(2), now).await.unwrap();
        offers::accept_offers(db, r.id, r.version, m.borsdorf, &[o.id], &Actor::user(1), now).await.unwrap();
        assert_eq!(ledger::ledger(db, &a).await.unwrap()[0].minutes, 10 * 480);
        assert_eq!(ledger::calendar_events(db, m.brandis).await.unwrap().len(), 10);

        // Borsdorf ends it on Wednesday 3 March: three days remain, 24 h × 42,50 € = 1.020 €.
        let (ended, _) = agreements::end_agreement(db, a.id, a.version, m.borsdorf, Some(day(2027, 3, 3)), &Actor::user(1), now).await.unwrap();
        let rows = ledger::ledger(db, &ended).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].minutes, rows[0].amount_cents), (3 * 480, Some(102_000)));
        for who in [m.brandis, m.borsdorf] {
            let days: Vec<_> = ledger::calendar_events(db, who).await.unwrap().into_iter().map(|e| e.day).collect();
            assert_eq!(days, [day(2027, 3, 1), day(2027, 3, 2), day(2027, 3, 3)]);
        }
    }

    async fn the_admin_records_an_agreement_between_two_members_and_every_party_must_confirm_it(t) {
        let db = &t.db;
        let m = three(db).await;
        let now = at("2026-12-01T09:00:00Z");
        let err = agreements::create_agreement_for_parties(db, sample_agreement(vec![m.brandis], day(2027, 1, 1)), &Actor::user(9), now).await.unwrap_err();
        let DomainError::Validation(e) = err else { panic!("{err:?}") };
        assert_eq!(e.for_field("parties").collect::<Vec<_>>(), ["Eine Vereinbarung braucht mindestens zwei beteiligte Kommunen."]);
        assert_eq!(agreement::Entity::find().count(db).await.unwrap(), 0, "nothing stored");

        let (a, notices) = agreements::create_agreement_for_parties(db, sample_agreement(vec![m.brandis, m.borsdorf], day(2027, 1, 1)), &Actor::user(9), now).await.unwrap();
        let mut told: Vec<&str> = notices.iter().map(|n| n.to_email.as_str()).collect();
        told.sort_unstable();
        assert_eq!(told, ["personal@borsdorf.de", "personal@brandis.de"], "every party is asked");
        let view = agreements::find_any(db, a.id).await.unwrap().unwrap();
        assert_eq!(view.confirmed_count(), 0, "nobody confirmed by the admin recording it");
        assert_eq!(agreements::list_all(db).await.unwrap().len(), 1);
        let (from, until) = (day(2027, 3, 1), day(2027, 3, 12));
        agreements::confirm_agreement(db, a.id, a.version, m.brandis, &Actor::user(2), now).await.unwrap();
        assert!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, from, until).await.unwrap().is_empty(), "Borsdorf has not confirmed");
        agreements::confirm_agreement(db, a.id, a.version, m.borsdorf, &Actor::user(1), now).await.unwrap();
        assert_eq!(visibility::partners_for(db, m.borsdorf, TaskArea::Meldewesen, from, until).await.unwrap(), [(m.brandis, a.id)]);
        let trail: Vec<AuditAction> = audit::history(db, AuditEntity::Agreement, a.id).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(trail, [AuditAction::Created, AuditAction::Confirmed, AuditAction::Confirmed]);
    }

    async fn a_morning_and_an_afternoon_request_of_the_same_days_do_not_clash(t) {
        let db = &t.db;
        let m = three(db).await;
        in_force(db, &m).await;
        let now = at("2027-02-01T09:00:00Z");
        let half = |part, from, until| {
            let mut d = sample_cover_request(from, until);
            d.day_part = part;
            d.minutes_per_day = 4 * 60;
            d
        };
        requests::create_request(db, m.borsdorf, half(DayPart::Morning, day(2027, 3, 1), day(2027, 3, 5)), &Actor::user(1), now).await.unwrap();
        requests::create_request(db, m.borsdorf, half(DayPart::Afternoon, day(2027, 3, 1), day(2027, 3, 5)), &Actor::user(1), now).await.unwrap();
        for part in [DayPart::Morning, DayPart::Afternoon, DayPart::Full] {
            let err = requests::create_request(db, m.borsdorf, half(part, day(2027, 3, 3), day(2027, 3, 4)), &Actor::user(1), now).await.unwrap_err();
            assert!(matches!(&err, DomainError::Validation(e) if e.for_field("starts_on").count() == 1), "{part:?}: {err:?}");
        }
        assert_eq!(cover_request::Entity::find().count(db).await.unwrap(), 2);
    }

    async fn a_feed_token_reads_only_its_own_municipality_and_purpose_and_rotation_revokes_it(t) {
        let db = &t.db;
        let m = three(db).await;
        let now = at("2027-02-01T09:00:00Z");
        let first = feed_tokens::rotate(db, m.borsdorf, FeedPurpose::Calendar, &Actor::user(1), now).await.unwrap();
        let naunhof = feed_tokens::rotate(db, m.naunhof, FeedPurpose::Calendar, &Actor::user(3), now).await.unwrap();
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Calendar, &first).await.unwrap(), Some(m.borsdorf));
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Calendar, &naunhof).await.unwrap(), Some(m.naunhof));
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Internal, &first).await.unwrap(), None, "another purpose");
        let second = feed_tokens::rotate(db, m.borsdorf, FeedPurpose::Calendar, &Actor::user(1), now).await.unwrap();
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Calendar, &first).await.unwrap(), None, "rotated away");
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Calendar, &second).await.unwrap(), Some(m.borsdorf));
        assert!(feed_tokens::revoke(db, m.borsdorf, FeedPurpose::Calendar, &Actor::user(1), now).await.unwrap());
        assert_eq!(feed_tokens::authenticate(db, FeedPurpose::Calendar, &second).await.unwrap(), None);
        assert_eq!(audit::history(db, AuditEntity::FeedToken, 1).await.unwrap().len(), 2, "created and revoked");
    }
}
