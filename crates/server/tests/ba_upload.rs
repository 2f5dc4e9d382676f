//! The upload of HR-BA-XML files to the Bundesagentur für Arbeit, against a local HTTPS server
//! that, like the BA's, accepts only clients with a certificate of its CA: certificates made
//! at test time (rcgen), the server on a loopback port (tokio-rustls, `WebPkiClientVerifier`).
//! The upload delivers the exact file under its name and only then counts it as sent; a refused
//! certificate leaves the delta state as it was; error files are fetched once and kept; a
//! scheduled slot is uploaded once by two claiming processes. Each database test runs on SQLite
//! and PostgreSQL.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use jobboard_domain::ba_export;
use jobboard_domain::postings::mutations;
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::testing::sample_draft;
use jobboard_domain::{Actor, berlin};
use jobboard_server::ba_export::Exporter;
use jobboard_server::config::{Config, ConfigError};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sea_orm::DatabaseConnection;

const PARTNERS: &str = "naunhof:V123456789:P0042:A987654321";
const ERROR_FILE: &str = "ESPV123456789_2026-12-01_06-00-05.xml";

/// A PEM certificate and its key.
struct Pair {
    cert: String,
    key: String,
}

/// The BA's CA with its server and a client certificate, and a client certificate of a CA the
/// server does not know.
struct Pki {
    ca: String,
    server: Pair,
    client: Pair,
    stranger: Pair,
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn leaf(
    ca: &CertifiedIssuer<'static, KeyPair>,
    name: &str,
    usage: ExtendedKeyUsagePurpose,
) -> Pair {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, ca).unwrap();
    Pair {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

fn pki() -> Pki {
    let ba = ca("Test-CA der BA");
    let other = ca("Fremde Test-CA");
    Pki {
        ca: ba.pem(),
        server: leaf(&ba, "127.0.0.1", ExtendedKeyUsagePurpose::ServerAuth),
        client: leaf(&ba, "V123456789", ExtendedKeyUsagePurpose::ClientAuth),
        stranger: leaf(&other, "V123456789", ExtendedKeyUsagePurpose::ClientAuth),
    }
}

/// What the fake BA saw.
#[derive(Default)]
struct Ba {
    /// File name and content of each upload.
    uploads: Mutex<Vec<(String, Vec<u8>)>>,
    /// TLS handshakes the server refused (no or a foreign client certificate).
    refused: AtomicUsize,
    error_downloads: AtomicUsize,
}

/// The one file part of a `multipart/form-data` body, read by `multer` as a server would: its
/// field, file name and content; `None` unless it is exactly one part.
async fn file_part(content_type: &str, body: Bytes) -> Option<(String, String, Vec<u8>)> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let part = form.next_field().await.ok()??;
    let field = part.name()?.to_owned();
    let name = part.file_name()?.to_owned();
    let content = part.bytes().await.ok()?.to_vec();
    form.next_field()
        .await
        .ok()?
        .is_none()
        .then_some((field, name, content))
}

async fn upload(State(ba): State<Arc<Ba>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match file_part(content_type, body).await {
        Some((field, name, content)) if field == "upload" => {
            ba.uploads.lock().unwrap().push((name, content));
            StatusCode::OK
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

async fn listing() -> ([(header::HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!(
            "<html><body><h1>Dateien</h1><ul>\
             <li><a href=\"{ERROR_FILE}\">{ERROR_FILE}</a></li>\
             <li><a href=\"/misc/berufe.zip\">Berufe</a></li>\
             <li><a href=\"https://elsewhere.invalid/ESPV1.xml\">fremd</a></li></ul></body></html>"
        ),
    )
}

async fn error_file(
    State(ba): State<Arc<Ba>>,
    UrlPath(name): UrlPath<String>,
) -> (StatusCode, String) {
    if name != ERROR_FILE {
        return (StatusCode::NOT_FOUND, String::new());
    }
    ba.error_downloads.fetch_add(1, Ordering::SeqCst);
    (
        StatusCode::OK,
        "<?xml version=\"1.0\"?><Protokoll><Datei>DSV123456789_2026-12-01_05-59-58.xml</Datei>\
         <Fehler><EntryId>P0042-1</EntryId><Text>Pflichtfeld fehlt</Text></Fehler></Protokoll>"
            .to_owned(),
    )
}

/// Start the fake BA on a loopback port.
async fn start_ba(pki: &Pki) -> (SocketAddr, Arc<Ba>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pki.ca.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let certs = CertificateDer::pem_slice_iter(pki.server.cert.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(pki.server.key.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let ba = Arc::new(Ba::default());
    let app = Router::new()
        .route("/in/", post(upload))
        .route("/out/", get(listing))
        .route("/out/{name}", get(error_file))
        .with_state(ba.clone());
    let seen = ba.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, app, seen) = (acceptor.clone(), app.clone(), seen.clone());
            tokio::spawn(async move {
                match acceptor.accept(tcp).await {
                    Ok(tls) => {
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(
                                hyper_util::rt::TokioIo::new(tls),
                                hyper_util::service::TowerToHyperService::new(app),
                            )
                            .await;
                    }
                    Err(_) => {
                        seen.refused.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (addr, ba)
}

/// Certificate files in `dir` and the configuration of a board that uploads to `addr` as
/// `client`, with `extra` variables.
fn config(
    dir: &Path,
    pki: &Pki,
    client: &Pair,
    addr: SocketAddr,
    extra: &[(&str, &str)],
) -> Config {
    let file = |name: &str, content: &str| {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    };
    let mut vars: HashMap<String, String> = HashMap::from([
        (
            "JOBBOARD_DATA_DIR".into(),
            dir.join("data").display().to_string(),
        ),
        ("JOBBOARD_BA_PARTNERS".into(), PARTNERS.into()),
        (
            "JOBBOARD_BA_UPLOAD_URL".into(),
            format!("https://{addr}/in/"),
        ),
        (
            "JOBBOARD_BA_ERRORS_URL".into(),
            format!("https://{addr}/out/"),
        ),
        (
            "JOBBOARD_BA_CLIENT_CERT".into(),
            file("client.crt", &client.cert),
        ),
        (
            "JOBBOARD_BA_CLIENT_KEY".into(),
            file("client.key", &client.key),
        ),
        ("JOBBOARD_BA_CA".into(), file("ba-ca.pem", &pki.ca)),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    Config::from_lookup(|k| vars.get(k).cloned()).unwrap()
}

async fn naunhof(db: &DatabaseConnection) -> i64 {
    jobboard_domain::municipalities::find_by_slug(db, "naunhof")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A posting of Naunhof the public sees now; its id and version.
async fn published(db: &DatabaseConnection, reference: &str) -> (i64, i32) {
    let now = Utc::now();
    let deadline = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    let p = mutations::create_posting(
        db,
        naunhof(db).await,
        sample_draft(reference, deadline),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap();
    let p = transition(db, p.id, p.version, Request::Publish, &Actor::user(1), now)
        .await
        .unwrap();
    (p.id, p.version)
}

fn tag(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let from = xml.find(&open).unwrap() + open.len();
    xml[from..from + xml[from..].find('<').unwrap()].to_owned()
}

fn uploads(ba: &Ba) -> Vec<(String, Vec<u8>)> {
    ba.uploads.lock().unwrap().clone()
}

jobboard_domain::db_tests! {
    async fn an_upload_with_the_client_certificate_delivers_the_exact_file_and_advances_the_delta(t) {
        let db = &t.db;
        let tmp = tempfile::tempdir().unwrap();
        let pki = pki();
        let (addr, ba) = start_ba(&pki).await;
        let (a, _) = published(db, "BA-1").await;
        let (b, _) = published(db, "BA-2").await;
        let exporter = Exporter::from_config(&config(tmp.path(), &pki, &pki.client, addr, &[])).unwrap();

        let done = exporter.run_by_hand(db, "naunhof", false, None, true, Utc::now()).await.unwrap();
        assert!(done.uploaded);
        assert_eq!((done.postings, done.deletions), (2, 0));
        let on_disk = std::fs::read(&done.path).unwrap();
        let name = done.path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(name.starts_with("DSV123456789_") && name.ends_with(".xml"), "{name}");
        assert_eq!(uploads(&ba), vec![(name.clone(), on_disk.clone())], "the exact bytes, under the file's name");
        let xml = String::from_utf8(on_disk).unwrap();
        assert_eq!(tag(&xml, "Amount"), "2");
        for id in [a, b] {
            assert!(xml.contains(&format!("<JobPositionPostingId>P0042-{id}</JobPositionPostingId>")));
        }
        assert_eq!(ba.refused.load(Ordering::SeqCst), 0);

        // Counted as sent: the next delta is empty.
        let plan = ba_export::plan(db, naunhof(db).await, false, Utc::now()).await.unwrap();
        assert!(plan.postings.is_empty() && plan.deletions.is_empty());
        let runs = ba_export::runs(db).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].last_file.as_deref(), Some(name.as_str()));
        assert_eq!((runs[0].claimed_until, runs[0].last_error.clone()), (None, None));

        // The error file: fetched once, kept under the data directory, summarised.
        let fetched = exporter.fetch_error_files(db).await.unwrap();
        assert_eq!(fetched.len(), 1, "only the ESP link on the BA's host");
        let stored = tmp.path().join("data/ba-export/errors").join(ERROR_FILE);
        assert_eq!(fetched[0].path, stored);
        assert!(std::fs::read_to_string(&stored).unwrap().contains("<Fehler>"));
        let s = &fetched[0].summary;
        assert!(s.well_formed);
        assert_eq!((s.root.as_deref(), s.error_elements, s.first_message.as_deref()), (Some("Protokoll"), 1, Some("P0042-1")));
        assert!(exporter.fetch_error_files(db).await.unwrap().is_empty(), "a file already kept is not fetched again");
        assert_eq!(ba.error_downloads.load(Ordering::SeqCst), 1);
        assert_eq!(exporter.stored_error_files(), vec![stored]);
        let recorded = ba_export::error_files(db, 10).await.unwrap();
        assert_eq!(recorded.len(), 1, "recorded once for the admin's page");
        assert_eq!((recorded[0].name.as_str(), recorded[0].error_elements, recorded[0].first_message.as_deref()), (ERROR_FILE, 1, Some("P0042-1")));
    }

    async fn a_file_written_without_upload_where_one_is_configured_is_a_preview_and_does_not_advance_the_delta(t) {
        let db = &t.db;
        let tmp = tempfile::tempdir().unwrap();
        let pki = pki();
        let (addr, ba) = start_ba(&pki).await;
        let (a, _) = published(db, "BA-6").await;
        let (b, _) = published(db, "BA-7").await;
        let exporter = Exporter::from_config(&config(tmp.path(), &pki, &pki.client, addr, &[])).unwrap();
        let out = tmp.path().join("vorschau");

        // `ba-export --out DIR` without `--upload`: a file to look at.
        let preview = exporter.run_by_hand(db, "naunhof", false, Some(&out), false, Utc::now()).await.unwrap();
        assert!(preview.preview && !preview.uploaded, "{preview:?}");
        assert_eq!((preview.postings, preview.deletions), (2, 0));
        assert!(preview.path.starts_with(&out) && preview.path.exists());
        assert!(uploads(&ba).is_empty(), "nothing uploaded");
        // Nothing counted as sent: the delta still carries both, the state shows no delivery.
        let plan = ba_export::plan(db, naunhof(db).await, false, Utc::now()).await.unwrap();
        let mut due: Vec<i64> = plan.postings.iter().map(|p| p.id).collect();
        due.sort_unstable();
        assert_eq!(due, vec![a.min(b), a.max(b)], "the preview did not advance the delta");
        let run = &ba_export::runs(db).await.unwrap()[0];
        assert_eq!((run.last_file.clone(), run.last_success_at, run.claimed_until), (None, None, None), "no delivery recorded, the municipality free");

        // The real upload afterwards delivers both and advances the delta.
        let done = exporter.run_by_hand(db, "naunhof", false, None, true, Utc::now()).await.unwrap();
        assert!(done.uploaded && !done.preview);
        assert_eq!((done.postings, done.deletions), (2, 0));
        let plan = ba_export::plan(db, naunhof(db).await, false, Utc::now()).await.unwrap();
        assert!(plan.postings.is_empty() && plan.deletions.is_empty());
    }

    async fn a_refused_certificate_fails_clearly_and_the_next_delta_still_carries_changes_and_deletions(t) {
        let db = &t.db;
        let tmp = tempfile::tempdir().unwrap();
        let pki = pki();
        let (addr, ba) = start_ba(&pki).await;
        let (kept, _) = published(db, "BA-3").await;
        let (ending, version) = published(db, "BA-4").await;
        let good = Exporter::from_config(&config(tmp.path(), &pki, &pki.client, addr, &[])).unwrap();
        let bad = Exporter::from_config(&config(tmp.path(), &pki, &pki.stranger, addr, &[])).unwrap();
        good.run_by_hand(db, "naunhof", true, None, true, Utc::now()).await.unwrap();
        assert_eq!(uploads(&ba).len(), 1);

        // One posting ends, another appears; the upload is refused at the handshake.
        transition(db, ending, version, Request::Archive, &Actor::user(1), Utc::now()).await.unwrap();
        let (new, _) = published(db, "BA-5").await;
        let e = bad.run_by_hand(db, "naunhof", false, None, true, Utc::now()).await.unwrap_err();
        let message = format!("{e:#}");
        assert!(message.contains("Hochladen von DSV123456789_") && message.contains("fehlgeschlagen"), "{message}");
        assert!(message.contains(&format!("Verbindung zu https://{addr}/in/ fehlgeschlagen")), "{message}");
        assert!(message.contains("der Stand bleibt"), "{message}");
        // The TLS alert names the refused certificate when it reaches the client first; under
        // load hyper may see the closed connection before it ("connection was not ready").
        assert!(
            message.contains("Client-Zertifikat abgelehnt") || message.contains("not ready") || message.contains("closed"),
            "{message}"
        );
        assert_eq!(uploads(&ba).len(), 1, "nothing arrived");
        assert!(ba.refused.load(Ordering::SeqCst) >= 1, "the server refused the handshake");
        let failed: Vec<_> = std::fs::read_dir(tmp.path().join("data/ba-export/failed")).unwrap().collect();
        assert_eq!(failed.len(), 1, "the file that did not arrive is kept apart");

        // Nothing was recorded as sent: the deletion and the new posting are still due.
        let plan = ba_export::plan(db, naunhof(db).await, false, Utc::now()).await.unwrap();
        assert_eq!(plan.deletions, vec![ending]);
        assert_eq!(plan.postings.iter().map(|p| p.id).collect::<Vec<_>>(), vec![new]);
        let run = &ba_export::runs(db).await.unwrap()[0];
        assert!(run.last_error.as_deref().unwrap().contains("fehlgeschlagen"));
        assert_eq!(run.claimed_until, None, "a failed run does not hold the municipality");

        // With the right certificate the next delta delivers both.
        let done = good.run_by_hand(db, "naunhof", false, None, true, Utc::now()).await.unwrap();
        assert_eq!((done.postings, done.deletions), (1, 1));
        let (_, bytes) = uploads(&ba).pop().unwrap();
        let xml = String::from_utf8(bytes).unwrap();
        assert!(xml.contains(&format!("<EntryId>P0042-{ending}</EntryId>")), "{xml}");
        assert!(xml.contains(&format!("<JobPositionPostingId>P0042-{new}</JobPositionPostingId>")));
        assert!(!xml.contains(&format!("P0042-{kept}<")), "unchanged postings are not sent again");
        let plan = ba_export::plan(db, naunhof(db).await, false, Utc::now()).await.unwrap();
        assert!(plan.postings.is_empty() && plan.deletions.is_empty());
    }

    async fn the_scheduled_run_uploads_each_slot_once_across_two_processes(t) {
        let db = &t.db;
        let tmp = tempfile::tempdir().unwrap();
        let pki = pki();
        let (addr, ba) = start_ba(&pki).await;
        published(db, "BA-6").await;
        let schedule = [("JOBBOARD_BA_SCHEDULE", "06:00,18:00")];
        let first = Exporter::from_config(&config(tmp.path(), &pki, &pki.client, addr, &schedule)).unwrap();
        let second = Exporter::from_config(&config(tmp.path(), &pki, &pki.client, addr, &schedule)).unwrap();
        let refused = Exporter::from_config(&config(tmp.path(), &pki, &pki.stranger, addr, &schedule)).unwrap();

        // Tomorrow 06:10 in Berlin: the 06:00 slot is due; both processes try at once, one
        // uploads.
        let tomorrow = berlin::today(Utc::now()) + chrono::Days::new(1);
        let at = |day: NaiveDate, hh: u32, mm: u32| berlin::local_to_utc(day, NaiveTime::from_hms_opt(hh, mm, 0).unwrap()).unwrap();
        let now = at(tomorrow, 6, 10);
        let (a, b) = tokio::join!(first.run_scheduled(db, now), second.run_scheduled(db, now));
        assert_eq!(a + b, 1, "exactly one process claimed the slot");
        assert_eq!(uploads(&ba).len(), 1);
        assert_eq!(ba.error_downloads.load(Ordering::SeqCst), 1, "error files fetched after the run");
        // Later in the same slot: nothing is due.
        let later = now + Duration::hours(2);
        assert_eq!(first.run_scheduled(db, later).await + second.run_scheduled(db, later).await, 0);

        // The 18:00 slot: something changed, but the upload is refused. Nothing counts as
        // sent and the slot is tried again after the retry time, not at the next tick.
        published(db, "BA-7").await;
        let evening = at(tomorrow, 18, 1);
        assert_eq!(refused.run_scheduled(db, evening).await, 1);
        assert_eq!(uploads(&ba).len(), 1);
        assert_eq!(first.run_scheduled(db, evening + Duration::minutes(1)).await, 0, "retry waits");
        let retry = evening + Duration::minutes(16);
        let (a, b) = tokio::join!(first.run_scheduled(db, retry), second.run_scheduled(db, retry));
        assert_eq!(a + b, 1);
        let all = uploads(&ba);
        assert_eq!(all.len(), 2);
        assert_eq!(tag(std::str::from_utf8(&all[1].1).unwrap(), "Amount"), "1", "the change refused earlier");

        // Next morning nothing changed: the slot is handled without a file.
        let morning = at(tomorrow + chrono::Days::new(1), 6, 30);
        assert_eq!(first.run_scheduled(db, morning).await, 1);
        assert_eq!(uploads(&ba).len(), 2, "an empty delta is not sent");
        assert_eq!(first.run_scheduled(db, morning).await, 0);
    }
}

/// The fake BA itself refuses a client without a certificate (the board cannot be configured
/// without one: see the next test).
#[tokio::test]
async fn the_ba_refuses_a_client_without_a_certificate() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let pki = pki();
    let (addr, ba) = start_ba(&pki).await;
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(pki.ca.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let e = client
        .post(format!("https://{addr}/in/"))
        .body("x")
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect() || e.is_request(), "{e:?}");
    assert!(uploads(&ba).is_empty());
    assert_eq!(ba.refused.load(Ordering::SeqCst), 1);
}

fn config_error(dir: &Path, vars: &[(&str, &str)]) -> ConfigError {
    let mut map: HashMap<String, String> = HashMap::from([
        ("JOBBOARD_DATA_DIR".into(), dir.display().to_string()),
        ("JOBBOARD_BA_PARTNERS".into(), PARTNERS.into()),
    ]);
    for (k, v) in vars {
        map.insert((*k).into(), (*v).into());
    }
    Config::from_lookup(|k| map.get(k).cloned()).unwrap_err()
}

#[test]
fn missing_or_bad_certificate_files_stop_the_start_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let pki = pki();
    let write = |name: &str, content: &str| -> PathBuf {
        let p = tmp.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    };
    let cert = write("c.crt", &pki.client.cert);
    let key = write("c.key", &pki.client.key);
    let other_key = write("o.key", &pki.stranger.key);
    let garbage = write("g.pem", "kein PEM");
    let (cert, key, other_key, garbage) = (
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
        other_key.to_str().unwrap(),
        garbage.to_str().unwrap(),
    );
    let url = ("JOBBOARD_BA_UPLOAD_URL", "https://hrbaxml.example/in/");
    // The variables, the variable the error names, and what it says.
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", "/nicht/da.crt"),
                ("JOBBOARD_BA_CLIENT_KEY", key),
            ],
            "JOBBOARD_BA_CLIENT_CERT",
            "readable PEM file",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", "/nicht/da.key"),
            ],
            "JOBBOARD_BA_CLIENT_KEY",
            "readable PEM file",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", garbage),
                ("JOBBOARD_BA_CLIENT_KEY", key),
            ],
            "JOBBOARD_BA_CLIENT_KEY",
            "keine Zertifikate",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", garbage),
            ],
            "JOBBOARD_BA_CLIENT_KEY",
            "privater Schlüssel",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", other_key),
            ],
            "JOBBOARD_BA_CLIENT_KEY",
            "passt nicht",
        ),
        (
            vec![url, ("JOBBOARD_BA_CLIENT_CERT", cert)],
            "JOBBOARD_BA_CLIENT_KEY",
            "set as well",
        ),
        (
            vec![
                ("JOBBOARD_BA_UPLOAD_URL", "http://hrbaxml.example/in/"),
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", key),
            ],
            "JOBBOARD_BA_UPLOAD_URL",
            "https://",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", key),
                ("JOBBOARD_BA_CA", garbage),
            ],
            "JOBBOARD_BA_CA",
            "keine Zertifikate",
        ),
        (
            vec![
                url,
                ("JOBBOARD_BA_CLIENT_CERT", cert),
                ("JOBBOARD_BA_CLIENT_KEY", key),
                ("JOBBOARD_BA_SCHEDULE", "täglich"),
            ],
            "JOBBOARD_BA_SCHEDULE",
            "every 4h",
        ),
        (
            vec![("JOBBOARD_BA_SCHEDULE", "06:00")],
            "JOBBOARD_BA_SCHEDULE",
            "only together with",
        ),
    ];
    for (vars, var, says) in cases {
        let e = config_error(tmp.path(), &vars);
        assert_eq!(e.var, var, "{vars:?}: {e}");
        assert!(e.to_string().contains(says), "{vars:?}: {e}");
    }

    // The binary: exit code 2 and the message, no panic.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jobboard"))
        .env_clear()
        .env("JOBBOARD_DATA_DIR", tmp.path())
        .env("JOBBOARD_BA_PARTNERS", PARTNERS)
        .env("JOBBOARD_BA_UPLOAD_URL", url.1)
        .env("JOBBOARD_BA_CLIENT_CERT", "/nicht/da.crt")
        .env("JOBBOARD_BA_CLIENT_KEY", key)
        .args(["ba-export", "--upload"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("JOBBOARD_BA_CLIENT_CERT=\"/nicht/da.crt\""),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `jobboard ba-export --upload` as an operator runs it: the file written is the file uploaded,
/// the error file is fetched, and a second run sends an empty delta.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_writes_uploads_and_fetches_the_error_files() {
    let tmp = tempfile::tempdir().unwrap();
    let pki = pki();
    let (addr, ba) = start_ba(&pki).await;
    let file = |name: &str, content: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let (cert, key, ca) = (
        file("c.crt", &pki.client.cert),
        file("c.key", &pki.client.key),
        file("ca.pem", &pki.ca),
    );
    let data = tmp.path().join("data");
    let jobboard = move |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jobboard"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("JOBBOARD_DATA_DIR", &data)
            .env("JOBBOARD_DEMO_DATA", "off")
            .env("JOBBOARD_LOG", "warn")
            .env("JOBBOARD_BA_PARTNERS", PARTNERS)
            .env("JOBBOARD_BA_UPLOAD_URL", format!("https://{addr}/in/"))
            .env("JOBBOARD_BA_ERRORS_URL", format!("https://{addr}/out/"))
            .env("JOBBOARD_BA_CLIENT_CERT", &cert)
            .env("JOBBOARD_BA_CLIENT_KEY", &key)
            .env("JOBBOARD_BA_CA", &ca)
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        );
        assert!(out.status.success(), "{args:?}: {stderr}");
        (stdout, stderr)
    };
    let run = |args: &'static [&'static str]| {
        let jobboard = jobboard.clone();
        tokio::task::spawn_blocking(move || jobboard(args))
    };
    run(&["seed", "--demo", "40"]).await.unwrap();
    let (stdout, stderr) = run(&[
        "ba-export",
        "--municipality",
        "naunhof",
        "--full",
        "--upload",
    ])
    .await
    .unwrap();
    let path = PathBuf::from(stdout.trim());
    let written = std::fs::read(&path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(uploads(&ba), vec![(name, written.clone())]);
    assert_eq!(
        tag(std::str::from_utf8(&written).unwrap(), "TypeOfLoad"),
        "F"
    );
    assert!(stderr.contains("hochgeladen"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Fehlerdatei der BA: {}",
            tmp.path()
                .join("data/ba-export/errors")
                .join(ERROR_FILE)
                .display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("zuerst: P0042-1"), "{stderr}");

    let (_, stderr) = run(&["ba-export", "--upload"]).await.unwrap();
    let all = uploads(&ba);
    assert_eq!(all.len(), 2);
    assert_eq!(
        tag(std::str::from_utf8(&all[1].1).unwrap(), "Amount"),
        "0",
        "nothing changed since"
    );
    assert!(
        !stderr.contains("Fehlerdatei"),
        "kept files are not fetched again: {stderr}"
    );
    assert_eq!(ba.error_downloads.load(Ordering::SeqCst), 1);
    let (stdout, stderr) = run(&["ba-export", "--fetch-errors"]).await.unwrap();
    assert!(stdout.is_empty(), "no file written: {stdout}");
    assert!(
        stderr.contains("0 neue Fehlerdatei(en) der BA; gespeichert sind 1 in"),
        "{stderr}"
    );
    assert_eq!(uploads(&ba).len(), 2, "nothing uploaded");
}

/// `serve` with `JOBBOARD_BA_SCHEDULE`: its scheduler claims the due slot at its first tick,
/// uploads the delta and logs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_uploads_on_its_schedule() {
    let tmp = tempfile::tempdir().unwrap();
    let pki = pki();
    let (addr, ba) = start_ba(&pki).await;
    let file = |name: &str, content: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let (cert, key, ca) = (
        file("c.crt", &pki.client.cert),
        file("c.key", &pki.client.key),
        file("ca.pem", &pki.ca),
    );
    let data = tmp.path().join("data");
    let command = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jobboard"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("JOBBOARD_DATA_DIR", &data)
            .env("JOBBOARD_DEMO_DATA", "off")
            .env("JOBBOARD_LOG", "info,sqlx=warn")
            .env("JOBBOARD_BA_PARTNERS", PARTNERS)
            .env("JOBBOARD_BA_UPLOAD_URL", format!("https://{addr}/in/"))
            .env("JOBBOARD_BA_CLIENT_CERT", &cert)
            .env("JOBBOARD_BA_CLIENT_KEY", &key)
            .env("JOBBOARD_BA_CA", &ca)
            .env("JOBBOARD_BA_SCHEDULE", "every 5m")
            .args(args);
        cmd
    };
    let seeded = command(&["seed", "--demo", "40"]).output().unwrap();
    assert!(seeded.status.success());
    let log = std::fs::File::create(tmp.path().join("serve.log")).unwrap();
    let mut serve = command(&["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while uploads(&ba).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    serve.kill().unwrap();
    serve.wait().unwrap();
    let log = std::fs::read_to_string(tmp.path().join("serve.log")).unwrap();
    let all = uploads(&ba);
    assert_eq!(all.len(), 1, "{log}");
    assert!(all[0].0.starts_with("DSV123456789_"));
    assert!(log.contains("BA export and upload scheduled"), "{log}");
    assert!(log.contains("BA export done"), "{log}");
}
