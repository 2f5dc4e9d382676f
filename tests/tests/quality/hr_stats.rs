//! The workspace's numbers in headless Chromium (issue 20): the editor with its „besetzt“ form,
//! a posting's numbers with the SVG chart and tables, the municipality's and the region's
//! statistics and the public „Zahlen“, with axe-core and the Nu checker. On both databases.

use std::process::Command;

use chrono::{Days, Utc};
use jobboard_domain::accounts::{NewUser, Role, users};
use jobboard_domain::postings::PostingKind;
use jobboard_domain::stats::counts::{self, Count};
use jobboard_domain::stats::{CountEvent, TrafficSource};
use jobboard_domain::{Actor, berlin, municipalities};
use jobboard_e2e::{draft, e2e_tests};

use super::browser_dir;

const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

e2e_tests! {
    async fn statistics_pages_with_charts_have_no_wcag_or_html_errors(app) {
        let now = Utc::now();
        let naunhof = municipalities::find_by_slug(&app.db, "naunhof").await.unwrap().unwrap().id;
        for (email, role, m) in [("personal@naunhof.de", Role::Officer, Some(naunhof)), ("admin@partheland.de", Role::Admin, None)] {
            let u = users::create_user(&app.db, NewUser { email: email.into(), name: "Frau Weber".into(), role, municipality_id: m }, &Actor::system("test"), now).await.unwrap();
            users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now).await.unwrap();
        }
        let p = app.publish(draft("N-1", "Erzieherin Hort (m/w/d)", PostingKind::Job), "naunhof").await;
        let other = app.publish(draft("N-2", "Auszubildende Verwaltung (m/w/d)", PostingKind::Apprenticeship), "naunhof").await;
        let today = berlin::today(now);
        let mut rows = Vec::new();
        for back in 0..10_u64 {
            let day = today - Days::new(back);
            for (event, source, n) in [
                (CountEvent::View, TrafficSource::SearchEngine, 12 + back),
                (CountEvent::View, TrafficSource::Member, 3),
                (CountEvent::Impression, TrafficSource::Board, 80),
                (CountEvent::Apply, TrafficSource::SearchEngine, back % 3),
                (CountEvent::AlertMail, TrafficSource::Alert, 2),
            ] {
                rows.push(Count { day, posting_id: p.id, event, source, count: n });
                rows.push(Count { day, posting_id: other.id, event, source, count: n / 2 });
            }
        }
        counts::flush(&app.db, &rows).await.unwrap();
        jobboard_domain::stats::filling::mark_filled(&app.db, other.id, other.version, today, &Actor::user(1), now).await.unwrap();

        let output = Command::new("node")
            .arg(browser_dir().join("hr-stats.mjs"))
            .args([&app.address, &p.id.to_string(), "personal@naunhof.de", "admin@partheland.de", PASSWORD])
            .output()
            .expect("node runs (scripts/test installs what is needed)");
        assert!(output.status.success(), "browser run failed: {}", String::from_utf8_lossy(&output.stderr));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from hr-stats.mjs");
        assert!(result["error"].is_null(), "browser step failed: {}\nsteps: {}", result["error"], result["steps"]);
        let steps = result["steps"].to_string();
        assert!(steps.contains("posting charts: 1"), "{steps}");
        assert!(steps.contains("statistics at /verwaltung/statistik/naunhof"), "{steps}");
        assert!(steps.contains("statistics charts: 1"), "{steps}");
        assert!(steps.contains("period → ?zeitraum=365"), "{steps}");
        let checked: Vec<&str> = result["axe"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(checked, ["editor_with_filled_form", "posting_numbers", "statistics", "statistics_region", "public_numbers"]);
        crate::assert_clean_in_browser(&result);
    }
}
