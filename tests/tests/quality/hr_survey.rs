//! The needs survey in headless Chromium: the officer's answer form (with an error, fixed),
//! the planning page with its SVG charts and the admin's rounds page, with axe-core and the Nu
//! checker. On both databases.

use std::process::Command;

use chrono::{Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::survey::rounds::{self, RoundDraft};
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn survey_form_and_planning_page_have_no_wcag_or_html_errors(app) {
        let now = Utc::now();
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        for (email, role, m) in [("personal@naunhof.de", Role::Officer, Some(naunhof)), ("admin@partheland.de", Role::Admin, None)] {
            let u = users::create_user(&app.db, NewUser { email: email.into(), name: "Frau Weber".into(), role, municipality_id: m }, &Actor::system("test"), now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        }
        let round = rounds::open_round(
            &app.db,
            RoundDraft { year: 2030, deadline: berlin::today(now) + Days::new(10), occupations: vec!["vfa".into(), "gaertner".into()], course_types: vec!["motorsaege".into(), "erste_hilfe".into()] },
            &Actor::system("test"),
            now,
        )
        .await
        .unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-survey.mjs"))
            .args([&app.address, &round.id.to_string(), "personal@naunhof.de", "admin@partheland.de", PASSWORD])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-survey.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("error shown: true"), "{steps}");
        assert!(steps.contains("summary: Verwaltung, Ruhestand 2030: Bitte eine Zahl von 0 bis 1.000 angeben."), "{steps}");
        assert!(steps.contains("saved → Gespeichert."), "{steps}");
        assert!(steps.contains("kept: Bürgerbüro, Kämmerei"), "{steps}");
        assert!(steps.contains("charts: 3"), "{steps}");
        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["survey_form", "survey_form_errors", "planning", "survey_admin"]);
        crate::assert_clean_in_browser(&result);
    }
}
