//! The push API: municipality tokens, idempotent replays, validation, isolation, limits.

use chrono::{Duration, Utc};
use jobboard_domain::entities::{audit_entry, posting, search_outbox};
use jobboard_domain::postings::PostingStatus;
use jobboard_domain::{Actor, api_tokens, municipalities};
use jobboard_e2e::{Database, TestApp, e2e_tests, spawn_app_with};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

async fn token(app: &TestApp, slug: &str) -> (i64, String) {
    let m = municipalities::find_by_slug(&app.db, slug)
        .await
        .unwrap()
        .unwrap();
    let t = api_tokens::create(&app.db, m.id, "Website-CMS", &Actor::user(1), Utc::now())
        .await
        .unwrap();
    (t.token.id, t.plaintext)
}

fn body(reference: &str, title: &str) -> Value {
    json!({
        "kind": "job",
        "reference_number": reference,
        "title": title,
        "category": "bauhof_technik",
        "employment": "full_time",
        "weekly_hours": 39,
        "contract": "permanent",
        "pay_scheme": "tvoed_vka_eg",
        "pay_grade_from": "5",
        "pay_grade_to": "6",
        "location_place": "Borsdorf",
        "location_postcode": "04451",
        "application_deadline": (Utc::now() + Duration::days(30)).date_naive().to_string(),
        "description": "Der Bauhof sucht **Verstärkung**.",
        "tasks": "- Grünpflege\n- Winterdienst",
        "profile": "- Führerschein Klasse C",
        "benefits": "- Jobticket",
        "apply_email": "bauhof@borsdorf.de"
    })
}

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut r = app.client.put(format!("{}{path}", app.address)).json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn problem(r: reqwest::Response, status: u16) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], status, "{v}");
    v
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        posting::Entity::find().count(&app.db).await.unwrap(),
        audit_entry::Entity::find().count(&app.db).await.unwrap(),
        search_outbox::Entity::find().count(&app.db).await.unwrap(),
    )
}

const PATH: &str = "/api/v1/municipalities/borsdorf/postings/cms-4711";

e2e_tests! {
    async fn a_push_creates_and_publishes_and_a_replay_writes_nothing(app) {
        let (id, t) = token(&app, "borsdorf").await;
        let r = put(&app, PATH, Some(&t), &body("BH-1", "Mitarbeiter Bauhof (m/w/d)")).await;
        assert_eq!(r.status(), 201);
        let created: Value = r.json().await.unwrap();
        assert_eq!(created["outcome"], "created");
        assert_eq!(created["status"], "published");
        assert_eq!(created["external_id"], "cms-4711");
        let stored = posting::Entity::find_by_id(created["id"].as_i64().unwrap()).one(&app.db).await.unwrap().unwrap();
        assert_eq!(stored.external_id.as_deref(), Some("cms-4711"));
        assert_eq!(stored.updated_by, format!("token:{id}"));
        assert_eq!(stored.status, PostingStatus::Published);
        let before = counts(&app).await;

        let r = put(&app, PATH, Some(&t), &body("BH-1", "Mitarbeiter Bauhof (m/w/d)")).await;
        assert_eq!(r.status(), 200);
        let replay: Value = r.json().await.unwrap();
        assert_eq!(replay["outcome"], "unchanged");
        assert_eq!(replay["version"], created["version"]);
        assert_eq!(counts(&app).await, before, "a replay writes nothing: no posting, audit entry or outbox row");

        let r = put(&app, PATH, Some(&t), &body("BH-1", "Mitarbeiter Bauhof und Friedhof (m/w/d)")).await;
        assert_eq!(r.status(), 200);
        let changed: Value = r.json().await.unwrap();
        assert_eq!(changed["outcome"], "updated");
        assert_eq!(changed["id"], created["id"], "replaced, not duplicated");
        let after = counts(&app).await;
        assert_eq!(after.0, before.0);
        assert_eq!(after.1, before.1 + 1, "one audit entry for the change");

        app.wait_for(&format!("/api/v1/postings/{}", created["id"]), "Bauhof und Friedhof").await;
        app.wait_for("/stellen/feed.rss?kommune=borsdorf", "Bauhof und Friedhof").await;

        // As a draft it goes offline; DELETE archives it.
        let mut draft = body("BH-1", "Mitarbeiter Bauhof und Friedhof (m/w/d)");
        draft["status"] = json!("draft");
        let r = put(&app, PATH, Some(&t), &draft).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "draft");
        let r = delete(&app, PATH, &t).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "archived");
        let gone = app.get(&format!("/api/v1/postings/{}", created["id"])).await;
        assert_eq!(gone.status(), 404);
        problem(delete(&app, "/api/v1/municipalities/borsdorf/postings/unbekannt", &t).await, 404).await;
        app.shutdown().await.unwrap();
    }

    async fn validation_errors_list_every_field_and_change_nothing(app) {
        let (_, t) = token(&app, "borsdorf").await;
        let before = counts(&app).await;
        let v = problem(put(&app, PATH, Some(&t), &json!({ "kind": "chef", "status": "live" })).await, 422).await;
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        for f in ["kind", "status", "category", "employment", "contract", "pay_scheme", "application_deadline", "title", "reference_number"] {
            assert!(fields.contains(&f), "{f} missing in {v}");
        }
        let kind = v["errors"].as_array().unwrap().iter().find(|e| e["field"] == "kind").unwrap();
        assert!(kind["message"].as_str().unwrap().contains("Unbekannter Wert „chef“"), "{kind}");

        // The domain's own rules, in German, for a well-formed body.
        let mut bad = body("BH-2", "");
        bad["apply_email"] = json!("kein-mail");
        bad["pay_grade_from"] = json!("99");
        let v = problem(put(&app, PATH, Some(&t), &bad).await, 422).await;
        let fields = v["errors"].to_string();
        assert!(fields.contains("\"title\"") && fields.contains("\"apply_email\""), "{v}");

        problem(put(&app, PATH, Some(&t), &json!([1, 2])).await, 400).await;
        let r = app.client.put(format!("{}{PATH}", app.address)).bearer_auth(&t)
            .header("content-type", "text/plain").body("hallo").send().await.unwrap();
        problem(r, 415).await;
        let huge = json!({ "description": "x".repeat(300 * 1024) });
        problem(put(&app, PATH, Some(&t), &huge).await, 413).await;
        let long_id = format!("/api/v1/municipalities/borsdorf/postings/{}", "x".repeat(201));
        problem(put(&app, &long_id, Some(&t), &body("BH-3", "Titel")).await, 422).await;
        assert_eq!(counts(&app).await, before, "nothing written");
        app.shutdown().await.unwrap();
    }

    async fn a_token_of_another_municipality_never_touches_its_postings(app) {
        let (_, borsdorf) = token(&app, "borsdorf").await;
        let (_, brandis) = token(&app, "brandis").await;
        let r = put(&app, PATH, Some(&borsdorf), &body("BH-1", "Mitarbeiter Bauhof")).await;
        assert_eq!(r.status(), 201);
        let before = counts(&app).await;

        let v = problem(put(&app, PATH, Some(&brandis), &body("BH-1", "Übernommen")).await, 403).await;
        assert!(v["detail"].as_str().unwrap().contains("anderen Kommune"), "{v}");
        problem(delete(&app, PATH, &brandis).await, 403).await;
        problem(put(&app, "/api/v1/municipalities/leipzig/postings/x", Some(&brandis), &body("L-1", "x")).await, 403).await;
        assert_eq!(counts(&app).await, before, "nothing changed");
        let p = posting::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!((p.title.as_str(), p.status), ("Mitarbeiter Bauhof", PostingStatus::Published));

        // Brandis's own posting with the same external id is a separate one.
        let r = put(&app, "/api/v1/municipalities/brandis/postings/cms-4711", Some(&brandis), &body("BH-1", "Bauhof Brandis")).await;
        assert_eq!(r.status(), 201);
        app.shutdown().await.unwrap();
    }

    async fn a_missing_unknown_or_revoked_token_is_refused(app) {
        let (id, t) = token(&app, "borsdorf").await;
        let r = put(&app, PATH, None, &body("BH-1", "Bauhof")).await;
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        problem(r, 401).await;
        problem(put(&app, PATH, Some("jbt_nichtgueltig"), &body("BH-1", "Bauhof")).await, 401).await;
        api_tokens::revoke(&app.db, id, None, &Actor::user(1), Utc::now()).await.unwrap();
        let v = problem(put(&app, PATH, Some(&t), &body("BH-1", "Bauhof")).await, 401).await;
        assert!(v["detail"].as_str().unwrap().contains("widerrufen"), "{v}");
        assert_eq!(posting::Entity::find().count(&app.db).await.unwrap(), 0);
        app.shutdown().await.unwrap();
    }
}

async fn rate_limit_check(app: TestApp) {
    let (_, t) = token(&app, "borsdorf").await;
    let (_, other) = token(&app, "borsdorf").await;
    for _ in 0..3 {
        assert_eq!(
            put(&app, PATH, Some(&t), &body("BH-1", "Bauhof"))
                .await
                .status()
                .as_u16()
                / 100,
            2
        );
    }
    let r = put(&app, PATH, Some(&t), &body("BH-1", "Bauhof")).await;
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let v = problem(r, 429).await;
    assert!(
        v["detail"].as_str().unwrap().contains("zu viele Anfragen"),
        "{v}"
    );
    // The limit is per token.
    assert_eq!(
        put(&app, PATH, Some(&other), &body("BH-1", "Bauhof"))
            .await
            .status(),
        200
    );
    app.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_with_one_token_get_429_on_sqlite() {
    rate_limit_check(
        spawn_app_with(
            Database::sqlite().await,
            &[("JOBBOARD_PUSH_RATE_LIMIT", "3")],
        )
        .await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_with_one_token_get_429_on_postgres() {
    let Some(db) = Database::postgres().await else {
        eprintln!("PostgreSQL tests switched off");
        return;
    };
    rate_limit_check(spawn_app_with(db, &[("JOBBOARD_PUSH_RATE_LIMIT", "3")]).await).await;
}
