//! The import source pages of the HR workspace in headless Chromium: the admin's list, the add
//! form with errors, status pages of a new and of a failed source, and an officer's read-only
//! list and status page, with axe-core and the Nu checker. On both databases.

use std::process::Command;

use chrono::{Duration, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::imports::ImportFormat;
use jobboard_domain::imports::sources::{self, NewSource, RunOutcome};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn import_source_pages_have_no_wcag_or_html_errors(app) {
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        let now = Utc::now();
        for (email, role, municipality_id) in [("admin@partheland.de", Role::Admin, None), ("personal@naunhof.de", Role::Officer, Some(naunhof))] {
            let u = users::create_user(&app.db, NewUser { email: email.into(), name: format!("Person {email}"), role, municipality_id }, &Actor::system("test"), now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        }
        // One source after a good run with a skipped item, one whose last run failed.
        let add = |url: &'static str, format| sources::add(&app.db, NewSource { municipality_id: naunhof, url: url.into(), format }, now);
        let good = add("https://www.naunhof.example/stellen.rss", ImportFormat::Auto).await.unwrap();
        let failed = add("https://www.naunhof.example/stellen.html", ImportFormat::JsonLdHtml).await.unwrap();
        let earlier = now - Duration::minutes(5);
        let lease = sources::claim(&app.db, good.id, Duration::minutes(10), earlier).await.unwrap().unwrap();
        sources::finish_run(&app.db, &lease, RunOutcome {
            new: 3, updated: 1, archived: 1, unchanged: 12, failed: 1,
            failing_item: Some("nau-17: Der Eintrag hat keinen Titel.".into()),
            validators: Some((Some("\"abc-123\"".into()), Some("Sat, 21 Nov 2026 08:00:00 GMT".into()))),
            ..RunOutcome::default()
        }, earlier).await.unwrap();
        let lease = sources::claim(&app.db, failed.id, Duration::minutes(10), earlier).await.unwrap().unwrap();
        sources::finish_run(&app.db, &lease, RunOutcome {
            error: Some("Keine vollständige Antwort innerhalb von 10 Sekunden.".into()),
            ..RunOutcome::default()
        }, earlier).await.unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-sources.mjs"))
            .args([&app.address, "admin@partheland.de", "personal@naunhof.de", PASSWORD, &failed.id.to_string()])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-sources.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("admin list → /verwaltung/admin/quellen"), "{steps}");
        assert!(steps.contains("error shown: true, input kept: naunhof.example/stellen.rss"), "{steps}");
        assert!(steps.contains("added → Die Quelle ist angelegt."), "{steps}");
        assert!(steps.contains("failed source error: Keine vollständige Antwort"), "{steps}");
        assert!(steps.contains(&format!("officer status → /verwaltung/quellen/{}", failed.id)), "{steps}");
        let html = result["html"].to_string();
        assert!(html.contains("3 neu, 1 aktualisiert, 1 archiviert, 12 unverändert, 1 fehlerhaft"), "the list shows the counts");

        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["sources", "source_form_errors", "source_added", "source_failed", "officer_sources", "officer_source"]);
        crate::assert_clean_in_browser(&result);
    }
}
