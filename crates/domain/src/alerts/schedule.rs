//! When an alert's mail is due: daily at [`SEND_TIME`] in Europe/Berlin, weekly on Mondays at
//! the same hour. The hour is a wall-clock time: it stays 07:00 across the clock changes (06:00
//! UTC in summer, 07:00 UTC in winter).

use chrono::{DateTime, Datelike, Days, NaiveTime, Utc, Weekday};

use super::Frequency;
use crate::berlin;

/// The morning hour mails go out, Berlin time.
pub const SEND_TIME: NaiveTime = match NaiveTime::from_hms_opt(7, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// The first send instant strictly after `after`.
pub fn next_due(frequency: Frequency, after: DateTime<Utc>) -> DateTime<Utc> {
    let mut day = berlin::today(after);
    for _ in 0..15 {
        let wanted = frequency == Frequency::Daily || day.weekday() == Weekday::Mon;
        if wanted
            && let Some(t) = berlin::local_to_utc(day, SEND_TIME)
            && t > after
        {
            return t;
        }
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
    }
    // Unreachable for a real calendar: some Monday morning lies within 15 days.
    after + chrono::Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("instant")
    }

    #[test]
    fn daily_mails_go_out_at_seven_in_berlin_in_winter_and_summer() {
        assert_eq!(
            next_due(Frequency::Daily, at("2026-01-15T05:00:00Z")),
            at("2026-01-15T06:00:00Z")
        );
        assert_eq!(
            next_due(Frequency::Daily, at("2026-01-15T06:00:00Z")),
            at("2026-01-16T06:00:00Z")
        );
        assert_eq!(
            next_due(Frequency::Daily, at("2026-07-15T04:59:00Z")),
            at("2026-07-15T05:00:00Z")
        );
    }

    #[test]
    fn the_hour_stays_seven_across_both_clock_changes() {
        // 29 March 2026: clocks go forward at 02:00; the 28th is still winter time.
        assert_eq!(
            next_due(Frequency::Daily, at("2026-03-28T06:30:00Z")),
            at("2026-03-29T05:00:00Z")
        );
        // 25 October 2026: clocks go back at 03:00; the 24th is still summer time.
        assert_eq!(
            next_due(Frequency::Daily, at("2026-10-24T05:30:00Z")),
            at("2026-10-25T06:00:00Z")
        );
    }

    #[test]
    fn weekly_mails_go_out_on_monday_morning() {
        // Wednesday 14 January 2026 → Monday 19 January, 07:00 CET.
        assert_eq!(
            next_due(Frequency::Weekly, at("2026-01-14T12:00:00Z")),
            at("2026-01-19T06:00:00Z")
        );
        // Right at Monday's send time: the next Monday.
        assert_eq!(
            next_due(Frequency::Weekly, at("2026-01-19T06:00:00Z")),
            at("2026-01-26T06:00:00Z")
        );
        // Across the spring change: Monday 30 March 2026 is summer time.
        assert_eq!(
            next_due(Frequency::Weekly, at("2026-03-25T12:00:00Z")),
            at("2026-03-30T05:00:00Z")
        );
    }
}
