//! Search alerts end to end, with a real SMTP server on loopback (aiosmtpd): request →
//! confirmation mail → confirm → a matching posting is published → the next run mails exactly
//! that posting (two runs at once: one mail) → the next run mails nothing → a posting that
//! expired before the run is not listed → one-click POST deletes the address → no more mail.
//! Messages are read with Python's `email` package, as a mail client would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::alerts::mutations::{self, Requested};
use jobboard_domain::alerts::{AlertStatus, SearchAlert};
use jobboard_domain::entities::{audit_entry, search_alert};
use jobboard_domain::postings::PostingKind;
use jobboard_e2e::{Database, TestApp, draft, spawn_app_with};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

use crate::hr::post;

/// `name::on_sqlite` and `name::on_postgres` running `body(database)`, for tests that start
/// their app themselves (with a mail server of their own).
macro_rules! on_both_databases {
    ($name:ident => $body:ident) => {
        mod $name {
            use jobboard_e2e::Database;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$body(Database::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(database) = Database::postgres().await else {
                    eprintln!("PostgreSQL tests switched off");
                    return;
                };
                super::$body(database).await;
            }
        }
    };
}

/// aiosmtpd with its Maildir handler; killed when dropped.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `python3 <args…>` serving SMTP on a free loopback port (`{port}` in `args` stands for it),
/// once it accepts connections.
async fn spawn_aiosmtpd(args: &[&str]) -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let child = Command::new("python3")
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 with aiosmtpd installed");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, port)
}

async fn start_smtp() -> Smtp {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let maildir_arg = maildir.display().to_string();
    let (child, port) = spawn_aiosmtpd(&[
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        "127.0.0.1:{port}",
        "-c",
        "aiosmtpd.handlers.Mailbox",
        &maildir_arg,
    ])
    .await;
    Smtp {
        child,
        port,
        maildir,
        _dir: dir,
    }
}

const PARSE: &str = r#"
import sys, json, email, os, re
from email import policy
# Delivery order: Maildir names are "<seconds>.M<microseconds>P<pid>Q<counter>.<host>" with the
# microseconds not zero-padded, so sorting the names would misorder two mails of one second;
# the Q counter of the one receiving process counts deliveries.
def delivered(name):
    return int(re.search(r'Q(\d+)', name).group(1))
out = []
for name in sorted(os.listdir(sys.argv[1]), key=delivered):
    m = email.message_from_binary_file(open(os.path.join(sys.argv[1], name), 'rb'), policy=policy.default)
    text = m.get_body(('plain',))
    html = m.get_body(('html',))
    out.append({
        'to': str(m['To']), 'subject': str(m['Subject']),
        'unsubscribe': m['List-Unsubscribe'] and str(m['List-Unsubscribe']),
        'unsubscribe_post': m['List-Unsubscribe-Post'] and str(m['List-Unsubscribe-Post']),
        'type': m.get_content_type(),
        'text': text.get_content() if text else '',
        'html': html.get_content() if html and html.get_content_type() == 'text/html' else '',
    })
print(json.dumps(out))
"#;

/// Every message received so far, parsed by Python's `email` package.
fn received(maildir: &Path) -> Vec<Value> {
    let new = maildir.join("new");
    if !new.exists() {
        return Vec::new();
    }
    let out = Command::new("python3")
        .args(["-c", PARSE])
        .arg(&new)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

/// Wait until `n` messages arrived.
async fn wait_for_mails(maildir: &Path, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mails = received(maildir);
        if mails.len() >= n {
            return mails;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {n} mails arrived",
            mails.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The token in `…/suchauftrag/<token>` of `text`.
fn token_after(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {text}"))
        + prefix.len();
    text[start..start + 43].to_owned()
}

async fn alerts(app: &TestApp) -> Vec<SearchAlert> {
    search_alert::Entity::find().all(&app.db).await.unwrap()
}

async fn sign_up(app: &TestApp, email: &str, query: &str) -> reqwest::Response {
    let fields = [
        ("scope", "stellen"),
        ("query", query),
        ("email", email),
        ("frequency", "daily"),
        ("consent", "ja"),
    ];
    post(app, None, "/suchauftrag", &fields, None).await
}

async fn full_path(database: Database) {
    let smtp = start_smtp().await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(database, &[("JOBBOARD_SMTP_URL", url.as_str())]).await;

    // The results page offers the alert for the current search.
    let page = app
        .get("/stellen?q=Erzieher&kommune=naunhof&sortierung=neueste")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Suchauftrag anlegen"), "{page}");
    assert!(
        page.contains("name=\"query\" value=\"q=Erzieher&#38;kommune=naunhof\""),
        "{page}"
    );
    assert!(page.contains("Erzieher, Naunhof"), "{page}");

    // Request: a page asking to confirm, a mail naming the search, nothing sent before that.
    let r = sign_up(&app, "eva.sucht@example.de", "q=Erzieher&kommune=naunhof").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Bitte bestätigen Sie Ihren Suchauftrag")
    );
    let mails = wait_for_mails(&smtp.maildir, 1).await;
    let confirm = &mails[0];
    assert_eq!(confirm["to"], "eva.sucht@example.de");
    let text = confirm["text"].as_str().unwrap();
    assert!(
        text.contains("Erzieher, Naunhof (Stellen)") && text.contains("Häufigkeit: täglich"),
        "{text}"
    );
    assert!(text.contains("/datenschutz#suchauftraege"), "{text}");
    let token = token_after(text, &format!("{}/suchauftrag/", app.address));
    // A second request for the same address while the first is pending sends nothing.
    assert_eq!(
        sign_up(&app, "EVA.sucht@example.de", "q=Erzieher")
            .await
            .status(),
        StatusCode::OK
    );

    let alert = alerts(&app).await.remove(0);
    let report = app
        .run_alerts("w1", Utc::now() + chrono::Duration::days(2))
        .await;
    assert_eq!(report.claimed, 0, "nothing is sent before confirmation");

    // Confirm on the management page (a GET alone confirms nothing).
    let manage = app
        .get(&format!("/suchauftrag/{token}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(manage.contains("Suchauftrag bestätigen"), "{manage}");
    assert_eq!(
        alerts(&app).await[0].status,
        jobboard_domain::alerts::AlertStatus::Pending
    );
    let r = post(
        &app,
        None,
        &format!("/suchauftrag/{token}/bestaetigen"),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let confirmed = alerts(&app).await.remove(0);
    let due = confirmed.next_due_at.unwrap();

    // New postings: one that matches, one that does not, one that matches but expires today.
    let mut kita = draft(
        "K-1",
        "Erzieher (m/w/d) Kita Sonnenschein",
        PostingKind::Job,
    );
    kita.location_place = "Naunhof".into();
    app.publish(kita, "naunhof").await;
    app.publish(
        draft("B-1", "Bauhofmitarbeiter (m/w/d)", PostingKind::Job),
        "naunhof",
    )
    .await;
    let mut short = draft("K-2", "Erzieher (m/w/d) Hort Regenbogen", PostingKind::Job);
    short.application_deadline = jobboard_domain::berlin::today(Utc::now());
    app.publish(short, "naunhof").await;
    app.wait_for("/stellen?q=Erzieher&kommune=naunhof", "Hort Regenbogen")
        .await;

    // Two processes run the job at once: one mail, with exactly the matching posting.
    // After the end of today in Berlin, when the short posting is offline (a run in the early
    // morning of today would still rightly list it).
    let today_ends =
        jobboard_domain::berlin::end_of_day(jobboard_domain::berlin::today(Utc::now()));
    let run = due.max(today_ends) + chrono::Duration::minutes(1);
    let (a, b) = tokio::join!(app.run_alerts("w1", run), app.run_alerts("w2", run));
    assert_eq!(a.mailed + b.mailed, 1, "{a:?} {b:?}");
    let mails = wait_for_mails(&smtp.maildir, 2).await;
    assert_eq!(mails.len(), 2);
    let m = &mails[1];
    let text = m["text"].as_str().unwrap();
    assert!(
        text.contains("Erzieher (m/w/d) Kita Sonnenschein"),
        "{text}"
    );
    assert!(
        !text.contains("Hort Regenbogen"),
        "expired before the run: {text}"
    );
    assert!(!text.contains("Bauhof"), "{text}");
    assert!(
        m["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ein neues Angebot"),
        "{m}"
    );
    assert_eq!(m["type"], "multipart/alternative");
    let html = m["html"].as_str().unwrap();
    assert!(
        html.contains("Kita Sonnenschein") && !html.contains("<img"),
        "{html}"
    );
    let unsubscribe = m["unsubscribe"].as_str().unwrap();
    assert!(
        unsubscribe.starts_with(&format!("<{}/suchauftrag/abmelden/", app.address)),
        "{unsubscribe}"
    );
    assert_eq!(m["unsubscribe_post"], "List-Unsubscribe=One-Click");
    assert!(
        text.contains(unsubscribe.trim_matches(['<', '>'])),
        "{text}"
    );

    // The next run sends nothing: not due again yet; the day after there is nothing new.
    let again = app
        .run_alerts("w3", run + chrono::Duration::minutes(1))
        .await;
    assert_eq!((again.claimed, again.mailed), (0, 0));
    let next_day = app.run_alerts("w3", run + chrono::Duration::days(1)).await;
    assert_eq!(
        (next_day.claimed, next_day.mailed, next_day.nothing_new),
        (1, 0, 1)
    );
    assert_eq!(received(&smtp.maildir).len(), 2);

    // A link scanner's GET of the unsubscribe address changes nothing; the one-click POST of a
    // mail client (no page, no origin) deletes the alert with its address.
    let link = unsubscribe.trim_matches(['<', '>']).to_owned();
    let page = app
        .client
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ja, abbestellen"), "{page}");
    assert_eq!(alerts(&app).await.len(), 1);
    let r = app
        .client
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        alerts(&app).await.is_empty(),
        "the address is deleted, not flagged"
    );
    let trail: Vec<String> = audit_entry::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e.actor, e.entity_type.code(), e.changes))
        .collect();
    assert!(!trail.join("\n").contains("eva.sucht"), "{trail:?}");
    assert_eq!(
        app.get(&format!("/suchauftrag/{token}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // No further mail, even with a new matching posting.
    let mut more = draft("K-3", "Erzieher (m/w/d) Kita Wiesenweg", PostingKind::Job);
    more.location_place = "Naunhof".into();
    app.publish(more, "naunhof").await;
    app.wait_for("/stellen?q=Erzieher&kommune=naunhof", "Kita Wiesenweg")
        .await;
    let after = app.run_alerts("w4", run + chrono::Duration::days(3)).await;
    assert_eq!((after.claimed, after.mailed), (0, 0));
    assert_eq!(received(&smtp.maildir).len(), 2);
    let _ = alert;
    app.shutdown().await.unwrap();
}

on_both_databases!(the_full_path_with_a_real_smtp_server => full_path);

jobboard_e2e::e2e_tests! {
    async fn bad_input_gets_german_field_errors_and_stores_nothing(app) {
        let fields = [("scope", "stellen"), ("query", "q=Erzieher&kommune=atlantis"), ("email", "eva@example.de?bcc=x@y.de"), ("frequency", "stündlich")];
        let r = post(&app, None, "/suchauftrag", &fields, None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        for message in ["Unbekannter Wert „atlantis“ für „kommune“", "gültige E-Mail-Adresse", "Bitte stimmen Sie zu", "„täglich“ oder „wöchentlich“", "Bitte prüfen Sie 4 Angaben"] {
            assert!(page.contains(message), "{message}: {page}");
        }
        let long = format!("q={}", "x".repeat(300));
        let r = sign_up(&app, "eva@example.de", &long).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("höchstens 200 Zeichen"));
        // From another site: refused before anything is read.
        let r = post(&app, None, "/suchauftrag", &[("scope", "stellen"), ("query", ""), ("email", "eva@example.de"), ("frequency", "daily"), ("consent", "ja")], Some("https://boese.example")).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(search_alert::Entity::find().count(&app.db).await.unwrap(), 0);
        assert_eq!(audit_entry::Entity::find().count(&app.db).await.unwrap(), 0);
    }

    async fn sign_ups_are_limited_per_client_and_one_alerts_token_cannot_touch_another(app) {
        for i in 0..5 {
            let r = sign_up(&app, &format!("person{i}@example.de"), if i == 0 { "q=Erzieher" } else { "q=Bauhof" }).await;
            assert_eq!(r.status(), StatusCode::OK, "sign-up {i}");
        }
        let r = sign_up(&app, "person9@example.de", "").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(search_alert::Entity::find().count(&app.db).await.unwrap(), 5);
        let mails = crate::hr::mails(&app);
        let of = |who: &str| mails.iter().find(|m| m.contains(&format!("To: {who}"))).unwrap_or_else(|| panic!("{who}: {mails:?}")).clone();
        let prefix = format!("{}/suchauftrag/", app.address);
        let (a, b) = (token_after(&of("person0@example.de"), &prefix), token_after(&of("person1@example.de"), &prefix));
        let page_a = app.get(&format!("/suchauftrag/{a}")).await.text().await.unwrap();
        assert!(page_a.contains("Erzieher") && !page_a.contains("Bauhof"), "{page_a}");
        let r = post(&app, None, &format!("/suchauftrag/{a}/loeschen"), &[("id", "2")], None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let left: Vec<String> = alerts(&app).await.into_iter().map(|x| x.email).collect();
        assert!(!left.contains(&"person0@example.de".to_owned()) && left.contains(&"person1@example.de".to_owned()), "{left:?}");
        assert!(app.get(&format!("/suchauftrag/{b}")).await.text().await.unwrap().contains("Bauhof"));
        // One character changed (never to the one it was: the token is random).
        let last = if b.ends_with('A') { 'B' } else { 'A' };
        let wrong = format!("{}{last}", &b[..b.len() - 1]);
        assert_eq!(app.get(&format!("/suchauftrag/{wrong}")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_management_page_changes_every_filter_and_bad_values_change_nothing(app) {
        let now = Utc::now();
        let draft = jobboard_domain::alerts::AlertDraft {
            email: "jonas@example.de".into(),
            scope: jobboard_domain::alerts::AlertScope::Jobs,
            query: "q=Erzieher&kommune=naunhof".into(),
            frequency: jobboard_domain::alerts::Frequency::Daily,
            consent: true,
        };
        let Requested::Created { alert, token } = mutations::request(&app.db, &draft, now).await.unwrap() else { panic!() };
        mutations::confirm(&app.db, alert.id, now).await.unwrap();
        let path = format!("/suchauftrag/{token}");
        let page = app.get(&path).await.text().await.unwrap();
        // Every filter of the results page is offered, the alert's own values checked.
        assert!(page.contains(r#"id="f-kommune-naunhof" name="kommune" value="naunhof" checked>"#), "{page}");
        assert!(page.contains(r#"id="f-kommune-brandis" name="kommune" value="brandis">"#), "{page}");
        assert!(page.contains(r#"name="art" value="apprenticeship">"#) && page.contains(r#"name="bereich" value="bauhof_technik">"#), "{page}");
        assert!(page.contains(r#"<select id="f-umkreis" name="umkreis">"#), "{page}");
        let version = alerts(&app).await[0].version.to_string();

        // Another text, kind, two municipalities and a radius; the old municipality unchecked.
        let changed = [
            ("version", version.as_str()), ("q", "Hausmeister"), ("art", "job"), ("kommune", "brandis"),
            ("kommune", "machern"), ("ort", "borsdorf"), ("umkreis", "10"), ("frequency", "weekly"),
        ];
        let r = post(&app, None, &format!("{path}/aendern"), &changed, None).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let stored = alerts(&app).await.remove(0);
        assert_eq!(stored.query, "q=Hausmeister&art=job&kommune=brandis&kommune=machern&ort=borsdorf&umkreis=10");
        assert_eq!(stored.frequency, jobboard_domain::alerts::Frequency::Weekly);
        let page = app.get(&path).await.text().await.unwrap();
        assert!(page.contains("Hausmeister, Stelle, Brandis, Machern, 10 km um Borsdorf"), "{page}");
        assert!(page.contains(r#"name="kommune" value="machern" checked>"#) && !page.contains(r#"value="naunhof" checked"#), "{page}");

        // Unchecking everything and clearing the text: all jobs.
        let r = post(&app, None, &format!("{path}/aendern"), &[("version", &stored.version.to_string()), ("q", ""), ("ort", ""), ("umkreis", ""), ("frequency", "weekly")], None).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let stored = alerts(&app).await.remove(0);
        assert_eq!(stored.query, "");

        // A value that names nothing, a text too long, a frequency that does not exist: the form
        // comes back with German errors beside the fields, and nothing is stored or audited.
        let audited = audit_entry::Entity::find().count(&app.db).await.unwrap();
        let v = stored.version.to_string();
        let r = post(&app, None, &format!("{path}/aendern"), &[("version", &v), ("q", "Bauhof"), ("kommune", "atlantis"), ("frequency", "daily")], None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains("Unbekannter Wert „atlantis“ für „kommune“"), "{page}");
        assert!(page.contains(r##"href="#f-query""##) && page.contains(r#"value="Bauhof""#), "the summary links to the filters; what was typed is kept: {page}");
        let long = "x".repeat(201);
        let r = post(&app, None, &format!("{path}/aendern"), &[("version", &v), ("q", &long), ("art", "job")], None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"id="e-q""#) && page.contains("höchstens 200 Zeichen") && page.contains(r#"name="art" value="job" checked>"#), "{page}");
        let r = post(&app, None, &format!("{path}/aendern"), &[("version", &v), ("q", ""), ("frequency", "hourly")], None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"<p class="field-error" id="e-frequency">Bitte wählen Sie „täglich“ oder „wöchentlich“.</p>"#), "beside the field: {page}");
        let after = alerts(&app).await.remove(0);
        assert_eq!((after.query.as_str(), after.frequency, after.version), ("", jobboard_domain::alerts::Frequency::Weekly, stored.version));
        assert_eq!(audit_entry::Entity::find().count(&app.db).await.unwrap(), audited);
    }

    async fn the_admin_sees_totals_only_and_switches_off_a_bouncing_address(app) {
        let now = Utc::now();
        let draft = |email: &str| jobboard_domain::alerts::AlertDraft {
            email: email.into(),
            scope: jobboard_domain::alerts::AlertScope::Jobs,
            query: "q=Erzieher".into(),
            frequency: jobboard_domain::alerts::Frequency::Daily,
            consent: true,
        };
        for email in ["prallt@example.de", "bleibt@example.de"] {
            let Requested::Created { alert, .. } = mutations::request(&app.db, &draft(email), now).await.unwrap() else { panic!() };
            mutations::confirm(&app.db, alert.id, now).await.unwrap();
        }
        mutations::request(&app.db, &draft("offen@example.de"), now).await.unwrap();
        crate::hr::account(&app, "admin@partheland.de", None).await;
        let admin = crate::hr::sign_in(&app, "admin@partheland.de").await;
        let page = crate::hr::get_as(&app, &admin, "/verwaltung/admin/suchauftraege").await.text().await.unwrap();
        assert!(page.contains("<th scope=\"row\">Bestätigt</th><td>2 "), "{page}");
        assert!(page.contains("<th scope=\"row\">Unbestätigt</th><td>1</td>"), "{page}");
        assert!(!page.contains("@example.de"), "no addresses: {page}");
        let r = post(&app, Some(&admin), "/verwaltung/admin/suchauftraege/abschalten", &[("email", "Prallt@example.de"), ("csrf", &admin.csrf)], None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(page.contains("Ein Suchauftrag dieser Adresse ist abgeschaltet."), "{page}");
        assert!(page.contains("<th scope=\"row\">Abgeschaltet (unzustellbar)</th><td>1</td>"), "{page}");
        let statuses: Vec<_> = alerts(&app).await.into_iter().map(|a| (a.email, a.status)).collect();
        assert!(statuses.contains(&("prallt@example.de".into(), AlertStatus::Bounced)), "{statuses:?}");
        // Nothing is sent to it any more.
        let run = app.run_alerts("w", now + chrono::Duration::days(2)).await;
        assert_eq!(run.claimed, 1, "only the other address is due");
    }

    async fn after_a_year_one_mail_asks_to_keep_and_without_an_answer_the_alert_is_deleted(app) {
        let year_ago = Utc::now() - chrono::Duration::days(366);
        let draft = jobboard_domain::alerts::AlertDraft {
            email: "lange@example.de".into(),
            scope: jobboard_domain::alerts::AlertScope::Training,
            query: String::new(),
            frequency: jobboard_domain::alerts::Frequency::Weekly,
            consent: true,
        };
        // Asked for now (so no purge of unconfirmed requests races the set-up), last confirmed a
        // year ago.
        let Requested::Created { alert, .. } = mutations::request(&app.db, &draft, Utc::now()).await.unwrap() else { panic!() };
        mutations::confirm(&app.db, alert.id, year_ago).await.unwrap();
        let now = Utc::now();
        // The scheduler of the server asks too (it runs every second): together, one mail.
        let (a, b) = tokio::join!(app.run_alerts("k1", now), app.run_alerts("k2", now));
        assert!(a.keep_asked + b.keep_asked <= 1, "{a:?} {b:?}");
        let asked = alerts(&app).await.remove(0).keep_asked_at;
        assert!(asked.is_some());
        let deadline = Instant::now() + Duration::from_secs(20);
        let mails = loop {
            let mails = if app.mail_outbox.exists() { crate::hr::mails(&app) } else { Vec::new() };
            if mails.iter().any(|m| m.contains("behalten")) || Instant::now() > deadline {
                break mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let keep: Vec<&String> = mails.iter().filter(|m| m.contains("behalten")).collect();
        assert_eq!(keep.len(), 1, "{mails:?}");
        assert!(keep[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{}", keep[0]);
        let later = app.run_alerts("k3", now + chrono::Duration::days(31)).await;
        assert_eq!(later.purged, 1);
        assert!(alerts(&app).await.is_empty());
    }
}

/// aiosmtpd with a handler that holds the first message until released (a slow mail server),
/// so a test can change alerts while a run waits in the middle of its batch. The handler
/// writes `arrived` into its folder when the first message is there, waits for `release`, and
/// keeps every message as a numbered file.
const HOLDING_SMTP: &str = r#"
import asyncio, os, sys
from aiosmtpd.smtp import SMTP

port, folder = int(sys.argv[1]), sys.argv[2]

class Hold:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        Hold.received += 1
        n = Hold.received
        if n == 1:
            open(os.path.join(folder, 'arrived'), 'w').close()
            while not os.path.exists(os.path.join(folder, 'release')):
                await asyncio.sleep(0.02)
        with open(os.path.join(folder, '%04d.eml' % n), 'wb') as f:
            f.write(envelope.original_content)
        return '250 OK'

async def main():
    handler = Hold()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(handler), '127.0.0.1', port)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"#;

struct SlowSmtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SlowSmtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SlowSmtp {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().display().to_string();
        let (child, port) = spawn_aiosmtpd(&["-c", HOLDING_SMTP, "{port}", &folder]).await;
        Self { child, port, dir }
    }

    /// Wait until the first message arrived (and is held).
    async fn arrived(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.dir.path().join("arrived").exists() {
            assert!(Instant::now() < deadline, "no message arrived");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Let the held message (and every later one) through.
    fn release(&self) {
        std::fs::write(self.dir.path().join("release"), b"").unwrap();
    }

    /// The recipients of the messages received so far, in order.
    fn recipients(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|f| {
                std::fs::read_to_string(f)
                    .unwrap()
                    .lines()
                    .find_map(|l| l.strip_prefix("To: "))
                    .map(str::to_owned)
            })
            .collect()
    }
}

/// `n` confirmed daily alerts for "Erzieher" (person0@… first), a matching posting published
/// after their confirmation and indexed, and the instant just after their first due morning.
async fn alerts_with_news(app: &TestApp, n: usize) -> (Vec<i64>, chrono::DateTime<Utc>) {
    let now = Utc::now();
    let mut ids = Vec::new();
    let mut due = now;
    for i in 0..n {
        let draft = jobboard_domain::alerts::AlertDraft {
            email: format!("person{i}@example.de"),
            scope: jobboard_domain::alerts::AlertScope::Jobs,
            query: "q=Erzieher".into(),
            frequency: jobboard_domain::alerts::Frequency::Daily,
            consent: true,
        };
        let Requested::Created { alert, .. } =
            mutations::request(&app.db, &draft, now).await.unwrap()
        else {
            panic!("a new address")
        };
        let alert = mutations::confirm(&app.db, alert.id, now).await.unwrap();
        due = alert.next_due_at.unwrap();
        ids.push(alert.id);
    }
    app.publish(
        draft(
            "K-1",
            "Erzieher (m/w/d) Kita Sonnenschein",
            PostingKind::Job,
        ),
        "naunhof",
    )
    .await;
    app.wait_for("/stellen?q=Erzieher", "Kita Sonnenschein")
        .await;
    (ids, due + chrono::Duration::minutes(1))
}

/// Run the alerts as worker `worker` at `run` in the background (the mail server decides when
/// it gets on).
fn run_in_background(
    app: &TestApp,
    worker: &'static str,
    run: chrono::DateTime<Utc>,
) -> tokio::task::JoinHandle<Result<jobboard_server::alerts::RunReport, String>> {
    let (config, db, index) = (app.config.clone(), app.db.clone(), app.index.clone());
    tokio::spawn(async move {
        jobboard_server::run_alerts_once(&config, &db, &index, worker, run)
            .await
            .map_err(|e| format!("{e:#}"))
    })
}

/// Alerts paused, switched off or deleted while a run holds them (waiting for the mail server
/// with an earlier alert of its batch) get no mail, and a deleted one does not fail the run.
async fn changed_while_a_run_waits(database: Database) {
    let smtp = SlowSmtp::start().await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(database, &[("JOBBOARD_SMTP_URL", url.as_str())]).await;
    let (ids, run) = alerts_with_news(&app, 4).await;
    let a = run_in_background(&app, "A", run);
    smtp.arrived().await;
    let now = Utc::now();
    mutations::pause(&app.db, ids[1], now).await.unwrap();
    mutations::delete(
        &app.db,
        ids[2],
        jobboard_domain::audit::AuditAction::Deleted,
        &jobboard_domain::Actor::public(),
        now,
    )
    .await
    .unwrap();
    let off = mutations::switch_off_address(
        &app.db,
        "person3@example.de",
        &jobboard_domain::Actor::user(1),
        now,
    )
    .await
    .unwrap();
    assert_eq!(off, 1);
    smtp.release();
    let report = a
        .await
        .unwrap()
        .expect("a vanished alert does not fail the run");
    assert_eq!(
        (report.claimed, report.mailed, report.lost),
        (4, 1, 3),
        "{report:?}"
    );
    assert_eq!(smtp.recipients(), ["person0@example.de"]);
    app.shutdown().await.unwrap();
}

on_both_databases!(alerts_changed_while_a_run_waits_get_no_mail => changed_while_a_run_waits);

/// A batch that outlives its lease (a slow mail server): another run takes the rest over, and
/// the first one sends none of them.
async fn taken_over_while_a_run_waits(database: Database) {
    let smtp = SlowSmtp::start().await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_with(database, &[("JOBBOARD_SMTP_URL", url.as_str())]).await;
    let (ids, run) = alerts_with_news(&app, 2).await;
    let a = run_in_background(&app, "A", run);
    smtp.arrived().await;
    // A's lease (15 minutes from `run`) has run out for a run 16 minutes later.
    let b = jobboard_domain::alerts::runs::claim_due(
        &app.db,
        "B",
        10,
        run + chrono::Duration::minutes(31),
        run + chrono::Duration::minutes(16),
    )
    .await
    .unwrap();
    assert_eq!(b.iter().map(|x| x.id).collect::<Vec<_>>(), ids);
    smtp.release();
    let report = a.await.unwrap().unwrap();
    // The first mail was on its way (at least once); the second alert is B's now.
    assert_eq!((report.mailed, report.lost), (0, 2), "{report:?}");
    assert_eq!(smtp.recipients(), ["person0@example.de"]);
    let held: Vec<_> = alerts(&app)
        .await
        .into_iter()
        .map(|x| x.claimed_by)
        .collect();
    assert_eq!(held, [Some("B".to_owned()), Some("B".to_owned())]);
    app.shutdown().await.unwrap();
}

on_both_databases!(a_batch_taken_over_after_its_lease_is_not_sent_twice => taken_over_while_a_run_waits);

jobboard_e2e::e2e_tests! {
    async fn a_keep_mail_that_could_not_be_sent_is_sent_by_the_next_run(app) {
        let now = Utc::now();
        let draft = jobboard_domain::alerts::AlertDraft {
            email: "lange@example.de".into(),
            scope: jobboard_domain::alerts::AlertScope::Jobs,
            query: "q=Erzieher".into(),
            frequency: jobboard_domain::alerts::Frequency::Daily,
            consent: true,
        };
        let Requested::Created { alert, .. } = mutations::request(&app.db, &draft, now).await.unwrap() else { panic!() };
        mutations::confirm(&app.db, alert.id, now).await.unwrap();
        // A year later (the server's own scheduler, at the real time, never asks).
        let later = now + chrono::Duration::days(366);
        // The mail server is down: nothing listens on the port.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut down = app.config.clone();
        down.smtp_url = Some(format!("smtp://127.0.0.1:{closed}"));
        let r = jobboard_server::run_alerts_once(&down, &app.db, &app.index, "k1", later).await.unwrap();
        assert_eq!(r.keep_asked, 0, "{r:?}");
        assert_eq!(alerts(&app).await[0].keep_asked_at, None, "not asked: asked again next run");
        let r = app.run_alerts("k2", later + chrono::Duration::days(1)).await;
        assert_eq!(r.keep_asked, 1, "{r:?}");
        let keep: Vec<String> = crate::hr::mails(&app).into_iter().filter(|m| m.contains("behalten")).collect();
        assert_eq!(keep.len(), 1, "{keep:?}");
        assert!(keep[0].contains("To: lange@example.de"), "{}", keep[0]);
    }
}
