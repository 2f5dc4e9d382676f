//! The needs survey (Bedarfsabfrage) and joint training planning.
//!
//! Every year the platform admin opens a round ([`rounds`]) asking about occupations and course
//! types from controlled lists that can grow (tables seeded by the migration, read by
//! [`catalog`]). Each member's officers save their answer ([`answers`]) — counts and yes/no
//! only, no personal data — as an audited record with optimistic locking ([`record`]) until
//! the deadline. Planning ([`planning`]) adds the answers up per region, and the rule in
//! [`proposals`] (a pure function) proposes shared apprenticeship places and joint courses,
//! which [`convert`] turns into a draft shared posting or a draft course with quotas.

pub mod answers;
pub mod catalog;
pub mod convert;
pub mod draft;
pub mod planning;
pub mod proposals;
pub mod record;
pub mod rounds;

use sea_orm::entity::prelude::*;

use crate::postings::types::vocabulary;

pub use crate::entities::survey_answer::Model as Answer;
pub use crate::entities::survey_round::Model as Round;
pub use catalog::Catalog;
pub use draft::{AnswerDraft, CourseAnswer, GroupAnswer, OccupationAnswer};

/// The largest count any answer may give (people, places, positions).
pub const COUNT_MAX: i32 = 1000;
/// Years ahead an answer gives starts for.
pub const START_YEARS: usize = 3;
/// Years ahead an answer gives leavers for.
pub const LEAVER_YEARS: usize = 5;

vocabulary! {
    /// How urgently a member needs a course.
    Priority {
        High = "high" => "hoch",
        Medium = "medium" => "mittel",
        Low = "low" => "niedrig",
    }
}

/// Half places as people read them: 3 → "1,5", 2 → "1".
pub fn format_halves(halves: i32) -> String {
    if halves % 2 == 0 {
        (halves / 2).to_string()
    } else {
        format!("{},5", halves / 2)
    }
}

/// "1,5", "1.5", "2" or "0,5" as half places; `None` for anything else (thirds, text).
pub fn parse_halves(raw: &str) -> Option<i32> {
    let raw = raw.trim().replace(',', ".");
    let (whole, frac) = raw.split_once('.').unwrap_or((raw.as_str(), ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: i32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let half = match frac.trim_end_matches('0') {
        "" => 0,
        "5" => 1,
        _ => return None,
    };
    if whole < 0 || raw.starts_with('-') {
        return Some(-(whole.abs() * 2 + half));
    }
    whole.checked_mul(2)?.checked_add(half)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_places_are_read_and_written_the_german_way() {
        assert_eq!(parse_halves("1,5"), Some(3));
        assert_eq!(parse_halves("0.5"), Some(1));
        assert_eq!(parse_halves(" 2 "), Some(4));
        assert_eq!(parse_halves("2,0"), Some(4));
        assert_eq!(parse_halves("-1"), Some(-2));
        assert_eq!(parse_halves("1,3"), None);
        assert_eq!(parse_halves("zwei"), None);
        assert_eq!(parse_halves(""), None);
        assert_eq!(format_halves(3), "1,5");
        assert_eq!(format_halves(4), "2");
        assert_eq!(format_halves(1), "0,5");
    }
}
