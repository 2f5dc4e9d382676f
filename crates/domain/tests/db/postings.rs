use jobboard_domain::audit::AuditEntity;
use jobboard_domain::entities::{posting, search_outbox};
use jobboard_domain::postings::validation::FieldError;
use jobboard_domain::postings::{
    PartnerDraft, PostingStatus, mutations, publishing, publishing::Request, queries,
};
use jobboard_domain::{Actor, DomainError, audit, berlin};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::fixtures::*;
use jobboard_domain::db_tests;

fn officer() -> Actor {
    Actor::user(7)
}

fn field_errors(e: DomainError) -> Vec<FieldError> {
    match e {
        DomainError::Validation(v) => v.0,
        other => panic!("expected validation errors, got {other:?}"),
    }
}

db_tests! {
    async fn a_new_posting_is_a_draft_with_slug_version_and_expiry(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let p = mutations::create_posting(db, naunhof, draft("NAU-2026-01", day(2026, 12, 15)), &officer(), now).await.unwrap();
        assert_eq!(p.status, PostingStatus::Draft);
        assert_eq!(p.version, 1);
        assert_eq!(p.published_at, None);
        assert_eq!(p.slug, "sachbearbeiter-buergerbuero-m-w-d-naunhof-nau-2026-01");
        assert_eq!(p.expires_at, berlin::end_of_day(day(2026, 12, 15)));
        assert_eq!(p.created_by, "user:7");
        let by_slug = queries::find_by_slug(db, &p.slug).await.unwrap().unwrap();
        assert_eq!(by_slug, p);
        assert_eq!(queries::find_by_id(db, p.id).await.unwrap().unwrap(), p);
    }

    async fn a_reference_number_is_unique_within_a_municipality_only(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        mutations::create_posting(db, naunhof, draft("A-1", day(2026, 12, 15)), &officer(), now).await.unwrap();
        let errors = field_errors(
            mutations::create_posting(db, naunhof, draft("A-1", day(2026, 12, 15)), &officer(), now).await.unwrap_err(),
        );
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "reference_number");
        assert!(errors[0].message.contains("schon vergeben"), "{}", errors[0].message);
        mutations::create_posting(db, brandis, draft("A-1", day(2026, 12, 15)), &officer(), now).await.unwrap();
        assert_eq!(queries::count_all(db).await.unwrap(), 2);
    }

    async fn an_invalid_draft_is_refused_with_every_error_and_nothing_is_written(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let mut d = draft("B-1", day(2026, 12, 15));
        d.title = String::new();
        d.location_postcode = "4683".into();
        d.apply_url = None;
        let errors = field_errors(mutations::create_posting(db, naunhof, d, &officer(), at("2026-11-21T10:00:00Z")).await.unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "location_postcode", "apply_url"]);
        assert_eq!(queries::count_all(db).await.unwrap(), 0);
        assert_eq!(search_outbox::Entity::find().count(db).await.unwrap(), 0);
    }

    async fn the_public_listing_shows_only_published_postings_inside_their_deadline(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let actor = officer();
        let draft_only = mutations::create_posting(db, naunhof, draft("L-1", day(2026, 12, 15)), &actor, now).await.unwrap();
        let online = mutations::create_posting(db, naunhof, draft("L-2", day(2026, 12, 15)), &actor, now).await.unwrap();
        let online = publishing::transition(db, online.id, 1, Request::Publish, &actor, now).await.unwrap();
        let short = mutations::create_posting(db, naunhof, draft("L-3", day(2026, 11, 25)), &actor, now).await.unwrap();
        publishing::transition(db, short.id, 1, Request::Publish, &actor, now).await.unwrap();
        let archived = mutations::create_posting(db, naunhof, draft("L-4", day(2026, 12, 15)), &actor, now).await.unwrap();
        let archived = publishing::transition(db, archived.id, 1, Request::Publish, &actor, now).await.unwrap();
        publishing::transition(db, archived.id, 2, Request::Archive, &actor, now).await.unwrap();
        let scheduled = mutations::create_posting(db, naunhof, draft("L-5", day(2026, 12, 15)), &actor, now).await.unwrap();
        publishing::transition(db, scheduled.id, 1, Request::Schedule(at("2026-12-01T07:00:00Z")), &actor, now).await.unwrap();

        let ids = |rows: Vec<(queries::Posting, _)>| rows.into_iter().map(|(p, _)| p.id).collect::<Vec<_>>();
        let listed = queries::list_published(db, now, 50, 0).await.unwrap();
        assert_eq!(listed[0].1.as_ref().unwrap().name, "Naunhof");
        let mut visible = ids(listed);
        visible.sort_unstable();
        assert_eq!(visible, [online.id, short.id]);
        assert!(!visible.contains(&draft_only.id));
        assert_eq!(queries::count_published(db, now).await.unwrap(), 2);

        // After the short deadline day ends the posting disappears, before any expiry job runs.
        let later = berlin::end_of_day(day(2026, 11, 25));
        assert_eq!(ids(queries::list_published(db, later, 50, 0).await.unwrap()), [online.id]);
        let p = queries::find_by_id(db, short.id).await.unwrap().unwrap();
        assert!(queries::is_publicly_visible(&p, later - chrono::Duration::seconds(1)));
        assert!(!queries::is_publicly_visible(&p, later));
    }

    async fn the_hr_view_lists_own_postings_by_status(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let a = mutations::create_posting(db, naunhof, draft("H-1", day(2026, 12, 15)), &officer(), now).await.unwrap();
        let b = mutations::create_posting(db, naunhof, draft("H-2", day(2026, 12, 15)), &officer(), now).await.unwrap();
        mutations::create_posting(db, brandis, draft("H-3", day(2026, 12, 15)), &officer(), now).await.unwrap();
        publishing::transition(db, b.id, 1, Request::Publish, &officer(), now).await.unwrap();
        let all: Vec<_> = queries::list_for_municipality(db, naunhof, None).await.unwrap().into_iter().map(|p| p.id).collect();
        assert_eq!(all.len(), 2);
        assert!(all.contains(&a.id) && all.contains(&b.id));
        let drafts: Vec<_> = queries::list_for_municipality(db, naunhof, Some(PostingStatus::Draft)).await.unwrap().into_iter().map(|p| p.id).collect();
        assert_eq!(drafts, [a.id]);
    }

    async fn partners_start_unconfirmed_and_keep_their_confirmation_across_edits(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let borsdorf = municipality_id(db, "borsdorf").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = draft("P-1", day(2026, 12, 15));
        d.partners = vec![PartnerDraft { municipality_id: brandis, note: Some("Stationen: Bauamt, Kämmerei".into()) }];
        let p = mutations::create_posting(db, naunhof, d.clone(), &officer(), now).await.unwrap();
        let partners = queries::partners_of(db, p.id).await.unwrap();
        assert_eq!(partners.len(), 1);
        assert!(!partners[0].confirmed);
        assert_eq!(partners[0].note.as_deref(), Some("Stationen: Bauamt, Kämmerei"));

        mutations::set_partner_confirmation(db, p.id, brandis, true, &Actor::user(9), now).await.unwrap();
        let shared = queries::list_shared_with(db, brandis).await.unwrap();
        assert_eq!(shared.len(), 1);
        assert!(shared[0].1.confirmed);
        assert_eq!(shared[0].0.id, p.id);

        d.partners.push(PartnerDraft { municipality_id: borsdorf, note: None });
        mutations::update_posting(db, p.id, 1, d, &officer(), now).await.unwrap();
        let partners = queries::partners_of(db, p.id).await.unwrap();
        assert_eq!(partners.iter().map(|p| (p.municipality_id, p.confirmed)).collect::<Vec<_>>(), {
            let mut v = vec![(brandis, true), (borsdorf, false)];
            v.sort_unstable();
            v
        });
        let actions: Vec<_> = audit::history(db, AuditEntity::Posting, p.id).await.unwrap().into_iter().map(|a| a.action.code()).collect();
        assert_eq!(actions, ["created", "partner_confirmed", "updated"]);
    }

    async fn a_changed_station_note_needs_the_partners_confirmation_again(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = draft("P-2", day(2026, 12, 15));
        d.partners = vec![PartnerDraft { municipality_id: brandis, note: Some("Stationen: Bauamt".into()) }];
        let p = mutations::create_posting(db, naunhof, d.clone(), &officer(), now).await.unwrap();
        mutations::set_partner_confirmation(db, p.id, brandis, true, &Actor::user(9), now).await.unwrap();

        // The same note, normalized the same way: the confirmation stays.
        d.title = "Ausbildung im Verbund (m/w/d)".into();
        let p = mutations::update_posting(db, p.id, 1, d.clone(), &officer(), now).await.unwrap();
        assert!(queries::partners_of(db, p.id).await.unwrap()[0].confirmed);

        d.partners[0].note = Some("Stationen: Bauamt und Kämmerei in Brandis (6 Monate)".into());
        let p = mutations::update_posting(db, p.id, p.version, d, &officer(), now).await.unwrap();
        let partners = queries::partners_of(db, p.id).await.unwrap();
        assert!(!partners[0].confirmed, "the owner changed what the partner's page says");
        assert!(queries::confirmed_partners(db, &[p.id]).await.unwrap().get(&p.id).is_none_or(Vec::is_empty));
    }

    async fn the_owner_and_unknown_municipalities_cannot_be_partners(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = draft("P-2", day(2026, 12, 15));
        d.partners = vec![
            PartnerDraft { municipality_id: naunhof, note: None },
            PartnerDraft { municipality_id: 999_999, note: None },
        ];
        let errors = field_errors(mutations::create_posting(db, naunhof, d, &officer(), now).await.unwrap_err());
        assert_eq!(errors.iter().filter(|e| e.field == "partners").count(), 2, "{errors:?}");
        assert_eq!(queries::count_all(db).await.unwrap(), 0);
    }

    async fn duplicating_makes_a_new_draft_with_a_free_reference_number(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let brandis = municipality_id(db, "brandis").await;
        let now = at("2026-11-21T10:00:00Z");
        let mut d = draft("D-1", day(2026, 12, 15));
        d.partners = vec![PartnerDraft { municipality_id: brandis, note: Some("Bauhof".into()) }];
        let original = mutations::create_posting(db, naunhof, d, &officer(), now).await.unwrap();
        publishing::transition(db, original.id, 1, Request::Publish, &officer(), now).await.unwrap();
        let copy = mutations::duplicate_posting(db, original.id, &officer(), now).await.unwrap();
        let second = mutations::duplicate_posting(db, original.id, &officer(), now).await.unwrap();
        assert_eq!(copy.status, PostingStatus::Draft);
        assert_eq!(copy.reference_number, "D-1-Kopie");
        assert_eq!(second.reference_number, "D-1-Kopie2");
        assert_ne!(copy.slug, original.slug);
        assert_eq!(copy.title, original.title);
        assert_eq!(copy.description, original.description);
        assert_eq!(queries::partners_of(db, copy.id).await.unwrap()[0].note.as_deref(), Some("Bauhof"));
        let trail = audit::history(db, AuditEntity::Posting, copy.id).await.unwrap();
        assert_eq!(trail[0].action.code(), "duplicated");
        assert_eq!(trail[0].changes["duplicated_from"]["to"], original.id);
        let stored = posting::Entity::find_by_id(original.id).one(db).await.unwrap().unwrap();
        assert_eq!(stored.status, PostingStatus::Published);
    }
}
