//! Internal vacancies and the signed agreement document in headless Chromium (issue 17): an
//! officer of another member lists and reads an internal posting and makes the own feed
//! address; the editor with a bad public day; the agreement page with a refused and an
//! accepted upload. Every page through axe-core and the Nu checker.

use std::process::Command;

use chrono::{Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::postings::PostingKind;
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::e2e_tests;

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn internal_postings_and_the_agreement_upload_work_in_the_browser_without_wcag_or_html_errors(app) {
        use jobboard_domain::cover::agreements;
        use jobboard_domain::testing::sample_agreement;
        let now = Utc::now();
        let today = berlin::today(now);
        let mut ids = Vec::new();
        for slug in ["borsdorf", "brandis", "naunhof"] {
            let m = municipalities::find_by_slug(&app.db, slug).await.unwrap().unwrap().id;
            let u = users::create_user(&app.db, NewUser { email: format!("personal@{slug}.de"), name: format!("Personal {slug}"), role: Role::Officer, municipality_id: Some(m) }, &Actor::system("test"), now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
            ids.push(m);
        }
        let mut d = jobboard_e2e::draft("BOR-INT-1", "Sachgebietsleitung Kämmerei (m/w/d)", PostingKind::Job);
        d.internal = true;
        d.public_from = Some(today + Days::new(10));
        app.publish(d, "borsdorf").await;
        let (a, _) = agreements::create_agreement(&app.db, ids[0], sample_agreement(vec![ids[0], ids[1]], today), &Actor::user(1), now).await.unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-internal.mjs"))
            .args([&app.address, PASSWORD, &a.id.to_string(), &(today + Days::new(30)).to_string(), &(today - Days::new(1)).to_string()])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-internal.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        for expected in ["listed: true", "edit links: 0", "read: Sachgebietsleitung Kämmerei (m/w/d)", "naunhof feed items: 0", "public day error: true", "saved internal → Gespeichert.", "upload error: true", "uploaded → Das unterschriebene Dokument ist hinterlegt", "download: 200 application/pdf"] {
            assert!(steps.contains(expected), "{expected}: {steps}");
        }
        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["internal_list", "internal_posting", "internal_feed", "posting_form_internal_errors", "agreement_document_errors", "agreement_document"]);
        crate::assert_clean_in_browser(&result);
    }
}
