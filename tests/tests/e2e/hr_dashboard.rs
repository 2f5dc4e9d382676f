//! The officer's overview over HTTP: search, filters, sort and paging in GET parameters (bad
//! values: a German error beside the filter form), the admin's list of every municipality, and
//! bulk actions on selected postings with their audit entries, optimistic locking per posting
//! and the tenant boundary.

use chrono::{Duration, Utc};
use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::queries::{self, Posting};
use jobboard_domain::postings::{PostingKind, PostingStatus, mutations};
use jobboard_domain::{Actor, berlin};
use jobboard_e2e::{TestApp, e2e_tests};
use reqwest::StatusCode;

use super::hr::{account, get_as, municipality_id, post, sign_in, snapshot};

/// A posting of `slug`, published when `publish`.
async fn posting(
    app: &TestApp,
    slug: &str,
    reference: &str,
    title: &str,
    publish: bool,
) -> Posting {
    let owner = municipality_id(app, slug).await;
    let now = Utc::now();
    let p = mutations::create_posting(
        &app.db,
        owner,
        jobboard_e2e::draft(reference, title, PostingKind::Apprenticeship),
        &Actor::system("test"),
        now,
    )
    .await
    .unwrap();
    if publish {
        transition(
            &app.db,
            p.id,
            p.version,
            Request::Publish,
            &Actor::system("test"),
            now,
        )
        .await
        .unwrap()
    } else {
        p
    }
}

async fn current(app: &TestApp, id: i64) -> Posting {
    queries::find_by_id(&app.db, id).await.unwrap().unwrap()
}

fn selected(p: &Posting) -> String {
    format!("{}:{}", p.id, p.version)
}

e2e_tests! {
    async fn the_overview_searches_filters_sorts_and_pages_with_links_that_keep_every_parameter(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        account(&app, "admin@partheland.de", None).await;
        for i in 1..=30 {
            posting(&app, "naunhof", &format!("NAU-{i:02}"), &format!("Ausbildung Bauhof {i:02}"), i % 2 == 0).await;
        }
        posting(&app, "naunhof", "NAU-KITA", "Erzieherin Kita", false).await;
        posting(&app, "borsdorf", "BOR-1", "Ausbildung Bauhof Borsdorf", false).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;

        // The plain overview: 31 postings of its own, 25 on the first page, newest first.
        let html = get_as(&app, &hr, "/verwaltung").await.text().await.unwrap();
        assert!(html.contains("31 Anzeigen, 1 bis 25 auf dieser Seite"), "{html}");
        assert!(!html.contains("BOR-1"), "another municipality's posting is not listed");
        assert!(html.contains("Entwurf (16)") && html.contains("veröffentlicht (15)"), "counts per status");

        // Search, status filter and sort together; the page links keep all of them.
        let q = "/verwaltung?suche=bauhof&status=draft&sortierung=kennziffer&richtung=auf";
        let resp = get_as(&app, &hr, q).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("15 Anzeigen, 1 bis 15 auf dieser Seite"), "{html}");
        assert!(html.contains("NAU-01") && !html.contains("NAU-02") && !html.contains("NAU-KITA"));
        assert!(html.find("NAU-01").unwrap() < html.find("NAU-29").unwrap(), "sorted by Kennziffer");
        assert!(html.contains("<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/verwaltung?suche=bauhof&#38;status=draft&#38;sortierung=kennziffer&#38;richtung=ab\">Kennziffer"), "the sorted column's header sorts the other way: {html}");
        assert!(html.contains("<a href=\"/verwaltung?suche=bauhof&#38;status=draft&#38;sortierung=titel&#38;richtung=auf\">Titel"), "another column starts ascending");
        assert_eq!(html.matches("aria-sort=").count(), 1, "only the sorted column has aria-sort");
        assert!(html.contains("value=\"bauhof\"") && html.contains("<option value=\"draft\" selected>"), "the form shows the view");
        assert!(html.contains("<input type=\"hidden\" name=\"sortierung\" value=\"kennziffer\">"), "filtering keeps the sort");

        // Paging: page 2 of the unfiltered list sorted by title descending.
        let html = get_as(&app, &hr, "/verwaltung?sortierung=titel&richtung=ab").await.text().await.unwrap();
        assert!(html.contains("href=\"/verwaltung?sortierung=titel&#38;richtung=ab&#38;seite=2\" rel=\"next\""), "{html}");
        let html = get_as(&app, &hr, "/verwaltung?sortierung=titel&richtung=ab&seite=2").await.text().await.unwrap();
        assert!(html.contains("31 Anzeigen, 26 bis 31 auf dieser Seite"), "{html}");
        assert!(html.contains("href=\"/verwaltung?sortierung=titel&#38;richtung=ab\" rel=\"prev\""));
        assert!(html.contains("NAU-01") && !html.contains("NAU-30") && !html.contains("NAU-KITA"), "Erzieherin and the high numbers come first");
        // A page past the end shows the last one.
        let html = get_as(&app, &hr, "/verwaltung?seite=99").await.text().await.unwrap();
        assert!(html.contains("26 bis 31") && html.contains("Seite 2 von 2"));

        // Deadline filter: every draft ends in 30 days or so.
        let html = get_as(&app, &hr, "/verwaltung?frist=vorbei").await.text().await.unwrap();
        assert!(html.contains("0 Anzeigen") && html.contains("Keine Anzeigen in dieser Auswahl."));
        let html = get_as(&app, &hr, "/verwaltung?frist=365&art=apprenticeship&suche=Kita").await.text().await.unwrap();
        assert!(html.contains("1 Anzeige,") && html.contains("NAU-KITA"), "{html}");

        // Bad values: 400, a German error beside the filter form, the rest of the view used.
        let resp = get_as(&app, &hr, "/verwaltung?status=offen&frist=bald&sortierung=gehalt&seite=0&suche=Kita").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        for message in ["Den Status „offen“ gibt es nicht.", "Die Frist „bald“ versteht die Übersicht nicht", "Nach „gehalt“ kann die Übersicht nicht sortiert werden.", "Die Seite „0“ gibt es nicht"] {
            assert!(html.contains(message), "{message}: {html}");
        }
        assert!(html.contains("id=\"f-status\" name=\"status\" aria-invalid=\"true\" aria-describedby=\"e-status\""));
        assert!(html.contains("1 Anzeige,") && html.contains("NAU-KITA"), "the search still applies");
        for bad in ["/verwaltung?suche=%FF%FE", "/verwaltung?art=%00", "/verwaltung?seite=99999999999999999999999", "/verwaltung?seite=18446744073709551615", "/verwaltung?seite=1000000", "/verwaltung?richtung=", "/verwaltung?&&=&status"] {
            let status = get_as(&app, &hr, bad).await.status();
            assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST, "{bad}: {status}");
        }

        // The admin sees every municipality and filters by one; officers may not.
        let admin = sign_in(&app, "admin@partheland.de").await;
        let html = get_as(&app, &admin, "/verwaltung/admin/anzeigen?suche=Bauhof&sortierung=kommune").await.text().await.unwrap();
        assert!(html.contains("31 Anzeigen") && html.contains("BOR-1"), "{html}");
        assert!(html.find("BOR-1").unwrap() < html.find("NAU-").unwrap(), "Borsdorf first");
        assert!(!html.contains("name=\"auswahl\""), "no bulk actions for the admin");
        let html = get_as(&app, &admin, "/verwaltung/admin/anzeigen?kommune=borsdorf").await.text().await.unwrap();
        assert!(html.contains("1 Anzeige,") && html.contains("BOR-1"));
        let resp = get_as(&app, &admin, "/verwaltung/admin/anzeigen?kommune=atlantis").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.text().await.unwrap().contains("Die Kommune „atlantis“ ist nicht Mitglied."));
        assert_eq!(get_as(&app, &hr, "/verwaltung/admin/anzeigen").await.status(), StatusCode::FORBIDDEN);
        // An officer's list has no municipality column to sort by, nor a municipality filter.
        assert_eq!(get_as(&app, &hr, "/verwaltung?sortierung=kommune").await.status(), StatusCode::BAD_REQUEST);
        assert!(!get_as(&app, &hr, "/verwaltung?kommune=borsdorf").await.text().await.unwrap().contains("BOR-1"));
    }

    async fn bulk_actions_are_done_with_audit_entries_and_a_stale_posting_is_skipped(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let a = posting(&app, "naunhof", "NAU-1", "Ausbildung Bauhof", true).await;
        let b = posting(&app, "naunhof", "NAU-2", "Ausbildung Kita", false).await;
        let c = posting(&app, "naunhof", "NAU-3", "Ausbildung Bibliothek", false).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        // The overview carries each posting's version with its checkbox, and the view.
        let html = get_as(&app, &hr, "/verwaltung?suche=Ausbildung").await.text().await.unwrap();
        assert!(html.contains(&format!("name=\"auswahl\" value=\"{}\"", selected(&a))), "{html}");
        assert!(html.contains(&format!("<label for=\"w-{}\"><span class=\"visually-hidden\">Ausbildung Bauhof (NAU-1) auswählen</span></label>", a.id)));
        assert!(html.contains("name=\"ansicht\" value=\"suche=Ausbildung\""));

        // Someone saves C after the page was loaded: C is skipped, A and B are extended.
        let seen_c = selected(&c);
        mutations::update_posting(&app.db, c.id, c.version, jobboard_domain::postings::PostingDraft { title: "Ausbildung Stadtbibliothek".into(), ..jobboard_e2e::draft("NAU-3", "x", PostingKind::Apprenticeship) }, &Actor::user(2), Utc::now()).await.unwrap();
        let c_now = current(&app, c.id).await;
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "extend"), ("tage", "14"), ("auswahl", &selected(&a)), ("auswahl", &selected(&b)), ("auswahl", &seen_c), ("ansicht", "suche=Ausbildung&seite=abc")], None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Bewerbungsfrist bei 2 von 3 ausgewählten Anzeigen um 14 Tage verlängert; eine nicht – der Grund steht unten."), "{html}");
        assert!(html.contains("Die Anzeige wurde inzwischen geändert"), "the stale one says why");
        assert!(html.contains("href=\"/verwaltung?suche=Ausbildung\""), "back to the same view (bad parts dropped)");
        for p in [&a, &b] {
            let after = current(&app, p.id).await;
            assert_eq!(after.application_deadline, p.application_deadline + Duration::days(14));
            assert_eq!(after.expires_at, berlin::end_of_day(after.application_deadline));
            assert_eq!(after.version, p.version + 1);
            let entry = audit::history(&app.db, AuditEntity::Posting, p.id).await.unwrap().pop().unwrap();
            assert_eq!(entry.action, AuditAction::DeadlineChanged);
            assert!(entry.actor.starts_with("user:"), "{}", entry.actor);
            assert!(html.contains(&format!("Bewerbungsfrist jetzt bis {}", berlin::format_date(after.application_deadline))));
        }
        assert_eq!(current(&app, c.id).await, c_now, "the stale one is unchanged");
        // An archived posting's deadline moves too; it stays archived, and the page says so.
        let c_archived = transition(&app.db, c_now.id, c_now.version, Request::Archive, &Actor::system("test"), Utc::now()).await.unwrap();
        let html = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "extend"), ("tage", "3"), ("auswahl", &selected(&c_archived))], None).await.text().await.unwrap();
        assert!(html.contains("die Anzeige bleibt archiviert, bis sie erneut veröffentlicht wird"), "{html}");
        assert_eq!(current(&app, c.id).await.status, PostingStatus::Archived);

        // Archive and duplicate, at the new versions.
        let (a, b) = (current(&app, a.id).await, current(&app, b.id).await);
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "duplicate"), ("auswahl", &selected(&a)), ("auswahl", &selected(&b))], None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("2 von 2 ausgewählten Anzeigen als Entwurf kopiert."), "{html}");
        assert!(html.contains("Kopie NAU-1-Kopie bearbeiten") && html.contains("Kopie NAU-2-Kopie bearbeiten"));
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "archive"), ("auswahl", &selected(&a)), ("auswahl", &selected(&b))], None).await;
        assert!(resp.text().await.unwrap().contains("2 von 2 ausgewählten Anzeigen archiviert."));
        for p in [&a, &b] {
            let after = current(&app, p.id).await;
            assert_eq!(after.status, PostingStatus::Archived);
            let trail: Vec<AuditAction> = audit::history(&app.db, AuditEntity::Posting, p.id).await.unwrap().into_iter().map(|e| e.action).collect();
            assert_eq!(trail.last(), Some(&AuditAction::Archived));
        }
        let html = get_as(&app, &hr, "/verwaltung?suche=Kopie").await.text().await.unwrap();
        assert!(html.contains("2 Anzeigen") && html.contains("Entwurf (2)"), "two new drafts");
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let copy = jobboard_domain::entities::posting::Entity::find().filter(jobboard_domain::entities::posting::Column::ReferenceNumber.eq("NAU-1-Kopie")).one(&app.db).await.unwrap().unwrap().id;
        let first = audit::history(&app.db, AuditEntity::Posting, copy).await.unwrap();
        assert_eq!(first.iter().map(|e| e.action).collect::<Vec<_>>(), [AuditAction::Duplicated]);
        // Archiving again: refused per posting, in German, nothing changed.
        let before = snapshot(&app).await;
        let (a, b) = (current(&app, a.id).await, current(&app, b.id).await);
        let html = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "archive"), ("auswahl", &selected(&a)), ("auswahl", &selected(&b))], None).await.text().await.unwrap();
        assert!(html.contains("0 von 2 ausgewählten Anzeigen archiviert; die übrigen nicht") && html.contains("„Archivieren“ ist bei einer Anzeige im Status „archiviert“ nicht möglich."), "{html}");
        assert_eq!(snapshot(&app).await, before);
    }

    async fn postings_are_marked_filled_from_the_overview_through_the_pipeline(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let a = posting(&app, "naunhof", "NAU-1", "Ausbildung Bauhof", true).await;
        let b = posting(&app, "naunhof", "NAU-2", "Ausbildung Kita", true).await;
        let never = posting(&app, "naunhof", "NAU-3", "Ausbildung Bibliothek", false).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let today = berlin::today(Utc::now());
        let html = get_as(&app, &hr, "/verwaltung?suche=Ausbildung").await.text().await.unwrap();
        assert!(html.contains("name=\"action\" value=\"fill\"") && html.contains(&format!("name=\"besetzt_am\" value=\"{}\"", berlin::format_date(today))), "{html}");
        // A day that is no date, or none: refused in German, nothing changed.
        let before = snapshot(&app).await;
        for (day, message) in [("gestern", "Den Tag der Besetzung „gestern“ verstehen wir nicht."), ("", "an welchem Tag die Stellen besetzt wurden")] {
            let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "fill"), ("besetzt_am", day), ("auswahl", &selected(&a))], None).await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{day}");
            let html = resp.text().await.unwrap();
            assert!(html.contains(message) && html.contains("Es wurde nichts geändert"), "{message}: {html}");
        }
        assert_eq!(snapshot(&app).await, before);
        // TT.MM.JJJJ: the published one is filled; the one never published is refused with the rule's words.
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "fill"), ("besetzt_am", &berlin::format_date(today)), ("auswahl", &selected(&a)), ("auswahl", &selected(&never))], None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains(&format!("1 von 2 ausgewählten Anzeigen als besetzt am {} vermerkt; eine nicht", berlin::format_date(today))), "{html}");
        assert!(html.contains("Die Anzeige war noch nicht veröffentlicht; sie kann nicht als besetzt gelten."), "{html}");
        let after = current(&app, a.id).await;
        assert_eq!((after.status, after.filled_on, after.version), (PostingStatus::Archived, Some(today), a.version + 1));
        let entry = audit::history(&app.db, AuditEntity::Posting, a.id).await.unwrap().pop().unwrap();
        assert_eq!(entry.action, AuditAction::Filled);
        assert!(entry.actor.starts_with("user:"), "{}", entry.actor);
        assert_eq!(current(&app, never.id).await, never, "the unpublished one is unchanged");
        // ISO (what a date field sends); a stale version is skipped; filled twice is refused.
        let stale = format!("{}:{}", b.id, b.version - 1);
        let html = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "fill"), ("besetzt_am", &today.to_string()), ("auswahl", &stale), ("auswahl", &selected(&after))], None).await.text().await.unwrap();
        assert!(html.contains("0 von 2") && html.contains("Die Anzeige wurde inzwischen geändert") && html.contains("bereits als besetzt vermerkt"), "{html}");
        let html = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "fill"), ("besetzt_am", &today.to_string()), ("auswahl", &selected(&b))], None).await.text().await.unwrap();
        assert!(html.contains("1 von 1 ausgewählten Anzeigen als besetzt"), "{html}");
        assert_eq!(current(&app, b.id).await.filled_on, Some(today));
        // The overview's status column says so.
        let html = get_as(&app, &hr, "/verwaltung?suche=Ausbildung").await.text().await.unwrap();
        assert_eq!(html.matches(&format!("<td>besetzt am {}</td>", berlin::format_date(today))).count(), 2, "{html}");
    }

    async fn a_foreign_posting_in_a_bulk_selection_is_refused_and_unchanged(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let own = posting(&app, "naunhof", "NAU-1", "Ausbildung Bauhof", true).await;
        let foreign = posting(&app, "borsdorf", "BOR-1", "Ausbildung Borsdorf geheim", true).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let today = berlin::format_date(berlin::today(Utc::now()));
        for action in ["archive", "extend", "duplicate", "fill"] {
            // Only the foreign one: as if it did not exist.
            let before = snapshot(&app).await;
            let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", action), ("tage", "7"), ("besetzt_am", &today), ("auswahl", &selected(&foreign))], None).await;
            assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{action}");
            assert!(resp.text().await.unwrap().contains("Seite nicht gefunden"));
            assert_eq!(snapshot(&app).await, before, "{action}: nothing changed");
        }
        // Together with an own one: the own one is done, the foreign one refused, not named.
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &[("csrf", &hr.csrf), ("action", "archive"), ("auswahl", &selected(&foreign)), ("auswahl", &selected(&own)), ("auswahl", "kaputt")], None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("1 von 3 ausgewählten Anzeigen archiviert; die übrigen nicht"), "{html}");
        assert!(html.contains(&format!("Anzeige Nr. {}", foreign.id)) && html.contains("Diese Anzeige gibt es in Ihrer Kommune nicht."));
        assert!(html.contains("Auswahl „kaputt“") && html.contains("bezeichnet keine Anzeige"));
        assert!(!html.contains("geheim") && !html.contains("BOR-1"), "nothing of the foreign posting is shown");
        assert_eq!(current(&app, foreign.id).await, foreign, "the foreign posting is unchanged");
        assert!(audit::history(&app.db, AuditEntity::Posting, foreign.id).await.unwrap().iter().all(|e| e.actor == "system:test"), "no entry by the officer");
        assert_eq!(current(&app, own.id).await.status, PostingStatus::Archived);
    }

    async fn an_incomplete_bulk_form_gets_a_german_error_and_changes_nothing(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let p = posting(&app, "naunhof", "NAU-1", "Ausbildung Bauhof", true).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let before = snapshot(&app).await;
        let s = selected(&p);
        let cases: [(&[(&str, &str)], &str); 6] = [
            (&[("action", "archive")], "Bitte wählen Sie mindestens eine Anzeige aus."),
            (&[("auswahl", &s)], "Bitte wählen Sie, was mit den Anzeigen geschehen soll"),
            (&[("action", "loeschen"), ("auswahl", &s)], "Diese Aktion gibt es nicht."),
            (&[("action", "extend"), ("tage", "0"), ("auswahl", &s)], "eine ganze Zahl von 1 bis 365"),
            (&[("action", "extend"), ("tage", "viele"), ("auswahl", &s)], "eine ganze Zahl von 1 bis 365"),
            (&[("action", "archive"), ("auswahl", "12;3")], "Die Auswahl enthält keine gültige Anzeige."),
        ];
        for (fields, message) in cases {
            let mut pairs = vec![("csrf", hr.csrf.as_str())];
            pairs.extend_from_slice(fields);
            let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &pairs, None).await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            let html = resp.text().await.unwrap();
            assert!(html.contains(message) && html.contains("Es wurde nichts geändert"), "{message}: {html}");
        }
        let many: Vec<String> = (0..201).map(|i| format!("{i}:1")).collect();
        let mut pairs = vec![("csrf", hr.csrf.as_str()), ("action", "archive")];
        pairs.extend(many.iter().map(|m| ("auswahl", m.as_str())));
        let resp = post(&app, Some(&hr), "/verwaltung/anzeigen/sammelaktion", &pairs, None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.text().await.unwrap().contains("höchstens 200 Anzeigen"));
        assert_eq!(snapshot(&app).await, before);
    }
}
