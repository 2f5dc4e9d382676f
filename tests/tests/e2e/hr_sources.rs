//! Import sources in the HR workspace: the admin adds, harvests, switches and removes sources
//! and reads their status; officers see their own municipality's sources only.
//!
//! The harvests fetch from a fixture feed server on 127.0.0.1, which the board may reach because
//! these tests allow loopback imports; the harvester in `serve` is off, so only the button runs.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as HttpStatus, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use jobboard_domain::entities::{import_source, posting};
use jobboard_domain::imports::sources::{self, NewSource};
use jobboard_domain::imports::{ImportFormat, ImportSource};
use jobboard_e2e::{TestApp, e2e_tests};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

use super::hr::{account, get_as, municipality_id, post, sign_in, snapshot};

const ENV: [(&str, &str); 2] = [
    ("JOBBOARD_IMPORT_ALLOW_PRIVATE", "loopback"),
    ("JOBBOARD_IMPORT_INTERVAL_SECS", "off"),
];

/// What the fixture server answers on `/feed.xml`: a status and a body, changed by the test.
#[derive(Clone)]
struct Feed(Arc<Mutex<(u16, String)>>);

impl Feed {
    fn set(&self, status: u16, body: &str) {
        *self.0.lock().unwrap() = (status, body.to_owned());
    }
}

/// A fixture server; `/feed.xml` sends ETag "v1" and answers a matching `If-None-Match` with 304
/// (while it serves 200), `/gone.xml` is always 404.
async fn feed_server() -> (String, Feed) {
    let feed = Feed(Arc::new(Mutex::new((200, rss()))));
    let app = Router::new()
        .route(
            "/feed.xml",
            get(|State(feed): State<Feed>, headers: HeaderMap| async move {
                let (status, body) = feed.0.lock().unwrap().clone();
                if status != 200 {
                    return HttpStatus::from_u16(status).unwrap().into_response();
                }
                if headers
                    .get(header::IF_NONE_MATCH)
                    .is_some_and(|v| v == "\"v1\"")
                {
                    return HttpStatus::NOT_MODIFIED.into_response();
                }
                let response: Response = (
                    [
                        (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
                        (header::ETAG, "\"v1\""),
                    ],
                    body,
                )
                    .into_response();
                response
            }),
        )
        .route("/gone.xml", get(|| async { HttpStatus::NOT_FOUND }))
        .with_state(feed.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, feed)
}

fn item(guid: &str, title: &str) -> String {
    format!(
        "<item><title>{title}</title><link>https://www.naunhof.de/stellen/{guid}</link>\
         <guid isPermaLink=\"false\">{guid}</guid><category>Verwaltung</category>\
         <description>Die Stadt Naunhof sucht Verstärkung.</description></item>"
    )
}

/// Two good items and one without a title, which is skipped and reported.
fn rss() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Stellen der Stadt Naunhof</title><link>https://www.naunhof.de</link>\
         <description>Stellenangebote</description>{}{}{}</channel></rss>\n",
        item("nau-1", "Sachbearbeiter Ordnungsamt (m/w/d)"),
        "<item><guid>nau-kaputt</guid><description>Ohne Titel</description></item>",
        item("nau-2", "Hausmeister Grundschule (m/w/d)"),
    )
}

async fn add(app: &TestApp, slug: &str, url: &str) -> ImportSource {
    sources::add(
        &app.db,
        NewSource {
            municipality_id: municipality_id(app, slug).await,
            url: url.into(),
            format: ImportFormat::Auto,
        },
        Utc::now(),
    )
    .await
    .unwrap()
}

async fn source(app: &TestApp, id: i64) -> Option<ImportSource> {
    sources::find(&app.db, id).await.unwrap()
}

async fn imported_postings(app: &TestApp, id: i64) -> u64 {
    posting::Entity::find()
        .filter(posting::Column::SourceId.eq(id))
        .count(&app.db)
        .await
        .unwrap()
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers()["location"].to_str().unwrap().to_owned()
}

/// The text of the `<dd>` after the `<dt>` named `term` on a status page.
fn fact(html: &str, term: &str) -> String {
    let at = html
        .find(&format!("<dt>{term}</dt><dd>"))
        .unwrap_or_else(|| panic!("no {term:?} on the page:\n{html}"));
    let rest = &html[at + term.len() + 13..];
    rest[..rest.find("</dd>").unwrap()].to_owned()
}

e2e_tests! {
    env ENV;

    async fn the_admin_adds_a_source_with_field_checks_and_nothing_is_stored_on_errors(app) {
        account(&app, "admin@partheland.de", None).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let naunhof = municipality_id(&app, "naunhof").await.to_string();
        let list = get_as(&app, &admin, "/verwaltung/admin").await.text().await.unwrap();
        assert!(list.contains("href=\"/verwaltung/admin/quellen\""), "linked from the admin navigation");
        let before = snapshot(&app).await;

        let bad = post(&app, Some(&admin), "/verwaltung/admin/quellen", &[("csrf", &admin.csrf), ("municipality_id", ""), ("url", "naunhof.de/stellen.rss"), ("format", "xml")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Bitte prüfen Sie Ihre Angaben"), "error summary");
        for (field, message) in [("municipality_id", "Bitte wählen Sie eine Kommune."), ("url", "https:// oder http://"), ("format", "Bitte wählen Sie ein Format")] {
            assert!(html.contains(&format!("href=\"#q-{field}\"")), "summary links to {field}");
            let error = html.find(&format!("<p class=\"field-error\" id=\"e-{field}\">")).unwrap_or_else(|| panic!("error beside {field}"));
            assert!(html[error..].split("</p>").next().unwrap().contains(message), "{field}: {message}");
            let input = html.find(&format!("id=\"q-{field}\"")).unwrap();
            let tag = html[input..].split('>').next().unwrap();
            assert!(tag.contains("aria-invalid=\"true\"") && tag.contains(&format!("e-{field}")), "{tag}");
        }
        assert!(html.contains("value=\"naunhof.de/stellen.rss\""), "input kept");
        // A municipality that does not exist is refused too, with the URL's own check.
        let unknown = post(&app, Some(&admin), "/verwaltung/admin/quellen", &[("csrf", &admin.csrf), ("municipality_id", "987654"), ("url", "ftp://www.naunhof.de/stellen"), ("format", "rss")], None).await;
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = unknown.text().await.unwrap();
        assert!(html.contains("Bitte wählen Sie eine Kommune.") && html.contains("id=\"e-url\""));
        assert!(!html.contains("id=\"e-format\""), "a valid format is no error");
        assert!(html.contains("<option value=\"rss\" selected>"), "format kept");
        assert_eq!(snapshot(&app).await, before, "nothing stored");

        let good = post(&app, Some(&admin), "/verwaltung/admin/quellen", &[("csrf", &admin.csrf), ("municipality_id", &naunhof), ("url", " https://www.naunhof.de/stellen.json "), ("format", "jsonfeed")], None).await;
        assert_eq!(good.status(), StatusCode::SEE_OTHER);
        let to = location(&good);
        let id: i64 = to.trim_start_matches("/verwaltung/admin/quellen/").split('?').next().unwrap().parse().unwrap();
        let stored = source(&app, id).await.unwrap();
        assert_eq!((stored.url.as_str(), stored.format.code(), stored.enabled), ("https://www.naunhof.de/stellen.json", "jsonfeed", true));
        assert_eq!(stored.municipality_id.to_string(), naunhof);
        let status = get_as(&app, &admin, &to).await.text().await.unwrap();
        assert!(status.contains("Die Quelle ist angelegt."), "notice after the redirect");
        assert_eq!(fact(&status, "Kommune"), "Naunhof");
        assert_eq!(fact(&status, "Format"), "JSON Feed");
        assert_eq!(fact(&status, "Zeitpunkt"), "nie");
        assert!(fact(&status, "Nächster regelmäßiger Abruf").contains("nur auf Anforderung"), "the harvester in serve is off here");
        // The same URL for the same municipality again is refused.
        let twice = post(&app, Some(&admin), "/verwaltung/admin/quellen", &[("csrf", &admin.csrf), ("municipality_id", &naunhof), ("url", "https://www.naunhof.de/stellen.json"), ("format", "auto")], None).await;
        assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(twice.text().await.unwrap().contains("schon eingetragen"));
        assert_eq!(sources::list(&app.db).await.unwrap().len(), 1);
        let list = get_as(&app, &admin, "/verwaltung/admin/quellen").await.text().await.unwrap();
        assert!(list.contains("https://www.naunhof.de/stellen.json") && list.contains("noch nie abgerufen"));
        // Ids that are not a source are "not found", never a server error.
        for path in ["/verwaltung/admin/quellen/abc", &format!("/verwaltung/admin/quellen/{}", id + 1000), "/verwaltung/admin/quellen/99999999999999999999"] {
            assert_eq!(get_as(&app, &admin, path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let resp = post(&app, Some(&admin), "/verwaltung/admin/quellen/abc/abrufen", &[("csrf", &admin.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }

    async fn harvest_now_imports_the_feed_shows_the_counts_and_later_the_error(app) {
        account(&app, "admin@partheland.de", None).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let (base, feed) = feed_server().await;
        let s = add(&app, "naunhof", &format!("{base}/feed.xml")).await;
        let page = format!("/verwaltung/admin/quellen/{}", s.id);
        let harvest = format!("{page}/abrufen");

        let resp = post(&app, Some(&admin), &harvest, &[("csrf", &admin.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&resp), format!("{page}?hinweis=abgerufen"));
        assert_eq!(imported_postings(&app, s.id).await, 2, "the two good items are postings now");
        let html = get_as(&app, &admin, &location(&resp)).await.text().await.unwrap();
        assert!(html.contains("Die Quelle wurde abgerufen."));
        assert_eq!(fact(&html, "Neu"), "2");
        assert_eq!(fact(&html, "Fehlerhaft (übersprungen)"), "1");
        assert_eq!(fact(&html, "Unverändert"), "0");
        assert_eq!(fact(&html, "Ergebnis"), "erfolgreich");
        assert_eq!(fact(&html, "Fehler"), "keiner");
        assert!(fact(&html, "Erster fehlerhafter Eintrag").contains("nau-kaputt"), "the failing item is named");
        assert_eq!(fact(&html, "Anzeigen aus der Quelle"), "2");
        assert_eq!(fact(&html, "ETag"), "<code>&#34;v1&#34;</code>");
        assert_ne!(fact(&html, "Letzter erfolgreicher Abruf"), "nie");
        let row = source(&app, s.id).await.unwrap();
        assert!(row.claimed_until.is_none(), "the lease is given back");

        // Unchanged since the last run: the validators make the server answer 304.
        let resp = post(&app, Some(&admin), &harvest, &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), format!("{page}?hinweis=unveraendert"));
        let row = source(&app, s.id).await.unwrap();
        assert!(row.last_success_at.is_some() && row.last_error.is_none());
        // The unchanged document's items count as unchanged; its unreadable item is still named.
        assert_eq!((row.last_new, row.last_updated, row.last_unchanged), (0, 0, 2));
        assert_eq!(row.last_failed, 1);
        assert!(row.last_failing_item.is_some());

        // Now the feed is broken: the error is shown, the postings and the last success stay.
        feed.set(500, "");
        let resp = post(&app, Some(&admin), &harvest, &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), format!("{page}?hinweis=fehler"));
        let html = get_as(&app, &admin, &location(&resp)).await.text().await.unwrap();
        assert!(html.contains("Der Abruf ist fehlgeschlagen."));
        assert!(fact(&html, "Fehler").contains("HTTP-Status 500"), "{}", fact(&html, "Fehler"));
        assert!(fact(&html, "Ergebnis").contains("fehlgeschlagen"));
        let failed = source(&app, s.id).await.unwrap();
        assert_eq!(failed.last_success_at, row.last_success_at, "the last success is kept");
        assert_eq!(imported_postings(&app, s.id).await, 2);
        let list = get_as(&app, &admin, "/verwaltung/admin/quellen").await.text().await.unwrap();
        assert!(list.contains("Fehlgeschlagen:</strong> Die Quelle antwortete mit HTTP-Status 500."), "the list shows the error in short");

        // While another harvester holds the lease, the button does not run a second harvest.
        assert!(sources::claim(&app.db, s.id, chrono::Duration::minutes(10), Utc::now()).await.unwrap().is_some());
        feed.set(200, &rss());
        let before = snapshot(&app).await;
        let resp = post(&app, Some(&admin), &harvest, &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), format!("{page}?hinweis=belegt"));
        assert_eq!(snapshot(&app).await, before, "nothing harvested");
        let html = get_as(&app, &admin, &location(&resp)).await.text().await.unwrap();
        assert!(html.contains("wird gerade schon abgerufen") && fact(&html, "Ergebnis") == "läuft gerade");
    }

    async fn a_source_that_cannot_be_fetched_shows_its_error_in_the_list_and_on_its_page(app) {
        account(&app, "admin@partheland.de", None).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let (base, _feed) = feed_server().await;
        let gone = add(&app, "brandis", &format!("{base}/gone.xml")).await;
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/quellen/{}/abrufen", gone.id), &[("csrf", &admin.csrf)], None).await;
        assert!(location(&resp).ends_with("?hinweis=fehler"));
        let stored = source(&app, gone.id).await.unwrap();
        let error = stored.last_error.clone().expect("the error is recorded");
        assert!(error.contains("404"), "{error}");
        assert!(stored.last_success_at.is_none());
        let html = get_as(&app, &admin, &format!("/verwaltung/admin/quellen/{}", gone.id)).await.text().await.unwrap();
        assert_eq!(fact(&html, "Fehler"), format!("<span id=\"quellenfehler\">{error}</span>"));
        assert_eq!(fact(&html, "Letzter erfolgreicher Abruf"), "nie");
        assert_eq!(fact(&html, "Neu"), "0");
        let list = get_as(&app, &admin, "/verwaltung/admin/quellen").await.text().await.unwrap();
        assert!(list.contains(&format!("Fehlgeschlagen:</strong> {error}")), "{list}");
    }

    async fn the_admin_switches_a_source_off_and_on_and_removes_it(app) {
        account(&app, "admin@partheland.de", None).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let empty = add(&app, "naunhof", "https://www.naunhof.de/leer.rss").await;
        let used = add(&app, "naunhof", "https://www.naunhof.de/stellen.rss").await;
        let page = |id: i64| format!("/verwaltung/admin/quellen/{id}");

        let resp = post(&app, Some(&admin), &format!("{}/deaktivieren", page(empty.id)), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), format!("{}?hinweis=deaktiviert", page(empty.id)));
        assert!(!source(&app, empty.id).await.unwrap().enabled);
        let html = get_as(&app, &admin, &location(&resp)).await.text().await.unwrap();
        assert_eq!(fact(&html, "Zustand"), "abgeschaltet");
        assert!(html.contains("/aktivieren\"") && !html.contains("/deaktivieren\""), "offers to switch it on again");
        assert!(fact(&html, "Nächster regelmäßiger Abruf").contains("abgeschaltet"));
        let resp = post(&app, Some(&admin), &format!("{}/aktivieren", page(empty.id)), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), format!("{}?hinweis=aktiviert", page(empty.id)));
        assert!(source(&app, empty.id).await.unwrap().enabled);

        // A source without postings is deleted.
        let html = get_as(&app, &admin, &page(empty.id)).await.text().await.unwrap();
        assert!(html.contains("Sie wird endgültig gelöscht."));
        let resp = post(&app, Some(&admin), &format!("{}/entfernen", page(empty.id)), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), "/verwaltung/admin/quellen?hinweis=entfernt");
        assert!(source(&app, empty.id).await.is_none());
        assert_eq!(get_as(&app, &admin, &page(empty.id)).await.status(), StatusCode::NOT_FOUND);
        let list = get_as(&app, &admin, &location(&resp)).await.text().await.unwrap();
        assert!(list.contains("Die Quelle ist entfernt.") && !list.contains("leer.rss"));

        // A source its postings name as their origin is only switched off, and the page says so.
        let naunhof = municipality_id(&app, "naunhof").await;
        let p = jobboard_domain::postings::mutations::create_posting(&app.db, naunhof, jobboard_e2e::draft("NAU-Q-1", "Gärtner (m/w/d)", jobboard_domain::postings::PostingKind::Job), &jobboard_domain::Actor::user(1), Utc::now()).await.unwrap();
        posting::Entity::update_many()
            .col_expr(posting::Column::SourceId, Expr::value(used.id))
            .filter(posting::Column::Id.eq(p.id))
            .exec(&app.db)
            .await
            .unwrap();
        let html = get_as(&app, &admin, &page(used.id)).await.text().await.unwrap();
        assert!(html.contains("Aus dieser Quelle stammt eine Anzeige. Sie bleibt erhalten"), "says what happens to the postings");
        let resp = post(&app, Some(&admin), &format!("{}/entfernen", page(used.id)), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(location(&resp), "/verwaltung/admin/quellen?hinweis=abgeschaltet");
        let kept = source(&app, used.id).await.unwrap();
        assert!(!kept.enabled);
        assert_eq!(imported_postings(&app, used.id).await, 1, "the posting keeps its source");
        let html = get_as(&app, &admin, &page(used.id)).await.text().await.unwrap();
        assert!(html.contains("das ist sie bereits") && !html.contains("/entfernen\""), "nothing more to remove");
        // Switching an unknown source is "not found" and changes nothing.
        let before = snapshot(&app).await;
        let resp = post(&app, Some(&admin), &format!("{}/deaktivieren", page(empty.id)), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert_eq!(snapshot(&app).await, before);
    }

    async fn an_officer_sees_the_own_municipalitys_sources_only_and_read_only(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let own = add(&app, "naunhof", "https://www.naunhof.de/stellen.rss").await;
        let foreign = add(&app, "borsdorf", "https://www.borsdorf.de/stellen.rss").await;
        let lease = sources::claim(&app.db, own.id, chrono::Duration::minutes(10), Utc::now()).await.unwrap().unwrap();
        sources::finish_run(&app.db, &lease, sources::RunOutcome { new: 4, unchanged: 7, failed: 1, failing_item: Some("nau-9: Titel fehlt".into()), ..Default::default() }, Utc::now()).await.unwrap();
        import_source::Entity::update_many()
            .col_expr(import_source::Column::LastRunAt, Expr::value(Some(Utc::now())))
            .filter(import_source::Column::Id.eq(own.id))
            .exec(&app.db)
            .await
            .unwrap();
        let officer = sign_in(&app, "personal@naunhof.de").await;
        let dash = get_as(&app, &officer, "/verwaltung").await.text().await.unwrap();
        assert!(dash.contains("href=\"/verwaltung/quellen\""), "in the officer's navigation");
        let list = get_as(&app, &officer, "/verwaltung/quellen").await;
        assert_eq!(list.status(), StatusCode::OK);
        let list = list.text().await.unwrap();
        assert!(list.contains("naunhof.de/stellen.rss") && !list.contains("borsdorf"), "own sources only");
        assert!(list.contains("4 neu, 0 aktualisiert, 0 archiviert, 7 unverändert, 1 fehlerhaft"));
        assert!(!list.contains("<form method=\"post\" action=\"/verwaltung/admin"), "no admin forms");
        let html = get_as(&app, &officer, &format!("/verwaltung/quellen/{}", own.id)).await.text().await.unwrap();
        assert_eq!(fact(&html, "Erster fehlerhafter Eintrag"), "<span id=\"fehlerhafter-eintrag\">nau-9: Titel fehlt</span>");
        assert!(!html.contains("Jetzt abrufen") && !html.contains("/entfernen"), "read-only");
        for path in [format!("/verwaltung/quellen/{}", foreign.id), "/verwaltung/quellen/abc".into(), "/verwaltung/quellen/0".into()] {
            assert_eq!(get_as(&app, &officer, &path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        for path in ["/verwaltung/admin/quellen".to_owned(), format!("/verwaltung/admin/quellen/{}", own.id)] {
            assert_eq!(get_as(&app, &officer, &path).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let before = snapshot(&app).await;
        let resp = post(&app, Some(&officer), &format!("/verwaltung/admin/quellen/{}/abrufen", own.id), &[("csrf", &officer.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "officers cannot harvest");
        assert_eq!(snapshot(&app).await, before);
    }
}
