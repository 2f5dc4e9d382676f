use chrono::{Duration, Utc};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{
    Category, Contract, Employment, PayScheme, PostingDraft, PostingKind, mutations,
};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::e2e_tests;

fn draft(reference: &str, title: &str) -> PostingDraft {
    PostingDraft {
        kind: PostingKind::Apprenticeship,
        reference_number: reference.into(),
        title: title.into(),
        department: None,
        category: Category::Verwaltung,
        employment: Employment::FullTime,
        weekly_hours: Some(39.0),
        contract: Contract::FixedTerm,
        contract_end_date: Some((Utc::now() + Duration::days(3 * 365)).date_naive()),
        pay_scheme: PayScheme::Tvaoed,
        pay_grade_from: None,
        pay_grade_to: None,
        pay_monthly_min_eur: Some(1340),
        pay_monthly_max_eur: Some(1490),
        location_place: "Borsdorf".into(),
        location_postcode: "04451".into(),
        latitude: None,
        longitude: None,
        start_date: None,
        application_deadline: (Utc::now() + Duration::days(20)).date_naive(),
        description: "Drei Jahre Ausbildung im Rathaus.".into(),
        tasks: String::new(),
        profile: String::new(),
        benefits: String::new(),
        contact_name: None,
        contact_phone: None,
        contact_email: None,
        apply_url: None,
        apply_email: Some("ausbildung@borsdorf.de".into()),
        partners: vec![],
    }
}

e2e_tests! {
    async fn health_check_reports_the_database(app) {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert!(["sqlite", "postgres"].contains(&body["database"].as_str().unwrap()), "{body}");
        app.shutdown().await.unwrap();
    }

    async fn the_start_page_lists_published_postings_only(app) {
        let borsdorf = municipalities::find_by_slug(&app.db, "borsdorf").await.unwrap().unwrap().id;
        let now = Utc::now();
        let actor = Actor::user(1);
        let online = mutations::create_posting(&app.db, borsdorf, draft("A-1", "Ausbildung Verwaltungsfachangestellte 2027"), &actor, now).await.unwrap();
        transition(&app.db, online.id, 1, Request::Publish, &actor, now).await.unwrap();
        mutations::create_posting(&app.db, borsdorf, draft("A-2", "Entwurf Straßenwärter <script>"), &actor, now).await.unwrap();

        let response = app.get("/").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"de\">"));
        assert!(html.contains("Ausbildung Verwaltungsfachangestellte 2027"), "{html}");
        assert!(html.contains("Borsdorf, Ausbildung, Bewerbungsfrist"), "{html}");
        assert!(html.contains("noch 20 Tage") || html.contains("noch 19 Tage"), "{html}");
        assert!(!html.contains("Straßenwärter"), "drafts stay private");
        assert!(html.contains("<p>1 Angebot</p>"), "{html}");
        app.shutdown().await.unwrap();
    }

    async fn bad_input_gets_a_german_error_page_never_a_500(app) {
        for (path, status) in [("/?page=-1", 400), ("/?page=1000000000", 400), ("/?page=abc", 400), ("/gibt-es-nicht", 404)] {
            let response = app.get(path).await;
            assert_eq!(response.status(), status, "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("lang=\"de\""), "{path}");
            assert!(html.contains("Seitenzahl") || html.contains("Seite nicht gefunden"), "{path}: {html}");
        }
        let long = format!("/?page={}", "9".repeat(10_000));
        assert_eq!(app.get(&long).await.status(), 400);
        app.shutdown().await.unwrap();
    }
}
