//! Users, sign-in, throttling, sessions and one-time tokens on both databases.

use chrono::Duration;
use jobboard_domain::accounts::{
    AccountError, NewUser, Role, SessionPolicy, TokenPurpose, sessions, throttle, tokens, users,
};
use jobboard_domain::{Actor, db_tests};

use super::fixtures::{at, municipality_id};

const GOOD: &str = "Parthe-Aue im Herbstnebel";

async fn officer(db: &sea_orm::DatabaseConnection, email: &str) -> users::User {
    let naunhof = municipality_id(db, "naunhof").await;
    let now = at("2026-11-21T10:00:00Z");
    let u = users::create_user(
        db,
        NewUser {
            email: email.into(),
            name: "Frau Keller".into(),
            role: Role::Officer,
            municipality_id: Some(naunhof),
        },
        &Actor::system("test"),
        now,
    )
    .await
    .unwrap();
    users::set_password(db, u.id, GOOD, &Actor::system("test"), now)
        .await
        .unwrap()
}

db_tests! {
    async fn reset_links_are_limited_to_three_per_window_and_never_for_unknown_accounts(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        assert!(tokens::request_reset(&t.db, "niemand@naunhof.de", now).await.unwrap().is_none());
        for _ in 0..3 {
            assert!(tokens::request_reset(&t.db, "Personal@Naunhof.de", now).await.unwrap().is_some());
        }
        assert!(tokens::request_reset(&t.db, "personal@naunhof.de", now).await.unwrap().is_none());
        assert!(tokens::request_reset(&t.db, "personal@naunhof.de", now + Duration::minutes(16)).await.unwrap().is_some());
    }

    async fn emails_are_unique_without_regard_to_case(t) {
        officer(&t.db, "Personal@Naunhof.de").await;
        let again = users::create_user(
            &t.db,
            NewUser { email: " personal@NAUNHOF.de ".into(), name: "X".into(), role: Role::Admin, municipality_id: None },
            &Actor::system("test"),
            at("2026-11-21T10:00:00Z"),
        )
        .await;
        assert!(matches!(again, Err(AccountError::EmailTaken)), "{again:?}");
        let admin_with_town = users::create_user(
            &t.db,
            NewUser { email: "a@b.de".into(), name: "X".into(), role: Role::Admin, municipality_id: Some(1) },
            &Actor::system("test"),
            at("2026-11-21T10:00:00Z"),
        )
        .await;
        assert!(matches!(admin_with_town, Err(AccountError::InvalidMunicipality)));
        assert_eq!(users::list(&t.db).await.unwrap().len(), 1);
    }

    async fn wrong_password_unknown_and_deactivated_accounts_get_one_generic_refusal(t) {
        let u = officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        let ok = users::authenticate(&t.db, "PERSONAL@naunhof.de", GOOD, "10.0.0.1", now).await.unwrap();
        assert_eq!(ok.id, u.id);
        for (email, pw) in [("personal@naunhof.de", "falsches-passwort-123"), ("niemand@naunhof.de", GOOD)] {
            let e = users::authenticate(&t.db, email, pw, "10.0.0.1", now).await.unwrap_err();
            assert!(matches!(e, AccountError::InvalidCredentials), "{e:?}");
        }
        users::set_active(&t.db, u.id, false, &Actor::system("test"), now).await.unwrap();
        let e = users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.0.0.2", now).await.unwrap_err();
        assert!(matches!(e, AccountError::InvalidCredentials), "{e:?}");
        assert_eq!(e.to_string(), AccountError::InvalidCredentials.to_string());
    }

    async fn five_failures_from_one_address_lock_that_address_out_but_not_the_owner(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        for _ in 0..5 {
            let e = users::authenticate(&t.db, "personal@naunhof.de", "daneben-daneben", "10.6.6.6", now).await.unwrap_err();
            assert!(matches!(e, AccountError::InvalidCredentials));
        }
        // The attacker's address is refused even with the right password …
        let e = users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.6.6.6", now).await.unwrap_err();
        assert!(matches!(e, AccountError::Throttled), "{e:?}");
        // … the owner elsewhere gets in, only slowed down (five failures on the account).
        let started = std::time::Instant::now();
        users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.9.9.9", now).await.unwrap();
        assert!(started.elapsed() >= throttle::delay_after(5), "{:?}", started.elapsed());
        let later = now + Duration::minutes(16);
        users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.6.6.6", later).await.unwrap();
    }

    async fn failures_spread_over_many_addresses_slow_the_account_down_without_locking_it(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        for i in 0..7 {
            let e = users::authenticate(&t.db, "personal@naunhof.de", "daneben-daneben", &format!("10.0.1.{i}"), now).await.unwrap_err();
            assert!(matches!(e, AccountError::InvalidCredentials), "{e:?}");
        }
        let started = std::time::Instant::now();
        users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.0.2.1", now).await.unwrap();
        assert!(started.elapsed() >= throttle::delay_after(7), "growing delay: {:?}", started.elapsed());
        // The success forgave the account's slow-down.
        let next = throttle::begin_attempt(&t.db, "personal@naunhof.de", "10.0.2.2", now).await.unwrap().unwrap();
        assert!(next.delay.is_zero(), "{next:?}");
    }

    async fn of_fifty_parallel_wrong_attempts_at_most_the_limit_is_judged(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let db = t.db.clone();
                tokio::spawn(async move { users::authenticate(&db, "personal@naunhof.de", "daneben-daneben", "10.6.6.6", now).await })
            })
            .collect();
        let (mut judged, mut throttled) = (0, 0);
        for task in tasks {
            match task.await.unwrap() {
                Err(AccountError::InvalidCredentials) => judged += 1,
                Err(AccountError::Throttled) => throttled += 1,
                other => panic!("{other:?}"),
            }
        }
        eprintln!("throttle judged {judged} of 50 parallel attempts ({:?})", t.backend());
        assert_eq!((judged, throttled), (throttle::PAIR_LIMIT, 50 - throttle::PAIR_LIMIT));
    }

    async fn of_twenty_parallel_reset_requests_three_get_a_mail(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = t.db.clone();
                tokio::spawn(async move { tokens::request_reset(&db, "personal@naunhof.de", now).await })
            })
            .collect();
        let mut sent = 0;
        for task in tasks {
            sent += u64::from(task.await.unwrap().unwrap().is_some());
        }
        assert_eq!(sent, throttle::RESET_LIMIT);
    }

    async fn a_completed_reset_clears_the_accounts_failures_and_voids_every_open_link(t) {
        let u = officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        for _ in 0..5 {
            let _ = users::authenticate(&t.db, "personal@naunhof.de", "daneben-daneben", "10.0.0.1", now).await;
        }
        let invitation = tokens::issue(&t.db, u.id, TokenPurpose::Invitation, now).await.unwrap();
        let (_, reset) = tokens::request_reset(&t.db, "personal@naunhof.de", now).await.unwrap().unwrap();
        tokens::set_password_with_token(&t.db, &reset, TokenPurpose::Reset, "Ganz neues Passwort 2026", now).await.unwrap();
        assert!(matches!(tokens::peek(&t.db, &invitation, TokenPurpose::Invitation, now).await, Err(AccountError::InvalidToken)));
        let next = throttle::begin_attempt(&t.db, "personal@naunhof.de", "10.0.0.1", now).await.unwrap();
        assert!(next.is_some_and(|a| a.delay.is_zero()), "no lock and no slow-down left");
        users::authenticate(&t.db, "personal@naunhof.de", "Ganz neues Passwort 2026", "10.0.0.1", now).await.unwrap();
        // Setting a password directly (the command line) voids open links too.
        let (_, reset) = tokens::request_reset(&t.db, "personal@naunhof.de", now).await.unwrap().unwrap();
        users::set_password(&t.db, u.id, GOOD, &Actor::system("test"), now).await.unwrap();
        assert!(matches!(tokens::peek(&t.db, &reset, TokenPurpose::Reset, now).await, Err(AccountError::InvalidToken)));
    }

    async fn many_failures_from_one_address_throttle_that_address(t) {
        officer(&t.db, "personal@naunhof.de").await;
        let now = at("2026-11-21T11:00:00Z");
        for i in 0..30 {
            let _ = users::authenticate(&t.db, &format!("x{i}@example.org"), "daneben-daneben", "10.0.0.1", now).await;
        }
        let e = users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.0.0.1", now).await.unwrap_err();
        assert!(matches!(e, AccountError::Throttled));
        users::authenticate(&t.db, "personal@naunhof.de", GOOD, "10.0.0.2", now).await.unwrap();
    }

    async fn invitation_tokens_work_once_and_not_after_expiry(t) {
        let naunhof = municipality_id(&t.db, "naunhof").await;
        let now = at("2026-11-21T10:00:00Z");
        let u = users::create_user(
            &t.db,
            NewUser { email: "neu@naunhof.de".into(), name: "Herr Neu".into(), role: Role::Officer, municipality_id: Some(naunhof) },
            &Actor::system("test"),
            now,
        ).await.unwrap();
        let token = tokens::issue(&t.db, u.id, TokenPurpose::Invitation, now).await.unwrap();
        // A weak password is refused and leaves the token usable.
        let weak = tokens::set_password_with_token(&t.db, &token, TokenPurpose::Invitation, "passwort1234", now).await;
        assert!(matches!(weak, Err(AccountError::WeakPassword(_))));
        // Wrong purpose.
        assert!(tokens::set_password_with_token(&t.db, &token, TokenPurpose::Reset, GOOD, now).await.is_err());
        tokens::set_password_with_token(&t.db, &token, TokenPurpose::Invitation, GOOD, now).await.unwrap();
        let again = tokens::set_password_with_token(&t.db, &token, TokenPurpose::Invitation, "Ein ganz anderes Passwort", now).await;
        assert!(matches!(again, Err(AccountError::InvalidToken)));
        users::authenticate(&t.db, "neu@naunhof.de", GOOD, "10.0.0.1", now).await.unwrap();

        let late = tokens::issue(&t.db, u.id, TokenPurpose::Reset, now).await.unwrap();
        let expired = tokens::set_password_with_token(&t.db, &late, TokenPurpose::Reset, "Ein ganz anderes Passwort", now + Duration::minutes(61)).await;
        assert!(matches!(expired, Err(AccountError::InvalidToken)));
        // A newer reset token replaces the older one.
        let first = tokens::issue(&t.db, u.id, TokenPurpose::Reset, now).await.unwrap();
        let second = tokens::issue(&t.db, u.id, TokenPurpose::Reset, now).await.unwrap();
        assert!(tokens::peek(&t.db, &first, TokenPurpose::Reset, now).await.is_err());
        assert!(tokens::peek(&t.db, &second, TokenPurpose::Reset, now).await.is_ok());
    }

    async fn sessions_end_after_idle_or_absolute_timeout_and_with_deactivation(t) {
        let u = officer(&t.db, "personal@naunhof.de").await;
        let policy = SessionPolicy::default();
        let start = at("2026-11-21T08:00:00Z");
        let id = sessions::create(&t.db, u.id, start).await.unwrap();
        assert!(sessions::lookup(&t.db, "x".repeat(43).as_str(), policy, start).await.unwrap().is_none());
        let s = sessions::lookup(&t.db, &id, policy, start + Duration::minutes(59)).await.unwrap().unwrap();
        assert_eq!(s.user.id, u.id);
        assert_eq!(s.csrf_token.len(), 43);
        // Active every 50 minutes keeps it alive, until 12 hours after sign-in.
        let mut now = start + Duration::minutes(59);
        while now < start + Duration::hours(11) {
            now += Duration::minutes(50);
            assert!(sessions::lookup(&t.db, &id, policy, now).await.unwrap().is_some());
        }
        assert!(sessions::lookup(&t.db, &id, policy, start + Duration::hours(12) + Duration::minutes(1)).await.unwrap().is_none());

        let idle = sessions::create(&t.db, u.id, start).await.unwrap();
        let fresh = sessions::create(&t.db, u.id, start + Duration::minutes(30)).await.unwrap();
        assert_eq!(sessions::purge_expired(&t.db, policy, start + Duration::minutes(61)).await.unwrap(), 1, "only the idle one");
        assert!(sessions::lookup(&t.db, &fresh, policy, start + Duration::minutes(61)).await.unwrap().is_some());
        assert!(sessions::lookup(&t.db, &idle, policy, start + Duration::minutes(61)).await.unwrap().is_none());

        let other = sessions::create(&t.db, u.id, start).await.unwrap();
        users::set_active(&t.db, u.id, false, &Actor::system("test"), start).await.unwrap();
        assert!(sessions::lookup(&t.db, &other, policy, start).await.unwrap().is_none());
    }
}
