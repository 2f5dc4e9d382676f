//! Fuzzing the push API's JSON body against the running board (see
//! `jobboard_domain::testing::fuzz` for the budget): a valid posting with fields dropped, given
//! values of any JSON type, added, or the body replaced by arbitrary bytes, under arbitrary
//! external ids. Whatever comes, the answer is a success or a client error described as
//! problem+json, never a server error.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Duration, Utc};
use jobboard_domain::testing::fuzz::proptest;
use jobboard_domain::testing::fuzz::{
    fuzz,
    proptest::prelude::*,
    proptest::test_runner::{TestCaseError, TestCaseResult},
};
use jobboard_domain::{Actor, api_tokens, municipalities};
use jobboard_e2e::{TestApp, e2e_tests};
use serde_json::{Map, Value, json};

/// The fields of a posting, with a valid value each.
fn valid() -> Map<String, Value> {
    let Value::Object(fields) = json!({
        "status": "published",
        "kind": "job",
        "reference_number": "BH-2026-1",
        "title": "Mitarbeiter Bauhof (m/w/d)",
        "department": "Bauhof",
        "category": "bauhof_technik",
        "employment": "full_time",
        "weekly_hours": 39,
        "contract": "fixed_term",
        "contract_end_date": (Utc::now() + Duration::days(400)).date_naive().to_string(),
        "pay_scheme": "tvoed_vka_eg",
        "pay_grade_from": "5",
        "pay_grade_to": "6",
        "pay_monthly_min_eur": 2800,
        "pay_monthly_max_eur": 3200,
        "start_date": (Utc::now() + Duration::days(60)).date_naive().to_string(),
        "location_place": "Borsdorf",
        "location_postcode": "04451",
        "latitude": 51.35,
        "longitude": 12.53,
        "application_deadline": (Utc::now() + Duration::days(30)).date_naive().to_string(),
        "description": "Der Bauhof sucht **Verstärkung**.",
        "tasks": "- Grünpflege",
        "profile": "- Führerschein Klasse C",
        "benefits": "- Jobticket",
        "contact_name": "Frau Beispiel",
        "contact_phone": "034291 123",
        "contact_email": "bauhof@borsdorf.de",
        "apply_email": "bewerbung@borsdorf.de",
        "apply_url": "https://www.borsdorf.de/bewerben",
        "partners": []
    }) else {
        unreachable!("an object")
    };
    fields
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(
            &[
                "",
                " ",
                "x",
                "2026-02-30",
                "9999-12-31",
                "-1",
                "1e999",
                "NaN",
                "job",
                "draft",
                "archived",
                "naunhof",
                "brandis",
                "javascript:alert(1)",
                "a@b.de?bcc=c@d.de",
                "<script>alert(1)</script>",
                "\u{0}",
                "\u{feff}",
                "ä",
            ][..]
        )
        .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        (".{1,4}", 1000..70_000usize).prop_map(|(s, n)| Value::String(s.repeat(n))),
    ];
    // The valid value of some field, often right for another one too.
    let valid_values: Vec<Value> = valid().into_values().collect();
    let leaf = prop_oneof![3 => leaf, 1 => proptest::sample::select(valid_values)];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[a-z_]{1,12}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Requests accepted: the fuzzer must reach past the refusals.
static ACCEPTED: AtomicU64 = AtomicU64::new(0);
static SENT: AtomicU64 = AtomicU64::new(0);

/// What one request sends.
#[derive(Debug)]
enum Body {
    /// The valid posting with these fields dropped and these set.
    Edited(Vec<String>, Vec<(String, Value)>),
    Json(Value),
    Bytes(Vec<u8>),
}

fn request() -> impl Strategy<Value = (String, Body)> {
    let names: Vec<String> = valid().keys().cloned().collect();
    let name = prop_oneof![
        8 => proptest::sample::select(names.clone()),
        1 => "[a-z_]{1,12}",
    ];
    let body = prop_oneof![
        6 => (
            proptest::collection::vec(proptest::sample::select(names), 0..3),
            proptest::collection::vec((name, json_value()), 0..4),
        )
            .prop_map(|(drop, set)| Body::Edited(drop, set)),
        1 => json_value().prop_map(Body::Json),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Body::Bytes),
    ];
    let external_id = prop_oneof![
        4 => "[a-z0-9-]{1,12}",
        1 => "\\PC{1,20}",
        1 => "[a-z]{190,210}",
    ];
    (external_id, body)
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    external_id: &str,
    body: &Body,
) -> TestCaseResult {
    let bytes = match body {
        Body::Edited(drop, set) => {
            let mut fields = valid();
            // Reference numbers are unique within a municipality.
            let n = SENT.fetch_add(1, Ordering::Relaxed);
            fields.insert("reference_number".into(), format!("FZ-{n}").into());
            for name in drop {
                fields.remove(name);
            }
            for (name, value) in set {
                fields.insert(name.clone(), value.clone());
            }
            serde_json::to_vec(&fields).unwrap()
        }
        Body::Json(v) => serde_json::to_vec(v).unwrap(),
        Body::Bytes(b) => b.clone(),
    };
    let mut url = url::Url::parse(&app.address).unwrap();
    url.path_segments_mut().unwrap().extend([
        "api",
        "v1",
        "municipalities",
        "borsdorf",
        "postings",
        external_id,
    ]);
    let response = client
        .put(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .map_err(|e| TestCaseError::fail(format!("no answer: {e:?}")))?;
    let status = response.status();
    let content_type = response.headers().get("content-type").cloned();
    let text = response.text().await.unwrap_or_default();
    let fail = |why: &str| {
        Err(TestCaseError::fail(format!(
            "{why}: {status} {content_type:?} {text}"
        )))
    };
    if status.is_server_error() {
        return fail("a server error");
    }
    if status.is_client_error() {
        if content_type
            .as_ref()
            .is_none_or(|t| t != "application/problem+json")
        {
            return fail("a client error that is not problem+json");
        }
        let problem: Value = serde_json::from_str(&text).unwrap_or_default();
        if problem["status"] != status.as_u16() || !problem["detail"].is_string() {
            return fail("a problem without status or detail");
        }
        if status == 429 {
            return fail("rate limited: raise JOBBOARD_PUSH_RATE_LIMIT for the fuzzer");
        }
    } else if status.is_success() {
        ACCEPTED.fetch_add(1, Ordering::Relaxed);
    } else {
        return fail("neither success nor client error");
    }
    Ok(())
}

e2e_tests! {
    env [("JOBBOARD_PUSH_RATE_LIMIT", "1000000")];

    async fn any_push_body_is_accepted_or_refused_as_problem_json_never_a_server_error(app) {
        let borsdorf = municipalities::find_by_slug(&app.db, "borsdorf").await.unwrap().unwrap();
        let token = api_tokens::create(&app.db, borsdorf.id, "Fuzzer", &Actor::user(1), Utc::now()).await.unwrap().plaintext;
        // A connection per request: a body refused before it is read (too large, say) ends its
        // connection, and a pooled one could be reused just as the server closes it.
        let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
        let runtime = tokio::runtime::Handle::current();
        let accepted_before = ACCEPTED.load(Ordering::Relaxed);
        let run = tokio::task::block_in_place(|| {
            fuzz("push-api", request(), |(external_id, body)| {
                runtime.block_on(send(&app, &client, &token, &external_id, &body))
            })
        });
        let accepted = ACCEPTED.load(Ordering::Relaxed) - accepted_before;
        eprintln!("fuzz push-api: {accepted} of {} requests accepted", run.cases);
        assert!(accepted * 20 > run.cases, "{accepted} of {}", run.cases);
    }
}
