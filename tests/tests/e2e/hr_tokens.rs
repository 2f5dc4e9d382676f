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
}
