use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

use super::*;

use PostingStatus::{Archived, Draft, Expired, Published, Scheduled};

fn at(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().expect("valid RFC 3339 instant")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Saturday morning, 21 November 2026, 10:00 in Berlin.
fn now() -> DateTime<Utc> {
    at("2026-11-21T09:00:00Z")
}

/// End of 15 December 2026 in Berlin (CET): 23:00 UTC.
fn expires_at() -> DateTime<Utc> {
    berlin::end_of_day(day(2026, 12, 15))
}

fn earlier_publication() -> DateTime<Utc> {
    at("2026-11-02T07:30:00Z")
}

fn state(status: PostingStatus, published_at: Option<DateTime<Utc>>) -> LifecycleState {
    LifecycleState {
        status,
        published_at,
        expires_at: expires_at(),
    }
}

/// A posting in `status` with the `published_at` it would typically carry.
fn typical(status: PostingStatus) -> LifecycleState {
    let published_at = match status {
        Draft => None,
        Scheduled => Some(now() + Duration::days(2)),
        Published | Expired | Archived => Some(earlier_publication()),
    };
    state(status, published_at)
}

/// 23:59:59 Berlin time on `d`, in UTC.
fn last_second_of(d: NaiveDate) -> DateTime<Utc> {
    Berlin
        .from_local_datetime(&d.and_hms_opt(23, 59, 59).expect("valid time"))
        .single()
        .expect("23:59:59 exists exactly once in Berlin")
        .with_timezone(&Utc)
}

fn not_allowed(transition: Transition, from: PostingStatus) -> LifecycleError {
    LifecycleError::NotAllowed { transition, from }
}

/// Every status of `PostingStatus::ALL` that is not in `allowed`.
fn disallowed(allowed: &[PostingStatus]) -> Vec<PostingStatus> {
    PostingStatus::ALL
        .iter()
        .copied()
        .filter(|s| !allowed.contains(s))
        .collect()
}

#[test]
fn the_fixture_deadline_ends_at_midnight_berlin() {
    assert_eq!(expires_at(), at("2026-12-15T23:00:00Z"));
    assert_eq!(PostingStatus::ALL.len(), 5);
}

// --- publish ---

#[test]
fn publishing_a_draft_puts_it_online_now() {
    let s = state(Draft, None);
    let next = publish(s, now()).expect("a draft can be published");
    assert_eq!(
        next,
        LifecycleState {
            status: Published,
            published_at: Some(now()),
            expires_at: expires_at()
        }
    );
}

#[test]
fn publishing_is_refused_from_every_other_status() {
    for status in disallowed(&[Draft]) {
        assert_eq!(
            publish(typical(status), now()),
            Err(not_allowed(Transition::Publish, status)),
            "publish from {status:?}"
        );
    }
}

#[test]
fn publishing_a_draft_whose_deadline_is_over_is_refused() {
    let s = state(Draft, None);
    assert_eq!(
        publish(s, expires_at()),
        Err(LifecycleError::DeadlinePassed)
    );
    assert_eq!(
        publish(s, expires_at() + Duration::days(30)),
        Err(LifecycleError::DeadlinePassed)
    );
    assert_eq!(
        publish(s, expires_at() - Duration::seconds(1)).map(|n| n.status),
        Ok(Published)
    );
}

#[test]
fn the_status_is_checked_before_the_deadline() {
    let published = state(Published, Some(earlier_publication()));
    let late = expires_at() + Duration::hours(1);
    assert_eq!(
        publish(published, late),
        Err(not_allowed(Transition::Publish, Published))
    );
    assert_eq!(
        republish(published, late),
        Err(not_allowed(Transition::Republish, Published))
    );
}

// --- schedule ---

#[test]
fn scheduling_a_draft_plans_the_publication() {
    let planned = at("2026-11-23T06:00:00Z");
    let next = schedule(state(Draft, None), planned, now()).expect("a draft can be scheduled");
    assert_eq!(
        next,
        LifecycleState {
            status: Scheduled,
            published_at: Some(planned),
            expires_at: expires_at()
        }
    );
}

#[test]
fn scheduling_is_refused_from_every_other_status() {
    let planned = now() + Duration::days(1);
    for status in disallowed(&[Draft]) {
        assert_eq!(
            schedule(typical(status), planned, now()),
            Err(not_allowed(Transition::Schedule, status)),
            "schedule from {status:?}"
        );
    }
}

#[test]
fn scheduling_for_now_or_the_past_is_refused() {
    let s = state(Draft, None);
    assert_eq!(
        schedule(s, now(), now()),
        Err(LifecycleError::ScheduleInPast)
    );
    assert_eq!(
        schedule(s, now() - Duration::seconds(1), now()),
        Err(LifecycleError::ScheduleInPast)
    );
    assert_eq!(
        schedule(s, now() + Duration::seconds(1), now()).map(|n| n.status),
        Ok(Scheduled)
    );
}

#[test]
fn scheduling_at_or_after_the_end_of_the_deadline_is_refused() {
    let s = state(Draft, None);
    let refused = Err(LifecycleError::ScheduleAfterDeadline {
        expires_at: expires_at(),
    });
    assert_eq!(schedule(s, expires_at(), now()), refused);
    assert_eq!(
        schedule(s, expires_at() + Duration::days(1), now()),
        refused
    );
    assert_eq!(
        schedule(s, expires_at() - Duration::seconds(1), now()).map(|n| n.published_at),
        Ok(Some(expires_at() - Duration::seconds(1)))
    );
}

#[test]
fn schedule_after_deadline_message_names_the_deadline_day() {
    let e = schedule(state(Draft, None), expires_at(), now()).expect_err("after the deadline");
    assert_eq!(
        e.to_string(),
        "Der geplante Zeitpunkt liegt nach dem Ende der Bewerbungsfrist am 15.12.2026."
    );
}

// --- publish_scheduled ---

#[test]
fn a_due_scheduled_posting_goes_online_keeping_the_planned_time() {
    let planned = at("2026-11-21T06:00:00Z");
    let s = state(Scheduled, Some(planned));
    for when in [planned, now()] {
        assert_eq!(
            publish_scheduled(s, when),
            Ok(LifecycleState {
                status: Published,
                published_at: Some(planned),
                expires_at: expires_at()
            }),
            "publish_scheduled at {when}"
        );
    }
}

#[test]
fn publishing_as_scheduled_is_refused_from_every_other_status() {
    for status in disallowed(&[Scheduled]) {
        // Even a past published_at does not make a non-scheduled posting due.
        let s = state(status, Some(earlier_publication()));
        assert_eq!(
            publish_scheduled(s, now()),
            Err(not_allowed(Transition::PublishScheduled, status)),
            "publish_scheduled from {status:?}"
        );
    }
}

#[test]
fn a_scheduled_posting_is_not_published_before_it_is_due() {
    let planned = now() + Duration::hours(2);
    let s = state(Scheduled, Some(planned));
    assert_eq!(publish_scheduled(s, now()), Err(LifecycleError::NotDue));
    assert_eq!(
        publish_scheduled(s, planned - Duration::seconds(1)),
        Err(LifecycleError::NotDue)
    );
}

#[test]
fn a_scheduled_posting_without_a_planned_time_is_never_due() {
    let s = state(Scheduled, None);
    assert_eq!(publish_scheduled(s, now()), Err(LifecycleError::NotDue));
}

#[test]
fn a_due_scheduled_posting_whose_deadline_is_over_is_refused() {
    let planned = expires_at() - Duration::hours(1);
    let s = state(Scheduled, Some(planned));
    assert_eq!(
        publish_scheduled(s, expires_at()),
        Err(LifecycleError::DeadlinePassed)
    );
    assert_eq!(
        publish_scheduled(s, expires_at() + Duration::days(1)),
        Err(LifecycleError::DeadlinePassed)
    );
    assert_eq!(
        publish_scheduled(s, expires_at() - Duration::seconds(1)).map(|n| n.status),
        Ok(Published)
    );
}

// --- unpublish ---

#[test]
fn unpublishing_a_published_posting_takes_it_back_to_draft() {
    let s = state(Published, Some(earlier_publication()));
    assert_eq!(
        unpublish(s),
        Ok(LifecycleState {
            status: Draft,
            published_at: None,
            expires_at: expires_at()
        })
    );
}

#[test]
fn unpublishing_a_scheduled_posting_cancels_the_plan() {
    let s = state(Scheduled, Some(now() + Duration::days(2)));
    assert_eq!(
        unpublish(s),
        Ok(LifecycleState {
            status: Draft,
            published_at: None,
            expires_at: expires_at()
        })
    );
}

#[test]
fn unpublishing_is_refused_from_every_other_status() {
    for status in disallowed(&[Published, Scheduled]) {
        assert_eq!(
            unpublish(typical(status)),
            Err(not_allowed(Transition::Unpublish, status)),
            "unpublish from {status:?}"
        );
    }
}

// --- archive ---

#[test]
fn archiving_keeps_the_original_publication_date() {
    for status in [Published, Expired] {
        let s = state(status, Some(earlier_publication()));
        assert_eq!(
            archive(s),
            Ok(LifecycleState {
                status: Archived,
                published_at: Some(earlier_publication()),
                expires_at: expires_at()
            }),
            "archive from {status:?}"
        );
    }
}

#[test]
fn archiving_a_draft_leaves_it_unpublished() {
    assert_eq!(
        archive(state(Draft, None)),
        Ok(LifecycleState {
            status: Archived,
            published_at: None,
            expires_at: expires_at()
        })
    );
}

#[test]
fn archiving_a_scheduled_posting_clears_the_planned_time() {
    let s = state(Scheduled, Some(now() + Duration::days(2)));
    assert_eq!(
        archive(s),
        Ok(LifecycleState {
            status: Archived,
            published_at: None,
            expires_at: expires_at()
        })
    );
}

#[test]
fn archiving_is_refused_from_every_other_status() {
    let others = disallowed(&[Draft, Scheduled, Published, Expired]);
    assert_eq!(others, vec![Archived]);
    for status in others {
        assert_eq!(
            archive(typical(status)),
            Err(not_allowed(Transition::Archive, status)),
            "archive from {status:?}"
        );
    }
}

// --- republish ---

#[test]
fn republishing_puts_an_expired_or_archived_posting_online_with_a_new_date() {
    let later = now() + Duration::days(3);
    for status in [Expired, Archived] {
        let s = state(status, Some(earlier_publication()));
        let next = republish(s, later).expect("can be republished");
        assert_eq!(
            next,
            LifecycleState {
                status: Published,
                published_at: Some(later),
                expires_at: expires_at()
            },
            "republish from {status:?}"
        );
        assert_ne!(next.published_at, s.published_at);
    }
}

#[test]
fn republishing_an_archived_draft_that_never_was_online_is_allowed() {
    let s = state(Archived, None);
    assert_eq!(republish(s, now()).map(|n| n.published_at), Ok(Some(now())));
}

#[test]
fn republishing_is_refused_from_every_other_status() {
    for status in disallowed(&[Expired, Archived]) {
        assert_eq!(
            republish(typical(status), now()),
            Err(not_allowed(Transition::Republish, status)),
            "republish from {status:?}"
        );
    }
}

#[test]
fn republishing_with_the_deadline_over_is_refused() {
    for status in [Expired, Archived] {
        let s = state(status, Some(earlier_publication()));
        assert_eq!(
            republish(s, expires_at()),
            Err(LifecycleError::DeadlinePassed)
        );
        assert_eq!(
            republish(s, expires_at() + Duration::weeks(8)),
            Err(LifecycleError::DeadlinePassed)
        );
    }
}

#[test]
fn deadline_passed_message_tells_what_to_do() {
    let e = republish(state(Expired, Some(earlier_publication())), expires_at())
        .expect_err("deadline over");
    assert!(e.to_string().contains("neue Frist"), "{e}");
}

// --- expire ---

#[test]
fn expiring_a_published_posting_at_the_end_of_its_deadline() {
    let s = state(Published, Some(earlier_publication()));
    for when in [expires_at(), expires_at() + Duration::days(1)] {
        assert_eq!(
            expire(s, when),
            Ok(LifecycleState {
                status: Expired,
                published_at: Some(earlier_publication()),
                expires_at: expires_at()
            }),
            "expire at {when}"
        );
    }
}

#[test]
fn expiring_a_scheduled_posting_whose_deadline_is_over() {
    let s = state(Scheduled, Some(expires_at() - Duration::hours(3)));
    assert_eq!(expire(s, expires_at()).map(|n| n.status), Ok(Expired));
}

#[test]
fn expiring_a_scheduled_posting_clears_the_planned_time() {
    let s = state(Scheduled, Some(expires_at() - Duration::hours(3)));
    assert_eq!(
        expire(s, expires_at()),
        Ok(LifecycleState {
            status: Expired,
            published_at: None,
            expires_at: expires_at()
        })
    );
}

#[test]
fn expiring_before_the_deadline_is_over_is_refused() {
    for status in [Published, Scheduled] {
        let s = typical(status);
        assert_eq!(
            expire(s, now()),
            Err(LifecycleError::NotDue),
            "expire {status:?} now"
        );
        assert_eq!(
            expire(s, expires_at() - Duration::seconds(1)),
            Err(LifecycleError::NotDue),
            "expire {status:?} one second early"
        );
        assert_eq!(expire(s, expires_at()).map(|n| n.status), Ok(Expired));
    }
}

#[test]
fn expiring_is_refused_from_every_other_status() {
    let late = expires_at() + Duration::days(1);
    for status in disallowed(&[Published, Scheduled]) {
        assert_eq!(
            expire(typical(status), late),
            Err(not_allowed(Transition::Expire, status)),
            "expire from {status:?}"
        );
    }
}

// --- refusal messages ---

#[test]
fn not_allowed_message_names_the_action_and_status_in_german() {
    let e = archive(typical(Archived)).expect_err("already archived");
    assert_eq!(
        e.to_string(),
        "„Archivieren“ ist bei einer Anzeige im Status „archiviert“ nicht möglich."
    );
}

// --- the deadline day across clock changes ---

/// Every check that depends on the deadline, at the last second of the deadline day and one
/// second later.
fn assert_deadline_ends_exactly(deadline: NaiveDate, last_second_utc: &str, end_utc: &str) {
    let end = berlin::end_of_day(deadline);
    let last = last_second_of(deadline);
    assert_eq!(last, at(last_second_utc), "23:59:59 Berlin on {deadline}");
    assert_eq!(end, at(end_utc), "end of {deadline}");
    assert_eq!(end - last, Duration::seconds(1));

    let with = |status, published_at| LifecycleState {
        status,
        published_at,
        expires_at: end,
    };
    let long_ago = end - Duration::days(10);

    // Publish.
    assert_eq!(
        publish(with(Draft, None), last).map(|n| n.published_at),
        Ok(Some(last))
    );
    assert_eq!(
        publish(with(Draft, None), end),
        Err(LifecycleError::DeadlinePassed)
    );

    // Republish.
    for status in [Expired, Archived] {
        assert_eq!(
            republish(with(status, Some(long_ago)), last).map(|n| n.status),
            Ok(Published)
        );
        assert_eq!(
            republish(with(status, Some(long_ago)), end),
            Err(LifecycleError::DeadlinePassed)
        );
    }

    // A scheduled posting becoming due.
    let scheduled = with(Scheduled, Some(long_ago));
    assert_eq!(
        publish_scheduled(scheduled, last).map(|n| n.status),
        Ok(Published)
    );
    assert_eq!(
        publish_scheduled(scheduled, end),
        Err(LifecycleError::DeadlinePassed)
    );

    // Scheduling for the last second is fine, for the first second of the next day not.
    let draft = with(Draft, None);
    assert_eq!(
        schedule(draft, last, long_ago).map(|n| n.status),
        Ok(Scheduled)
    );
    assert_eq!(
        schedule(draft, end, long_ago),
        Err(LifecycleError::ScheduleAfterDeadline { expires_at: end })
    );

    // Expiry happens exactly then.
    let published = with(Published, Some(long_ago));
    assert_eq!(expire(published, last), Err(LifecycleError::NotDue));
    assert_eq!(expire(published, end).map(|n| n.status), Ok(Expired));
}

#[test]
fn posting_is_publishable_until_the_last_second_of_a_23_hour_deadline_day() {
    // 29 March 2026: clocks go forward, so the day ends at 22:00 UTC (CEST).
    assert_deadline_ends_exactly(
        day(2026, 3, 29),
        "2026-03-29T21:59:59Z",
        "2026-03-29T22:00:00Z",
    );
}

#[test]
fn posting_is_publishable_until_the_last_second_of_a_25_hour_deadline_day() {
    // 25 October 2026: clocks go back, so the day ends at 23:00 UTC (CET).
    assert_deadline_ends_exactly(
        day(2026, 10, 25),
        "2026-10-25T22:59:59Z",
        "2026-10-25T23:00:00Z",
    );
}

#[test]
fn posting_is_publishable_until_the_last_second_of_the_day_before_a_clock_change() {
    // The day before each change is an ordinary day, in winter and in summer time.
    assert_deadline_ends_exactly(
        day(2026, 3, 28),
        "2026-03-28T22:59:59Z",
        "2026-03-28T23:00:00Z",
    );
    assert_deadline_ends_exactly(
        day(2026, 10, 24),
        "2026-10-24T21:59:59Z",
        "2026-10-24T22:00:00Z",
    );
}

#[test]
fn a_late_evening_in_berlin_after_the_clocks_went_back_is_still_the_deadline_day() {
    // 23:30 CET on 25 October is 22:30 UTC; a naive "UTC+2" assumption would call it the next day.
    let deadline = day(2026, 10, 25);
    let s = LifecycleState {
        status: Draft,
        published_at: None,
        expires_at: berlin::end_of_day(deadline),
    };
    let late_evening = at("2026-10-25T22:30:00Z");
    assert_eq!(berlin::today(late_evening), deadline);
    assert_eq!(publish(s, late_evening).map(|n| n.status), Ok(Published));
}
