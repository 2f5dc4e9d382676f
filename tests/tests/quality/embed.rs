//! The embeddable job list in headless Chromium: the „Einbinden“ page and the embedded list pass
//! axe-core and the Nu checker; a page on another loopback origin can frame the list when that
//! origin is a member's website or configured, cannot when it is neither, and cannot frame any
//! other page of the board; the resize script fits the frame to the list.

use std::collections::HashMap;
use std::process::Command;

use axum::extract::Query;
use axum::response::Html;
use jobboard_domain::entities::municipality;
use jobboard_domain::postings::PostingKind;
use jobboard_domain::testing::TestDb;
use jobboard_e2e::spawn_app_with;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use tokio::net::TcpListener;

use super::{assert_no_wcag_violations, browser_dir};

/// A stranger's website: one frame of `src` and the board's resize script.
async fn host_page(Query(q): Query<HashMap<String, String>>) -> Html<String> {
    let src = q.get("src").cloned().unwrap_or_default();
    let board = url::Url::parse(&src)
        .unwrap()
        .origin()
        .ascii_serialization();
    Html(format!(
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Website einer Gemeinde</title></head><body><h1>Aktuelles</h1>\
         <iframe src=\"{}\" title=\"Stellenangebote\" loading=\"lazy\" width=\"100%\" height=\"150\" style=\"border:0\" data-stellenboerse></iframe>\
         <script src=\"{board}/einbetten/rahmen.js\" async></script></body></html>",
        src.replace('&', "&amp;").replace('"', "&quot;")
    ))
}

/// Serve [`host_page`] on a loopback port of its own; its origin.
async fn spawn_host() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/", axum::routing::get(host_page));
    tokio::spawn(async move { axum::serve(listener, app).await });
    origin
}

fn node(script: &str, urls: &[String]) -> serde_json::Value {
    let output = Command::new("node")
        .arg(browser_dir().join(script))
        .args(urls)
        .output()
        .expect("node runs (scripts/test installs what is needed)");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_list_is_framed_only_by_member_websites_and_configured_origins() {
    let (configured, member, stranger) =
        (spawn_host().await, spawn_host().await, spawn_host().await);
    let app = spawn_app_with(
        TestDb::sqlite().await,
        &[("JOBBOARD_EMBED_ORIGINS", &configured)],
    )
    .await;
    // Naunhof's website is the second host (before the first request reads the members).
    let naunhof = municipality::Entity::find_by_id(app.member("naunhof").await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut naunhof: municipality::ActiveModel = naunhof.into();
    naunhof.website = Set(format!("{member}/rathaus/"));
    naunhof.update(&app.db).await.unwrap();
    for i in 0..6 {
        let d = jobboard_e2e::draft(
            &format!("E-{i}"),
            &format!("Erzieher Kita Sonnenschein {i} (m/w/d)"),
            PostingKind::Job,
        );
        app.publish(d, "naunhof").await;
    }
    let list = format!(
        "{}/einbetten/stellen?kommune=naunhof&suchfeld=ja",
        app.address
    );
    app.wait_for("/einbetten/stellen?kommune=naunhof", "Sonnenschein 5")
        .await;

    let frame = |host: &str, src: &str| {
        format!(
            "{host}/?src={}",
            url::form_urlencoded::byte_serialize(src.as_bytes()).collect::<String>()
        )
    };
    let urls = [
        frame(&configured, &list),
        frame(&member, &list),
        frame(&stranger, &list),
        frame(
            &configured,
            &format!("{}/stellen?kommune=naunhof", app.address),
        ),
    ];
    let results = node("embed.mjs", &urls);
    let framed: Vec<bool> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["framed"].as_bool().unwrap())
        .collect();
    assert_eq!(
        framed,
        [true, true, false, false],
        "configured, member, stranger, ordinary page: {results}"
    );
    for r in &results.as_array().unwrap()[..2] {
        let height = r["height"].as_f64().unwrap();
        assert!(
            height > 400.0,
            "the resize script fitted the frame to six cards: {r}"
        );
        let links = r["links"].as_array().unwrap();
        assert!(!links.is_empty());
        for l in links {
            assert_eq!(l["target"], "_blank", "{r}");
            assert_eq!(l["rel"], "noopener", "{r}");
        }
    }
    assert_eq!(
        results[2]["height"].as_f64().unwrap(),
        150.0,
        "a refused frame is not resized"
    );
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generator_page_and_embedded_list_have_no_wcag_or_html_errors() {
    let app = spawn_app_with(TestDb::sqlite().await, &[]).await;
    app.publish(
        jobboard_e2e::draft(
            "E-1",
            "Sachbearbeiter Ordnungsamt (m/w/d)",
            PostingKind::Job,
        ),
        "brandis",
    )
    .await;
    app.publish(
        jobboard_e2e::draft(
            "E-2",
            "Ausbildung Verwaltungsfachangestellte",
            PostingKind::Apprenticeship,
        ),
        "brandis",
    )
    .await;
    app.wait_for("/einbetten/stellen", "Ordnungsamt").await;
    let paths = [
        "/einbinden?kommune=brandis",
        "/einbinden?q=Verwaltung&art=apprenticeship&liste=ausbildung&anzahl=5&darstellung=kompakt&suchfeld=ja",
        "/einbetten/stellen?kommune=brandis&suchfeld=ja",
        "/einbetten/ausbildung?darstellung=kompakt&anzahl=3",
        "/einbetten/stellen?q=Raumfahrt",
    ];
    let urls: Vec<String> = paths
        .iter()
        .map(|p| format!("{}{p}", app.address))
        .collect();
    let results = node("axe.mjs", &urls);
    let results = results.as_array().unwrap();
    assert_no_wcag_violations(results, "url");
    assert!(results.iter().all(|r| r["status"] == 200), "{results:?}");
    crate::assert_valid_html(crate::fetch_pages(&app, &urls, "embed").await);
    app.shutdown().await.unwrap();
}
