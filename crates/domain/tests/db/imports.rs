//! The import upsert: by (source, guid), unchanged items write nothing, vanished ones are
//! archived, bad items are skipped and reported.

use chrono::Duration;
use jobboard_domain::entities::{audit_entry, import_source, search_outbox};
use jobboard_domain::imports::sources::{self, RemoveOutcome, RunOutcome};
use jobboard_domain::imports::{
    ApplyOptions, Harvest, HarvestedItem, Held, ImportFormat, ImportReport, ImportSource,
    NewSource, apply::LEASE_LOST, apply_harvest, is_imported,
};
use jobboard_domain::municipalities::{self, NewMunicipality};
use jobboard_domain::postings::{PostingStatus, queries};
use jobboard_domain::{Actor, db_tests};
use jobboard_domain::{DomainError, entities::posting};
use sea_orm::{
    DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, prelude::*,
};

use super::fixtures::{at, day, municipality_id};

const NOW: &str = "2026-11-21T09:00:00Z";

fn item(guid: &str, title: &str) -> HarvestedItem {
    HarvestedItem {
        guid: guid.into(),
        title: title.into(),
        url: Some(format!("https://www.brandis.de/stellen/{guid}")),
        description: format!("Die Stadt Brandis sucht: {title}."),
        deadline: Some(day(2026, 12, 31)),
        ..Default::default()
    }
}

async fn source(db: &DatabaseConnection) -> ImportSource {
    let new = NewSource {
        municipality_id: municipality_id(db, "brandis").await,
        url: "https://www.brandis.de/stellen.rss".into(),
        format: ImportFormat::Auto,
    };
    sources::add(db, new, at(NOW)).await.unwrap()
}

async fn run(
    db: &DatabaseConnection,
    s: &ImportSource,
    items: Vec<HarvestedItem>,
    now: &str,
) -> ImportReport {
    apply_harvest(
        db,
        s,
        Harvest {
            items,
            failed: vec![],
        },
        ApplyOptions::default(),
        at(now),
        None,
        |_, _| {},
    )
    .await
    .unwrap()
}

async fn writes(db: &DatabaseConnection) -> (u64, u64, i64) {
    let versions: i64 = posting::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|p| i64::from(p.version))
        .sum();
    (
        audit_entry::Entity::find().count(db).await.unwrap(),
        search_outbox::Entity::find().count(db).await.unwrap(),
        versions,
    )
}

async fn by_guid(db: &DatabaseConnection, s: &ImportSource, guid: &str) -> posting::Model {
    posting::Entity::find()
        .filter(posting::Column::SourceId.eq(s.id))
        .filter(posting::Column::ExternalGuid.eq(guid))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

db_tests! {
    async fn every_import_format_is_stored_as_its_code_and_read_back(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        for (i, format) in ImportFormat::ALL.iter().enumerate() {
            let new = NewSource { municipality_id: brandis, url: format!("https://www.brandis.de/{i}.rss"), format: *format };
            let s = sources::add(db, new, at(NOW)).await.unwrap();
            assert_eq!(sources::find(db, s.id).await.unwrap().unwrap().format, *format);
            let stored: Option<String> = import_source::Entity::find_by_id(s.id).select_only().column(import_source::Column::Format).into_tuple().one(db).await.unwrap();
            assert_eq!(stored.as_deref(), Some(format.code()));
        }
    }

    async fn an_import_for_a_municipality_added_at_run_time_gets_its_own_postcode_and_place(t) {
        let db = &t.db;
        let new = NewMunicipality { name: "Stadt Trebsen/Mulde".into(), slug: "trebsen".into(), website: "https://www.trebsen.de".into(), contact_email: "info@trebsen.de".into(), latitude: 51.29, longitude: 12.75, postcode: "04687".into(), place: "Trebsen/Mulde".into() };
        let m = municipalities::create(db, new, &Actor::system("test"), at(NOW)).await.unwrap();
        let new = NewSource { municipality_id: m.id, url: "https://www.trebsen.de/stellen.rss".into(), format: ImportFormat::Auto };
        let s = sources::add(db, new, at(NOW)).await.unwrap();
        let report = run(db, &s, vec![item("a", "Sachbearbeiter Bauamt")], NOW).await;
        assert_eq!(report.new, 1, "{report:?}");
        let a = by_guid(db, &s, "a").await;
        assert_eq!((a.location_postcode.as_str(), a.location_place.as_str()), ("04687", "Trebsen/Mulde"));
    }

    async fn an_item_whose_address_could_inject_into_a_mailto_link_loses_the_address_not_the_posting(t) {
        let s = source(&t.db).await;
        let mut bad = item("g-mail", "Erzieher (m/w/d)");
        bad.apply_email = Some("bewerbung%40naunhof.de?bcc=spy%40evil.example&x@naunhof.de".into());
        bad.contact_email = Some("kita@brandis.de".into());
        let report = run(&t.db, &s, vec![bad], NOW).await;
        assert_eq!((report.new, report.failed.len()), (1, 0), "{report:?}");
        assert_eq!(report.skipped_fields.len(), 1, "{report:?}");
        assert!(report.skipped_fields[0].reason.contains("Bewerbungsadresse"), "{report:?}");
        let stored = by_guid(&t.db, &s, "g-mail").await;
        assert_eq!(stored.apply_email, None);
        assert_eq!(stored.contact_email.as_deref(), Some("kita@brandis.de"));
        assert_eq!(stored.apply_url.as_deref(), Some("https://www.brandis.de/stellen/g-mail"));
    }

    async fn new_items_become_published_postings_of_the_source_municipality(t) {
        let db = &t.db;
        let s = source(db).await;
        let report = run(db, &s, vec![item("a", "Erzieherin (m/w/d) Kita"), item("b", "Ausbildung Verwaltungsfachangestellte")], NOW).await;
        assert_eq!((report.new, report.updated, report.archived), (2, 0, 0), "{report:?}");
        let a = by_guid(db, &s, "a").await;
        assert_eq!(a.status, PostingStatus::Published);
        assert_eq!(a.municipality_id, s.municipality_id);
        assert_eq!(a.created_by, format!("import:{}", s.id));
        assert_eq!(a.location_postcode, "04821", "Brandis postcode as default place");
        assert_eq!(a.category, jobboard_domain::postings::Category::KitaErziehung);
        assert!(is_imported(&a));
        let b = by_guid(db, &s, "b").await;
        assert_eq!(b.kind, jobboard_domain::postings::PostingKind::Apprenticeship);
        let audit = audit_entry::Entity::find().filter(audit_entry::Column::EntityId.eq(a.id)).all(db).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action.code(), "imported");
        assert_eq!(audit[0].actor, format!("import:{}", s.id));
    }

    async fn re_importing_an_unchanged_harvest_writes_nothing(t) {
        let db = &t.db;
        let s = source(db).await;
        let items = vec![item("a", "Sachbearbeiter Bauamt"), item("b", "Hausmeister Schule")];
        run(db, &s, items.clone(), NOW).await;
        let before = writes(db).await;
        let report = run(db, &s, items, "2026-11-22T09:00:00Z").await;
        assert_eq!((report.new, report.updated, report.unchanged), (0, 0, 2), "{report:?}");
        assert_eq!(writes(db).await, before, "no audit entry, no outbox row, no version bump");
        assert_eq!(queries::count_all(db).await.unwrap(), 2, "never a duplicate");
    }

    async fn an_imported_posting_an_officer_made_internal_stays_internal_after_the_next_harvest(t) {
        let db = &t.db;
        let s = source(db).await;
        let items = vec![item("a", "Sachbearbeiter Bauamt")];
        run(db, &s, items.clone(), NOW).await;
        // An officer offers it to the members' staff first, public from 10 December.
        let p = by_guid(db, &s, "a").await;
        let mut d = jobboard_domain::postings::PostingDraft::from_model(&p, Vec::new());
        d.internal = true;
        d.public_from = Some(day(2026, 12, 10));
        jobboard_domain::postings::mutations::update_posting(db, p.id, p.version, d, &Actor::user(1), at(NOW)).await.unwrap();
        let before = writes(db).await;
        // The unchanged item comes again: nothing is written, the audience stays.
        let report = run(db, &s, items, "2026-11-22T09:00:00Z").await;
        assert_eq!((report.updated, report.unchanged), (0, 1), "{report:?}");
        assert_eq!(writes(db).await, before, "no audit entry, no outbox row, no version bump");
        let a = by_guid(db, &s, "a").await;
        assert!(a.internal, "still internal");
        assert_eq!(a.public_from, Some(day(2026, 12, 10)));
        assert!(!queries::is_publicly_visible(&a, at("2026-11-22T09:00:00Z")));
        // A changed item updates the text, not the audience.
        let mut changed = item("a", "Sachbearbeiter Bauamt");
        changed.description = "Neue Beschreibung.".into();
        let report = run(db, &s, vec![changed], "2026-11-23T09:00:00Z").await;
        assert_eq!(report.updated, 1, "{report:?}");
        let a = by_guid(db, &s, "a").await;
        assert_eq!(a.description, "Neue Beschreibung.");
        assert!(a.internal, "still internal after an update");
        assert_eq!(a.public_from, Some(day(2026, 12, 10)));
    }

    async fn partners_an_officer_added_to_an_imported_posting_stay_through_later_harvests(t) {
        let db = &t.db;
        let s = source(db).await;
        run(db, &s, vec![item("a", "Ausbildung Verwaltung")], NOW).await;
        // The owner's officer shares it with Naunhof (Ausbildung im Verbund), with a note.
        let p = by_guid(db, &s, "a").await;
        let partner = municipality_id(db, "naunhof").await;
        let mut d = jobboard_domain::postings::PostingDraft::from_model(&p, Vec::new());
        d.partners = vec![jobboard_domain::postings::PartnerDraft { municipality_id: partner, note: Some("Bürgerbüro".into()) }];
        jobboard_domain::postings::mutations::update_posting(db, p.id, p.version, d, &Actor::user(1), at(NOW)).await.unwrap();
        let partners = |id| async move { queries::partners_of(db, id).await.unwrap().into_iter().map(|x| (x.municipality_id, x.note)).collect::<Vec<_>>() };
        assert_eq!(partners(p.id).await, [(partner, Some("Bürgerbüro".to_owned()))]);
        // The unchanged item: nothing written, the partner stays.
        let report = run(db, &s, vec![item("a", "Ausbildung Verwaltung")], "2026-11-22T09:00:00Z").await;
        assert_eq!((report.updated, report.unchanged), (0, 1), "{report:?}");
        // A changed item updates its text and keeps the partner and its note.
        let mut changed = item("a", "Ausbildung Verwaltung");
        changed.description = "Neue Beschreibung.".into();
        let report = run(db, &s, vec![changed], "2026-11-23T09:00:00Z").await;
        assert_eq!(report.updated, 1, "{report:?}");
        let a = by_guid(db, &s, "a").await;
        assert_eq!(a.description, "Neue Beschreibung.");
        assert_eq!(partners(a.id).await, [(partner, Some("Bürgerbüro".to_owned()))], "the officer's partner survives the harvest");
    }

    async fn an_item_without_deadline_keeps_the_deadline_it_got_first(t) {
        let db = &t.db;
        let s = source(db).await;
        let mut i = item("a", "Sachbearbeiter Bauamt");
        i.deadline = None;
        run(db, &s, vec![i.clone()], NOW).await;
        assert_eq!(by_guid(db, &s, "a").await.application_deadline, day(2026, 12, 21), "30 days default");
        let report = run(db, &s, vec![i], "2026-11-25T09:00:00Z").await;
        assert_eq!(report.unchanged, 1, "{report:?}");
        assert_eq!(by_guid(db, &s, "a").await.application_deadline, day(2026, 12, 21));
    }

    async fn a_changed_item_updates_its_posting_once(t) {
        let db = &t.db;
        let s = source(db).await;
        run(db, &s, vec![item("a", "Sachbearbeiter Bauamt")], NOW).await;
        let (audit, outbox, _) = writes(db).await;
        let mut changed = item("a", "Sachbearbeiter Bauamt");
        changed.description = "Neue Beschreibung.".into();
        let report = run(db, &s, vec![changed], NOW).await;
        assert_eq!((report.new, report.updated), (0, 1), "{report:?}");
        let a = by_guid(db, &s, "a").await;
        assert_eq!(a.description, "Neue Beschreibung.");
        assert_eq!(a.version, 2);
        assert_eq!(writes(db).await.0, audit + 1);
        assert_eq!(writes(db).await.1, outbox + 1);
    }

    async fn vanished_items_are_archived_and_come_back_when_they_reappear(t) {
        let db = &t.db;
        let s = source(db).await;
        run(db, &s, vec![item("a", "Sachbearbeiter Bauamt"), item("b", "Hausmeister")], NOW).await;
        let report = run(db, &s, vec![item("a", "Sachbearbeiter Bauamt")], NOW).await;
        assert_eq!((report.unchanged, report.archived), (1, 1), "{report:?}");
        assert_eq!(by_guid(db, &s, "b").await.status, PostingStatus::Archived);
        let again = run(db, &s, vec![item("a", "Sachbearbeiter Bauamt")], NOW).await;
        assert_eq!(again.archived, 0, "archived once only");
        let back = run(db, &s, vec![item("a", "Sachbearbeiter Bauamt"), item("b", "Hausmeister")], NOW).await;
        assert_eq!(back.updated, 1, "{back:?}");
        assert_eq!(by_guid(db, &s, "b").await.status, PostingStatus::Published);
    }

    async fn a_bad_item_is_skipped_and_reported_the_rest_imported(t) {
        let db = &t.db;
        let s = source(db).await;
        let mut bad = item("bad", "Ohne Beschreibung");
        bad.description = String::new();
        let mut past = item("old", "Abgelaufen");
        past.deadline = Some(day(2026, 1, 31));
        let report = run(db, &s, vec![item("a", "Gut"), bad, item("a", "Doppelt"), past, item("c", "Auch gut")], NOW).await;
        assert_eq!(report.new, 2, "{report:?}");
        let failed: Vec<&str> = report.failed.iter().map(|f| f.item.as_str()).collect();
        assert_eq!(failed, ["bad", "a", "old"]);
        assert!(report.failed[0].reason.contains("Bitte beschreiben Sie die Stelle"), "{}", report.failed[0]);
        assert!(report.failed[2].reason.contains("Bewerbungsfrist"), "{}", report.failed[2]);
        assert_eq!(queries::count_all(db).await.unwrap(), 2);
        assert_eq!(audit_entry::Entity::find().count(db).await.unwrap(), 2, "nothing of the bad items");
    }

    async fn a_broken_item_does_not_archive_its_posting(t) {
        let db = &t.db;
        let s = source(db).await;
        run(db, &s, vec![item("a", "Sachbearbeiter")], NOW).await;
        let failure = jobboard_domain::imports::ItemFailure { item: "a".into(), reason: "kaputt".into() };
        let report = apply_harvest(db, &s, Harvest { items: vec![], failed: vec![failure] }, ApplyOptions::default(), at(NOW), None, |_, _| {}).await.unwrap();
        assert_eq!(report.archived, 0);
        assert_eq!(by_guid(db, &s, "a").await.status, PostingStatus::Published);
    }

    async fn sources_are_validated_claimed_once_and_record_their_runs(t) {
        let db = &t.db;
        let brandis = municipality_id(db, "brandis").await;
        let bad = sources::add(db, NewSource { municipality_id: brandis, url: "ftp://x".into(), format: ImportFormat::Rss }, at(NOW)).await;
        assert!(matches!(bad, Err(DomainError::Validation(_))));
        let s = source(db).await;
        let dup = sources::add(db, NewSource { municipality_id: brandis, url: s.url.clone(), format: ImportFormat::Rss }, at(NOW)).await;
        assert!(matches!(dup, Err(DomainError::Validation(_))), "same URL twice");

        let now = at(NOW);
        assert_eq!(sources::due(db, Duration::minutes(30), now).await.unwrap().len(), 1);
        let lease = sources::claim(db, s.id, Duration::minutes(5), now).await.unwrap().unwrap();
        assert!(sources::claim(db, s.id, Duration::minutes(5), now).await.unwrap().is_none(), "held by the first");
        let outcome = RunOutcome { new: 3, failed: 1, failing_item: Some("x: kaputt".into()), validators: Some((Some("\"v1\"".into()), None)), ..Default::default() };
        assert!(sources::finish_run(db, &lease, outcome, now).await.unwrap());
        let s = sources::find(db, s.id).await.unwrap().unwrap();
        assert_eq!((s.last_new, s.last_failed), (3, 1));
        assert_eq!(s.etag.as_deref(), Some("\"v1\""));
        assert_eq!(s.last_success_at, Some(now));
        assert!(s.claimed_until.is_none());
        assert!(sources::due(db, Duration::minutes(30), now + Duration::minutes(10)).await.unwrap().is_empty());
        assert_eq!(sources::due(db, Duration::minutes(30), now + Duration::minutes(31)).await.unwrap().len(), 1);
        assert!(sources::claim(db, s.id, Duration::minutes(5), now + Duration::minutes(31)).await.unwrap().is_some());
    }

    async fn a_lease_is_renewed_only_by_its_holder_and_a_run_taken_over_writes_nothing(t) {
        let db = &t.db;
        let s = source(db).await;
        let t0 = at(NOW);
        let five = Duration::minutes(5);
        let mut first = sources::claim(db, s.id, five, t0).await.unwrap().unwrap();
        assert!(sources::renew(db, &mut first, five, t0 + Duration::minutes(4)).await.unwrap());
        assert_eq!(first.until, t0 + Duration::minutes(9), "renewed from the time of renewal");
        assert!(sources::claim(db, s.id, five, t0 + Duration::minutes(8)).await.unwrap().is_none(), "the renewal holds");

        // The holder falls silent past its lease; another run takes the source.
        let second = sources::claim(db, s.id, five, t0 + Duration::minutes(10)).await.unwrap().unwrap();
        let mut stale = first;
        assert!(!sources::renew(db, &mut stale, five, t0 + Duration::minutes(10)).await.unwrap(), "ran out");
        let mut early = first;
        assert!(!sources::renew(db, &mut early, five, t0 + Duration::minutes(8)).await.unwrap(), "taken over, whatever its clock says");
        assert_eq!(early, first, "a failed renewal changes nothing");
        let outcome = RunOutcome { new: 7, ..RunOutcome::default() };
        assert!(!sources::finish_run(db, &first, outcome.clone(), t0 + Duration::minutes(11)).await.unwrap());
        let row = sources::find(db, s.id).await.unwrap().unwrap();
        assert_eq!((row.claimed_until, row.last_new), (Some(second.until), 0), "the new holder's lease and status stay");
        assert!(sources::finish_run(db, &second, outcome, t0 + Duration::minutes(12)).await.unwrap());
        let row = sources::find(db, s.id).await.unwrap().unwrap();
        assert_eq!((row.claimed_until, row.last_new), (None, 7));
    }

    async fn saving_renews_the_lease_in_each_batch_and_stops_once_another_run_holds_the_source(t) {
        let db = &t.db;
        let s = source(db).await;
        let t0 = at(NOW);
        let five = Duration::minutes(5);
        let items = || Harvest { items: vec![item("a", "Sachbearbeiter"), item("b", "Kämmerer")], failed: vec![] };
        let one_per_batch = ApplyOptions { batch_size: 1, ..ApplyOptions::default() };

        let mut first = sources::claim(db, s.id, five, t0).await.unwrap().unwrap();
        let _second = sources::claim(db, s.id, five, t0 + Duration::minutes(6)).await.unwrap().unwrap();
        let held = Held { lease: &mut first, length: five, since: std::time::Instant::now() };
        let r = apply_harvest(db, &s, items(), one_per_batch, t0 + Duration::minutes(1), Some(held), |_, _| {}).await;
        assert!(matches!(r, Err(DomainError::Refused(ref why)) if why == LEASE_LOST), "{r:?}");
        assert_eq!(writes(db).await, (0, 0, 0), "not one batch written");

        let mut third = sources::claim(db, s.id, five, t0 + Duration::minutes(20)).await.unwrap().unwrap();
        let taken = third;
        let held = Held { lease: &mut third, length: five, since: std::time::Instant::now() };
        let report = apply_harvest(db, &s, items(), one_per_batch, t0 + Duration::minutes(22), Some(held), |_, _| {}).await.unwrap();
        assert_eq!(report.new, 2);
        assert!(third.until >= taken.until + Duration::minutes(2), "renewed from the time of saving: {third:?}");
        assert_eq!(sources::find(db, s.id).await.unwrap().unwrap().claimed_until, Some(third.until));
    }

    async fn a_lease_taken_at_any_instant_compares_equal_to_the_stored_one(t) {
        let db = &t.db;
        let s = source(db).await;
        // Nanoseconds PostgreSQL does not keep.
        let now = at(NOW) + Duration::nanoseconds(123_456_789);
        let mut lease = sources::claim(db, s.id, Duration::seconds(90), now).await.unwrap().unwrap();
        assert_eq!(sources::find(db, s.id).await.unwrap().unwrap().claimed_until, Some(lease.until));
        assert!(sources::renew(db, &mut lease, Duration::seconds(90), now + Duration::nanoseconds(999)).await.unwrap());
        assert!(sources::finish_run(db, &lease, RunOutcome::default(), now).await.unwrap());
    }

    async fn removing_a_source_with_postings_only_switches_it_off(t) {
        let db = &t.db;
        let s = source(db).await;
        run(db, &s, vec![item("a", "Sachbearbeiter")], NOW).await;
        assert_eq!(sources::remove(db, s.id).await.unwrap(), RemoveOutcome::Disabled);
        assert!(!sources::find(db, s.id).await.unwrap().unwrap().enabled);
        let empty = sources::add(db, NewSource { municipality_id: s.municipality_id, url: "https://www.brandis.de/other.rss".into(), format: ImportFormat::Rss }, at(NOW)).await.unwrap();
        assert_eq!(sources::remove(db, empty.id).await.unwrap(), RemoveOutcome::Deleted);
        assert!(sources::find(db, empty.id).await.unwrap().is_none());
    }
}
