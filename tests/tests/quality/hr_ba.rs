//! The admin's page of the vacancy report to the Bundesagentur für Arbeit in headless Chromium,
//! with a failed and a successful transfer and an error file, through axe-core and the Nu
//! checker. On both databases.

use std::process::Command;

use chrono::{Duration, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::entities::ba_error_file;
use jobboard_domain::{Actor, ba_export, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn the_ba_report_page_has_no_wcag_or_html_errors(app) {
        let now = Utc::now();
        let u = users::create_user(&app.db, NewUser { email: "admin@partheland.de".into(), name: "Admin".into(), role: Role::Admin, municipality_id: None }, &Actor::system("test"), now).await.unwrap();
        users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        let brandis = municipalities::find_by_slug(&app.db, "brandis").await.unwrap().unwrap().id;
        let earlier = now - Duration::hours(1);
        let lease = ba_export::claim(&app.db, naunhof, None, Duration::minutes(15), earlier).await.unwrap().unwrap();
        ba_export::finish_ok(&app.db, &lease, Some("DSV123456789_2026-12-01_06-00-00.xml"), earlier).await.unwrap();
        let lease = ba_export::claim(&app.db, brandis, Some(earlier), Duration::minutes(15), earlier).await.unwrap().unwrap();
        ba_export::finish_failed(&app.db, &lease, "Verbindung zu https://hrbaxml.example/in/ fehlgeschlagen: received fatal alert: UnknownCA", earlier + Duration::minutes(15)).await.unwrap();
        ba_export::record_error_file(&app.db, ba_error_file::Model {
            name: "ESPV123456789_2026-12-01_06-10-00.xml".into(),
            fetched_at: earlier,
            bytes: 412,
            well_formed: true,
            root: Some("Protokoll".into()),
            error_elements: 2,
            first_message: Some("Pflichtfeld Titel fehlt".into()),
        }).await.unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-ba.mjs"))
            .args([&app.address, "admin@partheland.de", PASSWORD])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-ba.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("ba page → /verwaltung/admin/ba-meldung"), "{steps}");
        assert!(steps.contains("heading: Meldung an die Bundesagentur für Arbeit"), "{steps}");
        let html = result["html"]["ba_report"].to_string();
        assert!(html.contains("DSV123456789_2026-12-01_06-00-00.xml"), "the last file");
        assert!(html.contains("UnknownCA") && html.contains("nächster Versuch"), "the failure and the retry");
        assert!(html.contains("ESPV123456789_2026-12-01_06-10-00.xml") && html.contains("Pflichtfeld Titel fehlt"), "the error file");
        crate::assert_clean_in_browser(&result);
    }
}
