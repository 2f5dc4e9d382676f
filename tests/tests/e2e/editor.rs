//! The posting editor over HTTP: field errors with input kept, save, publish, conflicts,
//! oversized bodies.

use jobboard_domain::postings::queries;
use jobboard_e2e::e2e_tests;
use reqwest::StatusCode;

use super::hr::{account, get_as, post, sign_in, snapshot};

pub fn form<'a>(csrf: &'a str, title: &'a str, deadline: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("kind", "job"),
        ("title", title),
        ("reference_number", "NAU-2026-07"),
        ("category", "verwaltung"),
        ("employment", "full_time"),
        ("weekly_hours", "39,0"),
        ("contract", "permanent"),
        ("pay_scheme", "tvoed_vka_eg"),
        ("pay_grade_from", "8"),
        ("pay_grade_to", "9a"),
        ("location_place", "Naunhof"),
        ("location_postcode", "04683"),
        ("application_deadline", deadline),
        (
            "description",
            "Die Stadt Naunhof sucht Verstärkung für das **Bürgerbüro**.",
        ),
        ("tasks", "- Meldewesen"),
        ("apply_email", "personal@naunhof.de"),
        ("ein_unbekanntes_feld", "wird ignoriert"),
        ("aktion", "speichern"),
    ]
}

e2e_tests! {
    async fn a_posting_with_errors_comes_back_with_field_errors_and_input_then_saves_publishes_and_is_found(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
        let before = snapshot(&app).await;
        let bad = post(&app, Some(&hr), "/verwaltung/anzeigen", &form(&hr.csrf, "", &deadline).into_iter().map(|(k, v)| if k == "weekly_hours" { (k, "neununddreißig") } else { (k, v) }).collect::<Vec<_>>(), None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("id=\"e-title\""), "title error beside the field");
        assert!(html.contains("id=\"e-weekly_hours\""), "number error beside the field");
        assert!(html.contains("aria-describedby=\"h-title e-title\" aria-invalid=\"true\""), "{html}");
        assert!(html.contains("value=\"NAU-2026-07\""), "input kept");
        assert!(html.contains("value=\"neununddreißig\""), "bad input kept as typed");
        assert_eq!(snapshot(&app).await, before, "nothing saved");

        let ok = post(&app, Some(&hr), "/verwaltung/anzeigen", &form(&hr.csrf, "Sachbearbeiter Bürgerbüro (m/w/d)", &deadline), None).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let location = ok.headers()["location"].to_str().unwrap().to_owned();
        let id: i64 = location.trim_start_matches("/verwaltung/anzeigen/").split('?').next().unwrap().parse().unwrap();
        let p = queries::find_by_id(&app.db, id).await.unwrap().unwrap();
        assert_eq!(p.weekly_hours, Some(39.0));
        let page = get_as(&app, &hr, &location).await.text().await.unwrap();
        assert!(page.contains("Jetzt veröffentlichen"));

        // Someone else saves in between: the stale save is refused with what changed.
        let mut newer = form(&hr.csrf, "Sachbearbeiterin Bürgerbüro (m/w/d)", &deadline);
        newer.push(("version", "1"));
        assert_eq!(post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}"), &newer, None).await.status(), StatusCode::SEE_OTHER);
        let before_stale = snapshot(&app).await;
        let mut stale = form(&hr.csrf, "Veralteter Titel (m/w/d)", &deadline);
        stale.push(("version", "1"));
        let conflict = post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}"), &stale, None).await;
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        let text = conflict.text().await.unwrap();
        assert!(text.contains("Sachbearbeiterin Bürgerbüro"), "shows the change made meanwhile");
        assert_eq!(snapshot(&app).await, before_stale, "nothing overwritten");

        let published = post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}/status"), &[("csrf", &hr.csrf), ("action", "publish"), ("version", "2")], None).await;
        assert_eq!(published.status(), StatusCode::SEE_OTHER);
        let slug = queries::find_by_id(&app.db, id).await.unwrap().unwrap().slug;
        app.wait_for("/stellen?q=Sachbearbeiterin", &format!("/stellen/{slug}")).await;
        let history = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{id}/verlauf")).await.text().await.unwrap();
        assert!(history.contains("veröffentlicht") && history.contains("Person personal@naunhof.de"));
        assert_eq!(get_as(&app, &hr, &format!("/verwaltung/anzeigen/{id}/vorschau")).await.status(), StatusCode::OK);
    }

    async fn oversized_bodies_get_413_and_change_nothing(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let before = snapshot(&app).await;
        let huge = "x".repeat(300 * 1024);
        let resp = post(&app, Some(&hr), "/verwaltung/profil", &[("csrf", &hr.csrf), ("employer_profile", &huge)], None).await;
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let resp = post(&app, None, "/anmelden", &[("email", &huge)], None).await;
        assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(snapshot(&app).await, before);
    }
}

async fn status_of(app: &jobboard_e2e::TestApp, id: i64) -> String {
    queries::find_by_id(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status
        .code()
        .to_owned()
}

e2e_tests! {
    async fn lifecycle_buttons_schedule_unpublish_archive_republish_and_duplicate(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let hr = sign_in(&app, "personal@naunhof.de").await;
        let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
        let created = post(&app, Some(&hr), "/verwaltung/anzeigen", &form(&hr.csrf, "Erzieher Kita Sonnenschein (m/w/d)", &deadline), None).await;
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        let id: i64 = location.trim_start_matches("/verwaltung/anzeigen/").split('?').next().unwrap().parse().unwrap();
        let path = format!("/verwaltung/anzeigen/{id}/status");

        let before = snapshot(&app).await;
        let bad = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("action", "teleport"), ("version", "1")], None).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let no_time = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("action", "schedule"), ("version", "1"), ("at", "")], None).await;
        assert_eq!(no_time.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let not_allowed = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("action", "unpublish"), ("version", "1")], None).await;
        assert_eq!(not_allowed.status(), StatusCode::CONFLICT, "a draft cannot be taken offline");
        assert_eq!(snapshot(&app).await, before);

        let at = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%dT10:00").to_string();
        let steps: [(&str, &str, &str); 4] = [("schedule", "1", "scheduled"), ("unpublish", "2", "draft"), ("publish", "3", "published"), ("archive", "4", "archived")];
        for (action, version, expect) in steps {
            let resp = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("action", action), ("version", version), ("at", &at)], None).await;
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{action}");
            assert_eq!(status_of(&app, id).await, expect, "{action}");
        }
        let resp = post(&app, Some(&hr), &path, &[("csrf", &hr.csrf), ("action", "republish"), ("version", "5")], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(status_of(&app, id).await, "published");

        let copy = post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}/duplizieren"), &[("csrf", &hr.csrf)], None).await;
        assert_eq!(copy.status(), StatusCode::SEE_OTHER);
        let dash = get_as(&app, &hr, "/verwaltung?status=draft").await.text().await.unwrap();
        assert!(dash.contains("NAU-2026-07-Kopie"), "the copy is a draft");
        assert!(dash.contains("Entwurf (1)") && dash.contains("veröffentlicht (1)"), "counts per status");
    }
}
