use chrono::{Days, NaiveTime, Utc};
use jobboard_domain::courses::mutations::{self, CourseAction};
use jobboard_domain::courses::registrations::{self, RegistrationDraft};
use jobboard_domain::courses::{CourseDraft, SessionDraft};
use jobboard_domain::testing::sample_course;
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::{TestApp, e2e_tests};

async fn member(app: &TestApp, slug: &str) -> i64 {
    municipalities::find_by_slug(&app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn open(app: &TestApp, d: CourseDraft, provider: &str) -> jobboard_domain::courses::Course {
    let provider = member(app, provider).await;
    let c = mutations::create_course(&app.db, provider, d, &Actor::user(1), Utc::now())
        .await
        .unwrap();
    mutations::change_status(
        &app.db,
        c.id,
        c.version,
        CourseAction::Open,
        &Actor::user(1),
        Utc::now(),
    )
    .await
    .unwrap()
    .0
}

fn deadline_in(days: u64) -> chrono::NaiveDate {
    berlin::today(Utc::now()) + Days::new(days)
}

e2e_tests! {
    async fn the_catalogue_lists_open_courses_with_seats_and_hides_drafts(app) {
        let naunhof = member(&app, "naunhof").await;
        let mut d = sample_course(2, deadline_in(10));
        d.partners = vec![naunhof];
        let c = open(&app, d, "brandis").await;
        let mut draft = sample_course(5, deadline_in(10));
        draft.title = "Geheimer Entwurf Baggerschein".into();
        let brandis = member(&app, "brandis").await;
        let hidden = mutations::create_course(&app.db, brandis, draft, &Actor::user(1), Utc::now()).await.unwrap();
        for n in 0..3 {
            registrations::register(&app.db, c.id, naunhof, RegistrationDraft { name: format!("P {n}"), email: format!("p{n}@naunhof.de"), note: None }, &Actor::user(2), Utc::now()).await.unwrap();
        }

        let list = app.get("/lehrgaenge").await;
        assert_eq!(list.status(), 200);
        let html = list.text().await.unwrap();
        assert!(html.contains("Motorsägenlehrgang Modul A"), "{html}");
        assert!(html.contains("Brandis, mit Naunhof"), "{html}");
        assert!(html.contains("ausgebucht – 1 auf der Warteliste"), "{html}");
        assert!(html.contains("120 € je Person"));
        assert!(!html.contains("Baggerschein"), "drafts stay private");
        assert!(html.contains("1 Lehrgang"));

        let page = app.get(&format!("/lehrgaenge/{}", c.slug)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("08:00–16:00 Uhr"), "local times: {html}");
        assert!(html.contains("Bauhof Brandis, Am Wasserturm 2"));
        assert!(html.contains("Warteliste"));
        assert_eq!(app.get(&format!("/lehrgaenge/{}", hidden.slug)).await.status(), 404);
        app.shutdown().await.unwrap();
    }

    async fn filters_narrow_the_catalogue_and_bad_input_gets_a_clear_answer(app) {
        open(&app, sample_course(5, deadline_in(10)), "brandis").await;
        let mut other = sample_course(5, deadline_in(12));
        other.title = "Bürgerfreundlich schreiben".into();
        other.category = jobboard_domain::courses::CourseCategory::Verwaltung;
        other.description = "Bescheide verständlich formulieren.".into();
        open(&app, other, "machern").await;

        let html = app.get("/lehrgaenge?bereich=verwaltung").await.text().await.unwrap();
        assert!(html.contains("Bürgerfreundlich schreiben") && !html.contains("Motorsägenlehrgang"), "{html}");
        let html = app.get("/lehrgaenge?q=motorsaege").await.text().await.unwrap();
        assert!(html.contains("Motorsägenlehrgang") && !html.contains("Bürgerfreundlich schreiben"), "umlauts transliterated: {html}");
        let html = app.get("/lehrgaenge?kommune=machern&bereich=unbekannt").await.text().await.unwrap();
        assert!(html.contains("Bürgerfreundlich schreiben") && !html.contains("Motorsägenlehrgang"), "{html}");
        let long = "x".repeat(3000);
        let bad = app.get(&format!("/lehrgaenge?q={long}")).await;
        assert_eq!(bad.status(), 400);
        assert!(bad.text().await.unwrap().contains("zu lang"));
        app.shutdown().await.unwrap();
    }

    async fn calendars_are_served_as_icalendar_with_every_session(app) {
        let mut d = sample_course(5, deadline_in(10));
        let day = deadline_in(20);
        d.sessions.push(SessionDraft { day, start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(), end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(), place: "Rathaus Naunhof".into() });
        let c = open(&app, d, "brandis").await;

        let one = app.get(&format!("/lehrgaenge/{}/kalender.ics", c.slug)).await;
        assert_eq!(one.status(), 200);
        assert_eq!(one.headers()["content-type"], "text/calendar; charset=utf-8");
        let body = one.text().await.unwrap();
        assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
        assert_eq!(body.matches("BEGIN:VEVENT").count(), 2);
        assert!(body.contains("(Termin 2 von 2)"));

        // The catalogue as RSS, read the way subscribers do (feedparser, bozo = 0).
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/feeds/check_feed.py");
        let out = std::process::Command::new("python3")
            .args([script, &format!("{}/lehrgaenge/feed.rss", app.address), "rss"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let feed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(feed["bozo"], 0, "{feed}");
        assert_eq!(feed["ids"], serde_json::json!([format!("urn:x-partheland:stellenboerse:course:{}", c.id)]));
        assert_eq!(feed["titles"], serde_json::json!(["Motorsägenlehrgang Modul A"]));

        let all = app.get("/lehrgaenge/kalender.ics").await.text().await.unwrap();
        assert_eq!(all.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(app.get("/lehrgaenge/gibt-es-nicht/kalender.ics").await.status(), 404);
        app.shutdown().await.unwrap();
    }
}

e2e_tests! {
    async fn the_json_api_lists_public_courses_and_hides_drafts(app) {
        let naunhof = member(&app, "naunhof").await;
        let mut d = sample_course(3, deadline_in(10));
        d.partners = vec![naunhof];
        let c = open(&app, d, "brandis").await;
        registrations::register(&app.db, c.id, naunhof, RegistrationDraft { name: "P".into(), email: "p@naunhof.de".into(), note: None }, &Actor::user(2), Utc::now()).await.unwrap();
        let brandis = member(&app, "brandis").await;
        let hidden = mutations::create_course(&app.db, brandis, sample_course(3, deadline_in(10)), &Actor::user(1), Utc::now()).await.unwrap();

        let list: serde_json::Value = app.get("/api/v1/courses").await.json().await.unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        let one = &list[0];
        assert_eq!(one["slug"], c.slug.as_str());
        assert_eq!(one["provider"], "brandis");
        assert_eq!(one["partners"], serde_json::json!(["naunhof"]));
        assert_eq!((one["confirmed"].as_u64(), one["free_seats"].as_u64()), (Some(1), Some(2)));
        assert_eq!(one["status"], "open");
        assert_eq!(one["sessions"].as_array().unwrap().len(), 1);
        assert!(one["ical_url"].as_str().unwrap().ends_with("/kalender.ics"));

        let detail = app.get(&format!("/api/v1/courses/{}", c.slug)).await;
        assert_eq!(detail.status(), 200);
        let missing = app.get(&format!("/api/v1/courses/{}", hidden.slug)).await;
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.headers()["content-type"], "application/problem+json");
        let spec: serde_json::Value = app.get("/api/openapi.json").await.json().await.unwrap();
        assert!(spec["paths"]["/api/v1/courses/{slug}"].is_object(), "documented");
        app.shutdown().await.unwrap();
    }
}
