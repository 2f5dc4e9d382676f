//! Schemathesis (tests/requirements.txt) against `/api/openapi.json` of the running board,
//! the push API included with a valid token of Borsdorf: no server error, and every answer's
//! status, content type, headers and body as the description says.
//!
//! Bounded for the suite: `JOBBOARD_SCHEMATHESIS_EXAMPLES` examples per operation and phase
//! (default 30; about 600 requests, under a minute per database here).

use std::process::Command;

use chrono::Utc;
use jobboard_domain::postings::PostingKind;
use jobboard_domain::{Actor, api_tokens};
use jobboard_e2e::{draft, e2e_tests};

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance";

/// The push operations get Borsdorf's slug (a generated one only meets 403), and the token.
const CONFIG: &str = r#"
headers = { Authorization = "Bearer ${JOBBOARD_TOKEN}" }

[[operations]]
include-path-regex = "/municipalities/"
parameters = { slug = "borsdorf" }
"#;

e2e_tests! {
    env [("JOBBOARD_PUSH_RATE_LIMIT", "1000000")];

    async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_openapi_description(app) {
        app.publish(draft("S-1", "Sachbearbeiter Bürgerbüro", PostingKind::Job), "borsdorf").await;
        let borsdorf = app.member("borsdorf").await;
        let token = api_tokens::create(&app.db, borsdorf, "Schemathesis", &Actor::user(1), Utc::now()).await.unwrap().plaintext;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("schemathesis.toml");
        std::fs::write(&config, CONFIG).unwrap();
        let examples = std::env::var("JOBBOARD_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "30".into());
        let schema = format!("{}/api/openapi.json", app.address);
        let started = std::time::Instant::now();
        let mut command = Command::new("python3");
        command
            .args(["-c", "import sys\nfrom schemathesis.cli import schemathesis\nsys.exit(schemathesis())"])
            .arg("--config-file").arg(&config)
            .args(["run", &schema, "--checks", CHECKS, "--max-examples", &examples, "--no-color"])
            .env("JOBBOARD_TOKEN", &token)
            .env("SCHEMATHESIS_HOOKS", "")
            .current_dir(dir.path());
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .unwrap()
            .expect("python3 runs (scripts/test installs schemathesis from tests/requirements.txt)");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "schemathesis found failures:\n{stdout}\n{stderr}");
        // "1234 generated, 0 found …" or "1234 generated, …": the cases run.
        let cases = stdout
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" generated"))
            .unwrap_or_default()
            .to_owned();
        eprintln!("schemathesis: {cases} in {:.1} s\n{stdout}", started.elapsed().as_secs_f64());
        assert!(!cases.is_empty(), "a summary of the cases run:\n{stdout}");
        assert!(!stdout.contains("Authentication failed"), "the push API was reached with the token:\n{stdout}");
    }
}
