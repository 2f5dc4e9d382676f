//! The mailer against a real SMTP server on loopback (Python's aiosmtpd) and the file outbox.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jobboard_mail::{Email, Mailer};

fn message() -> Email {
    Email {
        to: "Frau Keller <personal@naunhof.de>".into(),
        subject: "Einladung zur Partheland Stellenbörse".into(),
        body: "Guten Tag,\n\nbitte legen Sie Ihr Passwort fest: https://stellen.example/einladung/abc\n\nÄußerst freundliche Grüße".into(),
        ..Email::default()
    }
}

/// aiosmtpd with its Maildir handler; killed when dropped.
struct SmtpServer(Child);

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_smtp(maildir: &Path) -> (SmtpServer, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 with aiosmtpd installed");
    let server = SmtpServer(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, port)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[tokio::test]
async fn smtp_delivers_a_german_plain_text_message_to_a_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let (_server, port) = start_smtp(&maildir).await;
    let mailer = Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "Partheland Stellenbörse <noreply@partheland.example>",
    )
    .unwrap();
    mailer.send(&message()).await.unwrap();

    let received = files_in(&maildir.join("new"));
    assert_eq!(received.len(), 1, "one message in the maildir");
    let raw = &received[0];
    assert!(
        raw.contains("To: \"Frau Keller\" <personal@naunhof.de>")
            || raw.contains("To: Frau Keller <personal@naunhof.de>"),
        "{raw}"
    );
    assert!(raw.contains("noreply@partheland.example"), "{raw}");
    assert!(
        raw.contains("Subject: Einladung zur Partheland =?utf-8?b?U3RlbGxlbmLDtnJzZQ==?="),
        "encoded umlaut subject: {raw}"
    );
    assert!(
        raw.contains("https://stellen.example/einladung/abc"),
        "{raw}"
    );
    assert!(
        raw.to_lowercase()
            .contains("content-type: text/plain; charset=utf-8"),
        "{raw}"
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_an_error_not_a_hang() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "noreply@partheland.example",
    )
    .unwrap();
    let err = mailer.send(&message()).await.unwrap_err();
    assert!(err.to_string().contains("SMTP"), "{err}");
}

#[tokio::test]
async fn without_smtp_messages_become_eml_files_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("mail-outbox");
    let mailer = Mailer::file_outbox(&outbox, "noreply@partheland.example").unwrap();
    mailer.send(&message()).await.unwrap();
    mailer.send(&message()).await.unwrap();
    let names: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n.ends_with(".eml")), "{names:?}");
    let raw = &files_in(&outbox)[0];
    assert!(raw.contains("personal@naunhof.de"));
    assert!(raw.contains("Subject: Einladung zur Partheland =?utf-8?"));
    assert!(raw.contains("https://stellen.example/einladung/abc"));
}

#[tokio::test]
async fn bad_addresses_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Mailer::file_outbox(dir.path(), "kein absender").is_err());
    let mailer = Mailer::file_outbox(dir.path().join("o"), "noreply@partheland.example").unwrap();
    let mut bad = message();
    bad.to = "niemand".into();
    assert!(mailer.send(&bad).await.is_err());
    bad.to = "a@b.de\r\nBcc: x@y.de".into();
    assert!(mailer.send(&bad).await.is_err());
    assert!(!dir.path().join("o").exists());
    assert!(Mailer::smtp("ftp://nope", "noreply@partheland.example").is_err());
}

/// What Python's `email` package reads from a stored message: the headers RFC 8058 asks for
/// and the content types of the parts.
fn parsed_by_python(raw_path: &Path) -> String {
    let script = r#"
import sys, email
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
print('unsubscribe=' + str(m['List-Unsubscribe']))
print('post=' + str(m['List-Unsubscribe-Post']))
print('type=' + m.get_content_type())
for part in m.iter_parts():
    print('part=' + part.get_content_type() + ' ' + part.get_content().strip().splitlines()[0])
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(raw_path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn a_list_message_has_text_and_html_parts_and_the_one_click_unsubscribe_headers() {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("maildir");
    let (_server, port) = start_smtp(&maildir).await;
    let mailer = Mailer::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "noreply@partheland.example",
    )
    .unwrap();
    let email = Email {
        to: "eva@example.de".into(),
        subject: "2 neue Angebote".into(),
        body: "Neue Angebote für Ihren Suchauftrag".into(),
        html: Some("<p>Neue Angebote für Ihren Suchauftrag</p>".into()),
        unsubscribe: Some("https://stellen.example/suchauftrag/abmelden/abc".into()),
    };
    mailer.send(&email).await.unwrap();
    let path = std::fs::read_dir(maildir.join("new"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let parsed = parsed_by_python(&path);
    assert!(
        parsed.contains("unsubscribe=<https://stellen.example/suchauftrag/abmelden/abc>"),
        "{parsed}"
    );
    assert!(
        parsed.contains("post=List-Unsubscribe=One-Click"),
        "{parsed}"
    );
    assert!(parsed.contains("type=multipart/alternative"), "{parsed}");
    assert!(
        parsed.contains("part=text/plain Neue Angebote für Ihren Suchauftrag"),
        "{parsed}"
    );
    assert!(
        parsed.contains("part=text/html <p>Neue Angebote für Ihren Suchauftrag</p>"),
        "{parsed}"
    );
    let mut bad = email.clone();
    bad.unsubscribe = Some("https://x.example/a>\r\nBcc: y@z.de".into());
    assert!(mailer.send(&bad).await.is_err());
}
