//! The search-alert pages in headless Chromium: sign-up errors, the "please confirm" page, the
//! management page in its states and the unsubscribe pages, with axe-core and the Nu checker.

use std::process::Command;

use chrono::Utc;
use jobboard_domain::alerts::mutations::{self, Requested};
use jobboard_domain::alerts::{AlertDraft, AlertScope, Frequency};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

e2e_tests! {
    async fn search_alert_pages_have_no_wcag_or_html_errors(app) {
        let draft = AlertDraft {
            email: "jonas@example.de".into(),
            scope: AlertScope::Jobs,
            query: "q=Erzieher&kommune=naunhof&umfang=part_time&ort=brandis&umkreis=10".into(),
            frequency: Frequency::Weekly,
            consent: true,
        };
        let Requested::Created { token, .. } = mutations::request(&app.db, &draft, Utc::now()).await.unwrap() else {
            panic!("a new address");
        };
        let output = Command::new("node")
            .arg(browser_dir().join("alerts.mjs"))
            .args([&app.address, &token])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from alerts.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("gültige E-Mail-Adresse"), "{steps}");
        assert!(steps.contains("requested: Bitte bestätigen Sie Ihren Suchauftrag"), "{steps}");
        assert!(steps.contains("confirmed: Danke!"), "{steps}");
        assert!(steps.contains("change error: Der Suchbegriff ist zu lang"), "{steps}");
        assert!(steps.contains("changed: Ihre Änderungen sind gespeichert. Erzieherin, Stelle, Machern, Teilzeit, 20 km um Brandis"), "{steps}");
        assert!(steps.contains("paused: Der Suchauftrag ist pausiert"), "{steps}");
        assert!(steps.contains("unsubscribed: Suchauftrag gelöscht"), "{steps}");
        let html = result["html"]["manage_confirmed"].to_string();
        assert!(html.contains("Erzieher, Naunhof, Teilzeit, 10 km um Brandis"), "{html}");
        crate::assert_clean_in_browser(&result);
    }
}
