//! API tokens in the HR workspace: created (shown once), used by the push API, revoked.

use reqwest::StatusCode;

use crate::hr::{account, get_as, post, sign_in};
use jobboard_e2e::e2e_tests;

e2e_tests! {
    async fn an_officer_creates_a_token_that_the_push_api_accepts_until_it_is_revoked(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let hr = sign_in(&app, "personal@borsdorf.de").await;

        let empty = post(&app, Some(&hr), "/verwaltung/api-schluessel", &[("csrf", &hr.csrf), ("label", " ")], None).await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let created = post(&app, Some(&hr), "/verwaltung/api-schluessel", &[("csrf", &hr.csrf), ("label", "Website-CMS")], None).await;
        assert_eq!(created.status(), StatusCode::OK);
        let html = created.text().await.unwrap();
        let token = html.split("id=\"neuer-schluessel\" type=\"text\" readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert!(token.starts_with("jbt_"), "{token}");
        // Shown once: the list never shows it again.
        let list = get_as(&app, &hr, "/verwaltung/api-schluessel").await.text().await.unwrap();
        assert!(list.contains("Website-CMS") && !list.contains(&token));

        let push = |token: String| {
            let app = &app;
            async move {
                app.client
                    .delete(format!("{}/api/v1/municipalities/borsdorf/postings/gibt-es-nicht", app.address))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(push(token.clone()).await, StatusCode::NOT_FOUND, "accepted, the posting is unknown");

        let id = list.split("/verwaltung/api-schluessel/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let revoked = post(&app, Some(&hr), &format!("/verwaltung/api-schluessel/{id}/widerrufen"), &[("csrf", &hr.csrf)], None).await;
        assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
        assert_eq!(push(token).await, StatusCode::UNAUTHORIZED, "revoked tokens are refused");
        assert!(get_as(&app, &hr, "/verwaltung/api-schluessel").await.text().await.unwrap().contains("widerrufen am"));
        app.shutdown().await.unwrap();
    }

    async fn a_token_with_a_last_day_is_refused_after_it_and_bad_dates_store_nothing(app) {
        use jobboard_domain::entities::api_token;
        use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let hr = sign_in(&app, "personal@borsdorf.de").await;
        let path = "/verwaltung/api-schluessel";
        for (label, expires, message) in [
            ("CMS", "32.13.2027", "Bitte geben Sie ein Datum an"),
            ("CMS", "01.01.2020", "Das Ablaufdatum muss in der Zukunft liegen."),
            (" ", "morgen", "Bitte geben Sie eine Bezeichnung an"),
        ] {
            let r = post(&app, Some(&hr), path, &[("csrf", &hr.csrf), ("label", label), ("expires", expires)], None).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{expires}");
            let html = r.text().await.unwrap();
            assert!(html.contains(message), "{expires}: {html}");
            assert!(html.contains(&format!("value=\"{expires}\"")), "input kept: {html}");
        }
        assert_eq!(api_token::Entity::find().count(&app.db).await.unwrap(), 0, "nothing stored");

        let last_day = jobboard_domain::berlin::today(chrono::Utc::now()) + chrono::Days::new(30);
        let day = last_day.format("%d.%m.%Y").to_string();
        let r = post(&app, Some(&hr), path, &[("csrf", &hr.csrf), ("label", "Website-CMS"), ("expires", &day)], None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        let token = html.split("id=\"neuer-schluessel\" type=\"text\" readonly value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert!(html.contains(&format!("gültig bis {day}")), "{html}");
        let stored = api_token::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(stored.expires_at, Some(jobboard_domain::berlin::end_of_day(last_day)));
        let push = || {
            app.client
                .delete(format!("{}/api/v1/municipalities/borsdorf/postings/gibt-es-nicht", app.address))
                .bearer_auth(&token)
                .send()
        };
        assert_eq!(push().await.unwrap().status(), StatusCode::NOT_FOUND, "accepted before its last day");
        // Its last day has passed.
        let mut expired: api_token::ActiveModel = stored.into();
        expired.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
        expired.update(&app.db).await.unwrap();
        assert_eq!(push().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let list = get_as(&app, &hr, path).await.text().await.unwrap();
        assert!(list.contains("abgelaufen (gültig bis"), "{list}");
        assert!(!list.contains("/widerrufen\""), "no revoke button for an expired token: {list}");
        app.shutdown().await.unwrap();
    }
}
