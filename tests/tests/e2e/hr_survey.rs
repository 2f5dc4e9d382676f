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

use crate::hr::{account, get_as, municipality_id, post, sign_in};
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

e2e_tests! {
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
