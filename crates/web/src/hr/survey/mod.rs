//! The needs survey in the workspace: the admin opens rounds ([`rounds`]), officers answer for
//! their own municipality ([`answer`]), and the planning page ([`planning`]) shows the
//! regional picture with tables, SVG charts (`hr::chart`), CSV and the proposals.

pub mod answer;
pub mod planning;
pub mod rounds;

use chrono::{DateTime, Utc};
use jobboard_domain::berlin;
use jobboard_domain::survey::{Round, rounds as domain_rounds};

/// A round as lists show it.
pub struct RoundRow {
    pub id: i64,
    pub year: i32,
    pub deadline: String,
    pub open: bool,
    pub status: &'static str,
}

impl RoundRow {
    pub fn of(r: &Round, now: DateTime<Utc>) -> Self {
        let open = domain_rounds::is_open(r, now);
        Self {
            id: r.id,
            year: r.year,
            deadline: berlin::format_date(r.deadline),
            open,
            status: if open { "offen" } else { "abgeschlossen" },
        }
    }
}
