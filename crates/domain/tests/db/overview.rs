//! The HR overview at scale (search, filters, sort, paging in SQL) and the bulk actions on
//! selected postings, on both databases.

use chrono::{DateTime, Duration, Utc};
use jobboard_domain::audit::{AuditAction, AuditEntity};
use jobboard_domain::postings::bulk::{self, Action, Selected};
use jobboard_domain::postings::overview::{self, Deadline, Filter, Scope, Sort, SortKey};
use jobboard_domain::postings::queries::Posting;
use jobboard_domain::postings::{
    PostingKind, PostingStatus, mutations, publishing, publishing::Request,
};
use jobboard_domain::{Actor, DomainError, audit, berlin};
use sea_orm::DatabaseConnection;

use crate::fixtures::*;
use jobboard_domain::db_tests;

fn officer() -> Actor {
    Actor::user(7)
}

/// A posting of `slug` with this Kennziffer, title, kind and deadline, moved to `status`; each
/// one changed a minute after the one before, so "last changed" has an order.
async fn posting(
    db: &DatabaseConnection,
    slug: &str,
    (reference, title, kind): (&str, &str, PostingKind),
    deadline: chrono::NaiveDate,
    status: PostingStatus,
    at: DateTime<Utc>,
) -> Posting {
    let owner = municipality_id(db, slug).await;
    let mut d = draft(reference, deadline);
    d.title = title.into();
    d.kind = kind;
    let p = mutations::create_posting(db, owner, d, &officer(), at)
        .await
        .unwrap();
    let step = |p: Posting, r| async move {
        publishing::transition(db, p.id, p.version, r, &officer(), at)
            .await
            .unwrap()
    };
    match status {
        PostingStatus::Draft => p,
        PostingStatus::Scheduled => step(p, Request::Schedule(at + Duration::days(1))).await,
        PostingStatus::Published => step(p, Request::Publish).await,
        PostingStatus::Archived => step(p, Request::Archive).await,
        PostingStatus::Expired => {
            let p = step(p, Request::Publish).await;
            publishing::transition(
                db,
                p.id,
                p.version,
                Request::Expire,
                &officer(),
                berlin::end_of_day(deadline),
            )
            .await
            .unwrap()
        }
    }
}

fn refs(page: &overview::Page) -> Vec<&str> {
    page.rows
        .iter()
        .map(|(p, _)| p.reference_number.as_str())
        .collect()
}

db_tests! {
    async fn the_overview_searches_filters_sorts_and_pages_in_the_database(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let start = at("2026-11-21T10:00:00Z");
        let mut minute = 0;
        let mut next = || { minute += 1; start + Duration::minutes(minute) };
        use PostingKind::*;
        use PostingStatus::*;
        posting(db, "naunhof", ("NAU-1", "Mitarbeiter Bauhof (m/w/d)", Job), day(2026, 12, 1), Draft, next()).await;
        posting(db, "naunhof", ("NAU-2", "Erzieher Kita Sonnenschein", Job), day(2026, 12, 20), Published, next()).await;
        posting(db, "naunhof", ("nau-3", "Ausbildung Verwaltung", Apprenticeship), day(2027, 1, 15), Scheduled, next()).await;
        posting(db, "naunhof", ("NAU-4", "Praktikum im Bauhof", Internship), day(2026, 11, 25), Archived, next()).await;
        posting(db, "naunhof", ("NAU-5", "bauhofleitung 100%", Job), day(2026, 11, 28), Expired, next()).await;
        posting(db, "brandis", ("BRA-1", "Mitarbeiter Bauhof Brandis", Job), day(2026, 12, 2), Draft, next()).await;
        let today = day(2026, 11, 30);
        let own = Filter::new(Scope::Municipality(naunhof), today);
        let all = |f: &Filter, sort| { let f = f.clone(); async move { overview::page(db, &f, sort, 50, 0).await.unwrap() } };
        let by = |key, descending| Sort { key, descending };

        // Scope: own municipality only; the region has every posting.
        let page = all(&own, by(SortKey::Reference, false)).await;
        assert_eq!(refs(&page), ["NAU-1", "NAU-2", "nau-3", "NAU-4", "NAU-5"], "Kennziffer, case-insensitive");
        assert_eq!(page.total, 5);
        assert!(page.rows.iter().all(|(p, m)| p.municipality_id == naunhof && m.as_ref().is_some_and(|m| m.id == naunhof)));
        assert_eq!(all(&Filter::new(Scope::Region, today), Sort::default()).await.total, 6);

        // Search: title or Kennziffer, any case; LIKE wildcards are literal.
        let text = |s: &str| Filter { text: s.into(), ..own.clone() };
        assert_eq!(refs(&all(&text("BAUHOF"), by(SortKey::Reference, false)).await), ["NAU-1", "NAU-4", "NAU-5"]);
        assert_eq!(refs(&all(&text("nau-3"), Sort::default()).await), ["nau-3"]);
        assert_eq!(refs(&all(&text("100%"), Sort::default()).await), ["NAU-5"]);
        assert_eq!(all(&text("1_0"), Sort::default()).await.total, 0, "_ is no wildcard");
        assert_eq!(all(&text("%"), Sort::default()).await.total, 1, "% is no wildcard");

        // Status, kind and deadline filters, alone and together.
        let status = Filter { status: Some(Published), ..own.clone() };
        assert_eq!(refs(&all(&status, Sort::default()).await), ["NAU-2"]);
        let kind = Filter { kind: Some(Job), ..own.clone() };
        assert_eq!(refs(&all(&kind, by(SortKey::Reference, false)).await), ["NAU-1", "NAU-2", "NAU-5"]);
        let soon = Filter { deadline: Some(Deadline::Within(1)), ..own.clone() };
        assert_eq!(refs(&all(&soon, Sort::default()).await), ["NAU-1"], "today and tomorrow, both included");
        let within = Filter { deadline: Some(Deadline::Within(20)), ..own.clone() };
        assert_eq!(refs(&all(&within, by(SortKey::Deadline, false)).await), ["NAU-1", "NAU-2"]);
        let past = Filter { deadline: Some(Deadline::Past), ..own.clone() };
        assert_eq!(refs(&all(&past, by(SortKey::Deadline, false)).await), ["NAU-4", "NAU-5"]);
        let together = Filter { kind: Some(Job), deadline: Some(Deadline::Past), text: "bauhof".into(), ..own.clone() };
        assert_eq!(refs(&all(&together, Sort::default()).await), ["NAU-5"]);

        // Every column sorts, both ways.
        assert_eq!(refs(&all(&own, Sort::default()).await), ["NAU-5", "NAU-4", "nau-3", "NAU-2", "NAU-1"], "newest change first");
        assert_eq!(refs(&all(&own, by(SortKey::Updated, false)).await), ["NAU-1", "NAU-2", "nau-3", "NAU-4", "NAU-5"]);
        assert_eq!(refs(&all(&own, by(SortKey::Title, false)).await), ["nau-3", "NAU-5", "NAU-2", "NAU-1", "NAU-4"], "titles case-insensitive");
        assert_eq!(refs(&all(&own, by(SortKey::Title, true)).await), ["NAU-4", "NAU-1", "NAU-2", "NAU-5", "nau-3"]);
        assert_eq!(refs(&all(&own, by(SortKey::Reference, true)).await), ["NAU-5", "NAU-4", "nau-3", "NAU-2", "NAU-1"]);
        assert_eq!(refs(&all(&own, by(SortKey::Status, false)).await), ["NAU-1", "nau-3", "NAU-2", "NAU-5", "NAU-4"], "in the lifecycle's order");
        assert_eq!(refs(&all(&own, by(SortKey::Kind, false)).await), ["nau-3", "NAU-4", "NAU-1", "NAU-2", "NAU-5"], "Ausbildung, Praktikum, Stelle; ties by id");
        assert_eq!(refs(&all(&own, by(SortKey::Kind, true)).await), ["NAU-5", "NAU-2", "NAU-1", "NAU-4", "nau-3"]);
        assert_eq!(refs(&all(&own, by(SortKey::Deadline, true)).await), ["nau-3", "NAU-2", "NAU-1", "NAU-5", "NAU-4"]);
        let region = Filter { text: "Mitarbeiter".into(), ..Filter::new(Scope::Region, today) };
        let page = all(&region, by(SortKey::Municipality, false)).await;
        assert_eq!(refs(&page), ["BRA-1", "NAU-1"], "Brandis before Naunhof");
        assert_eq!(page.rows[0].1.as_ref().unwrap().slug, "brandis");
        assert_eq!(refs(&all(&region, by(SortKey::Municipality, true)).await), ["NAU-1", "BRA-1"]);

        // Paging: the database cuts the page; the total is of every match.
        let sort = by(SortKey::Reference, false);
        let pages: Vec<Vec<String>> = pages_of(db, &own, sort).await;
        assert_eq!(pages, [vec!["NAU-1", "NAU-2"], vec!["nau-3", "NAU-4"], vec!["NAU-5"]]);
        let page = overview::page(db, &own, sort, 2, 4).await.unwrap();
        assert_eq!(page.total, 5);
        assert!(overview::page(db, &own, sort, 2, 10).await.unwrap().rows.is_empty());

        // Counts per status, of the other filters.
        let counts = overview::count_by_status(db, &Filter { status: Some(Draft), ..own.clone() }).await.unwrap();
        for (s, n) in [(Draft, 1), (Scheduled, 1), (Published, 1), (Archived, 1), (Expired, 1)] {
            assert_eq!(counts.get(&s).copied(), Some(n), "{s:?}");
        }
        let counts = overview::count_by_status(db, &kind).await.unwrap();
        assert_eq!((counts.get(&Draft), counts.get(&Scheduled), counts.values().sum::<u64>()), (Some(&1), None, 3));
    }

    async fn the_search_finds_umlauts_in_any_case_and_takes_wildcards_literally(t) {
        let db = &t.db;
        let naunhof = municipality_id(db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        posting(db, "naunhof", ("UEB-1", "Übungsleiter Schwimmhalle", PostingKind::Job), day(2026, 12, 1), PostingStatus::Draft, now).await;
        posting(db, "naunhof", ("NAU-2", "Sachbearbeiter [Öffentlichkeitsarbeit] *50 %*", PostingKind::Job), day(2026, 12, 1), PostingStatus::Draft, now).await;
        posting(db, "naunhof", ("NAU-3", "Hausmeister Grundschule", PostingKind::Job), day(2026, 12, 1), PostingStatus::Draft, now).await;
        let own = Filter::new(Scope::Municipality(naunhof), day(2026, 11, 30));
        let found = |text: &str| {
            let f = Filter { text: text.into(), ..own.clone() };
            async move { refs(&overview::page(db, &f, Sort { key: SortKey::Reference, descending: false }, 50, 0).await.unwrap()).into_iter().map(str::to_owned).collect::<Vec<_>>() }
        };
        for text in ["übungsleiter", "ÜBUNGSLEITER", "Übungs", "SCHWIMM", "ueb-1", "uEB"] {
            assert_eq!(found(text).await, ["UEB-1"], "{text}");
        }
        for text in ["[öffentlichkeit", "*50 %*", "50 %", "]"] {
            assert_eq!(found(text).await, ["NAU-2"], "{text}");
        }
        for text in ["*", "?", "%", "_", "Haus*", "H?usmeister", "Haus%", "H_usmeister", "[a]"] {
            let hits = found(text).await;
            assert!(hits.is_empty() || hits == ["NAU-2"], "{text}: {hits:?}");
        }
        assert_eq!(found("*").await, ["NAU-2"], "only the title with a star");
        assert!(found("?").await.is_empty());
    }

    async fn bulk_actions_do_each_posting_at_its_version_and_report_the_others(t) {
        let db = &t.db;
        let now = at("2026-11-21T10:00:00Z");
        let naunhof = municipality_id(db, "naunhof").await;
        let a = posting(db, "naunhof", ("NAU-1", "Bauhof", PostingKind::Job), day(2026, 12, 15), PostingStatus::Published, now).await;
        let b = posting(db, "naunhof", ("NAU-2", "Kita", PostingKind::Job), day(2026, 12, 16), PostingStatus::Draft, now).await;
        let stale = posting(db, "naunhof", ("NAU-3", "Bibliothek", PostingKind::Job), day(2026, 12, 17), PostingStatus::Draft, now).await;
        let archived = posting(db, "naunhof", ("NAU-4", "Friedhof", PostingKind::Job), day(2026, 12, 18), PostingStatus::Archived, now).await;
        let foreign = posting(db, "brandis", ("BRA-1", "Brandis", PostingKind::Job), day(2026, 12, 19), PostingStatus::Draft, now).await;
        let pick = |p: &Posting| Selected { id: p.id, version: p.version };
        let selection = [
            pick(&a),
            pick(&b),
            Selected { id: stale.id, version: stale.version - 1 },
            pick(&archived),
            pick(&foreign),
            Selected { id: 999_999, version: 1 },
            pick(&a),
        ];
        let later = now + Duration::hours(1);

        let out = bulk::apply(db, naunhof, &selection, Action::Archive, |_| None, &officer(), later).await.unwrap();
        assert_eq!(out.len(), 6, "an id selected twice is done once");
        let done: Vec<i64> = out.iter().filter(|o| o.result.is_ok()).map(|o| o.id).collect();
        assert_eq!(done, [a.id, b.id]);
        let why = |id: i64| out.iter().find(|o| o.id == id).unwrap().result.clone().unwrap_err();
        assert!(why(stale.id).contains("inzwischen geändert"), "{}", why(stale.id));
        assert!(why(archived.id).contains("nicht möglich"), "{}", why(archived.id));
        assert_eq!(why(foreign.id), "Diese Anzeige gibt es in Ihrer Kommune nicht.");
        assert_eq!(why(999_999), why(foreign.id), "foreign and unknown look alike");
        assert!(out.iter().find(|o| o.id == foreign.id).unwrap().posting.is_none(), "nothing of it is shown");
        let now_of = |id| async move { jobboard_domain::postings::queries::find_by_id(db, id).await.unwrap().unwrap() };
        assert_eq!(now_of(a.id).await.status, PostingStatus::Archived);
        assert_eq!(now_of(b.id).await.status, PostingStatus::Archived);
        assert_eq!(now_of(stale.id).await, stale, "the stale one is unchanged");
        assert_eq!(now_of(foreign.id).await, foreign, "the foreign one is unchanged");
        let last_action = |id| async move { audit::history(db, AuditEntity::Posting, id).await.unwrap().last().unwrap().action };
        assert_eq!(last_action(a.id).await, AuditAction::Archived);

        // Extend: the deadline and the instant the page goes offline move, with their entry.
        let c = now_of(stale.id).await;
        let refused = |p: &Posting| (p.id == b.id).then(|| "Schreibgeschützt.".to_owned());
        let out = bulk::apply(db, naunhof, &[pick(&c), pick(&now_of(b.id).await)], Action::ExtendDeadline(10), refused, &officer(), later).await.unwrap();
        assert!(out[0].result.is_ok());
        assert_eq!(out[1].result, Err("Schreibgeschützt.".into()), "the caller's refusal counts");
        let c2 = now_of(c.id).await;
        assert_eq!(c2.application_deadline, day(2026, 12, 27));
        assert_eq!(c2.expires_at, berlin::end_of_day(day(2026, 12, 27)));
        assert_eq!(c2.version, c.version + 1);
        let entry = audit::history(db, AuditEntity::Posting, c.id).await.unwrap().pop().unwrap();
        assert_eq!(entry.action, AuditAction::DeadlineChanged);
        assert_eq!(entry.actor, officer().as_str());
        assert!(entry.changes.to_string().contains("2026-12-27"), "{}", entry.changes);
        for days in [0, 366] {
            let e = bulk::extend_deadline(db, c.id, c2.version, days, &officer(), later).await.unwrap_err();
            assert!(matches!(e, DomainError::Refused(_)), "{days}: {e:?}");
        }
        assert_eq!(now_of(c.id).await, c2, "a refused extension writes nothing");

        // Duplicate: a new draft from the version the officer saw, with its entry.
        let out = bulk::apply(db, naunhof, &[pick(&c2), pick(&a)], Action::Duplicate, |_| None, &officer(), later).await.unwrap();
        let copy = out[0].result.clone().unwrap().expect("a copy");
        assert_eq!((copy.status, copy.reference_number.as_str(), copy.municipality_id), (PostingStatus::Draft, "NAU-3-Kopie", naunhof));
        assert_eq!(last_action(copy.id).await, AuditAction::Duplicated);
        assert!(out[1].result.as_ref().unwrap_err().contains("inzwischen geändert"), "no copy of a posting changed since");
    }
}

/// Every page of 2 of the overview, in order.
async fn pages_of(db: &DatabaseConnection, filter: &Filter, sort: Sort) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    for offset in (0..).step_by(2) {
        let page = overview::page(db, filter, sort, 2, offset).await.unwrap();
        if page.rows.is_empty() {
            break;
        }
        pages.push(
            page.rows
                .into_iter()
                .map(|(p, _)| p.reference_number)
                .collect(),
        );
    }
    pages
}
