//! The needs survey over HTTP: the admin opens a round, three officers answer (one with an
//! error first), nobody sees another member's answers while it runs, the planning tables and
//! CSV match the answers, and the admin turns proposals into a draft shared posting and a
//! draft course with quotas.

use chrono::{Days, Utc};
use jobboard_domain::courses::mutations::draft_of;
use jobboard_domain::entities::{course, survey_round};
use jobboard_domain::postings::queries;
use jobboard_domain::survey::rounds;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

use crate::hr::{Hr, account, get_as, municipality_id, post, sign_in};
use jobboard_e2e::e2e_tests;

fn today_plus(days: u64) -> String {
    (jobboard_domain::berlin::today(Utc::now()) + Days::new(days)).to_string()
}

/// One CSV line of `csv` that starts with `first`, as cells.
fn csv_row(csv: &str, first: &str) -> Vec<String> {
    csv.lines()
        .find(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no row {first} in {csv}"))
        .split(';')
        .map(str::to_owned)
        .collect()
}

/// An officer's mail, municipality and the cells it fills in.
type Answer<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Round 2030 (VFA, Gärtner, Motorsäge) answered by Brandis (hosts all, leads), Naunhof and
/// Machern (some stations): the signed-in admin and the round's path.
async fn answered_round(app: &jobboard_e2e::TestApp) -> (Hr, i64) {
    account(app, "admin@partheland.de", None).await;
    let admin = sign_in(app, "admin@partheland.de").await;
    let deadline = today_plus(10);
    let resp = post(
        app,
        Some(&admin),
        "/verwaltung/admin/bedarf",
        &[
            ("csrf", &admin.csrf),
            ("year", "2030"),
            ("deadline", &deadline),
            ("occupations", "vfa"),
            ("occupations", "gaertner"),
            ("course_types", "motorsaege"),
        ],
        None,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let round = rounds::list(&app.db).await.unwrap().remove(0);
    let path = format!("/verwaltung/bedarf/{}", round.id);
    let answers: [Answer; 3] = [
        (
            "personal@brandis.de",
            "brandis",
            &[
                ("o.vfa.s1", "1"),
                ("o.vfa.all", "1"),
                ("o.vfa.lead", "1"),
                ("c.motorsaege.n", "3"),
            ],
        ),
        (
            "personal@naunhof.de",
            "naunhof",
            &[
                ("o.vfa.s1", "0,5"),
                ("o.vfa.stations", "Standesamt"),
                ("c.motorsaege.n", "2"),
            ],
        ),
        (
            "personal@machern.de",
            "machern",
            &[
                ("o.vfa.s1", "0,5"),
                ("o.vfa.stations", "Bauhof"),
                ("c.motorsaege.n", "1"),
            ],
        ),
    ];
    for (mail, slug, cells) in answers {
        account(app, mail, Some(slug)).await;
        let hr = sign_in(app, mail).await;
        let mut fields = vec![("csrf", hr.csrf.as_str()), ("version", "0")];
        fields.extend_from_slice(cells);
        let resp = post(app, Some(&hr), &path, &fields, None).await;
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "{}",
            resp.text().await.unwrap()
        );
    }
    (admin, round.id)
}

/// Close round `id` a minute ago.
async fn close(app: &jobboard_e2e::TestApp, id: i64) {
    let r = survey_round::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am = r.into_active_model();
    am.closes_at = Set(Utc::now() - chrono::Duration::minutes(1));
    am.update(&app.db).await.unwrap();
}

e2e_tests! {
    async fn unknown_occupations_groups_and_courses_in_a_submission_are_german_errors_and_nothing_is_stored(app) {
        let (_, id) = answered_round(&app).await;
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let borsdorf = sign_in(&app, "personal@borsdorf.de").await;
        let path = format!("/verwaltung/bedarf/{id}");
        let fields = [("csrf", borsdorf.csrf.as_str()), ("version", "0"), ("o.vfa.s1", "1"), ("o.pilot.s1", "3"), ("o.pilot.lead", "1"), ("g.raumfahrt.r1", "2"), ("c.tauchen.n", "4"), ("c.motorsaege.n", "1")];
        let resp = post(&app, Some(&borsdorf), &path, &fields, None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Den Ausbildungsberuf „pilot“ fragt diese Bedarfsabfrage nicht ab."), "{html}");
        assert_eq!(html.matches("„pilot“").count(), 1, "one error per unknown code");
        assert!(html.contains("Die Beschäftigtengruppe „raumfahrt“ fragt diese Bedarfsabfrage nicht ab."), "{html}");
        assert!(html.contains("Die Lehrgangsart „tauchen“ fragt diese Bedarfsabfrage nicht ab."), "{html}");
        assert!(html.contains("href=\"#berufe\"") && html.contains("href=\"#lehrgangsbedarf\""), "the summary links the sections");
        assert!(!rounds::answered(&app.db, id).await.unwrap().contains(&municipality_id(&app, "borsdorf").await), "nothing stored");
    }

    async fn links_to_what_a_proposal_became_open_only_for_who_may_see_it_and_filled_postings_count(app) {
        let (admin, id) = answered_round(&app).await;
        let naunhof_id = municipality_id(&app, "naunhof").await;
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/bedarf/{id}/verbund"), &[("csrf", &admin.csrf), ("occupation", "vfa"), ("year", "2030")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/bedarf/{id}/lehrgang"), &[("csrf", &admin.csrf), ("course_type", "motorsaege"), ("provider", &naunhof_id.to_string()), ("day", &today_plus(40))], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let posting = jobboard_domain::entities::posting::Entity::find().all(&app.db).await.unwrap().remove(0);
        let c = course::Entity::find().all(&app.db).await.unwrap().remove(0);
        let preview = format!("/verwaltung/anzeigen/{}/vorschau", posting.id);
        let participants = format!("/verwaltung/lehrgaenge/{}/teilnehmende", c.id);
        let planning = format!("/verwaltung/bedarf/{id}/planung");

        // The admin: the posting in the overview of every municipality, the course as text.
        let page = get_as(&app, &admin, &planning).await.text().await.unwrap();
        assert!(!page.contains(&preview) && !page.contains(&participants), "{page}");
        let overview = "/verwaltung/admin/anzeigen?suche=VERBUND-2030-VFA&#38;kommune=brandis";
        assert!(page.contains(&format!("<a href=\"{overview}\">Anzeige angelegt (Entwurf)</a>")), "{page}");
        assert!(page.contains("<p>Lehrgang angelegt (Entwurf)</p>"), "{page}");
        let listed = get_as(&app, &admin, &overview.replace("&#38;", "&")).await;
        assert_eq!(listed.status(), StatusCode::OK);
        assert!(listed.text().await.unwrap().contains(&posting.title));

        // Officers once the round is closed: each links only what its municipality owns.
        close(&app, id).await;
        for (mail, own_posting, own_course) in [("personal@brandis.de", true, false), ("personal@naunhof.de", false, true), ("personal@machern.de", false, false)] {
            let hr = sign_in(&app, mail).await;
            let page = get_as(&app, &hr, &planning).await.text().await.unwrap();
            assert_eq!((page.contains(&preview), page.contains(&participants)), (own_posting, own_course), "{mail}: {page}");
            assert!(page.contains("Anzeige angelegt (Entwurf)") && page.contains("Lehrgang angelegt (Entwurf)"), "{mail}");
            for (href, linked) in [(&preview, own_posting), (&participants, own_course)] {
                if linked {
                    assert_eq!(get_as(&app, &hr, href).await.status(), StatusCode::OK, "{mail} follows {href}");
                }
            }
        }

        // Filled: the proposal says so, and next year's comparison counts it.
        let actor = jobboard_domain::Actor::system("test");
        let now = Utc::now();
        let p = jobboard_domain::postings::publishing::transition(&app.db, posting.id, posting.version, jobboard_domain::postings::publishing::Request::Publish, &actor, now).await.unwrap();
        let today = jobboard_domain::berlin::today(now);
        jobboard_domain::stats::filling::mark_filled(&app.db, p.id, p.version, today, &actor, now).await.unwrap();
        let page = get_as(&app, &admin, &planning).await.text().await.unwrap();
        assert!(page.contains(&format!("Anzeige angelegt (besetzt am {})", jobboard_domain::berlin::format_date(today))), "{page}");
        let draft = rounds::RoundDraft { year: 2031, deadline: today + Days::new(10), occupations: vec!["vfa".into()], course_types: vec![] };
        let next = rounds::open_round(&app.db, draft, &actor, now).await.unwrap();
        let page = get_as(&app, &admin, &format!("/verwaltung/bedarf/{}/planung", next.id)).await.text().await.unwrap();
        assert!(page.contains("2030 wurden 1 Ausbildungsplätze im Verbund vorgeschlagen; 1 davon wurden als Anzeige angelegt, 1 davon sind besetzt, von den übrigen 0 veröffentlicht und 0 abgelaufen."), "{page}");
        assert!(!page.contains("noch nicht als besetzt markieren"));
        // The comparison as CSV: VFA wanted 2 places then (1 + 0,5 + 0,5), none asked yet now.
        let csv = get_as(&app, &admin, &format!("/verwaltung/bedarf/{}/vergleich.csv", next.id)).await.text().await.unwrap();
        assert_eq!(csv_row(csv.trim_start_matches('\u{feff}'), "Beruf"), ["Beruf", "2030", "2031"]);
        assert_eq!(csv_row(&csv, "Verwaltungsfachangestellte;"), ["Verwaltungsfachangestellte", "2", "0"]);
        // The first round has nothing to compare with.
        assert_eq!(get_as(&app, &admin, &format!("/verwaltung/bedarf/{id}/vergleich.csv")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn a_joint_course_with_a_bad_provider_or_day_is_sent_back_with_german_field_errors(app) {
        let (admin, id) = answered_round(&app).await;
        let path = format!("/verwaltung/admin/bedarf/{id}/lehrgang");
        let resp = post(&app, Some(&admin), &path, &[("csrf", &admin.csrf), ("course_type", "motorsaege"), ("provider", "999999"), ("day", "")], None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Bitte eine anbietende Kommune aus der Liste wählen.") && html.contains("Bitte den Tag des Lehrgangs angeben."), "{html}");
        assert!(html.contains("href=\"#prov-motorsaege\"") && html.contains("aria-describedby=\"e-day-motorsaege\""), "summary and errors beside the fields");
        let naunhof_id = municipality_id(&app, "naunhof").await.to_string();
        let yesterday = (jobboard_domain::berlin::today(Utc::now()) - Days::new(1)).to_string();
        let resp = post(&app, Some(&admin), &path, &[("csrf", &admin.csrf), ("course_type", "motorsaege"), ("provider", &naunhof_id), ("day", &yesterday)], None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Der Tag des Lehrgangs darf nicht in der Vergangenheit liegen."), "{html}");
        assert!(html.contains(&format!("value=\"{yesterday}\"")) && html.contains(&format!("<option value=\"{naunhof_id}\" selected>")), "input kept");
        assert!(course::Entity::find().all(&app.db).await.unwrap().is_empty(), "nothing created");
        let resp = post(&app, Some(&admin), &path, &[("csrf", &admin.csrf), ("course_type", "motorsaege"), ("provider", &naunhof_id), ("day", &today_plus(30))], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    }

    async fn three_officers_answer_and_planning_csv_and_drafts_follow_their_answers(app) {
        account(&app, "admin@partheland.de", None).await;
        for (mail, slug) in [("personal@brandis.de", "brandis"), ("personal@naunhof.de", "naunhof"), ("personal@machern.de", "machern")] {
            account(&app, mail, Some(slug)).await;
        }
        let admin = sign_in(&app, "admin@partheland.de").await;
        let deadline = today_plus(10);
        let resp = post(&app, Some(&admin), "/verwaltung/admin/bedarf", &[("csrf", &admin.csrf), ("year", "2030"), ("deadline", &deadline), ("occupations", "vfa"), ("occupations", "gaertner"), ("course_types", "motorsaege")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let round = rounds::list(&app.db).await.unwrap().remove(0);
        let path = format!("/verwaltung/bedarf/{}", round.id);

        let brandis = sign_in(&app, "personal@brandis.de").await;
        let resp = post(&app, Some(&brandis), &path, &[("csrf", &brandis.csrf), ("version", "0"), ("o.vfa.s1", "1"), ("o.vfa.all", "1"), ("o.vfa.lead", "1"), ("g.verwaltung.r1", "2"), ("g.verwaltung.new", "1"), ("c.motorsaege.n", "3"), ("c.motorsaege.p", "high")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);

        // Naunhof types a negative number and half of a half: both named, nothing stored.
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let mut fields = vec![("csrf", naunhof.csrf.as_str()), ("version", "0"), ("o.vfa.s1", "0,5"), ("o.vfa.stations", "Standesamt, Kämmerei"), ("g.technik.o2", "-1"), ("o.gaertner.s2", "0,25"), ("c.motorsaege.n", "2")];
        let resp = post(&app, Some(&naunhof), &path, &fields, None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Bauhof und Technik, andere Abgänge 2031: Bitte eine Zahl von 0 bis 1.000 angeben."), "{html}");
        assert!(html.contains("Gärtner, Beginn 2031: Bitte eine Zahl in halben Plätzen angeben"), "{html}");
        assert!(html.contains("aria-invalid=\"true\"") && html.contains("value=\"Standesamt, Kämmerei\""), "errors beside the cells, input kept");
        assert_eq!(rounds::answered(&app.db, round.id).await.unwrap().len(), 1);
        fields[4].1 = "1";
        fields[5].1 = "0,5";
        let resp = post(&app, Some(&naunhof), &path, &fields, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());

        let machern = sign_in(&app, "personal@machern.de").await;
        let resp = post(&app, Some(&machern), &path, &[("csrf", &machern.csrf), ("version", "0"), ("o.vfa.s1", "0,5"), ("o.vfa.stations", "Bauhof"), ("c.motorsaege.n", "1"), ("c.motorsaege.p", "low")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);

        // While the round runs, Machern sees who answered but not what, and no planning.
        let own = get_as(&app, &machern, &path).await.text().await.unwrap();
        assert!(own.contains("Brandis: hat geantwortet") && own.contains("Borsdorf: noch keine Antwort"), "{own}");
        assert!(!own.contains("Standesamt"), "another member's answer leaked");
        assert_eq!(get_as(&app, &machern, &format!("{path}/planung")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(get_as(&app, &machern, &format!("{path}/ausbildung.csv")).await.status(), StatusCode::FORBIDDEN);
        // A stale form is a conflict, not a silent overwrite.
        let stale = post(&app, Some(&machern), &path, &[("csrf", &machern.csrf), ("version", "0"), ("o.vfa.s1", "3")], None).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);

        // The admin's planning: tables, charts and CSV from the answers.
        let page = get_as(&app, &admin, &format!("{path}/planung")).await;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        assert!(page.contains("<svg class=\"chart\"") && page.contains("<title id=\"chart-starts-t\">"), "charts");
        let csv = get_as(&app, &admin, &format!("{path}/ausbildung.csv")).await.text().await.unwrap();
        let head = csv_row(csv.trim_start_matches('\u{feff}'), "Beruf");
        let vfa = csv_row(&csv, "Verwaltungsfachangestellte;2030");
        let col = |name: &str| head.iter().position(|h| h == name).unwrap();
        assert_eq!((vfa[col("Brandis")].as_str(), vfa[col("Naunhof")].as_str(), vfa[col("Machern")].as_str(), vfa[col("Borsdorf")].as_str()), ("1", "0,5", "0,5", "0"));
        assert_eq!(vfa[col("Summe")], "2");
        assert_eq!(csv_row(&csv, "Gärtner;2031")[col("Naunhof")], "0,5");
        let groups = get_as(&app, &admin, &format!("{path}/abgaenge.csv")).await.text().await.unwrap();
        let verwaltung = csv_row(&groups, "Verwaltung;");
        assert_eq!(verwaltung[1], "2", "retiring 2030");
        let courses_csv = get_as(&app, &admin, &format!("{path}/lehrgaenge.csv")).await.text().await.unwrap();
        let saw = csv_row(&courses_csv, "Motorsäge");
        assert_eq!(saw[saw.len() - 2..], ["6".to_owned(), "1".to_owned()], "total 6, one member with high priority");

        // VFA 2030: three members, two cannot host all stations → Brandis (volunteer) leads.
        assert!(page.contains("Leitung: Brandis"), "{page}");
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/bedarf/{}/verbund", round.id), &[("csrf", &admin.csrf), ("occupation", "vfa"), ("year", "2030")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let all = jobboard_domain::entities::posting::Entity::find().all(&app.db).await.unwrap();
        let posting = all.iter().find(|p| p.title.contains("Ausbildung im Verbund")).unwrap();
        assert_eq!(posting.municipality_id, municipality_id(&app, "brandis").await);
        let partners: Vec<_> = queries::partners_of(&app.db, posting.id).await.unwrap().into_iter().map(|p| (p.municipality_id, p.note)).collect();
        let mut expected = vec![
            (municipality_id(&app, "naunhof").await, Some("Stationen: Standesamt, Kämmerei".to_owned())),
            (municipality_id(&app, "machern").await, Some("Stationen: Bauhof".to_owned())),
        ];
        expected.sort();
        assert_eq!(partners, expected);

        let day = today_plus(40);
        let naunhof_id = municipality_id(&app, "naunhof").await;
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/bedarf/{}/lehrgang", round.id), &[("csrf", &admin.csrf), ("course_type", "motorsaege"), ("provider", &naunhof_id.to_string()), ("day", &day)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let c = course::Entity::find().all(&app.db).await.unwrap().remove(0);
        assert_eq!((c.municipality_id, c.seats), (naunhof_id, 6));
        let mut quotas: Vec<_> = draft_of(&app.db, &c).await.unwrap().quotas.into_iter().map(|q| (q.municipality_id, q.seats)).collect();
        quotas.sort();
        let mut expected = vec![(municipality_id(&app, "brandis").await, 3), (naunhof_id, 2), (municipality_id(&app, "machern").await, 1)];
        expected.sort();
        assert_eq!(quotas, expected);
        let page = get_as(&app, &admin, &format!("{path}/planung")).await.text().await.unwrap();
        assert!(page.contains("Anzeige angelegt (Entwurf)") && page.contains("Lehrgang angelegt (Entwurf)"), "{page}");

        // After the deadline officers see the planning, and answers stay as they are.
        let r = survey_round::Entity::find_by_id(round.id).one(&app.db).await.unwrap().unwrap();
        let mut am = r.into_active_model();
        am.closes_at = Set(Utc::now() - chrono::Duration::minutes(1));
        am.update(&app.db).await.unwrap();
        assert_eq!(get_as(&app, &machern, &format!("{path}/planung")).await.status(), StatusCode::OK);
        let late = post(&app, Some(&machern), &path, &[("csrf", &machern.csrf), ("version", "1"), ("o.vfa.s1", "3")], None).await;
        assert_eq!(late.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(late.text().await.unwrap().contains("geschlossen; Antworten können nicht mehr geändert werden"));
    }
}
