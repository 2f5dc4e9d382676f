//! Findings of the security review (issue 15) over HTTP: parallel sign-ins, `mailto:`
//! injection, reset timing, invitation links.

use std::time::{Duration, Instant};

use chrono::Utc;
use jobboard_domain::entities::posting;
use jobboard_domain::{Actor, api_tokens, municipalities};
use jobboard_e2e::{Database, TestApp, e2e_tests, spawn_app_with};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use crate::hr::{account, encode, post, sign_in};

/// A loopback SMTP server that accepts connections and never answers.
async fn silent_smtp() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (url, task)
}

fn push_body(apply_email: &str) -> Value {
    json!({
        "kind": "job",
        "reference_number": "BH-9",
        "title": "Mitarbeiter Bauhof (m/w/d)",
        "category": "bauhof_technik",
        "employment": "full_time",
        "weekly_hours": 39,
        "contract": "permanent",
        "pay_scheme": "tvoed_vka_eg",
        "location_place": "Borsdorf",
        "location_postcode": "04451",
        "application_deadline": (Utc::now() + chrono::Duration::days(30)).date_naive().to_string(),
        "description": "Der Bauhof sucht **Verstärkung**.",
        "apply_email": apply_email
    })
}

async fn push(app: &TestApp, body: &Value) -> reqwest::Response {
    let m = municipalities::find_by_slug(&app.db, "borsdorf")
        .await
        .unwrap()
        .unwrap();
    let t = api_tokens::create(&app.db, m.id, "CMS", &Actor::user(1), Utc::now())
        .await
        .unwrap();
    app.client
        .put(format!(
            "{}/api/v1/municipalities/borsdorf/postings/cms-9",
            app.address
        ))
        .bearer_auth(t.plaintext)
        .json(body)
        .send()
        .await
        .unwrap()
}

const INJECTED: &str = "bewerbung%40naunhof.de?bcc=spy%40evil.example&x@naunhof.de";

e2e_tests! {
    async fn of_fifty_parallel_wrong_sign_ins_at_most_the_limit_is_judged(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (client, url, origin) = (app.client.clone(), format!("{}/anmelden", app.address), app.address.clone());
                tokio::spawn(async move {
                    client.post(url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("origin", origin)
                        .body(encode(&[("email", "personal@naunhof.de"), ("password", "daneben-daneben")]))
                        .send().await.unwrap().status()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let judged = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        let throttled = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        eprintln!("sign-in throttle over HTTP judged {judged} of 50 parallel attempts");
        assert_eq!((judged, throttled), (5, 45));
    }

    async fn requests_with_invalid_tokens_are_limited_per_client_address(app) {
        let url = format!("{}/api/v1/municipalities/borsdorf/postings/cms-9", app.address);
        let bad = format!("jbt_{}", "0".repeat(64));
        for i in 0..20 {
            let r = app.client.put(&url).bearer_auth(&bad).json(&push_body("a@borsdorf.de")).send().await.unwrap();
            assert_eq!(r.status(), 401, "attempt {i}");
        }
        let r = app.client.put(&url).bearer_auth(&bad).json(&push_body("a@borsdorf.de")).send().await.unwrap();
        assert_eq!(r.status(), 429);
        assert!(r.headers().contains_key("retry-after"));
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }

    async fn a_mailto_injection_is_refused_by_the_push_api_and_encoded_when_already_stored(app) {
        let r = push(&app, &push_body(INJECTED)).await;
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert!(v["errors"].to_string().contains("\"apply_email\""), "{v}");
        for bad in ["bewerbung@naunhof.de?bcc=spy@evil.example", "a&b@naunhof.de"] {
            assert_eq!(push(&app, &push_body(bad)).await.status(), 422, "{bad}");
        }
        let r = push(&app, &push_body("bewerbung@borsdorf.de")).await;
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // An address stored before the check existed is encoded in the link.
        posting::Entity::update_many()
            .col_expr(posting::Column::ApplyEmail, Expr::value(INJECTED))
            .filter(posting::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
        let slug = posting::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().slug;
        let page = app.get(&format!("/stellen/{slug}")).await.text().await.unwrap();
        assert!(page.contains("href=\"mailto:bewerbung%2540naunhof.de%3Fbcc%3Dspy%2540evil.example%26x@naunhof.de?subject="), "{page}");
        assert!(!page.contains("mailto:bewerbung%40"), "{page}");
    }
}

/// The reset form answers at once for a known address even when the mail server hangs, as it
/// does for an unknown one; the admin sees an invitation link only when the mail failed.
async fn with_silent_smtp(database: Database) {
    let (smtp, server) = silent_smtp().await;
    let app = spawn_app_with(database, &[("JOBBOARD_SMTP_URL", smtp.as_str())]).await;
    account(&app, "personal@naunhof.de", Some("naunhof")).await;
    for address in ["niemand@naunhof.de", "personal@naunhof.de"] {
        let started = Instant::now();
        let resp = tokio::time::timeout(
            Duration::from_secs(10),
            post(
                &app,
                None,
                "/passwort-vergessen",
                &[("email", address)],
                None,
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("{address}: the answer waited for the mail server"));
        assert_eq!(resp.status(), StatusCode::OK);
        eprintln!("reset answer for {address}: {:?}", started.elapsed());
    }
    server.abort();
    // Nobody listens now: the invitation mail fails and the admin gets the link to pass on.
    account(&app, "admin@partheland.de", None).await;
    let admin = sign_in(&app, "admin@partheland.de").await;
    let naunhof = municipalities::find_by_slug(&app.db, "naunhof")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let resp = post(
        &app,
        Some(&admin),
        "/verwaltung/admin/benutzer",
        &[
            ("csrf", &admin.csrf),
            ("email", "neu@naunhof.de"),
            ("name", "Herr Neu"),
            ("role", "officer"),
            ("municipality_id", &naunhof),
        ],
        None,
    )
    .await;
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("/einladung/") && html.contains("nicht verschickt"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reset_answer_does_not_wait_for_the_mail_on_sqlite() {
    with_silent_smtp(Database::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reset_answer_does_not_wait_for_the_mail_on_postgres() {
    if let Some(database) = Database::postgres().await {
        with_silent_smtp(database).await;
    }
}

/// Sends `head` (and nothing more) and waits up to 10 s for the server to answer or hang up.
async fn server_gives_up_on(app: &TestApp, head: &str) -> Result<String, &'static str> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    match tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await {
        Ok(_) => Ok(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => Err("the server still waits for the slow client"),
    }
}

e2e_tests! {
    env [("JOBBOARD_HEADER_TIMEOUT_SECS", "1"), ("JOBBOARD_BODY_TIMEOUT_SECS", "1")];

    async fn slow_clients_are_cut_off_in_the_headers_and_in_the_body(app) {
        let started = Instant::now();
        server_gives_up_on(&app, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
        eprintln!("incomplete head cut off after {:?}", started.elapsed());
        let host = app.address.trim_start_matches("http://").to_owned();
        let head = format!("POST /anmelden HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a", app.address);
        let answer = server_gives_up_on(&app, &head).await.unwrap();
        assert!(!answer.starts_with("HTTP/1.1 2") && !answer.starts_with("HTTP/1.1 3"), "{answer}");
        // Normal requests still work, and plain http gets no HSTS.
        let r = app.get("/healthz").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(!r.headers().contains_key("strict-transport-security"));
    }
}
