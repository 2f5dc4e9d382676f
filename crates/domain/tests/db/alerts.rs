//! Search alerts through the audited-change pipeline: a record without municipality and
//! without a signed-in author, whose address never reaches the trail; the management tokens;
//! and the sender's claims and sent-log.

use chrono::Duration;
use chrono::{DateTime, Utc};
use jobboard_domain::alerts::mutations::{self, Requested};
use jobboard_domain::alerts::{
    AlertDraft, AlertScope, AlertStatus, Frequency, SearchAlert, runs, schedule, tokens,
};
use jobboard_domain::audit::{self, AuditAction, AuditEntity};
use jobboard_domain::entities::{audit_entry, search_alert, search_alert_sent, search_alert_token};
use jobboard_domain::{Actor, DomainError};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::fixtures::*;
use jobboard_domain::db_tests;

const EMAIL: &str = "eva.sucht@example.de";

fn alert_draft(email: &str) -> AlertDraft {
    AlertDraft {
        email: email.into(),
        scope: AlertScope::Jobs,
        query: "q=Erzieher&kommune=naunhof".into(),
        frequency: Frequency::Daily,
        consent: true,
    }
}

async fn requested(
    db: &DatabaseConnection,
    email: &str,
    now: DateTime<Utc>,
) -> (SearchAlert, String) {
    match mutations::request(db, &alert_draft(email), now)
        .await
        .unwrap()
    {
        Requested::Created { alert, token } => (*alert, token),
        Requested::AlreadyPending => panic!("a new address has no pending request"),
    }
}

/// Every audit entry as stored, as one string.
async fn whole_trail(db: &impl ConnectionTrait) -> String {
    let rows = audit_entry::Entity::find().all(db).await.unwrap();
    rows.iter()
        .map(|e| {
            format!(
                "{} {} {} {:?} {}",
                e.entity_type.code(),
                e.action.code(),
                e.actor,
                e.municipality_id,
                e.changes
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

db_tests! {
    async fn a_request_is_pending_owned_by_no_municipality_and_its_address_is_not_in_the_trail(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let (alert, token) = requested(db, " Eva.Sucht@Example.de ", now).await;
        assert_eq!(alert.email, EMAIL);
        assert_eq!(alert.status, AlertStatus::Pending);
        assert_eq!(alert.next_due_at, None);
        assert_eq!(alert.consent_version, jobboard_domain::alerts::CONSENT_VERSION);
        assert_eq!(alert.created_at, now);
        assert_eq!(token.len(), 43);
        let trail = audit::history(db, AuditEntity::SearchAlert, alert.id).await.unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].action, AuditAction::Created);
        assert_eq!(trail[0].actor, "public");
        assert_eq!(trail[0].municipality_id, None);
        assert!(trail[0].changes.get("query").is_some(), "{}", trail[0].changes);
        let all = whole_trail(db).await;
        assert!(!all.to_lowercase().contains("eva.sucht"), "{all}");
        // The token is stored only as its hash.
        let stored = search_alert_token::Entity::find().all(db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, token);
        assert_eq!(tokens::find(db, &token, now).await.unwrap().map(|a| a.id), Some(alert.id));
    }

    async fn one_pending_request_per_address_and_bad_input_stores_nothing(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        requested(db, EMAIL, now).await;
        let again = mutations::request(db, &alert_draft("EVA.sucht@example.de"), now).await.unwrap();
        assert!(matches!(again, Requested::AlreadyPending));
        let bad = AlertDraft { consent: false, ..alert_draft("eva@example.de?bcc=x@y.de") };
        let err = mutations::request(db, &bad, now).await.unwrap_err();
        let DomainError::Validation(errors) = err else { panic!("validation error expected") };
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "consent"]);
        assert_eq!(search_alert::Entity::find().count(db).await.unwrap(), 1);
        assert_eq!(audit_entry::Entity::find().count(db).await.unwrap(), 1);
    }

    async fn parallel_requests_of_one_address_store_one_pending_request(t) {
        let now = at("2026-12-02T10:00:00Z");
        let mut set = tokio::task::JoinSet::new();
        for i in 0..8 {
            let db = t.db.clone();
            // The same address, written differently.
            let email = if i % 2 == 0 { EMAIL.to_owned() } else { EMAIL.to_uppercase() };
            set.spawn(async move { mutations::request(&db, &alert_draft(&email), now).await });
        }
        let mut created = 0;
        while let Some(r) = set.join_next().await {
            match r.unwrap().unwrap() {
                Requested::Created { .. } => created += 1,
                Requested::AlreadyPending => {}
            }
        }
        assert_eq!(created, 1);
        let db = &t.db;
        assert_eq!(search_alert::Entity::find().count(db).await.unwrap(), 1);
        assert_eq!(search_alert_token::Entity::find().count(db).await.unwrap(), 1);
        assert_eq!(audit_entry::Entity::find().count(db).await.unwrap(), 1);
        // Once confirmed, the address may ask for another alert.
        let alert = search_alert::Entity::find().one(db).await.unwrap().unwrap();
        mutations::confirm(db, alert.id, now).await.unwrap();
        requested(db, EMAIL, now).await;
    }

    async fn confirming_schedules_the_berlin_morning_and_twice_changes_nothing(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let (alert, _) = requested(db, EMAIL, now).await;
        let later = now + Duration::hours(1);
        let active = mutations::confirm(db, alert.id, later).await.unwrap();
        assert_eq!(active.status, AlertStatus::Active);
        assert_eq!(active.confirmed_at, Some(later));
        assert_eq!(active.window_start, later);
        // 3 December 2026, 07:00 CET.
        assert_eq!(active.next_due_at, Some(at("2026-12-03T06:00:00Z")));
        let again = mutations::confirm(db, alert.id, later + Duration::hours(1)).await.unwrap();
        assert_eq!(again.version, active.version);
        let actions: Vec<_> = audit::history(db, AuditEntity::SearchAlert, alert.id).await.unwrap().iter().map(|e| e.action).collect();
        assert_eq!(actions, [AuditAction::Created, AuditAction::Confirmed]);
    }

    async fn a_stale_change_is_a_conflict_naming_the_alert(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let (alert, _) = requested(db, EMAIL, now).await;
        let alert = mutations::confirm(db, alert.id, now).await.unwrap();
        let weekly = AlertDraft { frequency: Frequency::Weekly, ..alert_draft("ignored@example.de") };
        let saved = mutations::update(db, alert.id, alert.version, &weekly, now).await.unwrap();
        assert!(saved.changed);
        assert_eq!(saved.row.email, EMAIL, "a change keeps the address");
        assert_eq!(saved.row.next_due_at, Some(schedule::next_due(Frequency::Weekly, now)));
        let err = mutations::update(db, alert.id, alert.version, &alert_draft(EMAIL), now).await.unwrap_err();
        assert!(err.to_string().starts_with("Der Suchauftrag wurde inzwischen geändert"), "{err}");
        assert!(err.to_string().contains("Bitte laden Sie ihn neu"), "{err}");
    }

    async fn deleting_leaves_the_address_nowhere_and_the_token_stops_working(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let (alert, token) = requested(db, EMAIL, now).await;
        let (other, other_token) = requested(db, "jonas@example.de", now).await;
        mutations::confirm(db, alert.id, now).await.unwrap();
        mutations::delete(db, alert.id, AuditAction::Unsubscribed, &Actor::public(), now).await.unwrap();
        assert!(tokens::find(db, &token, now).await.unwrap().is_none());
        assert_eq!(tokens::find(db, &other_token, now).await.unwrap().map(|a| a.id), Some(other.id));
        assert_eq!(search_alert_token::Entity::find().count(db).await.unwrap(), 1);
        let rows: Vec<String> = search_alert::Entity::find().all(db).await.unwrap().into_iter().map(|a| a.email).collect();
        assert_eq!(rows, ["jonas@example.de"]);
        let actions: Vec<_> = audit::history(db, AuditEntity::SearchAlert, alert.id).await.unwrap().iter().map(|e| e.action).collect();
        assert_eq!(actions, [AuditAction::Created, AuditAction::Confirmed, AuditAction::Unsubscribed]);
        let all = whole_trail(db).await;
        assert!(!all.contains("eva.sucht") && !all.contains("jonas@"), "{all}");
        // A token of the wrong length or one never issued finds nothing.
        assert!(tokens::find(db, "kurz", now).await.unwrap().is_none());
        assert!(tokens::find(db, &"A".repeat(43), now).await.unwrap().is_none());
    }

    async fn two_workers_never_claim_the_same_alert_and_a_period_is_mailed_once(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let mut ids = Vec::new();
        for i in 0..6 {
            let (a, _) = requested(db, &format!("person{i}@example.de"), now).await;
            ids.push(mutations::confirm(db, a.id, now).await.unwrap().id);
        }
        let run = at("2026-12-03T06:00:00Z");
        let lease = run + Duration::minutes(15);
        let (a, b) = tokio::join!(
            runs::claim_due(db, "a", 4, lease, run),
            runs::claim_due(db, "b", 4, lease, run),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.len() + b.len(), 6, "every due alert claimed once");
        assert!(a.iter().all(|x| b.iter().all(|y| x.id != y.id)));
        let posting = seed_posting(db).await;
        for alert in &a {
            assert!(runs::complete(db, alert, "a", &[posting], run).await.unwrap());
        }
        // The lease of `b` runs out without a complete (a crash): another run takes them over.
        assert!(runs::claim_due(db, "c", 10, lease, run).await.unwrap().is_empty());
        let retaken = runs::claim_due(db, "c", 10, lease + Duration::minutes(15), lease).await.unwrap();
        assert_eq!(retaken.len(), b.len());
        // The crashed worker comes back too late: its lease is gone, it writes nothing.
        assert!(!runs::complete(db, &b[0], "b", &[posting], run).await.unwrap());
        for alert in &retaken {
            assert!(runs::complete(db, alert, "c", &[], lease).await.unwrap());
        }
        // Everything moved to the next morning: nothing due now.
        assert!(runs::claim_due(db, "d", 10, lease, lease).await.unwrap().is_empty());
        let sent = runs::already_sent(db, &ids, &[posting]).await.unwrap();
        assert_eq!(sent.len(), a.len());
        let next = runs::claim_due(db, "d", 10, at("2026-12-04T06:15:00Z"), at("2026-12-04T06:00:00Z")).await.unwrap();
        assert_eq!(next.len(), 6);
        // The window reaches back a day, but never before the confirmation.
        assert!(next.iter().all(|x| x.window_start == now), "{next:?}");
        let totals = runs::totals(db, at("2026-12-04T06:00:00Z")).await.unwrap();
        assert_eq!((totals.confirmed, totals.pending, totals.sent_this_week), (6, 0, a.len() as u64));
    }

    async fn the_sent_log_check_reads_only_the_rows_of_the_batchs_alerts(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let mut alerts = Vec::new();
        for i in 0..3 {
            let (a, _) = requested(db, &format!("person{i}@example.de"), now).await;
            alerts.push(mutations::confirm(db, a.id, now).await.unwrap());
        }
        let run = at("2026-12-03T06:00:00Z");
        let claimed = runs::claim_due(db, "w", 10, run + Duration::minutes(15), run).await.unwrap();
        let posting = seed_posting(db).await;
        for alert in &claimed {
            assert!(runs::complete(db, alert, "w", &[posting], run).await.unwrap());
        }
        // A batch of the first two alerts: the third alert's row for the same posting is not
        // read (with every alert's rows a batch of 500 loaded the sent-log of all alerts).
        let batch = [alerts[0].id, alerts[1].id];
        let sent = runs::already_sent(db, &batch, &[posting]).await.unwrap();
        let expected: std::collections::HashSet<(i64, i64)> = batch.iter().map(|&a| (a, posting)).collect();
        assert_eq!(sent, expected);
        assert!(runs::already_sent(db, &[], &[posting]).await.unwrap().is_empty());
        assert!(runs::already_sent(db, &batch, &[]).await.unwrap().is_empty());
    }

    async fn paused_switched_off_and_deleted_alerts_are_never_claimed(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let mut alerts = Vec::new();
        for email in ["a@example.de", "b@example.de", "c@example.de"] {
            let (a, _) = requested(db, email, now).await;
            alerts.push(mutations::confirm(db, a.id, now).await.unwrap());
        }
        mutations::pause(db, alerts[0].id, now).await.unwrap();
        assert_eq!(mutations::switch_off_address(db, "B@example.de", &Actor::user(1), now).await.unwrap(), 1);
        mutations::delete(db, alerts[2].id, AuditAction::Deleted, &Actor::public(), now).await.unwrap();
        let run = now + Duration::days(2);
        assert!(runs::claim_due(db, "w", 10, run + Duration::minutes(5), run).await.unwrap().is_empty());
        let resumed = mutations::resume(db, alerts[0].id, run).await.unwrap();
        assert_eq!(resumed.window_start, run, "postings of the pause are not sent afterwards");
        let err = mutations::pause(db, alerts[1].id, run).await.unwrap_err();
        assert!(matches!(err, DomainError::Refused(_)), "{err:?}");
        let totals = runs::totals(db, run).await.unwrap();
        assert_eq!((totals.confirmed, totals.switched_off), (1, 1));
    }

    async fn before_a_mail_the_sender_checks_its_lease_and_renews_it(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let mut alerts = Vec::new();
        for i in 0..4 {
            let (a, _) = requested(db, &format!("person{i}@example.de"), now).await;
            alerts.push(mutations::confirm(db, a.id, now).await.unwrap());
        }
        let run = at("2026-12-03T06:00:00Z");
        let lease = run + Duration::minutes(15);
        assert_eq!(runs::claim_due(db, "w", 10, lease, run).await.unwrap().len(), 4);
        let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
        for &id in &ids {
            assert!(runs::hold(db, id, "w", None).await.unwrap());
            assert!(!runs::hold(db, id, "other", None).await.unwrap(), "leased to w");
        }
        // Paused, switched off and deleted while the run holds them: no mail.
        mutations::pause(db, ids[0], run).await.unwrap();
        mutations::switch_off_address(db, "person1@example.de", &Actor::user(1), run).await.unwrap();
        mutations::delete(db, ids[2], AuditAction::Deleted, &Actor::public(), run).await.unwrap();
        for &id in &ids[..3] {
            assert!(!runs::hold(db, id, "w", None).await.unwrap());
            assert!(!runs::hold(db, id, "w", Some(lease + Duration::minutes(15))).await.unwrap());
        }
        // Renewed: another run after the first lease does not take it over.
        let renewed = lease + Duration::minutes(10);
        assert!(runs::hold(db, ids[3], "w", Some(renewed)).await.unwrap());
        assert!(runs::claim_due(db, "x", 10, renewed, lease).await.unwrap().is_empty());
        // Not renewed: the lease runs out, another run takes it over, the first one has lost it.
        let taken = runs::claim_due(db, "x", 10, renewed + Duration::minutes(15), renewed).await.unwrap();
        assert_eq!(taken.iter().map(|a| a.id).collect::<Vec<_>>(), [ids[3]]);
        assert!(!runs::hold(db, ids[3], "w", None).await.unwrap());
        assert!(!runs::hold(db, ids[3], "w", Some(renewed + Duration::minutes(30))).await.unwrap());
        assert!(runs::hold(db, ids[3], "x", None).await.unwrap());
    }

    async fn switching_off_deletes_pending_requests_and_the_purge_deletes_switched_off_alerts_after_30_days(t) {
        let db = &t.db;
        let now = at("2026-12-02T10:00:00Z");
        let (confirmed, _) = requested(db, "prallt@example.de", now).await;
        mutations::confirm(db, confirmed.id, now).await.unwrap();
        // A second alert of the address, not confirmed yet.
        let (pending, _) = requested(db, "prallt@example.de", now).await;
        let (other, _) = requested(db, "bleibt@example.de", now).await;
        mutations::confirm(db, other.id, now).await.unwrap();
        let n = mutations::switch_off_address(db, "Prallt@example.de", &Actor::user(1), now).await.unwrap();
        assert_eq!(n, 2);
        let rows: Vec<(i64, AlertStatus)> = search_alert::Entity::find().all(db).await.unwrap().into_iter().map(|a| (a.id, a.status)).collect();
        assert!(!rows.iter().any(|(id, _)| *id == pending.id), "the pending request is deleted: {rows:?}");
        assert!(rows.contains(&(confirmed.id, AlertStatus::Bounced)), "{rows:?}");
        let trail = whole_trail(db).await;
        assert!(!trail.contains("prallt"), "{trail}");

        let purged = mutations::purge(db, now + Duration::days(29)).await.unwrap();
        assert_eq!(purged, mutations::Purged::default(), "kept for 30 days");
        let purged = mutations::purge(db, now + Duration::days(30)).await.unwrap();
        assert_eq!((purged.switched_off, purged.total()), (1, 1));
        let left: Vec<String> = search_alert::Entity::find().all(db).await.unwrap().into_iter().map(|a| a.email).collect();
        assert_eq!(left, ["bleibt@example.de"]);
        let actions: Vec<_> = audit::history(db, AuditEntity::SearchAlert, confirmed.id).await.unwrap().iter().map(|e| e.action).collect();
        assert_eq!(actions.last(), Some(&AuditAction::Expired));
    }

    async fn a_keep_request_that_did_not_go_out_is_asked_again(t) {
        let db = &t.db;
        let start = at("2025-11-01T10:00:00Z");
        let (alert, _) = requested(db, EMAIL, start).await;
        mutations::confirm(db, alert.id, start).await.unwrap();
        let year_later = start + Duration::days(366);
        assert!(runs::mark_keep_requested(db, alert.id, year_later).await.unwrap());
        assert!(runs::due_for_keep_request(db, year_later, 10).await.unwrap().is_empty());
        runs::unmark_keep_requested(db, alert.id).await.unwrap();
        let due: Vec<i64> = runs::due_for_keep_request(db, year_later, 10).await.unwrap().iter().map(|a| a.id).collect();
        assert_eq!(due, [alert.id]);
        // Never asked, so never deleted for not answering.
        assert_eq!(mutations::purge(db, year_later + Duration::days(31)).await.unwrap().total(), 0);
    }

    async fn weekly_and_daily_periods_follow_the_berlin_morning_across_the_clock_changes(t) {
        let db = &t.db;
        // Wednesday 25 March 2026; clocks go forward on Sunday the 29th.
        let spring = at("2026-03-25T12:00:00Z");
        let (weekly, _) = requested(db, "woche@example.de", spring).await;
        mutations::update(db, weekly.id, weekly.version, &AlertDraft { frequency: Frequency::Weekly, ..alert_draft("x@example.de") }, spring).await.unwrap();
        let weekly = mutations::confirm(db, weekly.id, spring).await.unwrap();
        assert_eq!(weekly.next_due_at, Some(at("2026-03-30T05:00:00Z")), "Monday 07:00 CEST");
        let claimed = runs::claim_due(db, "w", 10, at("2026-03-30T05:15:00Z"), at("2026-03-30T05:00:00Z")).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert!(runs::complete(db, &claimed[0], "w", &[], at("2026-03-30T05:00:00Z")).await.unwrap());
        let after = search_alert::Entity::find_by_id(weekly.id).one(db).await.unwrap().unwrap();
        assert_eq!(after.next_due_at, Some(at("2026-04-06T05:00:00Z")));
        assert_eq!(after.last_sent_at, None, "nothing new: no mail");

        // Saturday 24 October 2026; clocks go back on Sunday the 25th.
        mutations::pause(db, weekly.id, spring).await.unwrap();
        let autumn = at("2026-10-24T10:00:00Z");
        let (daily, _) = requested(db, "tag@example.de", autumn).await;
        let daily = mutations::confirm(db, daily.id, autumn).await.unwrap();
        assert_eq!(daily.next_due_at, Some(at("2026-10-25T06:00:00Z")), "07:00 CET");
        // A run late by hours still mails once, and the next one is the next morning.
        let late = at("2026-10-25T14:00:00Z");
        let claimed = runs::claim_due(db, "w", 10, late + Duration::minutes(15), late).await.unwrap();
        assert_eq!(claimed.iter().map(|a| a.id).collect::<Vec<_>>(), [daily.id]);
        assert!(runs::complete(db, &claimed[0], "w", &[], late).await.unwrap());
        let after = search_alert::Entity::find_by_id(daily.id).one(db).await.unwrap().unwrap();
        assert_eq!(after.next_due_at, Some(at("2026-10-26T06:00:00Z")));
    }

    async fn unconfirmed_requests_go_after_seven_days_and_unkept_alerts_after_the_question(t) {
        let db = &t.db;
        let start = at("2025-11-01T10:00:00Z");
        let (old_pending, _) = requested(db, "alt@example.de", start).await;
        let (kept, _) = requested(db, "bleibt@example.de", start).await;
        let (silent, _) = requested(db, "still@example.de", start).await;
        mutations::confirm(db, kept.id, start).await.unwrap();
        mutations::confirm(db, silent.id, start).await.unwrap();
        let (fresh, _) = requested(db, "neu@example.de", start + Duration::days(400)).await;

        let year_later = start + Duration::days(366);
        let mut due: Vec<i64> = runs::due_for_keep_request(db, year_later, 10).await.unwrap().iter().map(|a| a.id).collect();
        due.sort_unstable();
        assert_eq!(due, [kept.id, silent.id]);
        assert!(runs::mark_keep_requested(db, kept.id, year_later).await.unwrap());
        assert!(!runs::mark_keep_requested(db, kept.id, year_later).await.unwrap(), "asked once");
        assert!(runs::mark_keep_requested(db, silent.id, year_later).await.unwrap());
        mutations::keep(db, kept.id, year_later + Duration::days(3)).await.unwrap();

        let purged = mutations::purge(db, year_later + Duration::days(31)).await.unwrap();
        assert_eq!((purged.unconfirmed, purged.not_kept), (1, 1));
        let mut left: Vec<i64> = search_alert::Entity::find().all(db).await.unwrap().iter().map(|a| a.id).collect();
        left.sort_unstable();
        assert_eq!(left, [kept.id, fresh.id]);
        assert!(!left.contains(&old_pending.id));
        assert_eq!(search_alert_sent::Entity::find().count(db).await.unwrap(), 0);
    }
}

/// A posting row for the sent-log to point at.
async fn seed_posting(db: &DatabaseConnection) -> i64 {
    let naunhof = municipality_id(db, "naunhof").await;
    let now = at("2026-12-02T08:00:00Z");
    jobboard_domain::postings::mutations::create_posting(
        db,
        naunhof,
        draft("A-1", day(2026, 12, 20)),
        &Actor::user(1),
        now,
    )
    .await
    .unwrap()
    .id
}
