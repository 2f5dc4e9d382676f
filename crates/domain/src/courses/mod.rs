//! Shared training courses (Lehrgänge): a municipality offers a course, optionally with partner
//! municipalities; officers of any member register their staff; seats are confirmed in the
//! order people join, the rest wait, and a cancellation promotes the first person waiting.
//!
//! Capacity holds under concurrency because every change to a course's registrations runs in a
//! write transaction that first locks the course row (`SELECT … FOR UPDATE` on PostgreSQL,
//! `BEGIN IMMEDIATE` on SQLite), so they are serialised per course.

pub mod demo;
pub mod draft;
pub mod mutations;
pub mod queries;
pub mod record;
pub mod registrations;
pub mod types;

use chrono::{DateTime, Utc};

pub use crate::entities::course::Model as Course;
pub use crate::entities::course_registration::Model as Registration;
pub use crate::entities::course_session::Model as Session;
pub use draft::{CourseDraft, QuotaDraft, SessionDraft, validate};
pub use types::{CourseCategory, CourseStatus, RegistrationStatus};

/// An e-mail to send once the change that caused it has been committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub body: String,
}

/// The status people see: an open course shows as full when every seat is taken and as closed
/// once the registration deadline has passed.
pub fn effective_status(course: &Course, confirmed: u64, now: DateTime<Utc>) -> CourseStatus {
    match course.status {
        CourseStatus::Open if now >= course.registration_closes_at => CourseStatus::Closed,
        CourseStatus::Open if confirmed >= u64::try_from(course.seats).unwrap_or(0) => {
            CourseStatus::Full
        }
        other => other,
    }
}

/// "kostenfrei" or "45,50 € je Person".
pub fn format_cost(cents: i32) -> String {
    if cents == 0 {
        "kostenfrei".to_owned()
    } else if cents % 100 == 0 {
        format!("{} € je Person", cents / 100)
    } else {
        format!("{},{:02} € je Person", cents / 100, cents % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_written_the_german_way() {
        assert_eq!(format_cost(0), "kostenfrei");
        assert_eq!(format_cost(4500), "45 € je Person");
        assert_eq!(format_cost(4550), "45,50 € je Person");
        assert_eq!(format_cost(5), "0,05 € je Person");
    }
}
