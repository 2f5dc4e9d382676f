//! Calendar rules of the board: every date people enter is a day in Europe/Berlin.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

/// The first instant after the end of `day` in Berlin: a posting with this deadline is offline
/// from then on. Clock changes in Berlin happen at 02:00/03:00, so midnight always exists, but the
/// length of the day (23, 24 or 25 hours) is taken from the zone rules, not assumed.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
    start_of_day(next)
}

/// Midnight at the start of `day` in Berlin, in UTC.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    match Berlin.from_local_datetime(&midnight) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // A zone that skipped midnight would start the day at the end of the gap.
        LocalResult::None => Berlin
            .from_utc_datetime(&(midnight - chrono::Duration::hours(1)))
            .with_timezone(&Utc),
    }
}

/// A wall-clock time on `day` in Berlin as an instant. `None` for the hour skipped when clocks
/// go forward; in the hour that repeats when they go back, the earlier instant.
pub fn local_to_utc(day: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    match Berlin.from_local_datetime(&day.and_time(time)) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// Format a time of day in Berlin for people: "14:05".
pub fn format_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Berlin).format("%H:%M").to_string()
}

/// The calendar day in Berlin at instant `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Berlin).date_naive()
}

/// Whole days from today (Berlin) until the deadline day; 0 on the deadline day itself.
pub fn days_left(deadline: NaiveDate, now: DateTime<Utc>) -> i64 {
    (deadline - today(now)).num_days()
}

/// Format an instant for people: "21.11.2026, 14:05 Uhr".
pub fn format_datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&Berlin)
        .format("%d.%m.%Y, %H:%M Uhr")
        .to_string()
}

/// Format a day for people: "21.11.2026".
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn winter_day_ends_at_23_utc() {
        assert_eq!(
            end_of_day(d(2026, 1, 15)).to_rfc3339(),
            "2026-01-15T23:00:00+00:00"
        );
    }

    #[test]
    fn summer_day_ends_at_22_utc() {
        assert_eq!(
            end_of_day(d(2026, 7, 15)).to_rfc3339(),
            "2026-07-15T22:00:00+00:00"
        );
    }

    #[test]
    fn day_clocks_go_forward_is_23_hours_long() {
        // 29 March 2026: 02:00 CET becomes 03:00 CEST.
        let day = d(2026, 3, 29);
        assert_eq!(
            end_of_day(day) - start_of_day(day),
            chrono::Duration::hours(23)
        );
        assert_eq!(end_of_day(day).to_rfc3339(), "2026-03-29T22:00:00+00:00");
    }

    #[test]
    fn day_clocks_go_back_is_25_hours_long() {
        // 25 October 2026: 03:00 CEST becomes 02:00 CET.
        let day = d(2026, 10, 25);
        assert_eq!(
            end_of_day(day) - start_of_day(day),
            chrono::Duration::hours(25)
        );
        assert_eq!(end_of_day(day).to_rfc3339(), "2026-10-25T23:00:00+00:00");
    }

    #[test]
    fn today_follows_berlin_not_utc() {
        let late_utc = "2026-07-15T22:30:00Z"
            .parse::<DateTime<Utc>>()
            .expect("instant");
        assert_eq!(today(late_utc), d(2026, 7, 16));
        assert_eq!(days_left(d(2026, 7, 16), late_utc), 0);
    }
}
