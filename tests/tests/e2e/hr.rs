//! The HR workspace over HTTP: sign-in, invitations, tenant isolation, CSRF, the editor.

use chrono::{Duration, Utc};
use jobboard_domain::accounts::{NewUser, Role, TokenPurpose, tokens, users};
use jobboard_domain::entities::{
    agreement, agreement_party, api_token, audit_entry, course, course_registration, cover_offer,
    cover_request, feed_token, import_source, municipality, posting, posting_partner,
    search_outbox, user,
};
use jobboard_domain::postings::publishing::{Request, transition};
use jobboard_domain::postings::{PartnerDraft, PostingKind, mutations};
use jobboard_domain::{Actor, municipalities};
use jobboard_e2e::{TestApp, e2e_tests};
use jobboard_web::hr::{Access, ROUTES};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

pub const PASSWORD: &str = "Parthe-Aue im Herbstnebel";

pub async fn municipality_id(app: &TestApp, slug: &str) -> i64 {
    municipalities::find_by_slug(&app.db, slug)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A user with a password, straight through the domain.
pub async fn account(app: &TestApp, email: &str, municipality: Option<&str>) -> i64 {
    let (role, m) = match municipality {
        Some(slug) => (Role::Officer, Some(municipality_id(app, slug).await)),
        None => (Role::Admin, None),
    };
    let now = Utc::now();
    let u = users::create_user(
        &app.db,
        NewUser {
            email: email.into(),
            name: format!("Person {email}"),
            role,
            municipality_id: m,
        },
        &Actor::system("test"),
        now,
    )
    .await
    .unwrap();
    users::set_password(&app.db, u.id, PASSWORD, &Actor::system("test"), now)
        .await
        .unwrap();
    u.id
}

/// A signed-in browser: its session cookie and the session's CSRF token.
pub struct Hr {
    pub cookie: String,
    pub csrf: String,
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// POST a form. `origin`: `None` sends the board's own origin.
pub async fn post(
    app: &TestApp,
    hr: Option<&Hr>,
    path: &str,
    pairs: &[(&str, &str)],
    origin: Option<&str>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", origin.unwrap_or(&app.address))
        .body(encode(pairs));
    if let Some(hr) = hr {
        req = req.header("cookie", &hr.cookie);
    }
    req.send().await.unwrap()
}

pub async fn get_as(app: &TestApp, hr: &Hr, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .header("cookie", &hr.cookie)
        .send()
        .await
        .unwrap()
}

pub fn cookie_of(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sitzung=") && !c.starts_with("sitzung=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

pub fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("page has a CSRF field")
        + 19;
    html[at..].split('"').next().unwrap().to_owned()
}

pub async fn sign_in(app: &TestApp, email: &str) -> Hr {
    let resp = post(
        app,
        None,
        "/anmelden",
        &[("email", email), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        resp.text().await.unwrap()
    );
    let cookie = cookie_of(&resp).expect("session cookie");
    let page = app
        .client
        .get(format!("{}/verwaltung", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let target = page
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let html = match target {
        Some(t) => get_as(
            app,
            &Hr {
                cookie: cookie.clone(),
                csrf: String::new(),
            },
            &t,
        )
        .await
        .text()
        .await
        .unwrap(),
        None => page.text().await.unwrap(),
    };
    Hr {
        csrf: csrf_in(&html),
        cookie,
    }
}

/// Everything an officer could change, as text: postings, partners, audit, outbox, users,
/// municipalities, import sources, agreements, cover requests and offers, feed addresses
/// (sessions and throttling counts excepted).
pub async fn snapshot(app: &TestApp) -> String {
    let db = &app.db;
    let cover = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        agreement::Entity::find()
            .order_by_asc(agreement::Column::Id)
            .all(db)
            .await
            .unwrap(),
        agreement_party::Entity::find()
            .order_by_asc(agreement_party::Column::AgreementId)
            .order_by_asc(agreement_party::Column::MunicipalityId)
            .all(db)
            .await
            .unwrap(),
        cover_request::Entity::find()
            .order_by_asc(cover_request::Column::Id)
            .all(db)
            .await
            .unwrap(),
        cover_offer::Entity::find()
            .order_by_asc(cover_offer::Column::Id)
            .all(db)
            .await
            .unwrap(),
        feed_token::Entity::find()
            .order_by_asc(feed_token::Column::Id)
            .all(db)
            .await
            .unwrap(),
    );
    cover
        + &format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}\n{:?}\n{:?}\n{:?}",
            api_token::Entity::find()
                .order_by_asc(api_token::Column::Id)
                .all(db)
                .await
                .unwrap(),
            course::Entity::find()
                .order_by_asc(course::Column::Id)
                .all(db)
                .await
                .unwrap(),
            course_registration::Entity::find()
                .order_by_asc(course_registration::Column::Id)
                .all(db)
                .await
                .unwrap(),
            posting::Entity::find()
                .order_by_asc(posting::Column::Id)
                .all(db)
                .await
                .unwrap(),
            posting_partner::Entity::find()
                .order_by_asc(posting_partner::Column::PostingId)
                .all(db)
                .await
                .unwrap(),
            audit_entry::Entity::find().all(db).await.unwrap().len(),
            search_outbox::Entity::find().all(db).await.unwrap().len(),
            user::Entity::find()
                .order_by_asc(user::Column::Id)
                .all(db)
                .await
                .unwrap(),
            municipality::Entity::find()
                .order_by_asc(municipality::Column::Id)
                .all(db)
                .await
                .unwrap(),
            import_source::Entity::find()
                .order_by_asc(import_source::Column::Id)
                .all(db)
                .await
                .unwrap(),
        )
}

/// Borsdorf's published shared offer (partner Brandis, unconfirmed), and its id.
async fn borsdorf_posting(app: &TestApp) -> i64 {
    let borsdorf = municipality_id(app, "borsdorf").await;
    let brandis = municipality_id(app, "brandis").await;
    let mut d = jobboard_e2e::draft(
        "BOR-1",
        "Ausbildung Verwaltungsfachangestellte (m/w/d)",
        PostingKind::Apprenticeship,
    );
    d.partners = vec![PartnerDraft {
        municipality_id: brandis,
        note: Some("Bauamt".into()),
    }];
    let now = Utc::now();
    let p = mutations::create_posting(&app.db, borsdorf, d, &Actor::user(1), now)
        .await
        .unwrap();
    transition(
        &app.db,
        p.id,
        p.version,
        Request::Publish,
        &Actor::user(1),
        now,
    )
    .await
    .unwrap()
    .id
}

/// The messages in the board's mail outbox, quoted-printable soft line breaks joined.
pub fn mails(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.mail_outbox)
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .replace("=\r\n", "")
                .replace("=\n", "")
        })
        .collect()
}

/// Borsdorf's draft course (`{course_id}`), a Borsdorf registration on another, open Borsdorf
/// course (`{registration_id}`), Borsdorf's API token (`{token_id}`) and Borsdorf's import source
/// (`{source_id}`): no other municipality may see or touch any of them. Also an open survey
/// round (`{round_id}`), which every member answers for itself.
async fn borsdorf_course_ids(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    use jobboard_domain::courses::{mutations as courses, registrations};
    let borsdorf = municipality_id(app, "borsdorf").await;
    let now = Utc::now();
    let deadline = jobboard_domain::berlin::today(now) + chrono::Days::new(10);
    let actor = Actor::user(1);
    let draft = courses::create_course(
        &app.db,
        borsdorf,
        jobboard_domain::testing::sample_course(5, deadline),
        &actor,
        now,
    )
    .await
    .unwrap();
    let open = courses::create_course(
        &app.db,
        borsdorf,
        jobboard_domain::testing::sample_course(5, deadline),
        &actor,
        now,
    )
    .await
    .unwrap();
    courses::change_status(
        &app.db,
        open.id,
        open.version,
        courses::CourseAction::Open,
        &actor,
        now,
    )
    .await
    .unwrap();
    let (r, _) = registrations::register(
        &app.db,
        open.id,
        borsdorf,
        registrations::RegistrationDraft {
            name: "Bauhof Borsdorf".into(),
            email: "bauhof@borsdorf.de".into(),
            note: None,
        },
        &actor,
        now,
    )
    .await
    .unwrap();
    let token = jobboard_domain::api_tokens::create(&app.db, borsdorf, "Website-CMS", &actor, now)
        .await
        .unwrap();
    let source = jobboard_domain::imports::sources::add(
        &app.db,
        jobboard_domain::imports::NewSource {
            municipality_id: borsdorf,
            url: "https://www.borsdorf.de/stellen.rss".into(),
            format: jobboard_domain::imports::ImportFormat::Rss,
        },
        now,
    )
    .await
    .unwrap();
    // Off, so the harvester in `serve` leaves it alone while the walks compare snapshots.
    jobboard_domain::imports::sources::set_enabled(&app.db, source.id, false)
        .await
        .unwrap();
    let round = jobboard_domain::survey::rounds::open_round(
        &app.db,
        jobboard_domain::survey::rounds::RoundDraft {
            year: 2027,
            deadline,
            occupations: vec!["vfa".into()],
            course_types: vec!["motorsaege".into()],
        },
        &actor,
        now,
    )
    .await
    .unwrap();
    (draft.id, r.id, token.token.id, source.id, round.id)
}

/// Borsdorf's agreement with Brandis (`{agreement_id}`, confirmed by both), Borsdorf's cover
/// request under it (`{request_id}`) and Brandis's offer on it (`{offer_id}`): Naunhof, with no
/// agreement, may neither see nor touch any of them.
pub async fn borsdorf_cover_ids(app: &TestApp) -> (i64, i64, i64) {
    use jobboard_domain::cover::{agreements, offers, requests};
    use jobboard_domain::testing::{sample_agreement, sample_cover_request, sample_offer};
    let borsdorf = municipality_id(app, "borsdorf").await;
    let brandis = municipality_id(app, "brandis").await;
    let now = Utc::now();
    let today = jobboard_domain::berlin::today(now);
    let (a, _) = agreements::create_agreement(
        &app.db,
        borsdorf,
        sample_agreement(vec![borsdorf, brandis], today),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap();
    agreements::confirm_agreement(&app.db, a.id, a.version, brandis, &Actor::user(2), now)
        .await
        .unwrap();
    let (from, until) = (today + chrono::Days::new(7), today + chrono::Days::new(11));
    let (r, _) = requests::create_request(
        &app.db,
        borsdorf,
        sample_cover_request(from, until),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap();
    let (o, _) = offers::create_offer(
        &app.db,
        brandis,
        sample_offer(r.id, from, until, 8),
        &Actor::user(2),
        now,
    )
    .await
    .unwrap();
    (a.id, r.id, o.id)
}

fn concrete(
    path: &str,
    posting_id: i64,
    user_id: i64,
    course: (i64, i64, i64, i64, i64),
    cover: (i64, i64, i64),
) -> String {
    path.replace("{agreement_id}", &cover.0.to_string())
        .replace("{request_id}", &cover.1.to_string())
        .replace("{offer_id}", &cover.2.to_string())
        .replace("{file}", "x.ics")
        .replace("{id}", &posting_id.to_string())
        .replace("{user_id}", &user_id.to_string())
        .replace("{token}", "x")
        .replace("{course_id}", &course.0.to_string())
        .replace("{registration_id}", &course.1.to_string())
        .replace("{token_id}", &course.2.to_string())
        .replace("{source_id}", &course.3.to_string())
        .replace("{round_id}", &course.4.to_string())
        // The owner's statistics: another municipality's officer is refused.
        .replace("{municipality}", "borsdorf")
}

e2e_tests! {
    async fn an_officer_of_another_municipality_gets_403_or_404_on_every_hr_route_and_changes_nothing(app) {
        let owner_user = account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let id = borsdorf_posting(&app).await;
        let course_ids = borsdorf_course_ids(&app).await;
        let cover_ids = borsdorf_cover_ids(&app).await;
        let other = sign_in(&app, "personal@naunhof.de").await;
        let before = snapshot(&app).await;
        let mut checked = 0;
        for r in ROUTES.iter().filter(|r| matches!(r.access, Access::Officer | Access::Admin) || r.path.contains("{municipality}")) {
            // Routes without a foreign id act on the officer's own municipality (a survey round
            // is every member's: its answer form is the officer's own answer; the list of
            // internal postings is every member's, read-only, and its feed address the own).
            if ["/verwaltung/anzeigen/neu", "/verwaltung/anzeigen", "/verwaltung/profil", "/verwaltung/lehrgaenge", "/verwaltung/lehrgaenge/neu", "/verwaltung/api-schluessel", "/verwaltung/quellen", "/verwaltung/zusammenarbeit", "/verwaltung/zusammenarbeit/kalender", "/verwaltung/zusammenarbeit/kalender/widerrufen", "/verwaltung/vereinbarungen/neu", "/verwaltung/vereinbarungen", "/verwaltung/vertretungen/neu", "/verwaltung/vertretungen", "/verwaltung/bedarf", "/verwaltung/bedarf/{round_id}", "/verwaltung/intern", "/verwaltung/intern/feed", "/verwaltung/intern/feed/widerrufen"].contains(&r.path) {
                continue;
            }
            let path = concrete(r.path, id, owner_user, course_ids, cover_ids);
            let status = if r.method == "GET" {
                get_as(&app, &other, &path).await.status()
            } else {
                // `auswahl`: the bulk action's selection, the foreign posting at its current version.
                post(&app, Some(&other), &path, &[("csrf", &other.csrf), ("version", "2"), ("action", "archive"), ("auswahl", &format!("{id}:2")), ("title", "Übernommen"), ("employer_profile", "x")], None).await.status()
            };
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{} {path} answered {status} to another municipality's officer",
                r.method
            );
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} routes checked");
        // The own dashboard does not list the other municipality's posting.
        let dash = get_as(&app, &other, "/verwaltung").await.text().await.unwrap();
        assert!(!dash.contains("BOR-1"));
        // Nor does its cooperation page show Borsdorf's agreement or cover request.
        let coop = get_as(&app, &other, "/verwaltung/zusammenarbeit").await.text().await.unwrap();
        assert!(!coop.contains("Gegenseitige Vertretung") && !coop.contains(&format!("/verwaltung/vertretungen/{}", cover_ids.1)), "{coop}");
        assert_eq!(snapshot(&app).await, before, "nothing changed");
    }

    async fn an_id_in_the_address_that_is_not_a_number_gets_the_german_not_found_page(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "admin@partheland.de", None).await;
        let officer = sign_in(&app, "personal@borsdorf.de").await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let before = snapshot(&app).await;
        let mut checked = 0;
        for r in ROUTES.iter().filter(|r| r.path.contains("_id}") || r.path.contains("{id}")) {
            let who = if r.access == Access::Admin { &admin } else { &officer };
            for bad in ["abc", "99999999999999999999", "1.5"] {
                let path = r.path.split('/').map(|seg| if seg.starts_with('{') { bad } else { seg }).collect::<Vec<_>>().join("/");
                let resp = if r.method == "GET" {
                    get_as(&app, who, &path).await
                } else {
                    post(&app, Some(who), &path, &[("csrf", &who.csrf)], None).await
                };
                assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{} {path}", r.method);
                let html = resp.text().await.unwrap();
                assert!(html.contains("Seite nicht gefunden"), "{} {path}: {html}", r.method);
                checked += 1;
            }
        }
        assert!(checked >= 60, "only {checked} requests checked");
        assert_eq!(snapshot(&app).await, before, "nothing changed");
    }

    async fn anonymous_requests_are_sent_to_sign_in_and_change_nothing(app) {
        let owner_user = account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let id = borsdorf_posting(&app).await;
        let course_ids = borsdorf_course_ids(&app).await;
        let cover_ids = borsdorf_cover_ids(&app).await;
        let before = snapshot(&app).await;
        for r in ROUTES.iter().filter(|r| r.access != Access::Public) {
            let path = concrete(r.path, id, owner_user, course_ids, cover_ids);
            let resp = if r.method == "GET" {
                app.get(&path).await
            } else {
                post(&app, None, &path, &[("version", "2"), ("action", "archive")], None).await
            };
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{} {path}", r.method);
            let location = resp.headers()["location"].to_str().unwrap().to_owned();
            assert!(location.starts_with("/anmelden?weiter="), "{location}");
        }
        assert_eq!(snapshot(&app).await, before);
    }

    async fn posts_without_the_session_csrf_token_or_from_a_foreign_origin_are_refused(app) {
        let owner_user = account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        account(&app, "admin@partheland.de", None).await;
        let id = borsdorf_posting(&app).await;
        let course_ids = borsdorf_course_ids(&app).await;
        let cover_ids = borsdorf_cover_ids(&app).await;
        let officer = sign_in(&app, "personal@borsdorf.de").await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let before = snapshot(&app).await;
        for r in ROUTES.iter().filter(|r| r.method == "POST" && r.access != Access::Public) {
            let path = concrete(r.path, id, owner_user, course_ids, cover_ids);
            let who = if r.access == Access::Admin { &admin } else { &officer };
            let fields = [("version", "2"), ("action", "archive"), ("title", "X"), ("employer_profile", "Neu")];
            let missing = post(&app, Some(who), &path, &fields, None).await.status();
            assert_eq!(missing, StatusCode::FORBIDDEN, "{path} without token");
            let mut with_wrong = fields.to_vec();
            with_wrong.push(("csrf", "falsch"));
            assert_eq!(post(&app, Some(who), &path, &with_wrong, None).await.status(), StatusCode::FORBIDDEN, "{path} wrong token");
            let mut with_token = fields.to_vec();
            with_token.push(("csrf", &who.csrf));
            let foreign = post(&app, Some(who), &path, &with_token, Some("https://boese.example")).await.status();
            assert_eq!(foreign, StatusCode::FORBIDDEN, "{path} foreign origin");
        }
        // Sign-in itself refuses a foreign origin too.
        let resp = post(&app, None, "/anmelden", &[("email", "personal@borsdorf.de"), ("password", PASSWORD)], Some("https://boese.example")).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(cookie_of(&resp).is_none());
        assert_eq!(snapshot(&app).await, before);
    }

    async fn sign_in_refuses_alike_throttles_and_rotates_the_session_id(app) {
        let uid = account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let first = sign_in(&app, "personal@naunhof.de").await;
        // Signing in again with the old cookie gives a new id and ends the old session.
        let resp = app.client.post(format!("{}/anmelden", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &app.address)
            .header("cookie", &first.cookie)
            .body(encode(&[("email", "personal@naunhof.de"), ("password", PASSWORD)]))
            .send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let set = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
        let second = cookie_of(&resp).unwrap();
        assert_ne!(second, first.cookie);
        assert_eq!(get_as(&app, &first, "/verwaltung").await.status(), StatusCode::SEE_OTHER);
        let fresh = Hr { cookie: second, csrf: String::new() };
        assert_eq!(get_as(&app, &fresh, "/verwaltung").await.status(), StatusCode::OK);

        let generic = "E-Mail-Adresse oder Passwort ist falsch.";
        let wrong = post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", "daneben-daneben")], None).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(cookie_of(&wrong).is_none());
        let wrong = wrong.text().await.unwrap();
        let unknown = post(&app, None, "/anmelden", &[("email", "niemand@naunhof.de"), ("password", PASSWORD)], None).await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        let unknown = unknown.text().await.unwrap();
        assert!(wrong.contains(generic) && unknown.contains(generic));
        users::set_active(&app.db, uid, false, &Actor::system("test"), Utc::now()).await.unwrap();
        let inactive = post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", PASSWORD)], None).await;
        assert_eq!(inactive.status(), StatusCode::UNAUTHORIZED);
        assert!(inactive.text().await.unwrap().contains(generic));
        assert_eq!(get_as(&app, &fresh, "/verwaltung").await.status(), StatusCode::SEE_OTHER, "deactivation ends sessions");
        users::set_active(&app.db, uid, true, &Actor::system("test"), Utc::now()).await.unwrap();
        // Two failures so far against the account (wrong + deactivated); three more lock it.
        for _ in 0..3 {
            post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", "daneben-daneben")], None).await;
        }
        let locked = post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", PASSWORD)], None).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(cookie_of(&locked).is_none());
    }

    async fn an_invitation_sets_the_password_once_and_expired_or_used_links_are_refused(app) {
        account(&app, "admin@partheland.de", None).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let naunhof = municipality_id(&app, "naunhof").await.to_string();
        let resp = post(&app, Some(&admin), "/verwaltung/admin/benutzer", &[("csrf", &admin.csrf), ("email", "Neu@Naunhof.de"), ("name", "Herr Neu"), ("role", "officer"), ("municipality_id", &naunhof)], None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        // The link was mailed, so the admin does not see it.
        assert!(!html.contains("/einladung/"), "{html}");
        let mails = mails(&app);
        assert_eq!(mails.len(), 1);
        let at = mails[0].find("/einladung/").unwrap();
        let path: String = mails[0][at..].chars().take_while(|c| !c.is_whitespace()).collect();
        assert!(mails[0].contains("neu@naunhof.de"), "{}", mails[0]);

        assert_eq!(app.get(&path).await.status(), StatusCode::OK);
        let weak = post(&app, None, &path, &[("password", "passwort1234"), ("password_repeat", "passwort1234")], None).await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(weak.text().await.unwrap().contains("zu verbreitet"));
        let ok = post(&app, None, &path, &[("password", PASSWORD), ("password_repeat", PASSWORD)], None).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        sign_in(&app, "neu@naunhof.de").await;
        let again = post(&app, None, &path, &[("password", "Noch ein anderes Passwort"), ("password_repeat", "Noch ein anderes Passwort")], None).await;
        assert_eq!(again.status(), StatusCode::GONE);
        assert_eq!(app.get(&path).await.status(), StatusCode::GONE);

        let u = users::find_by_email(&app.db, "neu@naunhof.de").await.unwrap().unwrap();
        let old = tokens::issue(&app.db, u.id, TokenPurpose::Invitation, Utc::now() - Duration::days(8)).await.unwrap();
        assert_eq!(app.get(&format!("/einladung/{old}")).await.status(), StatusCode::GONE);
        let resp = post(&app, None, &format!("/einladung/{old}"), &[("password", "Noch ein anderes Passwort"), ("password_repeat", "Noch ein anderes Passwort")], None).await;
        assert_eq!(resp.status(), StatusCode::GONE);
        sign_in(&app, "neu@naunhof.de").await;
    }

    async fn a_password_reset_mails_a_link_and_answers_the_same_for_unknown_addresses(app) {
        account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let known = post(&app, None, "/passwort-vergessen", &[("email", "personal@naunhof.de")], None).await.text().await.unwrap();
        let unknown = post(&app, None, "/passwort-vergessen", &[("email", "niemand@naunhof.de")], None).await.text().await.unwrap();
        assert_eq!(known, unknown);
        // The mail goes out in the background.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let sent = || std::fs::read_dir(&app.mail_outbox).is_ok_and(|mut d| d.any(|e| e.unwrap().path().extension().is_some_and(|x| x == "eml")));
        while !sent() {
            assert!(std::time::Instant::now() < deadline, "no reset mail");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let mails = mails(&app);
        assert_eq!(mails.len(), 1);
        let at = mails[0].find("/passwort-neu/").unwrap();
        let path: String = mails[0][at..].chars().take_while(|c| !c.is_whitespace()).collect();
        let ok = post(&app, None, &path, &[("password", "Ganz neues Passwort 2026"), ("password_repeat", "Ganz neues Passwort 2026")], None).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let old = post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", PASSWORD)], None).await;
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    }
}

e2e_tests! {
    async fn a_partner_appears_publicly_only_after_its_officer_confirms(app) {
        account(&app, "personal@brandis.de", Some("brandis")).await;
        let id = borsdorf_posting(&app).await;
        let slug = jobboard_domain::postings::queries::find_by_id(&app.db, id).await.unwrap().unwrap().slug;
        let public = app.get(&format!("/stellen/{slug}")).await.text().await.unwrap();
        assert!(!public.contains("im Verbund mit"), "unconfirmed partner not shown");
        let brandis = sign_in(&app, "personal@brandis.de").await;
        let dash = get_as(&app, &brandis, "/verwaltung").await.text().await.unwrap();
        assert!(dash.contains("Ausbildung Verwaltungsfachangestellte") && dash.contains("Bauamt"));
        let resp = post(&app, Some(&brandis), &format!("/verwaltung/verbund/{id}/bestaetigen"), &[("csrf", &brandis.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let public = app.get(&format!("/stellen/{slug}")).await.text().await.unwrap();
        assert!(public.contains("im Verbund mit"), "confirmed partner shown");
        let resp = post(&app, Some(&brandis), &format!("/verwaltung/verbund/{id}/ablehnen"), &[("csrf", &brandis.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert!(!app.get(&format!("/stellen/{slug}")).await.text().await.unwrap().contains("im Verbund mit"));
    }

    async fn imported_postings_are_read_only_in_the_editor(app) {
        account(&app, "personal@borsdorf.de", Some("borsdorf")).await;
        let id = borsdorf_posting(&app).await;
        use sea_orm::{ColumnTrait, ConnectionTrait, QueryFilter, sea_query::Expr};
        let borsdorf = municipality_id(&app, "borsdorf").await;
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO import_sources (municipality_id, url, format, created_at) VALUES ({borsdorf}, 'https://www.borsdorf.de/stellen.rss', 'rss', '2026-11-21 10:00:00+00:00')"
            ))
            .await
            .unwrap();
        posting::Entity::update_many()
            .col_expr(posting::Column::SourceId, Expr::value(1i64))
            .filter(posting::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
        let hr = sign_in(&app, "personal@borsdorf.de").await;
        let page = get_as(&app, &hr, &format!("/verwaltung/anzeigen/{id}")).await.text().await.unwrap();
        assert!(page.contains("aus einer anderen Quelle übernommen"));
        assert!(!page.contains("Als Entwurf speichern"));
        let before = snapshot(&app).await;
        let resp = post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}"), &[("csrf", &hr.csrf), ("version", "2"), ("title", "Geändert")], None).await;
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        let resp = post(&app, Some(&hr), &format!("/verwaltung/anzeigen/{id}/status"), &[("csrf", &hr.csrf), ("version", "2"), ("action", "archive")], None).await;
        assert_eq!(resp.status(), StatusCode::CONFLICT);
        assert_eq!(snapshot(&app).await, before);
    }

    async fn the_admin_adds_a_municipality_with_field_checks_and_deactivates_a_user(app) {
        account(&app, "admin@partheland.de", None).await;
        let officer = account(&app, "personal@naunhof.de", Some("naunhof")).await;
        let admin = sign_in(&app, "admin@partheland.de").await;
        let before = snapshot(&app).await;
        let bad = post(&app, Some(&admin), "/verwaltung/admin/kommunen", &[("csrf", &admin.csrf), ("name", "Trebsen"), ("slug", "Trebsen an der Mulde"), ("website", "trebsen.de"), ("contact_email", "info@trebsen.de"), ("latitude", "51,29"), ("longitude", "zwölf")], None).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.unwrap();
        assert!(html.contains("Kürzel") && html.contains("https://") && html.contains("value=\"Trebsen an der Mulde\""));
        assert!(html.contains("Postleitzahl der Verwaltung an (fünf Ziffern)"), "the postcode is asked for");
        assert_eq!(snapshot(&app).await, before);
        let good = post(&app, Some(&admin), "/verwaltung/admin/kommunen", &[("csrf", &admin.csrf), ("name", "Trebsen"), ("slug", "trebsen"), ("website", "https://www.trebsen.de"), ("contact_email", "info@trebsen.de"), ("latitude", "51,29"), ("longitude", "12,75"), ("postcode", "04687")], None).await;
        assert_eq!(good.status(), StatusCode::OK);
        assert_eq!(app.get("/kommunen/trebsen").await.status(), StatusCode::OK);

        let naunhof = sign_in(&app, "personal@naunhof.de").await;
        // An officer cannot use the admin pages.
        assert_eq!(get_as(&app, &naunhof, "/verwaltung/admin").await.status(), StatusCode::FORBIDDEN);
        let resp = post(&app, Some(&admin), &format!("/verwaltung/admin/benutzer/{officer}/deaktivieren"), &[("csrf", &admin.csrf)], None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(get_as(&app, &naunhof, "/verwaltung").await.status(), StatusCode::SEE_OTHER, "session ended");
        let again = post(&app, None, "/anmelden", &[("email", "personal@naunhof.de"), ("password", PASSWORD)], None).await;
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    }
}
