//! Working together (issue 17): member municipalities share staff through agreements
//! (Vereinbarungen), ask each other for cover (Vertretungsanfragen) and answer with offers.
//!
//! - An **agreement** binds two or more members for some task areas and a period. It is in
//!   force only while every party has confirmed its current wording ([`agreements`]); saving a
//!   new wording asks the others again, and any party can end it on a date.
//! - A **cover request** is seen only by officers of members that share an agreement in force
//!   with the requester for its task area over its whole period ([`visibility`]); nobody else
//!   learns that it exists.
//! - A partner's **offer** names the agreement it is made under; accepted offers are the
//!   confirmed cover that the calendars and the hours ledger ([`ledger`]) show.
//!
//! Every record here goes through the audited-change pipeline ([`crate::record`]).

pub mod agreement_draft;
pub mod agreements;
pub mod documents;
pub mod feed_tokens;
pub mod ledger;
pub mod notices;
pub mod offers;
pub mod request_draft;
pub mod requests;
pub mod types;
pub mod visibility;

pub use crate::entities::agreement::Model as Agreement;
pub use crate::entities::agreement_party::Model as Party;
pub use crate::entities::cover_offer::Model as Offer;
pub use crate::entities::cover_request::Model as CoverRequest;
pub use crate::entities::feed_token::Model as FeedToken;
pub use agreement_draft::AgreementDraft;
pub use request_draft::{CoverRequestDraft, OfferDraft};
pub use types::{
    CoverReason, CoverStatus, DayPart, FeedPurpose, LegalForm, OfferStatus, Requirement, TaskArea,
    Urgency,
};

use chrono::{Datelike, NaiveDate, Weekday};

/// The working days (Monday to Friday) from `from` to `until`, both included.
pub fn working_days(from: NaiveDate, until: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days()
        .take_while(move |d| *d <= until)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
}

/// "7,5 Std." from minutes.
pub fn format_hours(minutes: i64) -> String {
    let hours = minutes / 60;
    match minutes % 60 {
        0 => format!("{hours} Std."),
        m => {
            let hundredths = m * 100 / 60;
            let frac = format!("{hundredths:02}");
            format!("{hours},{} Std.", frac.trim_end_matches('0'))
        }
    }
}

/// "45,50 €" from cents.
pub fn format_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.abs();
    format!("{sign}{},{:02} €", c / 100, c % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_leave_out_weekends() {
        let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap_or_default();
        // Fri 5 March to Tue 9 March 2027.
        let days: Vec<_> = working_days(d(3, 5), d(3, 9)).collect();
        assert_eq!(days, [d(3, 5), d(3, 8), d(3, 9)]);
        assert_eq!(working_days(d(3, 9), d(3, 5)).count(), 0);
    }

    #[test]
    fn hours_and_euros_are_written_the_german_way() {
        assert_eq!(format_hours(480), "8 Std.");
        assert_eq!(format_hours(450), "7,5 Std.");
        assert_eq!(format_hours(465), "7,75 Std.");
        assert_eq!(format_euros(123_450), "1234,50 €");
        assert_eq!(format_euros(5), "0,05 €");
    }
}
