//! The postings overview of the HR workspace in headless Chromium: the officer's list (with
//! pages), filtered and sorted, with bad parameters, a bulk action's result and its form error,
//! and the admin's list of every municipality, with axe-core and the Nu checker. On both
//! databases.

use std::process::Command;

use chrono::Utc;
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PostingKind, mutations};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn the_postings_overview_and_a_bulk_result_have_no_wcag_or_html_errors(app) {
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        let borsdorf = municipalities::find_by_slug(&app.db, "borsdorf").await.unwrap().unwrap().id;
        let now = Utc::now();
        let actor = Actor::system("test");
        for (email, role, municipality_id) in [("personal@naunhof.de", Role::Officer, Some(naunhof)), ("admin@partheland.de", Role::Admin, None)] {
            let u = users::create_user(&app.db, NewUser { email: email.into(), name: format!("Person {email}"), role, municipality_id }, &actor, now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &actor, now).await.unwrap();
        }
        // More than a page of postings, some published; two to act on, one archived already.
        for i in 1..=28 {
            let kind = if i % 3 == 0 { PostingKind::Job } else { PostingKind::Apprenticeship };
            let p = mutations::create_posting(&app.db, naunhof, jobboard_e2e::draft(&format!("NAU-{i:02}"), &format!("Ausbildung Bauhof {i:02}"), kind), &actor, now).await.unwrap();
            if i % 2 == 0 {
                transition(&app.db, p.id, p.version, Request::Publish, &actor, now).await.unwrap();
            }
        }
        for (reference, archive) in [("SAM-1", false), ("SAM-2", true)] {
            let p = mutations::create_posting(&app.db, naunhof, jobboard_e2e::draft(reference, "Sammelaktion Kita", PostingKind::Apprenticeship), &actor, now).await.unwrap();
            if archive {
                transition(&app.db, p.id, p.version, Request::Archive, &actor, now).await.unwrap();
            }
        }
        mutations::create_posting(&app.db, borsdorf, jobboard_e2e::draft("BOR-1", "Ausbildung Borsdorf", PostingKind::Apprenticeship), &actor, now).await.unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-dashboard.mjs"))
            .args([&app.address, "personal@naunhof.de", "admin@partheland.de", PASSWORD])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-dashboard.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("filtered → ?suche=Bauhof&status=published&sortierung=frist&richtung=auf (ascending)"), "{steps}");
        assert!(steps.contains("Den Status „offen“ gibt es nicht.") && steps.contains("Die Frist „bald“"), "{steps}");
        assert!(steps.contains("bulk → 1 von 2 ausgewählten Anzeigen archiviert; eine nicht"), "{steps}");
        assert!(steps.contains("bulk without selection → Bitte wählen Sie mindestens eine Anzeige aus."), "{steps}");
        assert!(steps.contains("admin → /verwaltung/admin/anzeigen?") && steps.contains("kommune=naunhof"), "{steps}");
        let html = result["html"]["dashboard"].as_str().unwrap();
        assert!(html.contains("rel=\"next\""), "the first view has pages");

        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["dashboard", "dashboard_filtered", "dashboard_errors", "bulk_result", "bulk_errors", "admin_postings"]);
        crate::assert_clean_in_browser(&result);
    }
}
