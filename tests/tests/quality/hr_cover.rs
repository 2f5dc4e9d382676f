//! Working together in headless Chromium with three municipalities (issue 17): the path from
//! agreement to confirmed cover, every page on the way (forms with errors included) through
//! axe-core and the Nu checker, the calendar parsed by Python's `icalendar`, the ledger CSV.

use std::process::Command;

use chrono::{Datelike, Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn the_cover_path_works_in_the_browser_and_its_pages_have_no_wcag_or_html_errors(app) {
        let now = Utc::now();
        for slug in ["borsdorf", "brandis", "naunhof"] {
            let m = municipalities::find_by_slug(&app.db, slug).await.unwrap().unwrap().id;
            let u = users::create_user(&app.db, NewUser { email: format!("personal@{slug}.de"), name: format!("Personal {slug}"), role: Role::Officer, municipality_id: Some(m) }, &Actor::system("test"), now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        }
        let admin = users::create_user(&app.db, NewUser { email: "admin@partheland.de".into(), name: "Plattform".into(), role: Role::Admin, municipality_id: None }, &Actor::system("test"), now).await.unwrap();
        users::set_password(&app.db, admin.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        let brandis = municipalities::find_by_slug(&app.db, "brandis").await.unwrap().unwrap().id;
        let mut monday = berlin::today(now) + Days::new(7);
        while monday.weekday() != chrono::Weekday::Mon {
            monday = monday + Days::new(1);
        }
        let friday = monday + Days::new(4);

        let output = Command::new("node")
            .arg(browser_dir().join("hr-cover.mjs"))
            .args([&app.address, PASSWORD, &brandis.to_string(), &monday.to_string(), &friday.to_string()])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-cover.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        for expected in ["agreement errors: true", "agreement → Gespeichert.", "confirmed → Stand: in Kraft", "request errors: true", "request → Die Anfrage ist gestellt", "naunhof sees request: 404", "offer → Ihr Angebot ist gespeichert", "offer cancel error: true", "request cancel error: true", "admin agreement errors: Eine Vereinbarung braucht mindestens zwei beteiligte Kommunen.", "accepted → Die Vertretung ist bestätigt"] {
            assert!(steps.contains(expected), "{expected}: {steps}");
        }

        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/ical_dump.py");
        let mut child = Command::new("python3").arg(script).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), result["ics"].as_str().unwrap().as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let cal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let starts: Vec<&str> = cal["events"].as_array().unwrap().iter().map(|e| e["start"].as_str().unwrap()).collect();
        assert_eq!(starts.len(), 5, "{cal}");
        assert!(starts[0].starts_with(&format!("{monday}T08:00:00")), "{cal}");

        let csv = result["csv"].as_str().unwrap();
        let hours: f64 = csv.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split(';').nth(4).unwrap().replace(',', ".").parse::<f64>().unwrap()).sum();
        let amount: f64 = csv.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split(';').nth(6).unwrap().replace(',', ".").parse::<f64>().unwrap()).sum();
        assert!((hours - 37.5).abs() < 1e-9 && (amount - 1593.75).abs() < 1e-9, "{csv}");

        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["cooperation", "agreement_form_errors", "agreement_to_confirm", "agreement", "request_form_errors", "request_partner", "request_with_offer", "request_offer_cancel_error", "request_cancel_error", "request_accepted", "admin_agreements", "admin_agreement_form_errors", "admin_agreement", "cooperation_calendar"]);
        crate::assert_clean_in_browser(&result);
    }
}
