//! The `jobboard` binary as an operator uses it: real processes, real files, real signals.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use jobboard_domain::db::{DbOptions, connect};
use jobboard_domain::postings::queries;
use sea_orm::{EntityTrait, QueryOrder};

fn jobboard(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jobboard"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("JOBBOARD_DATA_DIR", data_dir)
        .env("JOBBOARD_LOG", "warn");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// reqwest is built with `rustls-no-provider`: clients need a process-wide crypto provider.
fn http_ready() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

async fn open(data_dir: &Path) -> sea_orm::DatabaseConnection {
    let url = format!("sqlite://{}/jobboard.db", data_dir.display());
    connect(&url, &DbOptions::default()).await.unwrap()
}

#[test]
fn a_bad_setting_stops_with_one_line_naming_the_variable_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    for (var, value) in [
        ("JOBBOARD_BIND", "localhost"),
        ("JOBBOARD_DEMO_COUNT", "viele"),
        ("JOBBOARD_DATABASE_URL", "mysql://root@localhost/jobs"),
        ("JOBBOARD_LOG_FORMAT", "xml"),
        ("JOBBOARD_SMTP_URL", "http://mail.example.de"),
        ("JOBBOARD_COOKIE_SECURE", "vielleicht"),
        ("JOBBOARD_TRUST_FORWARDED_FOR", "manchmal"),
    ] {
        let out = jobboard(&data)
            .env(var, value)
            .arg("serve")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(var), "{stderr}");
        assert!(!data.exists(), "nothing created for a bad {var}");
    }
}

#[tokio::test]
async fn serve_loads_demo_data_once_answers_health_checks_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let mut cmd = jobboard(tmp.path());
        if round == 1 {
            // Behind a TLS proxy: HSTS is on by default.
            cmd.env("JOBBOARD_PUBLIC_URL", "https://stellen.partheland.example");
        }
        let mut child = cmd
            .env("JOBBOARD_BIND", "127.0.0.1:0")
            .env("JOBBOARD_DEMO_COUNT", "40")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(
            line.starts_with("Partheland Stellenbörse listening on http://127.0.0.1:"),
            "{line:?}"
        );
        let address = line.trim().rsplit(' ').next().unwrap().to_owned();

        http_ready();
        let health = reqwest::get(format!("{address}/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);
        let hsts = health.headers().get("strict-transport-security");
        assert_eq!(hsts.is_some(), round == 1, "{hsts:?}");
        // The index is built in the background on first start: wait until demo postings show.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let page = reqwest::get(format!("{address}/stellen"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if page.contains("(m/w/d)") && !page.contains(">0 Angebote gefunden") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "demo postings never appeared in the search: {page}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM (round {round})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(status.success(), "graceful exit, got {status}");

        let db = open(tmp.path()).await;
        assert_eq!(
            queries::count_all(&db).await.unwrap(),
            40,
            "demo data only on the first start"
        );
        db.close().await.unwrap();
    }
}

#[tokio::test]
async fn seeding_is_deterministic_for_a_seed() {
    async fn seeded(seed: &str) -> Vec<(String, String)> {
        let tmp = tempfile::tempdir().unwrap();
        let out = run(jobboard(tmp.path()).args(["seed", "--demo", "30", "--seed", seed]));
        assert!(String::from_utf8_lossy(&out.stdout).contains("created 30 demo postings"));
        let db = open(tmp.path()).await;
        let rows = jobboard_domain::entities::posting::Entity::find()
            .order_by_asc(jobboard_domain::entities::posting::Column::Id)
            .all(&db)
            .await
            .unwrap();
        rows.into_iter()
            .map(|p| (p.reference_number, p.title))
            .collect()
    }
    let a = seeded("7").await;
    assert_eq!(a.len(), 30);
    assert_eq!(a, seeded("7").await);
    assert_ne!(a, seeded("8").await);
}

#[test]
fn migrations_roll_back_report_their_status_and_apply_again() {
    let tmp = tempfile::tempdir().unwrap();
    // Every migration, however many there are by now.
    use jobboard_migrations::MigratorTrait;
    let all = jobboard_migrations::Migrator::migrations().len();
    let out = run(jobboard(tmp.path()).arg("migrate"));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("applied {all} migration(s)")));
    run(jobboard(tmp.path()).args(["migrate", "--down", "4"]));
    let status =
        String::from_utf8(run(jobboard(tmp.path()).args(["migrate", "--status"])).stdout).unwrap();
    assert_eq!(
        status.lines().filter(|l| l.starts_with("Pending")).count(),
        4,
        "{status}"
    );
    let out = run(jobboard(tmp.path()).arg("migrate"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied 4 migration(s)"));
    let out = run(jobboard(tmp.path()).arg("expire"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired 0 postings"));
}

#[test]
fn user_create_prints_an_invitation_link_or_sets_a_password_from_stdin() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = run(jobboard(&data)
        .env("JOBBOARD_PUBLIC_URL", "https://stellen.partheland.example")
        .args([
            "user",
            "create",
            "--admin",
            "--email",
            "Admin@Partheland.example",
        ]));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("created admin admin@partheland.example"),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://stellen.partheland.example/einladung/"),
        "{stdout}"
    );

    // A weak password from stdin is refused and creates nothing.
    let mut child = jobboard(&data)
        .args([
            "user",
            "create",
            "--municipality",
            "naunhof",
            "--email",
            "personal@naunhof.de",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"passwort1234\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("verbreitet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut child = jobboard(&data)
        .args([
            "user",
            "create",
            "--municipality",
            "naunhof",
            "--email",
            "personal@naunhof.de",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Parthe-Aue im Herbstnebel\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("the password is set")
    );

    // The same address again (any case) is refused.
    let out = jobboard(&data)
        .args([
            "user",
            "create",
            "--admin",
            "--email",
            "ADMIN@partheland.example",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = open(&data).await;
        let users = jobboard_domain::accounts::users::list(&db).await.unwrap();
        assert_eq!(users.len(), 2);
        let officer = users
            .iter()
            .find(|u| u.email == "personal@naunhof.de")
            .unwrap();
        assert!(officer.has_password && officer.municipality_id.is_some());
        jobboard_domain::accounts::users::authenticate(
            &db,
            "personal@naunhof.de",
            "Parthe-Aue im Herbstnebel",
            "127.0.0.1",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    });
}

#[test]
fn token_commands_create_list_and_revoke_and_the_plaintext_is_shown_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(jobboard(tmp.path()).args([
        "token",
        "create",
        "--municipality",
        "naunhof",
        "--label",
        "Website-CMS",
    ]));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout
        .split_whitespace()
        .find(|w| w.starts_with("jbt_"))
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 68, "{stdout}");

    let listed =
        String::from_utf8(run(jobboard(tmp.path()).args(["token", "list"])).stdout).unwrap();
    assert!(
        listed.contains("naunhof") && listed.contains("active") && listed.contains("Website-CMS"),
        "{listed}"
    );
    assert!(
        !listed.contains(&token),
        "the plaintext is never shown again"
    );
    let id = listed
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();

    run(jobboard(tmp.path()).args(["token", "revoke", &id]));
    let listed = String::from_utf8(
        run(jobboard(tmp.path()).args(["token", "list", "--municipality", "naunhof"])).stdout,
    )
    .unwrap();
    assert!(listed.contains("revoked"), "{listed}");

    let unknown = jobboard(tmp.path())
        .args([
            "token",
            "create",
            "--municipality",
            "leipzig",
            "--label",
            "x",
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("leipzig"));
}

#[test]
fn bench_feeds_prints_a_figure_per_format() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(jobboard(tmp.path()).args(["bench", "feeds", "--items", "20", "--rounds", "2"]));
    let stdout = String::from_utf8(out.stdout).unwrap();
    for format in ["RSS", "Atom", "JSON Feed"] {
        assert!(
            stdout.contains(format) && stdout.contains(" ms"),
            "{stdout}"
        );
    }
}

/// A one-route HTTP server on 127.0.0.1 answering every request with `body` as RSS.
fn serve_feed(body: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/stellen.rss")
}

fn feed() -> String {
    let items: String = [
        "Sachbearbeiter Bauamt",
        "Erzieherin Kita",
        "Hausmeister Schule",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| {
        format!(
            "<item><title>{t}</title><link>https://www.brandis.de/stellen/{i}</link>\
                 <guid>s-{i}</guid><description>Die Stadt Brandis sucht: {t}.</description></item>"
        )
    })
    .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Brandis</title>\
         <link>https://www.brandis.de</link><description>Stellen</description>{items}</channel></rss>"
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn sources_are_configured_imported_on_demand_and_report_their_status() {
    let tmp = tempfile::tempdir().unwrap();
    let url = serve_feed(feed());
    let quiet = |cmd: &mut Command| {
        cmd.env("JOBBOARD_DEMO_DATA", "off");
    };
    let mut add = jobboard(tmp.path());
    quiet(&mut add);
    let out = add
        .args([
            "source",
            "add",
            "--municipality",
            "brandis",
            "--url",
            "ftp://example.org/x",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("https://"),
        "German validation message"
    );

    let mut add = jobboard(tmp.path());
    quiet(&mut add);
    let out = run(add.args(["source", "add", "--municipality", "brandis", "--url", &url]));
    assert!(
        stdout(&out).starts_with("added import source 1 for Brandis"),
        "{}",
        stdout(&out)
    );

    // Loopback is refused unless allowed.
    let mut import = jobboard(tmp.path());
    quiet(&mut import);
    let out = import.arg("import").output().unwrap();
    assert!(!out.status.success());
    assert!(stdout(&out).contains("intern"), "{}", stdout(&out));

    let mut import = jobboard(tmp.path());
    quiet(&mut import);
    let out = run(import
        .env("JOBBOARD_IMPORT_ALLOW_PRIVATE", "loopback")
        .arg("import"));
    assert!(
        stdout(&out).contains("3 new, 0 updated, 0 archived, 0 unchanged, 0 failed"),
        "{}",
        stdout(&out)
    );

    let mut status = jobboard(tmp.path());
    quiet(&mut status);
    let out = run(status.args(["source", "status", "1"]));
    let text = stdout(&out);
    assert!(text.contains("Neu: 3, aktualisiert: 0"), "{text}");
    assert!(
        text.contains("Fehler: keiner") && text.contains("Anzeigen aus dieser Quelle: 3"),
        "{text}"
    );

    let mut remove = jobboard(tmp.path());
    quiet(&mut remove);
    let out = run(remove.args(["source", "remove", "1"]));
    assert!(
        stdout(&out).contains("switched off instead of removed"),
        "{}",
        stdout(&out)
    );
}

#[tokio::test]
async fn serve_harvests_due_sources_on_its_schedule() {
    let tmp = tempfile::tempdir().unwrap();
    let url = serve_feed(feed());
    run(jobboard(tmp.path()).env("JOBBOARD_DEMO_DATA", "off").args([
        "source",
        "add",
        "--municipality",
        "brandis",
        "--url",
        &url,
    ]));
    let mut child = jobboard(tmp.path())
        .env("JOBBOARD_BIND", "127.0.0.1:0")
        .env("JOBBOARD_DEMO_DATA", "off")
        .env("JOBBOARD_IMPORT_INTERVAL_SECS", "1")
        .env("JOBBOARD_IMPORT_ALLOW_PRIVATE", "loopback")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let db = open(tmp.path()).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut count = 0;
    while Instant::now() < deadline {
        count = queries::count_all(&db).await.unwrap_or(0);
        if count == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(count, 3, "the scheduled harvest imported the feed");
}
