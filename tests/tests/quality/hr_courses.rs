//! The course pages of the HR workspace in headless Chromium: list, editor showing errors and
//! participants with a registration error, with axe-core and the Nu checker. On both databases.

use std::process::Command;

use chrono::{Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn course_pages_of_the_workspace_have_no_wcag_or_html_errors(app) {
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        let now = Utc::now();
        let u = users::create_user(
            &app.db,
            NewUser { email: "bildung@naunhof.de".into(), name: "Herr Lange".into(), role: Role::Officer, municipality_id: Some(naunhof) },
            &Actor::system("test"),
            now,
        )
        .await
        .unwrap();
        users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        let deadline = (berlin::today(now) + Days::new(10)).to_string();
        let day = (berlin::today(now) + Days::new(20)).to_string();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-courses.mjs"))
            .args([&app.address, "bildung@naunhof.de", PASSWORD, &deadline, &day])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-courses.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("errors shown: true"), "{steps}");
        assert!(steps.contains("saved → Gespeichert."), "{steps}");
        assert!(steps.contains("status → Status: Anmeldung offen"), "{steps}");
        assert!(steps.contains("registration error: true"), "{steps}");
        assert!(steps.contains("registered → Die Anmeldung ist gespeichert"), "{steps}");

        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["courses", "course_form_errors", "participants_errors", "participants"]);
        crate::assert_clean_in_browser(&result);
    }
}
