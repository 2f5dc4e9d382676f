//! The HR workspace in headless Chromium: the whole path from sign-in to the posting in the
//! public search, with axe-core and the Nu checker on the sign-in page, the dashboard and the
//! form showing errors. On both databases.

use std::process::Command;

use chrono::{Duration, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn an_officer_signs_in_fixes_a_form_error_publishes_and_finds_the_posting_with_no_wcag_or_html_errors(app) {
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        let now = Utc::now();
        let u = users::create_user(
            &app.db,
            NewUser { email: "personal@naunhof.de".into(), name: "Frau Keller".into(), role: Role::Officer, municipality_id: Some(naunhof) },
            &Actor::system("test"),
            now,
        )
        .await
        .unwrap();
        users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        let deadline = (now + Duration::days(30)).date_naive().to_string();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-flow.mjs"))
            .args([&app.address, "personal@naunhof.de", PASSWORD, &deadline])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-flow.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("anonymous → /anmelden"), "{steps}");
        assert!(steps.contains("signed in → /verwaltung"), "{steps}");
        assert!(steps.contains("error shown: true, input kept: true"), "{steps}");
        assert!(steps.contains("saved → Gespeichert."), "{steps}");
        assert!(steps.contains("status → Status: veröffentlicht"), "{steps}");
        assert_eq!(result["found"], true, "published posting found in the public search; steps: {steps}");

        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(
            checked,
            ["signin", "dashboard", "form_errors", "editor", "history", "profile", "reset_request"]
        );
        crate::assert_clean_in_browser(&result);
    }
}
