//! Courses in the HR workspace over HTTP: the provider's editor, registrations across
//! municipalities with waiting list and promotion, who sees whom, CSV, cancellation mails.

use reqwest::StatusCode;

use crate::hr::{account, get_as, mails, post, sign_in};
use jobboard_e2e::e2e_tests;

fn today_plus(days: u64) -> String {
    (jobboard_domain::berlin::today(chrono::Utc::now()) + chrono::Days::new(days)).to_string()
}

/// The day as people type it: TT.MM.JJJJ.
fn german_today_plus(days: u64) -> String {
    (jobboard_domain::berlin::today(chrono::Utc::now()) + chrono::Days::new(days))
        .format("%d.%m.%Y")
        .to_string()
}

e2e_tests! {
    async fn a_provider_creates_a_course_and_officers_fill_it_across_municipalities(app) {
        account(&app, "bildung@brandis.de", Some("brandis")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        account(&app, "personal@machern.de", Some("machern")).await;
        let brandis = sign_in(&app, "bildung@brandis.de").await;
        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        let machern = sign_in(&app, "personal@machern.de").await;

        // A form with mistakes comes back with the errors beside the fields and the input kept.
        let deadline = today_plus(10);
        let day = today_plus(17);
        let mut fields = vec![
            ("csrf", brandis.csrf.as_str()), ("version", "0"), ("title", "Motorsägenlehrgang Modul A"),
            ("category", "bauhof_technik"), ("target_group", ""), ("description", "Sicherer Umgang mit der Motorsäge."),
            ("seats", "eins"), ("registration_deadline", deadline.as_str()), ("cost", "120"),
            ("session_day_1", day.as_str()), ("session_start_1", "08:00"), ("session_end_1", "07:00"), ("session_place_1", "Bauhof Brandis"),
        ];
        let resp = post(&app, Some(&brandis), "/verwaltung/lehrgaenge", &fields, None).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Bitte geben Sie die Zahl der Plätze als ganze Zahl an."), "{html}");
        assert!(html.contains("Bitte beschreiben Sie die Zielgruppe"), "{html}");
        assert!(html.contains("Termin 1: Das Ende muss nach dem Beginn liegen."), "{html}");
        assert!(html.contains("value=\"Motorsägenlehrgang Modul A\""), "input kept");

        for (k, v) in fields.iter_mut() {
            match *k {
                "target_group" => *v = "Beschäftigte der Bauhöfe",
                "seats" => *v = "1",
                "session_end_1" => *v = "16:00",
                _ => {}
            }
        }
        let resp = post(&app, Some(&brandis), "/verwaltung/lehrgaenge", &fields, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let id: i64 = location.trim_start_matches("/verwaltung/lehrgaenge/").split('?').next().unwrap().parse().unwrap();
        let open = post(&app, Some(&brandis), &format!("/verwaltung/lehrgaenge/{id}/status"), &[("csrf", &brandis.csrf), ("version", "1"), ("aktion", "open")], None).await;
        assert_eq!(open.status(), StatusCode::SEE_OTHER);

        // Naunhof registers two people for the one seat: one confirmed, one waiting, both told.
        let register = |who: &'static str, name: &'static str, email: &'static str| {
            let hr = match who { "naunhof" => &naunhof, _ => &machern };
            let app = &app;
            async move {
                post(app, Some(hr), &format!("/verwaltung/lehrgaenge/{id}/anmeldungen"), &[("csrf", &hr.csrf), ("name", name), ("email", email), ("note", "")], None).await
            }
        };
        assert_eq!(register("naunhof", "Anna Naunhof", "anna@naunhof.de").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(register("naunhof", "Bernd Naunhof", "bernd@naunhof.de").await.status(), StatusCode::SEE_OTHER);
        assert_eq!(register("machern", "Carla Machern", "carla@machern.de").await.status(), StatusCode::SEE_OTHER);
        let bad = register("machern", "", "keine-adresse").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("Bitte geben Sie eine gültige E-Mail-Adresse an"));
        let sent = mails(&app);
        assert!(sent.iter().any(|m| m.contains("anna@naunhof.de") && m.contains("Ihr Platz im Lehrgang")), "{sent:?}");
        assert!(sent.iter().any(|m| m.contains("bernd@naunhof.de") && m.contains("Platz 1 der Warteliste")), "{sent:?}");

        // Each officer sees only their own staff; the provider sees everyone.
        let participants = format!("/verwaltung/lehrgaenge/{id}/teilnehmende");
        let page = |hr| get_as(&app, hr, &participants);
        let mine = page(&naunhof).await.text().await.unwrap();
        assert!(mine.contains("Anna Naunhof") && mine.contains("Warteliste, Platz 1"), "{mine}");
        assert!(!mine.contains("Carla"), "Machern's staff stay hidden from Naunhof");
        let theirs = page(&machern).await.text().await.unwrap();
        assert!(theirs.contains("Carla Machern") && !theirs.contains("Anna"), "{theirs}");
        let all = page(&brandis).await.text().await.unwrap();
        assert!(all.contains("Anna Naunhof") && all.contains("Bernd Naunhof") && all.contains("Carla Machern"));

        // The CSV is the provider's alone.
        let csv = get_as(&app, &brandis, &format!("/verwaltung/lehrgaenge/{id}/teilnehmende.csv")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let csv = csv.text().await.unwrap();
        assert!(csv.starts_with('\u{feff}') && csv.contains("Name;E-Mail;Kommune;Status"), "{csv}");
        assert!(csv.contains("Anna Naunhof;anna@naunhof.de;Naunhof;Platz bestätigt"), "{csv}");
        assert!(csv.contains("Carla Machern;carla@machern.de;Machern;Warteliste 2"), "{csv}");
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/lehrgaenge/{id}/teilnehmende.csv")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get_as(&app, &naunhof, &format!("/verwaltung/lehrgaenge/{id}")).await.status(), StatusCode::NOT_FOUND);

        // Machern cannot cancel Naunhof's registration; Naunhof can, and Bernd moves up.
        let anna = mine.split("/verwaltung/anmeldungen/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let refused = post(&app, Some(&machern), &format!("/verwaltung/anmeldungen/{anna}/stornieren"), &[("csrf", &machern.csrf)], None).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        let cancelled = post(&app, Some(&naunhof), &format!("/verwaltung/anmeldungen/{anna}/stornieren"), &[("csrf", &naunhof.csrf)], None).await;
        assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
        assert!(mails(&app).iter().any(|m| m.contains("bernd@naunhof.de") && m.contains("von der Warteliste nachger")));
        let after = page(&naunhof).await.text().await.unwrap();
        assert!(!after.contains("Anna Naunhof") && after.contains("Bernd Naunhof"));
        assert!(!after.contains("Warteliste, Platz"), "Bernd is confirmed now: {after}");

        // The provider calls the course off: everyone still registered is told.
        let cancel = post(&app, Some(&brandis), &format!("/verwaltung/lehrgaenge/{id}/status"), &[("csrf", &brandis.csrf), ("version", "2"), ("aktion", "cancel")], None).await;
        assert_eq!(cancel.status(), StatusCode::SEE_OTHER);
        let sent = mails(&app);
        for who in ["bernd@naunhof.de", "carla@machern.de"] {
            assert!(sent.iter().any(|m| m.contains(who) && m.contains("vom Anbieter abgesagt")), "{who} told");
        }
        assert!(!sent.iter().any(|m| m.contains("anna@naunhof.de") && m.contains("vom Anbieter abgesagt")), "cancelled people are not told again");
        let public = app.get("/lehrgaenge").await.text().await.unwrap();
        assert!(public.contains("abgesagt"), "{public}");
        app.shutdown().await.unwrap();
    }

    async fn a_course_with_dates_typed_as_tt_mm_jjjj_is_saved(app) {
        // The form asked for „TT.MM.JJJJ“ but read only ISO dates; the posting form read both.
        account(&app, "bildung@brandis.de", Some("brandis")).await;
        let brandis = sign_in(&app, "bildung@brandis.de").await;
        let (deadline, day) = (german_today_plus(10), german_today_plus(17));
        let fields = [
            ("csrf", brandis.csrf.as_str()), ("version", "0"), ("title", "Erste Hilfe im Ehrenamt"),
            ("category", "soziales"), ("target_group", "Beschäftigte aller Kommunen"), ("description", "Grundlagen."),
            ("seats", "12"), ("registration_deadline", deadline.as_str()), ("cost", ""),
            ("session_day_1", day.as_str()), ("session_start_1", "08:00"), ("session_end_1", "16:00"), ("session_place_1", "Rathaus Brandis"),
        ];
        let resp = post(&app, Some(&brandis), "/verwaltung/lehrgaenge", &fields, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{}", resp.text().await.unwrap());
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let page = get_as(&app, &brandis, &location).await.text().await.unwrap();
        assert!(page.contains(&format!("value=\"{}\"", today_plus(10))), "the deadline as saved: {page}");
        assert!(page.contains(&format!("value=\"{}\"", today_plus(17))), "the session day as saved");
        app.shutdown().await.unwrap();
    }
}
